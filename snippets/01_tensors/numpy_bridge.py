"""Lesson 1: tensors and ndarrays, and the memory they can share."""
import numpy as np
import torch

# --8<-- [start:ndarray_vs_tensor]
a = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
t = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
print(type(a).__name__, a.shape, a.ndim, a.dtype)
print(type(t).__name__, t.shape, t.dim(), t.dtype)
# --8<-- [end:ndarray_vs_tensor]

# --8<-- [start:from_numpy]
a = np.array([1.0, 2.0, 3.0])
shared = torch.from_numpy(a)  # shares a's memory
copied = torch.tensor(a)  # copies the data
a[0] = 100.0
print("shared:", shared)
print("copied:", copied)
# --8<-- [end:from_numpy]

# --8<-- [start:to_numpy]
t = torch.ones(3)
n = t.numpy()  # shares t's memory too
t.add_(1)  # change the tensor in place...
print("tensor:", t)
print("array: ", n)  # ...and the array sees it
print("shares memory:", np.shares_memory(n, t.numpy()))
# --8<-- [end:to_numpy]

# --8<-- [start:float64]
print(torch.from_numpy(np.array([1.5, 2.5])).dtype)  # numpy's default float is 64-bit
print(torch.tensor([1.5, 2.5]).dtype)  # torch's default float is 32-bit
print(torch.from_numpy(np.array([1.5, 2.5])).float().dtype)
# --8<-- [end:float64]
