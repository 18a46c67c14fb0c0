"""Lesson 9: what the page claims is what the code does."""
import re

import torch


def expected_device() -> str:
    if torch.cuda.is_available():
        return "cuda"
    if torch.backends.mps.is_available():
        return "mps"
    return "cpu"


def test_device_choice_is_honest(lesson):
    cells = lesson("09_devices/device.py").cells
    out = cells["choose"].output
    assert f"cuda available: {torch.cuda.is_available()}" in out
    assert f"device: {expected_device()}\n" in out
    moved = cells["to_device"].output
    assert "model.to returns the same model: True" in moved
    assert re.search(rf"parameters on: {expected_device()}", moved)
    assert re.search(rf"batch on: {expected_device()}\S* -> output on: {expected_device()}", moved)
    assert cells["loop"].output.startswith("batches: 29 last batch on:")


def test_autocast_dtypes(lesson):
    cells = lesson("09_devices/autocast.py").cells
    out = cells["autocast"].output
    dtype = re.search(r"autocast dtype: (torch\.\w+)", out).group(1)
    if not torch.cuda.is_available():
        assert dtype == "torch.bfloat16"  # the page: bfloat16 on the CPU
    assert f"logits:   {dtype}" in out  # matmuls run in the lower precision
    assert "loss:     torch.float32" in out  # cross_entropy runs in float32
    assert "weights:  torch.float32" in out and "gradient: torch.float32" in out
    diff = float(re.search(r"largest difference from float32: ([\d.]+)", cells["precision"].output).group(1))
    assert 0 < diff < 0.1  # "small, but not zero"


def test_compile_gives_the_same_result_and_real_timings(lesson):
    cells = lesson("09_devices/compile_speed.py").cells
    assert cells["same_result"].output == "same result as eager: True\n"
    assert re.fullmatch(r"first call \(compiles\): [\d.]+ s\n", cells["first_call"].output)
    bench = cells["benchmark"].output
    for name in ("eager", "compiled"):
        assert re.search(rf"^{name} +median +[\d.]+ ms per call", bench, re.M)
    assert re.search(r"^eager / compiled: [\d.]+$", bench, re.M)
