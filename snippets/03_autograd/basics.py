"""Lesson 3: requires_grad, grad_fn and backward."""
import torch

# --8<-- [start:requires_grad]
x = torch.tensor(2.0, requires_grad=True)
y = x**2 + 3 * x  # y = x² + 3x
print(x)
print(y)
print("x.grad_fn:", x.grad_fn)
print("y.grad_fn:", y.grad_fn.name())
# --8<-- [end:requires_grad]

# --8<-- [start:graph]
def walk(fn, depth=0):
    """Print the backward graph from fn down to the leaves."""
    print("  " * depth + fn.name())
    for child, _ in fn.next_functions:
        if child is not None:
            walk(child, depth + 1)


walk(y.grad_fn)
# --8<-- [end:graph]

# --8<-- [start:backward]
y.backward()  # dy/dx = 2x + 3
print("x.grad:", x.grad)
# --8<-- [end:backward]
