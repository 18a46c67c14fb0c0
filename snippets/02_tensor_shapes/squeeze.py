"""Lesson 2: unsqueeze and squeeze."""
import torch

# --8<-- [start:unsqueeze]
x = torch.tensor([1.0, 2.0, 3.0])
print(x.shape)
print(x.unsqueeze(0).shape)  # a new dimension of size 1 in front
print(x.unsqueeze(1).shape)  # ...or at the end
print(x.unsqueeze(-1).shape)  # negative numbers count from the end
print(x[None, :].shape)  # indexing with None does the same as unsqueeze(0)
# --8<-- [end:unsqueeze]

# --8<-- [start:squeeze]
y = torch.zeros(1, 3, 1, 2)
print(y.squeeze().shape)  # every dimension of size 1 goes
print(y.squeeze(0).shape)  # only dimension 0
print(y.squeeze(1).shape)  # dimension 1 has size 3: nothing happens, no error
# --8<-- [end:squeeze]

# --8<-- [start:squeeze_batch]
batch = torch.zeros(8, 1, 28, 28)  # 8 grayscale images
print(batch.squeeze().shape)
one = torch.zeros(1, 1, 28, 28)  # a batch that happens to hold 1 image
print(one.squeeze().shape)  # the batch dimension is gone too
print(one.squeeze(1).shape)  # name the dimension you mean
# --8<-- [end:squeeze_batch]
