"""Lesson 9: choosing a device and moving models and batches onto it."""
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset


# --8<-- [start:choose]
def pick_device() -> torch.device:
    if torch.cuda.is_available():  # NVIDIA GPUs (and AMD GPUs with a ROCm build)
        return torch.device("cuda")
    if torch.backends.mps.is_available():  # Apple silicon
        return torch.device("mps")
    return torch.device("cpu")


device = pick_device()
print("cuda available:", torch.cuda.is_available())
print("mps available: ", torch.backends.mps.is_available())
print("device:", device)
print("torch.accelerator says:", torch.accelerator.current_accelerator())
# --8<-- [end:choose]

# --8<-- [start:to_device]
model = nn.Sequential(nn.Flatten(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
print("model.to returns the same model:", model.to(device) is model)  # modules move in place
print("parameters on:", next(model.parameters()).device)

x = torch.rand(4, 1, 8, 8)  # tensors are created on the CPU unless told otherwise
x = x.to(device)  # tensors are NOT moved in place: keep the result
print("batch on:", x.device, "-> output on:", model(x).device)
# --8<-- [end:to_device]

# --8<-- [start:loop]
digits = load_digits()
images = torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1) / 16.0
loader = DataLoader(
    TensorDataset(images, torch.tensor(digits.target)),
    batch_size=64,
    shuffle=True,
    generator=torch.Generator().manual_seed(0),
    pin_memory=device.type == "cuda",  # page-locked CPU memory: faster copies to a GPU
)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()

model.train()
for batch, (xb, yb) in enumerate(loader):
    xb, yb = xb.to(device, non_blocking=True), yb.to(device, non_blocking=True)
    optimizer.zero_grad()
    loss = loss_fn(model(xb), yb)
    loss.backward()
    optimizer.step()
print("batches:", batch + 1, "last batch on:", xb.device, "loss on:", loss.device)
# --8<-- [end:loop]
