"""Lesson 6: the digits data set that ships inside scikit-learn."""
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits

# --8<-- [start:load]
digits = load_digits()  # bundled with scikit-learn: nothing is downloaded
print("images:", digits.images.shape, digits.images.dtype)
print("target:", digits.target.shape, digits.target.dtype)
print("pixel values:", digits.images.min(), "to", digits.images.max())
print("samples per class:", np.bincount(digits.target))
# --8<-- [end:load]

# --8<-- [start:show]
fig, axes = plt.subplots(1, 10, figsize=(10, 1.6))
for ax, image, label in zip(axes, digits.images, digits.target):
    ax.imshow(image, cmap="gray_r")
    ax.set_title(int(label))
    ax.axis("off")
fig.tight_layout()
# --8<-- [end:show]
