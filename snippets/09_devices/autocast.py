"""Lesson 9: mixed precision with torch.autocast."""
import torch
import torch.nn as nn
import torch.nn.functional as F

# --8<-- [start:autocast]
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
# bfloat16 works on CPUs and recent GPUs; older GPUs need float16 (see below)
use_bf16 = device.type == "cpu" or torch.cuda.is_bf16_supported()
dtype = torch.bfloat16 if use_bf16 else torch.float16

model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10)).to(device)
x = torch.randn(32, 64, device=device)
labels = torch.randint(0, 10, (32,), device=device)

with torch.autocast(device_type=device.type, dtype=dtype):
    logits = model(x)
    loss = F.cross_entropy(logits, labels)
loss.backward()  # backward goes outside the autocast block

print("device:", device.type, " autocast dtype:", dtype)
print("logits:  ", logits.dtype)
print("loss:    ", loss.dtype)
print("weights: ", model[0].weight.dtype)
print("gradient:", model[0].weight.grad.dtype)
# --8<-- [end:autocast]

# --8<-- [start:precision]
with torch.no_grad():
    full = model(x)
    with torch.autocast(device_type=device.type, dtype=dtype):
        mixed = model(x)
diff = (full - mixed.float()).abs().max().item()
print(f"largest difference from float32: {diff:.4f}")
print(f"largest logit:                   {full.abs().max().item():.4f}")
# --8<-- [end:precision]
