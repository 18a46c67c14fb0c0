"""Lesson 3: leaf and non-leaf tensors, and whose .grad gets filled."""
import torch

# --8<-- [start:leaf]
w = torch.tensor([1.0, 2.0], requires_grad=True)  # made by you: a leaf
h = w * 3  # made by an operation: not a leaf
loss = h.sum()
print("w.is_leaf:", w.is_leaf, " h.is_leaf:", h.is_leaf)
loss.backward()
print("w.grad:", w.grad)
# --8<-- [end:leaf]

# --8<-- [start:non_leaf_grad]
print("h.grad:", h.grad)
# --8<-- [end:non_leaf_grad]

# --8<-- [start:retain_grad]
w.grad = None
h = w * 3
h.retain_grad()  # ask autograd to keep this one's gradient too
h.sum().backward()
print("h.grad:", h.grad)
print("w.grad:", w.grad)
# --8<-- [end:retain_grad]
