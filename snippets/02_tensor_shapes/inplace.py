"""Lesson 2: in-place operations end in an underscore."""
import torch

# --8<-- [start:inplace]
x = torch.ones(3)
y = x.add(1)  # a new tensor; x is unchanged
print(x, y)
z = x.add_(1)  # changes x itself and returns it
print(x, z is x)
x.mul_(10)
print(x)
x += 1  # augmented assignment is in place too
print(x)
# --8<-- [end:inplace]

# This cell fails on purpose, so it is the file's last one.
# --8<-- [start:inplace_autograd] raises=RuntimeError
w = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
s = w.sigmoid()  # backward needs sigmoid's output later
s.mul_(2)  # ...but this overwrites it
s.sum().backward()
# --8<-- [end:inplace_autograd]
