"""Lessons of notebook 10: XOR in hidden coordinates, linear collapse, approximation,
local minima and restarts, MNIST's parameter count."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nn import MLP, ConvergenceWarning, Perceptron, datasets, fit, predict

X_XOR, Y_XOR = datasets.logic_gate_table("xor")
SIGMOID_221 = {"activation": "sigmoid", "output_activation": "sigmoid", "init": "uniform"}
TRAINING = {"loss": "mse", "lr": 2.0, "epochs": 1000, "progress": False, "compiled": True}


def solved(model) -> bool:
    return bool(((np.array(predict(model, X_XOR)) > 0.5) == Y_XOR).all())


def test_xor_becomes_linearly_separable_in_hidden_coordinates():
    model = MLP(2, [2, 1], **SIGMOID_221, seed=0)
    fit(model, X_XOR, Y_XOR, **TRAINING)
    assert solved(model)
    hidden = [[h.data for h in model.layers[0](row)] for row in X_XOR.tolist()]
    # An independent witness: Rosenblatt's rule converges only on linearly separable data.
    on_hidden = Perceptron(2, lr=0.5)
    on_hidden.fit(hidden, Y_XOR, epochs=1000)
    assert on_hidden.converged
    on_inputs = Perceptron(2, lr=0.5)
    with pytest.warns(ConvergenceWarning):
        on_inputs.fit(X_XOR, Y_XOR, epochs=200)
    assert not on_inputs.converged


@given(
    st.integers(0, 2**16),
    st.lists(st.integers(1, 6), min_size=1, max_size=4),
    st.integers(1, 4),
    st.integers(1, 3),
)
def test_linear_layers_collapse_into_one_affine_map(seed, hidden, nin, nout):
    model = MLP(nin, [*hidden, nout], activation="linear", seed=seed)
    rng = np.random.default_rng(seed)
    for p in model.parameters():
        p.data = float(rng.normal())  # biases too
    W, b = np.eye(nin), np.zeros(nin)
    for layer in model.layers:
        Wl = np.array([[w.data for w in n.w] for n in layer.neurons])
        bl = np.array([n.b.data for n in layer.neurons])
        W, b = Wl @ W, Wl @ b + bl
    samples = rng.normal(size=(20, nin))
    deep = np.array(predict(model, samples)).reshape(20, nout)
    assert np.allclose(deep, samples @ W.T + b, rtol=1e-9, atol=1e-9)


def test_more_hidden_units_fit_a_curve_more_closely():
    x = np.linspace(-3, 3, 100)
    f = np.sin(2 * x) + 0.3 * x
    errors = []
    for units in (2, 5, 20):
        model = MLP(1, [units, 1], activation="tanh", seed=0)
        fit(model, x[:, None], f, loss="mse", optimizer="adam", lr=0.02, epochs=1500,
            progress=False, compiled=True)  # fmt: skip
        errors.append(float(np.mean((np.array(predict(model, x[:, None])) - f) ** 2)))
    assert errors[2] < errors[1] < errors[0]
    assert errors[2] < 0.005
    assert errors[0] > 0.05  # two tanh steps cannot follow two periods of a sine


def test_some_starts_get_stuck_and_restarts_escape():
    outcomes = {}
    for seed in range(10):
        model = MLP(2, [2, 1], **SIGMOID_221, seed=seed)
        history = fit(model, X_XOR, Y_XOR, **TRAINING)
        outcomes[seed] = (solved(model), history.loss[-1], model)
    assert [seed for seed, (ok, _, _) in outcomes.items() if not ok] == [6, 9]
    # Seed 9 is in a local minimum: 4,000 more epochs leave two outputs at 0.5.
    stuck = outcomes[9][2]
    history = fit(stuck, X_XOR, Y_XOR, **{**TRAINING, "epochs": 4000})
    assert history.loss[-1] == pytest.approx(0.125, abs=0.002)
    assert abs(history.loss[-1] - history.loss[-1000]) < 1e-3
    assert sorted(np.round(predict(stuck, X_XOR), 1))[1:3] == [0.5, 0.5]
    # fit(restarts=) keeps the best of several starts.
    restarted = MLP(2, [2, 1], **SIGMOID_221, seed=9)
    history = fit(restarted, X_XOR, Y_XOR, **TRAINING, restarts=5, seed=0)
    assert history.restart_losses[0] == pytest.approx(outcomes[9][1])
    assert solved(restarted)
    assert min(history.restart_losses) < 0.01


def test_the_articles_mnist_network_has_12730_parameters():
    model = MLP(784, [16, 10], seed=0)
    assert len(model.parameters()) == 784 * 16 + 16 + 16 * 10 + 10 == 12_730
    assert sum(name.endswith(".b") for name, _ in model.named_parameters()) == 26
    assert len(MLP(64, [32, 10]).parameters()) == 2_410
