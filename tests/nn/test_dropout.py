"""Dropout: inverted scaling, masks, gradients, train/eval modes, MLP(dropout=) and fit."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
from autograd import Value, total
from nn import MLP, Dropout, Layer, Neuron, datasets, evaluate, fit, losses, predict


@given(st.floats(0.0, 0.95), st.integers(0, 2**32))
def test_kept_units_are_scaled_and_dropped_units_are_zero(p, seed):
    drop = Dropout(p, seed=seed)
    inputs = [Value(float(i + 1)) for i in range(20)]
    outputs = drop(inputs)
    assert len(drop.mask) == 20
    for x, out, kept in zip(inputs, outputs, drop.mask, strict=True):
        if kept:
            assert out.data == pytest.approx(x.data / (1.0 - p), rel=1e-15)
        else:
            assert out.data == 0.0


@given(st.floats(0.05, 0.9), st.integers(0, 2**32))
def test_gradient_flows_only_through_kept_units(p, seed):
    drop = Dropout(p, seed=seed)
    inputs = [Value(float(i) - 3.0) for i in range(8)]
    total(drop(inputs)).backward()
    for x, kept in zip(inputs, drop.mask, strict=True):
        assert x.grad == (pytest.approx(1.0 / (1.0 - p), rel=1e-15) if kept else 0.0)


def test_mask_rate_and_expected_value_match_p():
    # 20,000 draws at p = 0.3: the kept share is 0.7 within 4 standard deviations, and the
    # mean output equals the input (inverted scaling keeps the expected value).
    drop = Dropout(0.3, seed=1)
    kept, outputs = 0, []
    for _ in range(2000):
        outputs += [v.data for v in drop([2.0] * 10)]
        kept += sum(drop.mask)
    sd = math.sqrt(20000 * 0.3 * 0.7)
    assert abs(kept - 14000) < 4 * sd
    assert np.mean(outputs) == pytest.approx(2.0, abs=4 * 2.0 / 0.7 * sd / 20000)


def test_seeded_masks_are_reproducible_and_seeds_differ():
    masks = []
    for seed in (7, 7, 8):
        drop = Dropout(0.5, seed=seed)
        drawn = []
        for _ in range(5):
            drop([1.0] * 16)
            drawn.append(tuple(drop.mask))
        masks.append(drawn)
    assert masks[0] == masks[1]
    assert masks[0] != masks[2]
    shared = random.Random(3)  # noqa: S311 - a seeded mask generator
    a, b = Dropout(0.5, seed=shared), Dropout(0.5, seed=shared)
    a([1.0] * 8)
    b([1.0] * 8)
    assert a.mask != b.mask  # one generator, advanced by both


def test_eval_mode_passes_inputs_through_and_p_edges():
    drop = Dropout(0.5, seed=0).eval()
    inputs = [Value(1.0), Value(-2.0)]
    assert drop(inputs) == inputs  # the same nodes: no op recorded
    assert [v.data for v in Dropout(0.0, seed=0)([1.0, 2.0])] == [1.0, 2.0]
    everything = Dropout(1.0, seed=0)
    assert [v.data for v in everything([1.0, 2.0, 3.0])] == [0.0, 0.0, 0.0]
    assert everything.mask == [False, False, False]


@pytest.mark.parametrize(
    ("p", "error", "match"),
    [
        (-0.1, ValueError, r"Dropout\(p\): expected 0 <= p <= 1, got -0.1"),
        (1.5, ValueError, r"Dropout\(p\)"),
        (float("nan"), ValueError, r"Dropout\(p\): expected a finite number"),
        ("0.5", TypeError, r"Dropout\(p\)"),
        (True, TypeError, r"Dropout\(p\)"),
    ],
)
def test_bad_probability_is_rejected(p, error, match):
    with pytest.raises(error, match=match):
        Dropout(p)
    with pytest.raises(error, match=match):
        MLP(2, [3, 1], dropout=p)


def test_bad_seed_is_rejected():
    with pytest.raises(TypeError, match=r"Dropout\(seed\)"):
        Dropout(0.5, seed=1.5)


def test_train_and_eval_reach_every_part_and_return_the_model():
    model = MLP(2, [4, 4, 1], dropout=0.5, seed=0)
    parts = model.modules()
    assert parts[0] is model
    assert len(parts) == 1 + 3 + 9 + 2  # model, layers, neurons, dropouts
    assert all(part.training for part in parts)  # PyTorch: a new model trains
    assert model.eval() is model
    assert not any(part.training for part in parts)
    assert model.train() is model
    assert all(part.training for part in parts)
    model.train(False)
    assert not model.dropouts[1].training
    with pytest.raises(TypeError, match=r"train\(mode\): expected True or False, got"):
        model.train("no")


def test_dropout_inside_a_model_of_ones_own():
    class Tiny(nn.Module):
        def __init__(self):
            self.hidden = Layer(2, 6, seed=0)
            self.drop = Dropout(0.5, seed=0)
            self.out = Neuron(6, "linear", seed=0)

        def __call__(self, x):
            return self.out(self.drop(self.hidden(x)))

        def named_parameters(self):
            return self.hidden.named_parameters() + self.out.named_parameters()

        def config(self):
            return {}

    model = Tiny()
    assert model.drop in model.modules()
    first = [model([0.5, -1.0]).data for _ in range(5)]
    assert len(set(first)) > 1  # training mode: masks differ between calls
    model.eval()
    assert len({model([0.5, -1.0]).data for _ in range(5)}) == 1


def test_mlp_dropout_sits_between_hidden_layers_and_keeps_the_weights():
    plain = MLP(3, [5, 4, 2], seed=0)
    dropped = MLP(3, [5, 4, 2], dropout=0.25, seed=0)
    assert dropped.state_dict() == plain.state_dict()  # dropout draws after the weights
    assert len(dropped.dropouts) == 2
    assert plain.dropouts == []
    # Evaluation mode: exactly the plain model.
    dropped.eval()
    assert [o.data for o in dropped([0.1, 0.2, 0.3])] == [o.data for o in plain([0.1, 0.2, 0.3])]
    # Training mode: the hidden outputs go through the masks (recompute by hand).
    dropped.train()
    out = dropped([0.1, 0.2, 0.3])
    hidden = [v.data for v in plain.layers[0]([0.1, 0.2, 0.3])]
    masks = [dropped.dropouts[0].mask, dropped.dropouts[1].mask]
    kept = [h / 0.75 if m else 0.0 for h, m in zip(hidden, masks[0], strict=True)]
    second = [v.data for v in plain.layers[1](kept)]
    second = [h / 0.75 if m else 0.0 for h, m in zip(second, masks[1], strict=True)]
    expected = [v.data for v in plain.layers[2](second)]
    assert [o.data for o in out] == pytest.approx(expected, rel=1e-14)


def test_mlp_with_dropout_saves_and_loads(tmp_path):
    model = MLP(2, [3, 1], dropout=0.2, seed=0)
    assert model.config()["dropout"] == 0.2
    assert "dropout" not in MLP(2, [3, 1]).config()  # older files stay valid
    copy = nn.load(model.save(tmp_path / "m.json"))
    assert copy.dropout == 0.2
    assert copy.state_dict() == model.state_dict()
    assert "dropout=0.2" in repr(copy)


def test_fit_trains_in_train_mode_validates_in_eval_mode_and_ends_in_eval_mode():
    X, y = datasets.make_moons(40, noise=0.2, seed=0)
    model = MLP(2, [8, 8, 1], dropout=0.5, seed=0)
    seen = []

    def recording_mse(predictions, targets):
        seen.append(model.dropouts[0].training)
        return losses.mse(predictions, targets)

    fit(model, X, y, loss=recording_mse, epochs=3, validation_split=0.25, progress=False)
    assert seen == [True, False] * 3  # one training step, then validation, per epoch
    assert not any(part.training for part in model.modules())


def test_training_accuracy_of_a_dropout_model_is_measured_in_eval_mode():
    X, y = datasets.make_moons(30, noise=0.1, seed=1)
    model = MLP(2, [8, 1], dropout=0.5, seed=0)
    history = fit(model, X, y, loss="hinge", epochs=5, progress=False)
    assert history.accuracy[-1] == evaluate(model, X, y, loss="hinge")[1]


def test_predict_and_evaluate_run_in_eval_mode_and_restore_the_mode():
    X, y = datasets.make_moons(20, noise=0.1, seed=2)
    model = MLP(2, [16, 1], dropout=0.5, seed=0)
    assert model.training
    first, second = predict(model, X), predict(model, X)
    assert first == second  # no masks: deterministic
    assert model.training  # restored
    model.eval()
    assert predict(model, X) == first
    model.train()
    assert evaluate(model, X, y) == evaluate(model, X, y)
    assert model.dropouts[0].training


def test_compiled_fit_refuses_dropout_and_changes_nothing():
    X, y = datasets.make_moons(20, noise=0.1, seed=0)
    model = MLP(2, [4, 1], dropout=0.5, seed=0)
    before = model.state_dict()
    with pytest.raises(ValueError, match=r"fit: compiled=True cannot train a model with dropout"):
        fit(model, X, y, compiled=True, progress=False)
    assert model.state_dict() == before
    # p = 0 drops nothing, so compiling is fine.
    fit(MLP(2, [4, 1], dropout=0.0, seed=0), X, y, epochs=2, compiled=True, progress=False)


def test_modules_lists_a_shared_part_once_and_survives_a_cycle():
    shared = Dropout(0.5, seed=0)
    model = MLP(2, [3, 1], seed=0)
    model.extra = [shared, shared]
    shared.owner = model  # a cycle back to the model
    parts = model.modules()
    assert parts.count(shared) == 1
    assert parts.count(model) == 1
    model.eval()
    assert not shared.training


def test_one_value_is_one_unit_as_a_one_neuron_layer_gives():
    # A Layer of one neuron returns a Value, not a list: dropout after it takes that Value.
    drop = Dropout(0.5, seed=0)
    kept = [Dropout(0.5, seed=0)([1.0])[0].data]
    out = drop(Value(1.0))
    assert isinstance(out, Value)
    assert [out.data] == kept
    assert drop.eval()(Value(3.0)).data == 3.0
    assert Dropout(0.0)(2.5).data == 2.5


@pytest.mark.parametrize(
    ("x", "match"),
    [
        ("ab", r"Dropout\(x\): expected a Value, a number or a sequence of them, got str"),
        (None, r"Dropout\(x\): expected a Value, a number or a sequence of them, got NoneType"),
        ([1.0, "a"], r"Dropout\(x\): item 1 must be a Value or a number, got str"),
        ([1.0, None], r"Dropout\(x\): item 1 must be a Value or a number, got NoneType"),
    ],
)
def test_bad_input_is_named_and_draws_no_mask(x, match):
    drop = Dropout(0.5, seed=0)
    with pytest.raises(TypeError, match=match):
        drop(x)
    assert drop.mask is None
    assert drop([1.0, 1.0, 1.0, 1.0])[0].data == Dropout(0.5, seed=0)([1.0])[0].data
