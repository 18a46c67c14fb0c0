"""Lesson 1: what the page claims is what the code does."""

import numpy as np
import torch


def test_shape_dtype_device(lesson, objects):
    out = lesson("01_tensors/create.py").cells["from_data"].output
    assert "shape: torch.Size([2, 3])\n" in out and "dim(): 2\n" in out
    assert "dtype: torch.int64\n" in out and "device: cpu\n" in out
    ns = objects("01_tensors/create.py")
    assert ns["x"].shape == ns["x"].size() == (2, 3) and ns["x"].dim() == 2


def test_default_dtypes_and_division(objects, lesson):
    ns = objects("01_tensors/create.py")
    assert ns["ints"].dtype == torch.int64 and ns["floats"].dtype == torch.float32
    assert (ns["ints"] / 2).dtype == torch.float32 and (ns["ints"] // 2).dtype == torch.int64
    assert ns["half"].dtype == torch.float16
    assert "tensor([0.5000, 1.0000, 1.5000])" in lesson("01_tensors/create.py").cells["dtype"].output


def test_to_returns_the_same_tensor_when_nothing_changes(lesson):
    out = lesson("01_tensors/create.py").cells["device"].output
    if not torch.cuda.is_available():
        assert out == "x is on cpu and y is on cpu\nTrue\n"


def test_numpy_defaults_to_float64_and_torch_to_float32(lesson):
    cells = lesson("01_tensors/numpy_bridge.py").cells
    assert cells["ndarray_vs_tensor"].output == "ndarray (2, 3) 2 float64\nTensor torch.Size([2, 3]) 2 torch.float32\n"
    assert cells["float64"].output == "torch.float64\ntorch.float32\ntorch.float32\n"


def test_from_numpy_and_numpy_really_share_memory(lesson, objects):
    cells = lesson("01_tensors/numpy_bridge.py").cells
    assert "shared: tensor([100.,   2.,   3.], dtype=torch.float64)" in cells["from_numpy"].output
    assert "copied: tensor([1., 2., 3.], dtype=torch.float64)" in cells["from_numpy"].output
    assert "array:  [2. 2. 2.]" in cells["to_numpy"].output and "shares memory: True" in cells["to_numpy"].output
    ns = objects("01_tensors/numpy_bridge.py")
    assert np.shares_memory(ns["n"], ns["t"].numpy())
    assert ns["shared"][0].item() == 100.0 and ns["copied"][0].item() == 1.0
    ns["a"][1] = -5.0  # still shared after the snippet ran
    assert ns["shared"][1].item() == -5.0 and ns["copied"][1].item() == 2.0


def test_broadcasting_and_its_error(lesson, objects):
    res = lesson("01_tensors/broadcasting.py").cells
    assert "torch.Size([2, 3])" in res["broadcast"].output
    assert res["mismatch"].exception == (
        "RuntimeError: The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 1"
    )
    ns = objects("01_tensors/broadcasting.py")
    assert torch.equal(ns["col"] + ns["row"], torch.tensor([[11.0, 21.0, 31.0], [12.0, 22.0, 32.0]]))


def test_dim_is_axis_and_max_returns_values_and_indices(lesson, objects):
    cells = lesson("01_tensors/reductions.py").cells
    ns = objects("01_tensors/reductions.py")
    a, t = ns["a"], ns["t"]
    for d in (0, 1):
        assert np.allclose(a.sum(axis=d), t.sum(dim=d).numpy())
        assert np.allclose(a.mean(axis=d), t.mean(dim=d).numpy())
    assert torch.equal(t.sum(axis=0), t.sum(dim=0))
    assert torch.equal(ns["values"], torch.tensor([5.0, 6.0])) and torch.equal(ns["indices"], torch.tensor([1, 2]))
    assert np.array_equal(a.argmax(axis=1), ns["indices"].numpy())
    assert "values=tensor([5., 6.])" in cells["max"].output and "indices=tensor([1, 2])" in cells["max"].output
    assert "torch.Size([2])\ntorch.Size([2, 1])\n" in cells["keepdim"].output
    assert cells["int_mean"].exception.startswith("RuntimeError: mean(): could not infer output dtype.")
    assert cells["int_mean"].exception.endswith("Got: Long")


def test_no_warning_in_any_output(lesson):
    for name in ("create", "numpy_bridge", "broadcasting", "reductions"):
        for cell in lesson(f"01_tensors/{name}.py").cells.values():
            assert "Warning" not in cell.output, (name, cell.name)
