"""Lesson 4: losses take (input, target), and the order matters."""
import torch
import torch.nn.functional as F

# --8<-- [start:mse_order]
prediction = torch.tensor([2.5, 0.0, 2.0])
target = torch.tensor([3.0, -0.5, 2.0])
print(F.mse_loss(prediction, target))
print(F.mse_loss(target, prediction))  # squared difference: same number either way
# --8<-- [end:mse_order]

# --8<-- [start:bce_order]
p = torch.tensor([0.9, 0.2, 0.6])  # predicted probabilities
labels = torch.tensor([1.0, 0.0, 1.0])  # true labels
print(F.binary_cross_entropy(p, labels))  # right: (input, target)
print(F.binary_cross_entropy(labels, p))  # swapped: log(0) is clamped to -100
# --8<-- [end:bce_order]

# --8<-- [start:shape_warning]
prediction = torch.tensor([[1.0], [2.0], [3.0], [4.0]])  # nn.Linear(..., 1) gives shape (4, 1)
target = torch.tensor([1.0, 2.0, 3.0, 4.0])  # shape (4,): every prediction is exactly right
print(F.mse_loss(prediction, target))  # broadcast to (4, 4): every prediction vs every target
print(F.mse_loss(prediction, target.unsqueeze(1)))  # shapes agree: the loss we meant
# --8<-- [end:shape_warning]
