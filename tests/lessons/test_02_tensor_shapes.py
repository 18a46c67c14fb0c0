"""Lesson 2: what the page claims is what the code does."""

import torch


def test_view_shares_memory_and_reshape_copies_when_it_must(lesson, objects):
    cells = lesson("02_tensor_shapes/view_reshape.py").cells
    assert "torch.Size([2, 6])" in cells["view"].output
    assert "tensor([100,   1,   2,   3])" in cells["view"].output and "same storage: True" in cells["view"].output
    assert cells["transpose"].output == "torch.Size([4, 3]) contiguous: False\n"
    assert cells["reshape"].output.startswith("x, same storage: True\n")
    assert cells["reshape"].output.endswith("t, same storage: False\nTrue\n")
    assert cells["view_fails"].exception == (
        "RuntimeError: view size is not compatible with input tensor's size and stride (at least one dimension "
        "spans across two contiguous subspaces). Use .reshape(...) instead."
    )
    ns = objects("02_tensor_shapes/view_reshape.py")
    assert ns["v"].data_ptr() == ns["x"].data_ptr()
    assert ns["r"].data_ptr() != ns["t"].data_ptr() and not ns["t"].is_contiguous()
    assert torch.equal(ns["r"], ns["t"].contiguous().view(12))


def test_squeeze_and_unsqueeze_shapes(lesson):
    cells = lesson("02_tensor_shapes/squeeze.py").cells
    assert cells["unsqueeze"].output.splitlines() == [
        "torch.Size([3])", "torch.Size([1, 3])", "torch.Size([3, 1])", "torch.Size([3, 1])", "torch.Size([1, 3])",
    ]
    assert cells["squeeze"].output.splitlines() == ["torch.Size([3, 2])", "torch.Size([3, 1, 2])", "torch.Size([1, 3, 1, 2])"]
    # the trap: a batch of one loses its batch dimension with squeeze()
    assert cells["squeeze_batch"].output.splitlines() == [
        "torch.Size([8, 28, 28])", "torch.Size([28, 28])", "torch.Size([1, 28, 28])",
    ]


def test_cat_joins_and_stack_adds_a_dimension(lesson, objects):
    cells = lesson("02_tensor_shapes/cat_stack.py").cells
    assert cells["cat"].output.startswith("torch.Size([4, 3])\ntorch.Size([2, 6])\n")
    assert cells["stack"].output == "torch.Size([2, 2, 3])\ntorch.Size([2, 2, 3])\ntorch.Size([2, 3, 2])\nTrue\n"
    assert cells["cat_sizes"].output == "torch.Size([2, 7])\n"
    assert cells["stack_sizes"].exception == (
        "RuntimeError: stack expects each tensor to be equal size, but got [2, 3] at entry 0 and [2, 4] at entry 1"
    )
    ns = objects("02_tensor_shapes/cat_stack.py")
    assert torch.equal(torch.stack([ns["a"], ns["b"]], dim=1), torch.cat([ns["a"][:, None], ns["b"][:, None]], dim=1))


def test_like_copies_dtype_and_zeros_of_shape_does_not(lesson, objects):
    cells = lesson("02_tensor_shapes/like.py").cells
    assert cells["like"].output.count("dtype=torch.float64") == 3
    assert cells["like_vs_shape"].output == "torch.float32\ntorch.float64\ntorch.int32\n"
    x = objects("02_tensor_shapes/like.py")["x"]
    assert torch.zeros_like(x).dtype == x.dtype == torch.float64


def test_inplace_operations_and_autograd_errors(lesson, objects):
    cells = lesson("02_tensor_shapes/inplace.py").cells
    assert cells["inplace"].output == (
        "tensor([1., 1., 1.]) tensor([2., 2., 2.])\ntensor([2., 2., 2.]) True\n"
        "tensor([20., 20., 20.])\ntensor([21., 21., 21.])\n"
    )
    exc = cells["inplace_autograd"].exception
    assert exc.startswith("RuntimeError: one of the variables needed for gradient computation has been modified by an inplace operation")
    assert "is at version 1; expected version 0 instead" in exc
    assert lesson("02_tensor_shapes/inplace_leaf.py").cells["inplace_leaf"].exception == (
        "RuntimeError: a leaf Variable that requires grad is being used in an in-place operation."
    )
    ns = objects("02_tensor_shapes/inplace.py")
    assert ns["z"] is ns["x"]
    # the fix the page mentions: an out-of-place multiply keeps backward working
    w = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (w.sigmoid() * 2).sum().backward()
    assert w.grad is not None
