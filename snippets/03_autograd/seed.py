"""Lesson 3: torch.manual_seed(...) makes random numbers repeat."""
import torch

# --8<-- [start:seed]
torch.manual_seed(1120)
a = torch.rand(3)
torch.manual_seed(1120)  # same seed again...
b = torch.rand(3)
print(a)
print(b)
print("same numbers:", torch.equal(a, b))  # ...same numbers again
# --8<-- [end:seed]
