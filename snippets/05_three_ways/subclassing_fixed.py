"""Lesson 5, way 3 fixed: unique layer names and any input size."""
import torch
import torch.nn as nn


# --8<-- [start:fixed_cnn]
class CNN(nn.Module):
    def __init__(self, in_channels: int, num_classes: int):
        super().__init__()
        self.features = nn.Sequential()
        for idx, (c_in, c_out) in enumerate([(in_channels, 32), (32, 64)], start=1):
            self.features.add_module(f"conv_{idx}", nn.Conv2d(c_in, c_out, 3, padding=1))
            self.features.add_module(f"relu_{idx}", nn.ReLU())
            self.features.add_module(f"maxpool_{idx}", nn.MaxPool2d(2))
        self.pool = nn.AdaptiveAvgPool2d((7, 7))  # any input size -> 64 x 7 x 7
        self.fc = nn.Linear(64 * 7 * 7, num_classes)

    def forward(self, x):
        x = self.pool(self.features(x))
        x = torch.flatten(x, 1)  # also works for channels_last tensors
        return self.fc(x)  # logits: pair with nn.CrossEntropyLoss


model = CNN(3, 10)
print(model)
print("parameters:", sum(p.numel() for p in model.parameters()))
# --8<-- [end:fixed_cnn]

# --8<-- [start:fixed_cnn_diagram]
from flowchart import module_flowchart

print(module_flowchart(model))
# --8<-- [end:fixed_cnn_diagram]

# --8<-- [start:both_sizes]
for size in (28, 32, 64):
    logits = model(torch.randn(2, 3, size, size))
    print(f"{size}x{size} ->", tuple(logits.shape))
# --8<-- [end:both_sizes]
