"""SEED-NOTES §4: a two-layer logistic network's gradients equal the hand formulas."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nn import MLP


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


@given(
    seed=st.integers(0, 10_000),
    x=st.lists(st.floats(-2, 2), min_size=2, max_size=2),
    target=st.floats(0, 1),
)
def test_engine_gradients_equal_itoh_and_htoo_formulas(seed, x, target):
    model = MLP(2, [2, 1], activation="sigmoid", output_activation="sigmoid", seed=seed)
    hidden, output = model.layers[0].neurons, model.layers[1].neurons[0]
    out = model(x)
    error = 0.5 * (out - target) ** 2
    error.backward()

    pre_hidden = [sum(w.data * xi for w, xi in zip(n.w, x, strict=True)) + n.b.data for n in hidden]
    post_hidden = [sigmoid(z) for z in pre_hidden]
    pre_out = sum(v.data * h for v, h in zip(output.w, post_hidden, strict=True)) + output.b.data
    final_error = sigmoid(pre_out) - target  # FE = out - target
    s_error = final_error * sigmoid(pre_out) * (1 - sigmoid(pre_out))  # FE * f'(pre_out)
    for j, h in enumerate(post_hidden):
        grad_htoo = s_error * h
        assert output.w[j].grad == pytest.approx(grad_htoo, rel=1e-12, abs=1e-15)
        for i, xi in enumerate(x):
            f_prime = sigmoid(pre_hidden[j]) * (1 - sigmoid(pre_hidden[j]))
            grad_itoh = s_error * output.w[j].data * f_prime * xi
            assert hidden[j].w[i].grad == pytest.approx(grad_itoh, rel=1e-12, abs=1e-15)
    assert out.data == pytest.approx(sigmoid(pre_out), rel=1e-14)
