"""Lesson 2: a leaf that requires grad refuses in-place changes."""
import torch

# This cell fails on purpose, so it is the file's last one.
# --8<-- [start:inplace_leaf] raises=RuntimeError
w = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
w.add_(1)
# --8<-- [end:inplace_leaf]
