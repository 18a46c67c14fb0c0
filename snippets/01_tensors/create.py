"""Lesson 1: creating tensors, dtype, device, shape and dim()."""
import torch

# --8<-- [start:from_data]
x = torch.tensor([[1, 2, 3], [4, 5, 6]])
print(x)
print("shape:", x.shape)
print("size():", x.size())
print("dim():", x.dim())
print("dtype:", x.dtype)
print("device:", x.device)
# --8<-- [end:from_data]

# --8<-- [start:factories]
print(torch.zeros(2, 3))
print(torch.ones(2, 3))
print(torch.arange(6))
print(torch.linspace(0, 1, 5))
print(torch.full((2, 2), 7.0))
print(torch.rand(2, 3))  # uniform in [0, 1); different values on every run without a seed
# --8<-- [end:factories]

# --8<-- [start:dtype]
ints = torch.tensor([1, 2, 3])
floats = torch.tensor([1.0, 2.0, 3.0])
print(ints.dtype, floats.dtype)
print(ints / 2)  # true division always gives floats
print(ints // 2)  # floor division keeps integers
half = floats.to(torch.float16)
print(half, half.dtype)
print(ints.float().dtype, floats.long().dtype)
# --8<-- [end:dtype]

# --8<-- [start:device]
device = "cuda" if torch.cuda.is_available() else "cpu"
y = x.to(device)
print("x is on", x.device, "and y is on", y.device)
print(y is x)  # .to() returns the same tensor when nothing has to change
# --8<-- [end:device]
