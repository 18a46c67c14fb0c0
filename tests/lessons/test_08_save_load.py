"""Lesson 8: what the page claims is what the code does."""
import torch


def test_state_dict_names_and_round_trip(lesson, objects):
    cells = lesson("08_save_load/state_dict.py").cells
    out = cells["state_dict"].output
    assert out.startswith("OrderedDict\n")
    assert "net.1.weight   (64, 64)  torch.float32" in out and "net.3.bias     (10,)" in out
    assert len(out.splitlines()) == 5  # four tensors: Flatten and ReLU hold nothing
    load = cells["load"].output
    assert "before loading, same outputs: False" in load
    assert "<All keys matched successfully>" in load
    assert "after loading, same outputs:  True" in load
    ns = objects("08_save_load/state_dict.py")
    x = torch.rand(7, 1, 8, 8)
    assert torch.equal(ns["model"].cpu()(x), ns["restored"](x))


def test_map_location_puts_tensors_where_asked(lesson):
    out = lesson("08_save_load/state_dict.py").cells["map_location"].output
    where = "cuda:0" if torch.cuda.is_available() else "cpu"
    assert f"saved from:        {where}" in out
    assert "map_location=cpu:  cpu" in out
    assert f"map_location=device: {where}" in out


def test_whole_model_needs_weights_only_false(lesson):
    error = lesson("08_save_load/whole_model.py").cells["load_whole"].exception
    assert error.startswith("_pickle.UnpicklingError: Weights only load failed.")
    assert "nets.DigitsMLP" in error and "add_safe_globals" in error
    trusted = lesson("08_save_load/whole_model_trusted.py").cells["weights_only_false"].output
    assert trusted == "<class 'nets.DigitsMLP'>\nsame outputs: True\n"


def test_checkpoint_resumes_exactly(lesson):
    cells = lesson("08_save_load/checkpoint.py").cells
    straight = cells["straight"].output.splitlines()
    before = cells["save_checkpoint"].output.splitlines()
    after = cells["resume"].output.splitlines()
    assert before[:2] == straight[:2]
    assert before[2] == "saved: ['epoch', 'model', 'optimizer', 'shuffle_rng']"
    assert after[:2] == straight[2:4]  # epochs 3 and 4, same losses
    assert after[2] == "same weights as the uninterrupted run: True"
