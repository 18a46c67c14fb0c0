"""Lesson 1: broadcasting, and the error when shapes do not fit."""
import torch

# --8<-- [start:broadcast]
m = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])  # shape (2, 3)
row = torch.tensor([10.0, 20.0, 30.0])  # shape (3,)
print(m + row)  # row is added to every row of m
print(m * 2)  # a number broadcasts to every element
col = torch.tensor([[1.0], [2.0]])  # shape (2, 1)
print(col + row)  # (2, 1) and (3,) -> (2, 3)
print((col + row).shape)
# --8<-- [end:broadcast]

# This cell fails on purpose, so it is the file's last one.
# --8<-- [start:mismatch] raises=RuntimeError
bad = torch.tensor([1.0, 2.0])  # shape (2,)
m + bad
# --8<-- [end:mismatch]
