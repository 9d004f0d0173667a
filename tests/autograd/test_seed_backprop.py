"""SEED-NOTES section 4: backpropagation by hand formulas equals the engine's gradients."""

from __future__ import annotations

import math

import numpy as np
import pytest

from autograd import Value

TOL = {"rel": 1e-12, "abs": 1e-12}


def f(z):
    return 1.0 / (1.0 + math.exp(-z))


def f_prime(z):
    return f(z) * (1.0 - f(z))


# --- two-layer logistic network, squared error ---------------------------------------

INPUTS = [0.35, -0.9]
W_ITOH = [[0.1, -0.4], [0.8, 0.3]]  # W_ITOH[j][i]: input i -> hidden j
W_HTOO = [0.6, -1.2]  # hidden j -> output
TARGET = 0.25


def build_network(inputs=INPUTS, w_itoh=W_ITOH, w_htoo=W_HTOO, target=TARGET):
    x = [Value(v, f"x{i}") for i, v in enumerate(inputs)]
    w1 = [[Value(w, f"w{j}{i}") for i, w in enumerate(row)] for j, row in enumerate(w_itoh)]
    w2 = [Value(w, f"v{j}") for j, w in enumerate(w_htoo)]
    pre_hidden = [sum((wi * xi for wi, xi in zip(row, x, strict=True)), Value(0.0)) for row in w1]
    hidden = [p.sigmoid() for p in pre_hidden]
    pre_out = sum((v * h for v, h in zip(w2, hidden, strict=True)), Value(0.0))
    out = pre_out.sigmoid()
    loss = 0.5 * (out - target) ** 2
    return {
        "x": x,
        "w1": w1,
        "w2": w2,
        "pre_hidden": pre_hidden,
        "hidden": hidden,
        "pre_out": pre_out,
        "out": out,
        "loss": loss,
    }


def hand_gradients(inputs=INPUTS, w_itoh=W_ITOH, w_htoo=W_HTOO, target=TARGET):
    pre_hidden = [sum(w * x for w, x in zip(row, inputs, strict=True)) for row in w_itoh]
    post_hidden = [f(z) for z in pre_hidden]
    pre_out = sum(v * h for v, h in zip(w_htoo, post_hidden, strict=True))
    out = f(pre_out)
    fe = out - target
    s_error = fe * f_prime(pre_out)
    grad_htoo = [s_error * h for h in post_hidden]
    grad_itoh = [
        [s_error * w_htoo[j] * f_prime(pre_hidden[j]) * x for x in inputs]
        for j in range(len(w_itoh))
    ]
    return {
        "out": out,
        "fe": fe,
        "s_error": s_error,
        "grad_htoo": grad_htoo,
        "grad_itoh": grad_itoh,
        "post_hidden": post_hidden,
    }


def test_forward_pass_matches_hand_computation():
    net = build_network()
    hand = hand_gradients()
    assert [h.data for h in net["hidden"]] == pytest.approx(hand["post_hidden"], **TOL)
    assert net["out"].data == pytest.approx(hand["out"], **TOL)
    assert net["loss"].data == pytest.approx(0.5 * hand["fe"] ** 2, **TOL)


def test_final_error_and_s_error():
    net = build_network()
    net["loss"].backward()
    hand = hand_gradients()
    # dLoss/dout = FE = out - target; dLoss/dpre_out = S_error.
    assert net["out"].grad == pytest.approx(hand["fe"], **TOL)
    assert net["pre_out"].grad == pytest.approx(hand["s_error"], **TOL)


def test_hidden_to_output_gradients():
    net = build_network()
    net["loss"].backward()
    hand = hand_gradients()
    assert [v.grad for v in net["w2"]] == pytest.approx(hand["grad_htoo"], **TOL)


def test_input_to_hidden_gradients():
    net = build_network()
    net["loss"].backward()
    hand = hand_gradients()
    for row, expected in zip(net["w1"], hand["grad_itoh"], strict=True):
        assert [w.grad for w in row] == pytest.approx(expected, **TOL)


@pytest.mark.parametrize(
    ("inputs", "w_itoh", "w_htoo", "target"),
    [
        ([1.0, 0.0], [[0.5, 0.5], [-0.5, 0.5]], [1.0, 1.0], 1.0),
        ([-2.0, 3.0], [[0.05, -0.2], [0.7, 0.01]], [-0.3, 2.0], 0.0),
        ([0.1, 0.2], [[1.5, -1.5], [2.0, 0.4]], [0.9, 0.9], 0.75),
    ],
)
def test_hand_formulas_at_other_points(inputs, w_itoh, w_htoo, target):
    net = build_network(inputs, w_itoh, w_htoo, target)
    net["loss"].backward()
    hand = hand_gradients(inputs, w_itoh, w_htoo, target)
    assert [v.grad for v in net["w2"]] == pytest.approx(hand["grad_htoo"], **TOL)
    for row, expected in zip(net["w1"], hand["grad_itoh"], strict=True):
        assert [w.grad for w in row] == pytest.approx(expected, **TOL)


