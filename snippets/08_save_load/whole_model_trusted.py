"""Lesson 8: loading a whole pickled model from a file you trust."""
import os
import tempfile

import torch
from nets import DigitsMLP

# --8<-- [start:weights_only_false]
model = DigitsMLP()
path = os.path.join(tempfile.mkdtemp(), "whole_model.pt")
torch.save(model, path)

loaded = torch.load(path, weights_only=False)  # runs pickle: only for files you trust
print(type(loaded))
x = torch.rand(3, 1, 8, 8)
print("same outputs:", torch.equal(model(x), loaded(x)))
# --8<-- [end:weights_only_false]
