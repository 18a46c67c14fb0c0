"""Lesson 4: what the page claims is what the code does."""
import re
from collections import OrderedDict
from pathlib import Path

import torch
import torch.nn.functional as F

DOCS = Path(__file__).resolve().parents[2] / "docs"
PAGE = "lessons/04-nn-module.md"




def test_both_pages_link_back_to_lesson_3_and_on_to_lesson_5():
    for lang in ("ko", "en"):
        text = (DOCS / lang / PAGE).read_text(encoding="utf-8")
        assert "(03-autograd.md)" in text and "(05-three-ways-to-build-a-model.md)" in text


def test_linear_model_and_its_parameters(lesson, objects):
    cells = lesson("04_nn_module/linear.py").cells
    assert cells["model"].output.startswith("Linear(in_features=1, out_features=1, bias=True)\nParameter containing:")
    assert cells["parameters"].output.splitlines()[:2] == ["Parameter (1, 1) True", "Parameter (1,) True"]
    ns = objects("04_nn_module/linear.py")
    model = ns["model"]
    assert [name for name, _ in model.named_parameters()] == ["weight", "bias"]
    assert all(isinstance(p, torch.nn.Parameter) and p.requires_grad for p in model.parameters())


def test_training_reaches_the_line(lesson, objects):
    out = lesson("04_nn_module/linear.py").cells["train"].output
    values = [float(v) for v in re.findall(r"loss (\d+\.\d+)", out)]
    assert values[0] == 1.29 and values[-1] == 0.0088  # the numbers the page quotes
    assert all(a >= b for a, b in zip(values, values[1:]))
    weight, bias = map(float, re.search(r"weight = (\S+), bias = (\S+)", out).groups())
    assert abs(weight - 2) < 0.05 and abs(bias - 1) < 0.05
    assert "Warning" not in out
    ns = objects("04_nn_module/linear.py")
    assert F.mse_loss(ns["model"](ns["x"]), ns["y"]).item() < 0.009


def test_state_dict_round_trip(lesson, objects):
    out = lesson("04_nn_module/linear.py").cells["state_dict"].output
    assert out.startswith("OrderedDict([('weight', tensor([[")
    assert out.endswith("<All keys matched successfully>\nTrue\n")
    ns = objects("04_nn_module/linear.py")
    state = ns["state"]
    assert isinstance(state, OrderedDict) and list(state) == ["weight", "bias"]
    assert not state["weight"].requires_grad  # detached values, not Parameters
    assert torch.equal(ns["fresh"].weight, ns["model"].weight)


def test_argument_order_matters_for_bce_but_not_mse(lesson, objects):
    cells = lesson("04_nn_module/loss_order.py").cells
    assert cells["mse_order"].output == "tensor(0.1667)\ntensor(0.1667)\n"
    assert cells["bce_order"].output == "tensor(0.2798)\ntensor(23.3333)\n"
    ns = objects("04_nn_module/loss_order.py")
    p, labels = ns["p"], ns["labels"]
    assert not torch.isclose(F.binary_cross_entropy(p, labels), F.binary_cross_entropy(labels, p))
    # the swapped value is the clamped log: 100 * (0.1 + 0.2 + 0.4) / 3
    assert torch.isclose(F.binary_cross_entropy(labels, p), torch.tensor(70 / 3))


def test_mismatched_shapes_warn_and_broadcast(lesson):
    out = lesson("04_nn_module/loss_order.py").cells["shape_warning"].output
    assert re.search(
        r"^loss_order\.py:\d+: UserWarning: Using a target size \(torch\.Size\(\[4\]\)\) that is different "
        r"to the input size \(torch\.Size\(\[4, 1\]\)\)", out, re.M,
    )
    assert out.endswith("tensor(2.5000)\ntensor(0.)\n")
