"""Lesson 3: linear regression with autograd, by hand and with optim.SGD."""
import torch
import torch.optim as optim

# --8<-- [start:data]
torch.manual_seed(1120)  # call it: this sets the seed
x = torch.rand(100, 1)  # 100 samples, 1 feature, in [0, 1)
y = 2 * x + 1 + 0.1 * torch.randn(100, 1)  # the line y = 2x + 1, plus noise
print(x.shape, y.shape)
print(x[:3].T, y[:3].T)
# --8<-- [end:data]

# --8<-- [start:by_hand]
w = torch.zeros(1, requires_grad=True)
b = torch.zeros(1, requires_grad=True)
lr = 0.5
for epoch in range(3):
    loss = ((x * w + b - y) ** 2).mean()
    loss.backward()
    with torch.no_grad():  # the update itself must not be recorded
        w -= lr * w.grad
        b -= lr * b.grad
    w.grad.zero_()
    b.grad.zero_()
    print(f"epoch {epoch}: loss {loss.item():.4f}, w {w.item():.4f}, b {b.item():.4f}")
# --8<-- [end:by_hand]

# --8<-- [start:sgd]
w = torch.zeros(1, requires_grad=True)
b = torch.zeros(1, requires_grad=True)
optimizer = optim.SGD([w, b], lr=0.5)
for epoch in range(101):
    loss = ((x * w + b - y) ** 2).mean()
    optimizer.zero_grad()  # 1. clear old gradients
    loss.backward()  # 2. compute new ones
    optimizer.step()  # 3. w -= lr * w.grad, b -= lr * b.grad
    if epoch % 20 == 0:
        print(f"epoch {epoch:3d}: loss {loss.item():.4f}")
print(f"w = {w.item():.3f}, b = {b.item():.3f}")
# --8<-- [end:sgd]

# --8<-- [start:predict]
with torch.no_grad():
    x_new = torch.tensor([[0.0], [0.5], [1.0]])
    print((x_new * w + b).T)
# --8<-- [end:predict]
