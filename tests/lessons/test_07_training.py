"""Lesson 7: what the page claims is what the code does (training runs once, in the engine)."""
import math
import re

EPOCH = re.compile(
    r"^epoch +(\d+)  train loss ([\d.]+) acc ([\d.]+)  \|  test loss ([\d.]+) acc ([\d.]+)$", re.M
)


def test_data_and_model(lesson):
    out = lesson("07_training/train.py").cells
    assert out["data"].output == "train: 1438 test: 359\n"
    assert "(classifier): Linear(in_features=128, out_features=10, bias=True)" in out["model"].output
    assert "Softmax" not in out["model"].output  # the model returns logits


def test_first_loss_is_close_to_ln10(lesson):
    out = lesson("07_training/train.py").cells["loss"].output
    assert "logits: torch.Size([64, 10]) labels: torch.Size([64]) torch.int64" in out
    first = float(re.search(r"loss before training: ([\d.]+)", out).group(1))
    assert abs(first - math.log(10)) < 0.2


def test_training_learns_and_reaches_the_stated_band(lesson):
    out = lesson("07_training/train.py").cells
    epochs = EPOCH.findall(out["fit"].output)
    assert [int(e[0]) for e in epochs] == list(range(1, 11))
    train_loss = [float(e[1]) for e in epochs]
    assert train_loss[-1] < train_loss[0] / 10  # "goes down overall"
    assert float(epochs[-1][2]) > 0.95
    seconds = float(re.search(r"training took ([\d.]+) s", out["elapsed"].output).group(1))
    assert seconds < 60
    assert len(out["plot"].figures) == 1 and len(out["confusion_plot"].figures) == 1
    # The page says: test accuracy above 95%.
    m = re.search(r"test accuracy: ([\d.]+) \((\d+)/359\)", out["confusion"].output)
    assert float(m.group(1)) > 0.95
    assert float(epochs[-1][4]) == round(float(m.group(1)), 3)  # same model, same test set


def test_confusion_matrix_adds_up(lesson):
    out = lesson("07_training/train.py").cells["confusion"].output
    rows = [list(map(int, re.findall(r"\d+", line))) for line in out.splitlines() if "[" in line]
    assert len(rows) == 10 and all(len(r) == 10 for r in rows)
    assert sum(map(sum, rows)) == 359
    correct = sum(rows[i][i] for i in range(10))
    assert f"({correct}/359)" in out
