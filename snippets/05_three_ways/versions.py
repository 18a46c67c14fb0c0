"""Lesson 5: library versions the lesson was built with."""
# --8<-- [start:versions]
import sys
from importlib.metadata import version

import torch

print(f"Python      {sys.version.split()[0]}")
print(f"torch       {torch.__version__}")
for name in ("torchinfo", "keras", "numpy"):
    print(f"{name:<11} {version(name)}")
# --8<-- [end:versions]
