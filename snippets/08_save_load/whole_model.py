"""Lesson 8: pickling a whole model, and why torch.load refuses it by default."""
import os
import tempfile

import torch
from nets import DigitsMLP

# --8<-- [start:save_whole]
model = DigitsMLP()
path = os.path.join(tempfile.mkdtemp(), "whole_model.pt")
torch.save(model, path)  # pickles the object itself, class name included
print("saved", os.path.basename(path))
# --8<-- [end:save_whole]

# This cell fails on purpose, so it is the file's last one.
# --8<-- [start:load_whole] raises=UnpicklingError
loaded = torch.load(path)
# --8<-- [end:load_whole]
