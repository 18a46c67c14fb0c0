"""Lesson 3: the original series' bug, torch.manual_seed = 1120, in a file of its own.

Assigning replaces the function with an int for the whole process (or notebook
kernel); the last cell puts the real function back.
"""
import torch

# --8<-- [start:seed_trap]
torch.manual_seed = 1120  # looks like seeding, but only rebinds a name
print(type(torch.manual_seed))
a = torch.rand(3)
torch.manual_seed = 1120  # "seed again"
b = torch.rand(3)
print(a)
print(b)
print("same numbers:", torch.equal(a, b))
# --8<-- [end:seed_trap]

# This cell fails on purpose: a plain `python seed_trap.py` stops here.
# --8<-- [start:seed_call] raises=TypeError
torch.manual_seed(1120)  # the function is gone
# --8<-- [end:seed_call]

# --8<-- [start:seed_fix]
torch.manual_seed = torch.random.manual_seed  # the same function lives on in torch.random
torch.manual_seed(1120)
a = torch.rand(3)
torch.manual_seed(1120)
print("same numbers:", torch.equal(a, torch.rand(3)))
# --8<-- [end:seed_fix]
