"""Lesson 5, way 3: subclassing nn.Module, the seed's CNN as it was written."""
import torch
import torch.nn as nn


# --8<-- [start:seed_cnn]
class SeedCNN(nn.Module):
    def __init__(self, model_in, model_out):
        super().__init__()
        self.conv_idx = 1
        self.conv1 = self._make_conv_module(model_in, 32, 3, 1, 1)
        self.conv2 = self._make_conv_module(32, 64, 3, 1, 1)
        self.fc1 = nn.Linear(7 * 7 * 64, model_out)  # fits 28x28 input only
        nn.init.xavier_uniform_(self.fc1.weight)
        self.classifier = nn.Softmax(dim=1)

    def _make_conv_module(self, ch_in, ch_out, filter_size, stride, pad):
        conv = nn.Sequential()
        # conv_idx is never incremented: both blocks get the same names
        conv.add_module(f"conv_{self.conv_idx}", nn.Conv2d(ch_in, ch_out, filter_size, stride, pad))
        conv.add_module(f"relu_{self.conv_idx}", nn.ReLU())
        conv.add_module(f"maxpool_{self.conv_idx}", nn.MaxPool2d(2))
        return conv

    def forward(self, x):
        yhat = self.conv1(x)
        yhat = self.conv2(yhat)
        yhat = yhat.view(yhat.shape[0], -1)
        yhat = self.fc1(yhat)
        return self.classifier(yhat)


model = SeedCNN(3, 10)
print(model)
print("parameters:", sum(p.numel() for p in model.parameters()))
# --8<-- [end:seed_cnn]

# --8<-- [start:forward_28]
x28 = torch.randn(2, 3, 28, 28)
print(model(x28).shape)
# --8<-- [end:forward_28]

# This cell fails on purpose, so it is the file's last one.
# --8<-- [start:forward_32] raises=RuntimeError
x32 = torch.randn(2, 3, 32, 32)  # CIFAR-10 size
model(x32)
# --8<-- [end:forward_32]
