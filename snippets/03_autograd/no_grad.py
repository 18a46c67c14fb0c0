"""Lesson 3: turning autograd off with no_grad and inference_mode."""
import torch

# --8<-- [start:no_grad]
w = torch.tensor([1.0, 2.0], requires_grad=True)
print((w * 2).requires_grad)
with torch.no_grad():
    z = w * 2
print(z.requires_grad, z.grad_fn)
# --8<-- [end:no_grad]

# --8<-- [start:inference_mode]
with torch.inference_mode():
    z = w * 2
print(z.requires_grad, z.is_inference())


@torch.inference_mode()  # also works as a decorator
def predict(x):
    return x * w


print(predict(torch.tensor([3.0, 4.0])))
# --8<-- [end:inference_mode]
