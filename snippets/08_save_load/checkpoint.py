"""Lesson 8: a checkpoint that resumes training exactly where it stopped."""
import os
import tempfile

import torch
import torch.nn as nn
from nets import DigitsMLP, digits_loader


# --8<-- [start:epoch]
loss_fn = nn.CrossEntropyLoss()


def train_one_epoch(model, loader, optimizer):
    model.train()
    total = 0.0
    for images, labels in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(images), labels)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(labels)
    return total / len(loader.dataset)
# --8<-- [end:epoch]


# --8<-- [start:straight]
torch.manual_seed(0)
model_a = DigitsMLP()
optimizer_a = torch.optim.Adam(model_a.parameters(), lr=1e-3)
loader_a = digits_loader(seed=0)
for epoch in range(1, 5):
    print(f"epoch {epoch}  loss {train_one_epoch(model_a, loader_a, optimizer_a):.6f}")
# --8<-- [end:straight]

# --8<-- [start:save_checkpoint]
torch.manual_seed(0)
model = DigitsMLP()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
loader = digits_loader(seed=0)
for epoch in range(1, 3):
    print(f"epoch {epoch}  loss {train_one_epoch(model, loader, optimizer):.6f}")

checkpoint = {
    "epoch": epoch,
    "model": model.state_dict(),
    "optimizer": optimizer.state_dict(),  # Adam's running averages and step counts
    "shuffle_rng": loader.generator.get_state(),  # so later epochs shuffle the same way
}
ckpt_path = os.path.join(tempfile.mkdtemp(), "checkpoint.pt")
torch.save(checkpoint, ckpt_path)
print("saved:", list(checkpoint))
del model, optimizer, loader, checkpoint  # as if the program had stopped here
# --8<-- [end:save_checkpoint]

# --8<-- [start:resume]
checkpoint = torch.load(ckpt_path)  # tensors, dicts and numbers: fine with weights_only=True
model = DigitsMLP()
model.load_state_dict(checkpoint["model"])
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
optimizer.load_state_dict(checkpoint["optimizer"])
loader = digits_loader(seed=0)
loader.generator.set_state(checkpoint["shuffle_rng"])

for epoch in range(checkpoint["epoch"] + 1, 5):
    print(f"epoch {epoch}  loss {train_one_epoch(model, loader, optimizer):.6f}")
same = all(torch.equal(a, b) for a, b in zip(model.state_dict().values(), model_a.state_dict().values()))
print("same weights as the uninterrupted run:", same)
# --8<-- [end:resume]
