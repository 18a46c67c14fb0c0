"""Lesson 4: the lesson 3 regression with nn.Linear and F.mse_loss."""
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

# --8<-- [start:data]
torch.manual_seed(1120)
x = torch.rand(100, 1)
y = 2 * x + 1 + 0.1 * torch.randn(100, 1)  # the same data as in lesson 3
# --8<-- [end:data]

# --8<-- [start:model]
model = nn.Linear(in_features=1, out_features=1)  # y = x @ W.T + b
print(model)
print(model.weight)
print(model.bias)
# --8<-- [end:model]

# --8<-- [start:parameters]
for p in model.parameters():
    print(type(p).__name__, tuple(p.shape), p.requires_grad)
for name, p in model.named_parameters():
    print(name, p.data)
# --8<-- [end:parameters]

# --8<-- [start:train]
optimizer = optim.SGD(model.parameters(), lr=0.5)
for epoch in range(101):
    prediction = model(x)  # calls model.forward(x)
    loss = F.mse_loss(prediction, y)  # (input, target): the prediction comes first
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if epoch % 20 == 0:
        print(f"epoch {epoch:3d}: loss {loss.item():.4f}")
print(f"weight = {model.weight.item():.3f}, bias = {model.bias.item():.3f}")
# --8<-- [end:train]

# --8<-- [start:state_dict]
state = model.state_dict()
print(state)
fresh = nn.Linear(1, 1)
print(fresh.load_state_dict(state))
with torch.no_grad():
    print(torch.equal(fresh(x), model(x)))
# --8<-- [end:state_dict]
