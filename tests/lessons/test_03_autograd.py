"""Lesson 3: what the page claims is what the code does."""
import re
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[2]


def losses(text: str) -> list[float]:
    return [float(v) for v in re.findall(r"loss (\d+\.\d+)", text)]


def test_grad_fn_graph_and_backward(lesson, objects):
    cells = lesson("03_autograd/basics.py").cells
    assert "tensor(10., grad_fn=<AddBackward0>)" in cells["requires_grad"].output
    assert "x.grad_fn: None" in cells["requires_grad"].output
    assert cells["graph"].output.splitlines() == [
        "AddBackward0", "  PowBackward0", "    torch::autograd::AccumulateGrad",
        "  MulBackward0", "    torch::autograd::AccumulateGrad",
    ]
    assert cells["backward"].output == "x.grad: tensor(7.)\n"  # 2x + 3 at x = 2
    assert objects("03_autograd/basics.py")["x"].grad.item() == 7.0


def test_non_leaf_grad_is_none_with_the_real_warning(lesson):
    cells = lesson("03_autograd/leaf.py").cells
    assert "w.is_leaf: True  h.is_leaf: False" in cells["leaf"].output
    assert "w.grad: tensor([3., 3.])" in cells["leaf"].output
    out = cells["non_leaf_grad"].output
    assert re.search(r"^leaf\.py:\d+: UserWarning: The \.grad attribute of a Tensor that is not a leaf Tensor is being accessed", out, re.M)
    assert "use .retain_grad() on the non-leaf Tensor" in out
    assert out.endswith("h.grad: None\n")
    assert cells["retain_grad"].output == "h.grad: tensor([1., 1.])\nw.grad: tensor([3., 3.])\n"
    assert "Warning" not in cells["retain_grad"].output


def test_gradients_accumulate_until_reset(lesson):
    cells = lesson("03_autograd/accumulate.py").cells
    assert re.findall(r"w\.grad = (\S+)", cells["accumulate"].output) == ["2.0", "4.0", "6.0"]
    assert cells["zero_grad"].output == "after zero_(): tensor(0.)\nafter optimizer.zero_grad(): None\n"


def test_no_grad_and_inference_mode(lesson):
    cells = lesson("03_autograd/no_grad.py").cells
    assert cells["no_grad"].output == "True\nFalse None\n"
    assert cells["inference_mode"].output == "False True\ntensor([3., 8.])\n"


def test_calling_manual_seed_repeats_numbers(lesson):
    out = lesson("03_autograd/seed.py").cells["seed"].output
    first, second, verdict = out.splitlines()
    assert first == second and verdict == "same numbers: True"


def test_assigning_manual_seed_sets_no_seed(lesson):
    # Only through the engine (its own process): running this file here would delete torch.manual_seed.
    cells = lesson("03_autograd/seed_trap.py").cells
    lines = cells["seed_trap"].output.splitlines()
    assert lines[0] == "<class 'int'>"
    assert lines[1] != lines[2] and lines[3] == "same numbers: False"
    assert cells["seed_call"].exception == "TypeError: 'int' object is not callable"
    assert cells["seed_fix"].output == "same numbers: True\n"  # the real function is back
    assert callable(torch.manual_seed)


def test_the_trap_lives_in_its_own_file():
    for path in (ROOT / "snippets").glob("0[1-4]_*/*.py"):
        if path.name != "seed_trap.py":
            assert not re.search(r"torch\.manual_seed\s*=[^=]", path.read_text()), path


def test_the_trap_file_leaves_torch_as_it_found_it(objects):
    # The lesson's notebook runs every file in one kernel: the regression after the trap needs the real seed.
    ns = objects("03_autograd/seed_trap.py")
    assert ns["torch"].manual_seed is ns["torch"].random.manual_seed


def test_regression_by_hand_and_with_sgd(lesson, objects):
    cells = lesson("03_autograd/regression.py").cells
    assert "torch.Size([100, 1]) torch.Size([100, 1])" in cells["data"].output
    by_hand = losses(cells["by_hand"].output)
    assert by_hand == [4.6463, 0.5066, 0.1191]  # the numbers the page quotes
    sgd = losses(cells["sgd"].output)
    assert sgd[0] == 4.6463 and sgd[-1] == 0.0088
    assert all(a >= b for a, b in zip(sgd, sgd[1:]))  # never goes up
    w, b = map(float, re.search(r"w = (\S+), b = (\S+)", cells["sgd"].output).groups())
    assert abs(w - 2) < 0.05 and abs(b - 1) < 0.05
    ns = objects("03_autograd/regression.py")
    assert abs(ns["w"].item() - 2) < 0.05 and abs(ns["b"].item() - 1) < 0.05
    assert ns["loss"].item() < 0.009
    assert "Warning" not in "".join(c.output for c in cells.values())
