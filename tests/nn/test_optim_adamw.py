"""AdamW against PyTorch's documented algorithm, written out here (decoupled weight decay)."""

from __future__ import annotations

import math

import pytest

from autograd import Value
from nn.optim import Adam, AdamW
from tests.nn.test_optim import assert_same_trajectory, run


def torch_adamw(w, g, state, step, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
    b1, b2 = betas
    w = w - lr * weight_decay * w  # theta <- theta - gamma * lambda * theta, first
    state["m"] = b1 * state.get("m", 0.0) + (1 - b1) * g
    state["v"] = b2 * state.get("v", 0.0) + (1 - b2) * g**2
    m_hat = state["m"] / (1 - b1**step)
    v_hat = state["v"] / (1 - b2**step)
    return w - lr * m_hat / (math.sqrt(v_hat) + eps)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"lr": 0.1},
        {"lr": 0.05, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.3},
        {"lr": 0.02, "weight_decay": 0.0},
    ],
)
def test_adamw_matches_the_formula(kwargs):
    assert_same_trajectory(*run(AdamW, torch_adamw, **kwargs))


@pytest.mark.parametrize("size", [31, 32, 33, 100])
def test_adamw_decays_once_at_every_size(size):
    # From 32 parameters the step once went through a path that also folded the decay into
    # the gradient (coupled and decoupled decay at once).
    start = [math.sin(index) for index in range(size)]
    params = [Value(w, parameter=True) for w in start]
    optimizer = AdamW(params, lr=0.1, weight_decay=0.1)
    expected, states = list(start), [{} for _ in start]
    for step in range(1, 4):
        for index, p in enumerate(params):
            p.grad = math.cos(step + index)
        optimizer.step()
        for index in range(size):
            g = math.cos(step + index)
            expected[index] = torch_adamw(
                expected[index], g, states[index], step, lr=0.1, weight_decay=0.1
            )
    assert [p.data for p in params] == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_two_steps_by_hand():
    w = Value(1.0, parameter=True)
    optimizer = AdamW([w], lr=0.1, betas=(0.5, 0.75), weight_decay=0.5)
    w.grad = 2.0
    optimizer.step()
    # decay: 1 * (1 - 0.05) = 0.95; m_hat = 2, v_hat = 4: step 0.1 * 2 / (2 + 1e-8)
    assert w.data == pytest.approx(0.95 - 0.1 * 2 / (2 + 1e-8), rel=1e-15)
    w.grad = -1.0
    before = w.data
    optimizer.step()
    m = 0.5 * 1.0 + 0.5 * -1.0  # 0
    assert m == 0.0
    assert w.data == pytest.approx(before * 0.95, rel=1e-15)  # only the decay moves it


def test_defaults_are_pytorchs():
    optimizer = AdamW([Value(1.0)])
    assert (optimizer.lr, optimizer.betas, optimizer.eps, optimizer.weight_decay) == (
        1e-3,
        (0.9, 0.999),
        1e-8,
        1e-2,
    )


def test_decoupled_decay_differs_from_adams_l2():
    a, b = Value(3.0), Value(3.0)
    adamw, adam = AdamW([a], lr=0.1, weight_decay=0.1), Adam([b], lr=0.1, weight_decay=0.1)
    for _ in range(5):
        a.grad = b.grad = 0.0
        adamw.step()
        adam.step()
    assert a.data == pytest.approx(3.0 * (1 - 0.01) ** 5, rel=1e-14)
    assert b.data == pytest.approx(2.5, abs=0.01)  # L2 through Adam: about lr per step
    assert a.data > 2.85  # decoupled: 1 % per step, not lr per step


def test_errors_name_adamw_and_state_round_trips():
    with pytest.raises(ValueError, match=r"AdamW\(weight_decay\)"):
        AdamW([Value(1.0)], weight_decay=-1.0)
    first = [Value(1.0), Value(-2.0)]
    optimizer = AdamW(first, lr=0.1)
    for p in first:
        p.grad = 1.0
    optimizer.step()
    restored = AdamW([Value(p.data) for p in first])
    restored.load_state_dict(optimizer.state_dict())
    assert restored.state_dict() == optimizer.state_dict()
