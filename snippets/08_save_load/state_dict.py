"""Lesson 8: state_dict, torch.save / torch.load, map_location."""
import os
import tempfile

import torch
from nets import DigitsMLP

# --8<-- [start:state_dict]
model = DigitsMLP()
state = model.state_dict()
print(type(state).__name__)
for name, tensor in state.items():
    print(f"{name:<14} {str(tuple(tensor.shape)):<9} {tensor.dtype}")
# --8<-- [end:state_dict]

# --8<-- [start:save]
folder = tempfile.mkdtemp()  # never write into the project
path = os.path.join(folder, "digits_mlp.pt")
torch.save(model.state_dict(), path)
print(os.path.basename(path), f"{os.path.getsize(path) / 1024:.1f} KiB")
# --8<-- [end:save]

# --8<-- [start:load]
restored = DigitsMLP()  # a new model: new random weights
x = torch.rand(5, 1, 8, 8)
print("before loading, same outputs:", torch.equal(model(x), restored(x)))

result = restored.load_state_dict(torch.load(path))  # weights_only=True by default
print(result)
restored.eval()
model.eval()
print("after loading, same outputs: ", torch.equal(model(x), restored(x)))
# --8<-- [end:load]

# --8<-- [start:map_location]
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
model.to(device)
gpu_path = os.path.join(folder, "on_device.pt")
torch.save(model.state_dict(), gpu_path)

on_cpu = torch.load(gpu_path, map_location="cpu")  # works on a machine without a GPU
on_device = torch.load(gpu_path, map_location=device)
print("saved from:       ", next(iter(model.state_dict().values())).device)
print("map_location=cpu: ", next(iter(on_cpu.values())).device)
print("map_location=device:", next(iter(on_device.values())).device)
# --8<-- [end:map_location]
