"""Lesson 8: the model and the data loader the other snippets import.

The class lives in a module (not in the snippet itself) because a whole
pickled model can only be loaded where its class can be imported by name.
"""
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset


# --8<-- [start:model]
class DigitsMLP(nn.Module):
    def __init__(self, hidden: int = 64):
        super().__init__()
        self.net = nn.Sequential(
            nn.Flatten(),  # (N, 1, 8, 8) -> (N, 64)
            nn.Linear(64, hidden),
            nn.ReLU(),
            nn.Linear(hidden, 10),
        )

    def forward(self, x):
        return self.net(x)


def digits_loader(seed: int = 0, batch_size: int = 64) -> DataLoader:
    digits = load_digits()
    x = torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1) / 16.0
    y = torch.tensor(digits.target)
    g = torch.Generator().manual_seed(seed)
    return DataLoader(TensorDataset(x, y), batch_size=batch_size, shuffle=True, generator=g)
# --8<-- [end:model]
