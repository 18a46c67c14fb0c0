"""Lesson 6: what the page claims is what the code does."""
import torch


def test_digits_are_bundled_and_balanced(lesson):
    cells = lesson("06_data/digits.py").cells
    out = cells["load"].output
    assert "images: (1797, 8, 8) float64" in out
    assert "pixel values: 0.0 to 16.0" in out
    counts = [int(n) for n in out.split("samples per class: [")[1].split("]")[0].split()]
    assert sum(counts) == 1797 and max(counts) - min(counts) < 10
    assert len(cells["show"].figures) == 1


def test_custom_dataset_and_transforms(objects):
    ns = objects("06_data/dataset.py")
    raw_image, _ = ns["raw"][0]
    assert len(ns["raw"]) == 1797 and raw_image.dtype.name == "float64"
    image, label = ns["dataset"][0]
    assert image.shape == (1, 8, 8) and image.dtype == torch.float32 and label == 0
    pixels = torch.stack([ns["dataset"][i][0] for i in range(len(ns["dataset"]))])
    assert abs(pixels.mean().item()) < 0.05 and abs(pixels.std().item() - 1) < 0.05  # normalised


def test_batches_shuffling_and_split(lesson, objects):
    cells = lesson("06_data/dataset.py").cells
    out = cells["dataloader"].output
    assert "batches: 29" in out and "images: torch.Size([64, 1, 8, 8]) torch.float32" in out
    assert "labels: torch.Size([64]) torch.int64" in out and "last batch: 5 samples" in out
    assert "first labels: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]" in out  # no shuffle: stored order
    lines = cells["shuffle"].output.splitlines()
    same_a, same_b, other = (line.split(":", 1)[1].strip() for line in lines)
    assert same_a == same_b and same_a != other
    first, second = eval(same_a)
    assert first != second  # every epoch reshuffles
    assert "train: 1438 test: 359" in cells["split"].output
    assert "shared samples: 0" in cells["split"].output
    ns = objects("06_data/dataset.py")
    assert len(ns["train_set"]) + len(ns["test_set"]) == 1797
    assert len(ns["train_loader"]) == 23 and len(ns["test_loader"]) == 2


def test_float64_trap_is_real(lesson):
    cells = lesson("06_data/dtype_trap.py").cells
    assert cells["float64_batch"].output == "torch.float64 torch.int64\n"
    assert cells["float64_error"].exception.startswith("RuntimeError: mat1 and mat2 must have the same dtype")
