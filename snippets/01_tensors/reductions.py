"""Lesson 1: numpy's axis and torch's dim in reductions; max with values and indices."""
import numpy as np
import torch

# --8<-- [start:axis_vs_dim]
a = np.array([[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]])
t = torch.tensor([[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]])
print(a.sum(axis=0), a.mean(axis=1))
print(t.sum(dim=0), t.mean(dim=1))
print(t.sum(axis=0))  # torch accepts axis= as an alias for dim=
print(t.sum())  # no dim: reduce everything to one number
# --8<-- [end:axis_vs_dim]

# --8<-- [start:max]
print(a.max(axis=1), a.argmax(axis=1))  # numpy: two calls
result = t.max(dim=1)  # torch: values and indices at once
print(result)
values, indices = t.max(dim=1)
print("values: ", values)
print("indices:", indices)
print(t.max())  # no dim: just the largest value
# --8<-- [end:max]

# --8<-- [start:keepdim]
print(t.sum(dim=1).shape)
print(t.sum(dim=1, keepdim=True).shape)
print(t / t.sum(dim=1, keepdim=True))  # each row divided by its own sum
# --8<-- [end:keepdim]

# This cell fails on purpose, so it is the file's last one.
# --8<-- [start:int_mean] raises=RuntimeError
torch.tensor([1, 2, 3]).mean()
# --8<-- [end:int_mean]
