"""Lesson 3: gradients add up until you reset them."""
import torch

# --8<-- [start:accumulate]
w = torch.tensor(1.0, requires_grad=True)
for step in range(3):
    loss = 2 * w  # d(loss)/dw = 2, every time
    loss.backward()
    print(f"after backward #{step + 1}: w.grad = {w.grad}")
# --8<-- [end:accumulate]

# --8<-- [start:zero_grad]
w.grad.zero_()  # reset by hand...
print("after zero_():", w.grad)
optimizer = torch.optim.SGD([w], lr=0.1)
(2 * w).backward()
optimizer.zero_grad()  # ...or let the optimizer do it (sets .grad to None)
print("after optimizer.zero_grad():", w.grad)
# --8<-- [end:zero_grad]
