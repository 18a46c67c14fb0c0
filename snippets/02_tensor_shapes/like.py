"""Lesson 2: *_like factories copy shape, dtype and device."""
import torch

# --8<-- [start:like]
x = torch.tensor([[1.5, 2.5, 3.5], [4.5, 5.5, 6.5]], dtype=torch.float64)
print(torch.zeros_like(x))
print(torch.ones_like(x))
print(torch.full_like(x, 7))
print(torch.rand_like(x).shape, torch.rand_like(x).dtype)
# --8<-- [end:like]

# --8<-- [start:like_vs_shape]
print(torch.zeros(x.shape).dtype)  # only the shape was copied
print(torch.zeros_like(x).dtype)  # shape, dtype and device
print(torch.zeros_like(x, dtype=torch.int32).dtype)  # override what you need
# --8<-- [end:like_vs_shape]
