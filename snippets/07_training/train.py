"""Lesson 7: train a small CNN on the digits, evaluate it, plot it."""
import time

import matplotlib.pyplot as plt
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset, random_split

# --8<-- [start:data]
digits = load_digits()
x = torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1) / 16.0  # (N, 1, 8, 8), 0..1
y = torch.tensor(digits.target)  # int64 class indices 0..9
full = TensorDataset(x, y)

train_set, test_set = random_split(full, [0.8, 0.2], generator=torch.Generator().manual_seed(0))
train_loader = DataLoader(train_set, batch_size=64, shuffle=True, generator=torch.Generator().manual_seed(0))
test_loader = DataLoader(test_set, batch_size=256)
print("train:", len(train_set), "test:", len(test_set))
# --8<-- [end:data]


# --8<-- [start:model]
class DigitsCNN(nn.Module):
    def __init__(self, num_classes: int = 10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, kernel_size=3, padding=1),  # 8x8 -> 8x8
            nn.ReLU(),
            nn.MaxPool2d(2),  # -> 4x4
            nn.Conv2d(16, 32, kernel_size=3, padding=1),  # -> 4x4
            nn.ReLU(),
            nn.MaxPool2d(2),  # -> 2x2
        )
        self.classifier = nn.Linear(32 * 2 * 2, num_classes)

    def forward(self, x):
        x = torch.flatten(self.features(x), 1)
        return self.classifier(x)  # logits, no softmax


model = DigitsCNN()
print(model)
print("parameters:", sum(p.numel() for p in model.parameters()))
# --8<-- [end:model]

# --8<-- [start:loss]
loss_fn = nn.CrossEntropyLoss()  # takes logits and class indices
images, labels = next(iter(train_loader))
logits = model(images)
print("logits:", logits.shape, "labels:", labels.shape, labels.dtype)
print(f"loss before training: {loss_fn(logits, labels).item():.4f}")
print(f"ln(10) = {torch.log(torch.tensor(10.0)).item():.4f}")
# --8<-- [end:loss]


# --8<-- [start:loops]
def train_one_epoch(model, loader, loss_fn, optimizer):
    model.train()  # training behaviour for dropout / batch norm
    total_loss, correct, seen = 0.0, 0, 0
    for images, labels in loader:
        optimizer.zero_grad()
        logits = model(images)
        loss = loss_fn(logits, labels)
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * len(labels)
        correct += (logits.argmax(dim=1) == labels).sum().item()
        seen += len(labels)
    return total_loss / seen, correct / seen


@torch.no_grad()  # no graph, no gradients: faster and lighter
def evaluate(model, loader, loss_fn):
    model.eval()  # inference behaviour for dropout / batch norm
    total_loss, correct, seen = 0.0, 0, 0
    for images, labels in loader:
        logits = model(images)
        total_loss += loss_fn(logits, labels).item() * len(labels)
        correct += (logits.argmax(dim=1) == labels).sum().item()
        seen += len(labels)
    return total_loss / seen, correct / seen
# --8<-- [end:loops]


# --8<-- [start:fit]
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
history = {"train_loss": [], "test_loss": [], "train_acc": [], "test_acc": []}
start = time.perf_counter()
for epoch in range(1, 11):
    train_loss, train_acc = train_one_epoch(model, train_loader, loss_fn, optimizer)
    test_loss, test_acc = evaluate(model, test_loader, loss_fn)
    for key, value in zip(history, (train_loss, test_loss, train_acc, test_acc)):
        history[key].append(value)
    print(
        f"epoch {epoch:2d}  train loss {train_loss:.4f} acc {train_acc:.3f}"
        f"  |  test loss {test_loss:.4f} acc {test_acc:.3f}"
    )
elapsed = time.perf_counter() - start
# --8<-- [end:fit]

# --8<-- [start:elapsed]
print(f"training took {elapsed:.1f} s")
# --8<-- [end:elapsed]

# --8<-- [start:plot]
epochs = range(1, len(history["train_loss"]) + 1)
fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 3.5))
ax_loss.plot(epochs, history["train_loss"], marker="o", label="train")
ax_loss.plot(epochs, history["test_loss"], marker="o", label="test")
ax_loss.set(title="loss", xlabel="epoch")
ax_acc.plot(epochs, history["train_acc"], marker="o", label="train")
ax_acc.plot(epochs, history["test_acc"], marker="o", label="test")
ax_acc.set(title="accuracy", xlabel="epoch", ylim=(0, 1))
for ax in (ax_loss, ax_acc):
    ax.legend()
    ax.grid(alpha=0.3)
fig.tight_layout()
# --8<-- [end:plot]

# --8<-- [start:confusion]
@torch.no_grad()
def predict(model, loader):
    model.eval()
    preds, targets = [], []
    for images, labels in loader:
        preds.append(model(images).argmax(dim=1))
        targets.append(labels)
    return torch.cat(preds), torch.cat(targets)


preds, targets = predict(model, test_loader)
confusion = torch.zeros(10, 10, dtype=torch.int64)
for t, p in zip(targets, preds):
    confusion[t, p] += 1  # row: true digit, column: predicted digit
print("rows = true digit, columns = predicted digit")
print(confusion)
print(f"test accuracy: {(preds == targets).float().mean().item():.4f}"
      f" ({(preds == targets).sum().item()}/{len(targets)})")
# --8<-- [end:confusion]

# --8<-- [start:confusion_plot]
fig, ax = plt.subplots(figsize=(4.5, 4))
ax.imshow(confusion, cmap="Blues")
for i in range(10):
    for j in range(10):
        n = confusion[i, j].item()
        if n:
            ax.text(j, i, n, ha="center", va="center", color="white" if n > confusion.max() / 2 else "black")
ax.set(xlabel="predicted", ylabel="true", xticks=range(10), yticks=range(10))
fig.tight_layout()
# --8<-- [end:confusion_plot]
