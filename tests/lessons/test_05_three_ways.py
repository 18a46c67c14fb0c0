"""Lesson 5: what the page claims is what the code does."""
import re

import torch


def params(model) -> int:
    return sum(p.numel() for p in model.parameters())


def test_environment_check_is_honest(lesson):
    out = lesson("05_three_ways/environment.py").cells
    assert f"CUDA available: {torch.cuda.is_available()}" in out["cuda"].output
    if not torch.cuda.is_available():
        assert "nvidia-smi" in out["nvidia_smi"].output or "NVIDIA-SMI" in out["nvidia_smi"].output


def test_versions_match_the_installed_torch(lesson):
    assert f"torch       {torch.__version__}" in lesson("05_three_ways/versions.py").cells["versions"].output


def test_sequential_models_and_the_softmax_trap(lesson, objects):
    cells = lesson("05_three_ways/sequential.py").cells
    assert "Linear(in_features=20, out_features=30, bias=True)" in cells["unnamed"].output
    assert "(hidden1): Linear(in_features=20, out_features=30, bias=True)" in cells["named"].output
    warning = cells["softmax_warning"].output
    assert re.search(r"^sequential\.py:\d+: UserWarning: Implicit dimension choice for softmax", warning, re.M)
    assert "Softmax(" not in cells["fixed"].output
    ns = objects("05_three_ways/sequential.py")
    sizes = [(m.in_features, m.out_features) for m in ns["model3"] if isinstance(m, torch.nn.Linear)]
    assert sizes == [(20, 100), (100, 100), (100, 10)]  # what the seed's comment promised
    assert ns["logits"].shape == (4, 10)
    assert torch.allclose(ns["probs"].sum(dim=1), torch.ones(4))


def test_keras_functional_model_has_7141_parameters_and_is_a_torch_module(lesson):
    cells = lesson("05_three_ways/functional_keras.py").cells
    assert "Total params: 7,141" in cells["keras_model"].output
    assert "None" not in cells["keras_model"].output.splitlines()[-1]
    assert "is a torch.nn.Module: True" in cells["keras_is_torch"].output


def test_torch_two_input_model_matches_keras(lesson, objects):
    cells = lesson("05_three_ways/functional_torch.py").cells
    assert "Total params: 7,141" in cells["torchinfo"].output
    assert cells["torchinfo"].output.count("Total params") == 1  # printed once, not twice
    ns = objects("05_three_ways/functional_torch.py")
    assert params(ns["net"]) == 7141 and ns["out"].shape == (5, 1)


def test_seed_cnn_bugs_are_real(lesson):
    cells = lesson("05_three_ways/subclassing.py").cells
    tree = cells["seed_cnn"].output
    assert tree.count("(conv_1): Conv2d") == 2  # the naming bug
    assert "parameters: 50762" in tree
    assert cells["forward_28"].output == "torch.Size([2, 10])\n"
    assert cells["forward_32"].exception == (
        "RuntimeError: mat1 and mat2 shapes cannot be multiplied (2x4096 and 3136x10)"
    )


def test_fixed_cnn_works_for_every_size(objects):
    ns = objects("05_three_ways/subclassing_fixed.py")
    model = ns["model"]
    assert params(model) == 50762
    names = [n for n, _ in model.features.named_children()]
    assert len(names) == len(set(names)) and "conv_2" in names
    for size in (28, 32):
        assert model(torch.randn(1, 3, size, size)).shape == (1, 10)
        x = torch.randn(1, 3, size, size).to(memory_format=torch.channels_last)
        assert model(x).shape == (1, 10)
