"""Lesson 5, way 2b: the same two-input model in plain PyTorch."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torchinfo import summary


# --8<-- [start:two_inputs]
class TwoInputNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.a1 = nn.Linear(28, 16)
        self.a2 = nn.Linear(16, 8)
        self.b1 = nn.Linear(64, 64)
        self.b2 = nn.Linear(64, 32)
        self.b3 = nn.Linear(32, 8)
        self.top = nn.Linear(16, 2)
        self.final = nn.Linear(2, 1)

    def forward(self, a, b):
        a = F.relu(self.a2(F.relu(self.a1(a))))  # F = torch.nn.functional
        b = F.relu(self.b3(F.relu(self.b2(F.relu(self.b1(b))))))
        merged = torch.cat([a, b], dim=1)  # like keras' concatenate
        return self.final(F.relu(self.top(merged)))


net = TwoInputNet()
out = net(torch.randn(5, 28), torch.randn(5, 64))
print(out.shape)
# --8<-- [end:two_inputs]

# --8<-- [start:torchinfo]
# As a script, summary() prints the table itself. In Jupyter or Colab it prints
# nothing and the notebook shows the returned table, so leave it unassigned.
summary(net, input_size=[(1, 28), (1, 64)], col_names=("output_size", "num_params"))
# --8<-- [end:torchinfo]