def test_gradient_descent_step_lowers_the_loss():
    lr = 0.5
    net = build_network()
    net["loss"].backward()
    before = net["loss"].data
    w_itoh = [[w.data - lr * w.grad for w in row] for row in net["w1"]]
    w_htoo = [v.data - lr * v.grad for v in net["w2"]]
    hand = hand_gradients()
    assert w_htoo == pytest.approx(
        [w - lr * g for w, g in zip(W_HTOO, hand["grad_htoo"], strict=True)], **TOL
    )
    after = build_network(w_itoh=w_itoh, w_htoo=w_htoo)["loss"].data
    assert after < before


# --- Mazur's published worked example (2-2-2, shared biases) -----------------------


def test_mazur_worked_example():
    i1, i2 = Value(0.05), Value(0.10)
    w1, w2, w3, w4 = Value(0.15), Value(0.20), Value(0.25), Value(0.30)
    w5, w6, w7, w8 = Value(0.40), Value(0.45), Value(0.50), Value(0.55)
    b1, b2 = Value(0.35), Value(0.60)
    h1 = (w1 * i1 + w2 * i2 + b1).sigmoid()
    h2 = (w3 * i1 + w4 * i2 + b1).sigmoid()
    o1 = (w5 * h1 + w6 * h2 + b2).sigmoid()
    o2 = (w7 * h1 + w8 * h2 + b2).sigmoid()
    total = 0.5 * (0.01 - o1) ** 2 + 0.5 * (0.99 - o2) ** 2
    total.backward()
    published = {
        "out_h1": (h1.data, 0.593269992),
        "out_h2": (h2.data, 0.596884378),
        "out_o1": (o1.data, 0.75136507),
        "out_o2": (o2.data, 0.772928465),
        "E_total": (total.data, 0.298371109),
        "dE/dw5": (w5.grad, 0.082167041),
    }
    for name, (got, expected) in published.items():
        assert got == pytest.approx(expected, abs=1e-8), name
    lr = 0.5
    updated = [w.data - lr * w.grad for w in (w1, w2, w3, w4, w5, w6, w7, w8)]
    assert updated == pytest.approx(
        [
            0.149780716,
            0.19956143,
            0.24975114,
            0.29950229,
            0.35891648,
            0.408666186,
            0.511301270,
            0.561370121,
        ],
        abs=1e-8,
    )


# --- layer form of the delta rule, 2-3-2 -------------------------------------------


def _activation(name):
    if name == "sigmoid":
        g = lambda z: 1.0 / (1.0 + np.exp(-z))  # noqa: E731
        return g, lambda z: g(z) * (1.0 - g(z))
    return np.tanh, lambda z: 1.0 - np.tanh(z) ** 2


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_layer_form_delta_rule(activation):
    rng = np.random.default_rng(7)
    x = rng.normal(size=2)
    t = np.array([0.2, 0.9])
    W1, b1 = rng.normal(size=(3, 2)), rng.normal(size=3)
    W2, b2 = rng.normal(size=(2, 3)), rng.normal(size=2)
    g, g_prime = _activation(activation)

    # Hand: delta(L) = dL/da(L) * g'(z(L)); delta(l) = (W(l+1)^T delta(l+1)) * g'(z(l)).
    z1 = W1 @ x + b1
    a1 = g(z1)
    z2 = W2 @ a1 + b2
    a2 = g(z2)
    delta2 = (a2 - t) * g_prime(z2)
    delta1 = (W2.T @ delta2) * g_prime(z1)
    dW2, db2 = np.outer(delta2, a1), delta2
    dW1, db1 = np.outer(delta1, x), delta1

    # Engine.
    xv = [Value(v) for v in x]
    W1v = [[Value(w) for w in row] for row in W1]
    b1v = [Value(b) for b in b1]
    W2v = [[Value(w) for w in row] for row in W2]
    b2v = [Value(b) for b in b2]

    def layer(weights, biases, inputs):
        pre = [
            sum((w * a for w, a in zip(row, inputs, strict=True)), b)
            for row, b in zip(weights, biases, strict=True)
        ]
        return [getattr(p, activation)() for p in pre]

    a1v = layer(W1v, b1v, xv)
    a2v = layer(W2v, b2v, a1v)
    loss = sum((0.5 * (a - target) ** 2 for a, target in zip(a2v, t, strict=True)), Value(0.0))
    loss.backward()

    assert [a.data for a in a2v] == pytest.approx(a2.tolist(), **TOL)
    assert loss.data == pytest.approx(0.5 * float(np.sum((a2 - t) ** 2)), **TOL)
    assert [[w.grad for w in row] for row in W2v] == [
        pytest.approx(row, **TOL) for row in dW2.tolist()
    ]
    assert [b.grad for b in b2v] == pytest.approx(db2.tolist(), **TOL)
    assert [[w.grad for w in row] for row in W1v] == [
        pytest.approx(row, **TOL) for row in dW1.tolist()
    ]
    assert [b.grad for b in b1v] == pytest.approx(db1.tolist(), **TOL)
    # dL/dx = W1^T delta1, the delta rule taken one layer further.
    assert [v.grad for v in xv] == pytest.approx((W1.T @ delta1).tolist(), **TOL)
