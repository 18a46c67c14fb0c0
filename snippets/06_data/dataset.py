"""Lesson 6: a custom Dataset, transforms as functions, DataLoader, random_split."""
import torch
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, Dataset, random_split


# --8<-- [start:custom_dataset]
class DigitsDataset(Dataset):
    """The 8x8 digits as (image, label) pairs."""

    def __init__(self, transform=None):
        digits = load_digits()
        self.images = digits.images  # numpy, (1797, 8, 8), float64
        self.labels = digits.target  # numpy, (1797,), int64
        self.transform = transform

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, idx):
        image, label = self.images[idx], int(self.labels[idx])
        if self.transform is not None:
            image = self.transform(image)
        return image, label


raw = DigitsDataset()
image, label = raw[0]
print("len:", len(raw))
print("one sample:", type(image).__name__, image.shape, image.dtype, "label", label)
# --8<-- [end:custom_dataset]


# --8<-- [start:transforms]
def to_tensor(image):
    """numpy (8, 8), values 0..16 -> float32 tensor (1, 8, 8), values 0..1."""
    x = torch.as_tensor(image, dtype=torch.float32) / 16.0
    return x.unsqueeze(0)  # add the channel dimension a Conv2d expects


def compose(*functions):
    def apply(x):
        for f in functions:
            x = f(x)
        return x

    return apply


pixels = raw.images / 16.0
MEAN, STD = round(float(pixels.mean()), 2), round(float(pixels.std()), 2)
print("mean", MEAN, "std", STD)


def normalize(x):
    return (x - MEAN) / STD


dataset = DigitsDataset(transform=compose(to_tensor, normalize))
image, label = dataset[0]
print(image.shape, image.dtype, f"min {image.min():.2f} max {image.max():.2f}", "label", label)
# --8<-- [end:transforms]

# --8<-- [start:dataloader]
loader = DataLoader(dataset, batch_size=64)
images, labels = next(iter(loader))
print("batches:", len(loader))
print("images:", images.shape, images.dtype)
print("labels:", labels.shape, labels.dtype)
print("first labels:", labels[:12].tolist())
sizes = [len(y) for _, y in loader]
print("last batch:", sizes[-1], "samples")
# --8<-- [end:dataloader]

# --8<-- [start:shuffle]
def first_labels(seed):
    g = torch.Generator().manual_seed(seed)
    shuffled = DataLoader(dataset, batch_size=64, shuffle=True, generator=g)
    epochs = []
    for _ in range(2):  # every pass over the loader reshuffles
        _, y = next(iter(shuffled))
        epochs.append(y[:8].tolist())
    return epochs


print("seed 42:", first_labels(42))
print("seed 42:", first_labels(42))
print("seed 7: ", first_labels(7))
# --8<-- [end:shuffle]

# --8<-- [start:split]
split_gen = torch.Generator().manual_seed(0)
train_set, test_set = random_split(dataset, [0.8, 0.2], generator=split_gen)
print("train:", len(train_set), "test:", len(test_set))
print("first train indices:", train_set.indices[:5])
overlap = set(train_set.indices) & set(test_set.indices)
print("shared samples:", len(overlap))

train_loader = DataLoader(train_set, batch_size=64, shuffle=True, generator=torch.Generator().manual_seed(0))
test_loader = DataLoader(test_set, batch_size=256)  # no need to shuffle for evaluation
print("train batches:", len(train_loader), "test batches:", len(test_loader))
# --8<-- [end:split]
