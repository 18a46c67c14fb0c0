"""Lesson 5, way 1: nn.Sequential."""
import torch
import torch.nn as nn

# --8<-- [start:unnamed]
model1 = nn.Sequential(
    nn.Linear(20, 30),
    nn.ReLU(),
    nn.Linear(30, 10),
    nn.Softmax(),  # no dim: this is the trap shown below
)
print(model1)
print(list(model1.modules()))
# --8<-- [end:unnamed]

# --8<-- [start:named]
model2 = nn.Sequential()
model2.add_module("hidden1", nn.Linear(20, 30))
model2.add_module("activation1", nn.ReLU())
model2.add_module("hidden2", nn.Linear(30, 10))
model2.add_module("activation2", nn.Softmax())
print(model2)
print(model2.hidden1)
# --8<-- [end:named]

# --8<-- [start:softmax_warning]
x = torch.randn(4, 20)  # a batch of 4 samples
probs = model2(x)
print(probs.shape)
print(probs.sum(dim=1))  # each row should sum to 1
# --8<-- [end:softmax_warning]

# --8<-- [start:fixed]
from collections import OrderedDict

model3 = nn.Sequential(
    OrderedDict(
        hidden1=nn.Linear(20, 100),
        act1=nn.ReLU(),
        hidden2=nn.Linear(100, 100),
        act2=nn.ReLU(),
        out=nn.Linear(100, 10),  # returns logits; no softmax inside the model
    )
)
logits = model3(x)
probs = torch.softmax(logits, dim=1)  # only when probabilities are needed
print(model3)
print(logits.shape, probs.sum(dim=1))
print("parameters:", sum(p.numel() for p in model3.parameters()))
# --8<-- [end:fixed]

# --8<-- [start:fixed_diagram]
from flowchart import module_flowchart

print(module_flowchart(model3, "model3"))
# --8<-- [end:fixed_diagram]
