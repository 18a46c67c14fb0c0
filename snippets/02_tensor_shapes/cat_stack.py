"""Lesson 2: cat joins along an existing dimension, stack adds a new one."""
import torch

# --8<-- [start:cat]
a = torch.zeros(2, 3)
b = torch.ones(2, 3)
print(torch.cat([a, b], dim=0).shape)
print(torch.cat([a, b], dim=1).shape)
print(torch.cat([a, b], dim=1))
# --8<-- [end:cat]

# --8<-- [start:stack]
print(torch.stack([a, b], dim=0).shape)
print(torch.stack([a, b], dim=1).shape)
print(torch.stack([a, b], dim=2).shape)
same = torch.cat([a.unsqueeze(0), b.unsqueeze(0)], dim=0)
print(torch.equal(torch.stack([a, b]), same))  # stack = unsqueeze each, then cat
# --8<-- [end:stack]

# --8<-- [start:cat_sizes]
c = torch.ones(2, 4)
print(torch.cat([a, c], dim=1).shape)  # only the joined dimension may differ
# --8<-- [end:cat_sizes]

# This cell fails on purpose, so it is the file's last one.
# --8<-- [start:stack_sizes] raises=RuntimeError
torch.stack([a, c])
# --8<-- [end:stack_sizes]
