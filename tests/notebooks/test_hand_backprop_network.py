"""Lessons of notebook 09: the articles' hand backprop formulas, the ½, small changes."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import gradcheck
from nn import MLP, Neuron, losses

weights = st.floats(-2.0, 2.0, allow_nan=False)


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def articles_gradients(W1, b1, W2, b2, x, target, forward=None):  # noqa: PLR0917
    """FE, S_error, grad_HtoO, grad_ItoH as the articles write them (floats, by hand).

    ``forward`` gives the activations (post_hidden, out) to start from; by default they are
    computed here with 1 / (1 + exp(-z)).
    """
    post = [
        sigmoid(sum(w * xi for w, xi in zip(row, x, strict=True)) + b)
        for row, b in zip(W1, b1, strict=True)
    ]
    out = sigmoid(sum(w * h for w, h in zip(W2, post, strict=True)) + b2)
    if forward is not None:
        post, out = forward
    fe = out - target
    s_error = fe * (out * (1.0 - out))
    grad_hidden = [s_error * W2[j] * (post[j] * (1.0 - post[j])) for j in range(len(W1))]
    # micrograd's parameter order: each hidden neuron's weights then bias, then the output's.
    grads = []
    for j in range(len(W1)):
        grads += [grad_hidden[j] * xi for xi in x] + [grad_hidden[j]]
    grads += [s_error * h for h in post] + [s_error]
    return out, grads


def network(W1, b1, W2, b2):
    model = MLP(len(W1[0]), [len(W1), 1], activation="sigmoid", output_activation="sigmoid")
    for neuron, row, b in zip(model.layers[0].neurons, W1, b1, strict=True):
        for w, value in zip(neuron.w, row, strict=True):
            w.data = value
        neuron.b.data = b
    output = model.layers[1].neurons[0]
    for w, value in zip(output.w, W2, strict=True):
        w.data = value
    output.b.data = b2
    return model


@given(
    st.lists(weights, min_size=4, max_size=4),
    st.lists(weights, min_size=2, max_size=2),
    st.lists(weights, min_size=2, max_size=2),
    weights,
    st.lists(weights, min_size=2, max_size=2),
    st.floats(0.0, 1.0),
)
def test_engine_equals_the_articles_formulas_to_the_last_digit(  # noqa: PLR0917
    W1flat, b1, W2, b2, x, target
):
    W1 = [W1flat[:2], W1flat[2:]]
    model = network(W1, b1, W2, b2)
    hidden = model.layers[0](x)
    out = model.layers[1](hidden)[0]
    (0.5 * (out - target) ** 2).backward()
    # The backward formulas, from the engine's forward values (its sigmoid is the stable
    # form, which can differ from 1 / (1 + exp(-z)) in the last bit).
    forward = ([h.data for h in hidden], out.data)
    hand_out, hand = articles_gradients(W1, b1, W2, b2, x, target, forward)
    assert hand_out == pytest.approx(out.data, rel=1e-15)
    assert [p.grad for p in model.parameters()] == hand


def test_notebook_numbers_and_the_layer_form():
    W1, b1, W2, b2 = [[0.15, -0.25], [0.40, 0.10]], [0.10, -0.20], [0.60, -0.35], 0.05
    x, target = [1.0, 0.5], 1.0
    out, hand = articles_gradients(W1, b1, W2, b2, x, target)
    assert out == pytest.approx(0.5428853320287956, abs=1e-15)
    assert hand[-1] == pytest.approx(-0.11343796377263499, abs=1e-15)  # S_error
    # Layer form: δ2 = (a2 - t) f'(z2), δ1 = (W2ᵀ δ2) ⊙ f'(z1), dE/dW = δ aᵀ.
    a0, A1, B1, A2 = np.array(x), np.array(W1), np.array(b1), np.array([W2])
    a1 = 1.0 / (1.0 + np.exp(-(A1 @ a0 + B1)))
    a2 = 1.0 / (1.0 + np.exp(-(A2 @ a1 + b2)))
    delta2 = (a2 - target) * a2 * (1.0 - a2)
    delta1 = (A2.T @ delta2) * a1 * (1.0 - a1)
    layer_form = [*np.outer(delta1, a0)[0], delta1[0], *np.outer(delta1, a0)[1], delta1[1]]
    layer_form += [*np.outer(delta2, a1)[0], delta2[0]]
    assert layer_form == pytest.approx(hand, rel=1e-14)
    # The engine agrees with central differences too (an oracle independent of both).
    assert gradcheck(
        lambda *p: 0.5 * (forward_of(p, x) - target) ** 2, [*W1[0], b1[0], *W1[1], b1[1], *W2, b2]
    )
    model = network(W1, b1, W2, b2)
    # One step with LR 0.5 lowers the error.
    new = [p.data - 0.5 * g for p, g in zip(model.parameters(), hand, strict=True)]
    model.load_state_dict(dict(zip(model.state_dict(), new, strict=True)))
    assert 0.5 * (model(x).data - target) ** 2 < 0.5 * (out - target) ** 2


def forward_of(p, x):
    # The same network written out from its nine parameter Values (MLP's order).
    h1 = (p[0] * x[0] + p[1] * x[1] + p[2]).sigmoid()
    h2 = (p[3] * x[0] + p[4] * x[1] + p[5]).sigmoid()
    return (p[6] * h1 + p[7] * h2 + p[8]).sigmoid()


def test_mse_has_no_half_so_its_gradients_are_twice_the_articles():
    W1, b1, W2, b2 = [[0.3, -0.1], [0.2, 0.7]], [0.0, 0.1], [-0.4, 0.9], -0.2
    model = network(W1, b1, W2, b2)
    losses.mse([model([0.5, -1.0])], [0.25]).backward()
    _, hand = articles_gradients(W1, b1, W2, b2, [0.5, -1.0], 0.25)
    assert [p.grad for p in model.parameters()] == pytest.approx([2.0 * g for g in hand], rel=1e-15)


def test_small_change_of_weights_gives_the_linear_change_of_the_output():
    neuron = Neuron(3, "sigmoid", seed=0)
    inputs = [0.8, -0.4, 0.3]
    out = neuron(inputs)
    out.backward()
    params = neuron.parameters()
    start = [p.data for p in params]
    direction = [0.3, -0.7, 0.2, 0.5]
    gaps = []
    for s in (1e-2, 1e-3):
        for p, p0, d in zip(params, start, direction, strict=True):
            p.data = p0 + s * d
        actual = neuron(inputs).data - out.data
        predicted = sum(p.grad * s * d for p, d in zip(params, direction, strict=True))
        assert actual == pytest.approx(predicted, rel=1e-2)
        gaps.append(abs(actual - predicted))
    assert gaps[0] / gaps[1] == pytest.approx(100.0, rel=0.05)  # the error is O(s²)


def test_gradient_step_lowers_the_cost_by_about_eta_grad_squared():
    model = network([[0.15, -0.25], [0.40, 0.10]], [0.10, -0.20], [0.60, -0.35], 0.05)
    cost = 0.5 * (model([1.0, 0.5]) - 1.0) ** 2
    cost.backward()
    grads = [p.grad for p in model.parameters()]
    squared = sum(g * g for g in grads)
    start = model.state_dict()
    for eta in (1e-3, 1e-2, 1e-1, 1.0):
        model.load_state_dict(
            {k: v - eta * g for (k, v), g in zip(start.items(), grads, strict=True)}
        )
        change = 0.5 * (model([1.0, 0.5]).data - 1.0) ** 2 - cost.data
        assert change < 0.0
        assert change == pytest.approx(-eta * squared, rel=0.1)
