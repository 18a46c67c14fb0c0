"""Lesson 5: what hardware and CUDA will run the code."""
import shutil
import subprocess

import torch

# --8<-- [start:nvidia_smi]
if shutil.which("nvidia-smi"):
    subprocess.run(["nvidia-smi"], check=False)
else:
    print("nvidia-smi not found: this machine has no NVIDIA driver, so code runs on the CPU.")
# --8<-- [end:nvidia_smi]

# --8<-- [start:cuda]
print("CUDA available:", torch.cuda.is_available())
print("CUDA version torch was built with:", torch.version.cuda)
if torch.cuda.is_available():
    print("GPU:", torch.cuda.get_device_name(0))
device = "cuda" if torch.cuda.is_available() else "cpu"
print("device:", device)
# --8<-- [end:cuda]
