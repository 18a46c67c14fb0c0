"""Lesson 6: what happens when the Dataset hands out numpy float64 images."""
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset

# --8<-- [start:float64_batch]
digits = load_digits()
raw = TensorDataset(torch.from_numpy(digits.images), torch.from_numpy(digits.target))
images, labels = next(iter(DataLoader(raw, batch_size=64)))
print(images.dtype, labels.dtype)
# --8<-- [end:float64_batch]

# This cell fails on purpose, so it is the file's last one.
# --8<-- [start:float64_error] raises=RuntimeError
layer = nn.Linear(64, 10)  # parameters are float32
layer(images.flatten(1))
# --8<-- [end:float64_error]
