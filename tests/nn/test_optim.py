"""Optimizers against their reference formulas, written out here; schedules; bad arguments."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value
from nn.optim import (
    SGD,
    Adam,
    AdamW,
    ExponentialDecay,
    LinearDecay,
    Optimizer,
    RMSprop,
    StepDecay,
)

TOL = {"rel": 1e-12, "abs": 1e-12}
START = [0.5, -1.25, 3.0, 0.0]
STEPS = 8


def gradient(step, index, w):
    """A gradient that changes with the step and the parameter, and depends on w itself."""
    return math.sin(1.3 * step + index) * (index + 1) + 0.1 * w


def run(optimizer_class, reference_update, **kwargs):
    """Step the optimizer and the reference side by side; return both trajectories."""
    params = [Value(w, parameter=True) for w in START]
    optimizer = optimizer_class(params, **kwargs)
    expected = list(START)
    state = [{} for _ in START]
    got_steps, expected_steps = [], []
    for step in range(1, STEPS + 1):
        for index, p in enumerate(params):
            p.grad = gradient(step, index, p.data)
        optimizer.step()
        for index in range(len(expected)):
            g = gradient(step, index, expected[index])
            expected[index] = reference_update(expected[index], g, state[index], step, **kwargs)
        got_steps.append([p.data for p in params])
        expected_steps.append(list(expected))
    return got_steps, expected_steps


def assert_same_trajectory(got_steps, expected_steps):
    for got, expected in zip(got_steps, expected_steps, strict=True):
        assert got == pytest.approx(expected, **TOL)
    # The parameters really moved, and differently from one another.
    assert got_steps[-1] != pytest.approx(START, abs=1e-3)


# --- reference formulas (PyTorch's documented algorithms, by hand) --------------------------


def torch_sgd(w, g, state, step, *, lr, momentum=0.0, weight_decay=0.0):
    g = g + weight_decay * w
    if momentum:
        # PyTorch starts the buffer at the first gradient, then v = momentum * v + g.
        state["v"] = g if "v" not in state else momentum * state["v"] + g
        g = state["v"]
    return w - lr * g


def torch_adam(w, g, state, step, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
    b1, b2 = betas
    g = g + weight_decay * w
    state["m"] = b1 * state.get("m", 0.0) + (1 - b1) * g
    state["v"] = b2 * state.get("v", 0.0) + (1 - b2) * g**2
    m_hat = state["m"] / (1 - b1**step)
    v_hat = state["v"] / (1 - b2**step)
    return w - lr * m_hat / (math.sqrt(v_hat) + eps)


def torch_rmsprop(
    w, g, state, step, *, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0
):
    g = g + weight_decay * w
    state["v"] = alpha * state.get("v", 0.0) + (1 - alpha) * g**2
    avg = math.sqrt(state["v"]) + eps
    if momentum > 0:
        state["b"] = momentum * state.get("b", 0.0) + g / avg
        return w - lr * state["b"]
    return w - lr * g / avg


# --- optimizers against the references ----------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"lr": 0.1},
        {"lr": 0.05, "momentum": 0.9},
        {"lr": 0.3, "momentum": 0.5, "weight_decay": 0.01},
        {"lr": 0.2, "weight_decay": 0.5},
    ],
)
def test_sgd_matches_pytorch_sgd(kwargs):
    assert_same_trajectory(*run(SGD, torch_sgd, **kwargs))


def test_sgd_momentum_rule_as_in_the_seed():
    # delta_w(t) = -lr * g(t) + momentum * delta_w(t-1), checked one step at a time.
    w = Value(1.0, parameter=True)
    optimizer = SGD([w], lr=0.1, momentum=0.5)
    previous_delta = 0.0
    for g in [1.0, -2.0, 0.5, 3.0, -1.0]:
        before = w.data
        w.grad = g
        optimizer.step()
        delta = -0.1 * g + 0.5 * previous_delta
        assert w.data == pytest.approx(before + delta, **TOL)
        assert optimizer.deltas == [pytest.approx(delta, **TOL)]
        previous_delta = w.data - before


def test_sgd_without_momentum_is_exactly_gradient_descent():
    got, expected = run(SGD, torch_sgd, lr=0.1, weight_decay=0.01)
    assert got == expected  # bit for bit: w + (-lr * g) == w - lr * g


@given(
    lr=st.floats(1e-3, 1.0),
    momentum=st.floats(0.0, 0.99),
    weight_decay=st.floats(0.0, 0.1),
    grads=st.lists(st.floats(-10.0, 10.0), min_size=5, max_size=12),
)
def test_sgd_equals_pytorch_for_any_constant_lr(lr, momentum, weight_decay, grads):
    w = Value(0.7, parameter=True)
    optimizer = SGD([w], lr=lr, momentum=momentum, weight_decay=weight_decay)
    reference, state = 0.7, {}
    for step, g in enumerate(grads, start=1):
        w.grad = g
        optimizer.step()
        reference = torch_sgd(
            reference, g, state, step, lr=lr, momentum=momentum, weight_decay=weight_decay
        )
        assert w.data == pytest.approx(reference, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"lr": 0.1},
        {"lr": 0.05, "betas": (0.8, 0.99), "eps": 1e-6},
        {"lr": 0.02, "weight_decay": 0.1},
        {"lr": 0.01, "betas": (0.0, 0.5)},
    ],
)
def test_adam_matches_the_formula(kwargs):
    assert_same_trajectory(*run(Adam, torch_adam, **kwargs))


def test_adam_counts_steps_and_keeps_moments():
    params = [Value(1.0), Value(2.0)]
    optimizer = Adam(params, lr=0.1, betas=(0.5, 0.75))
    params[0].grad, params[1].grad = 2.0, -4.0
    optimizer.step()
    assert optimizer.steps == 1
    assert optimizer.first_moments == [1.0, -2.0]  # 0.5 * g
    assert optimizer.second_moments == [1.0, 4.0]  # 0.25 * g**2
    # Bias-corrected: m_hat = g, v_hat = g**2, so the step is lr * sign(g) (up to eps).
    assert [p.data for p in params] == pytest.approx([0.9, 2.1], rel=1e-8)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"lr": 0.05, "alpha": 0.9},
        {"lr": 0.01, "alpha": 0.5, "eps": 1e-4, "weight_decay": 0.2},
        {"lr": 0.01, "momentum": 0.9},
        {"lr": 0.03, "alpha": 0.8, "momentum": 0.5, "weight_decay": 0.05},
    ],
)
def test_rmsprop_matches_pytorch_rmsprop(kwargs):
    assert_same_trajectory(*run(RMSprop, torch_rmsprop, **kwargs))


# --- zero_grad, convergence, state ---------------------------------------------------------


@pytest.mark.parametrize("optimizer_class", [SGD, Adam, RMSprop])
def test_zero_grad_sets_every_grad_to_float_zero(optimizer_class):
    params = [Value(1.0), Value(-2.0), Value(3.0)]
    for index, p in enumerate(params):
        p.grad = index + 1.5
    optimizer_class(params, lr=0.1).zero_grad()
    assert [p.grad for p in params] == [0.0, 0.0, 0.0]
    assert all(type(p.grad) is float for p in params)
    assert [p.data for p in params] == [1.0, -2.0, 3.0]


@pytest.mark.parametrize(
    ("optimizer_class", "kwargs", "steps", "tolerance"),
    [
        (SGD, {"lr": 0.1}, 100, 1e-6),
        (SGD, {"lr": 0.02, "momentum": 0.9}, 300, 1e-4),
        (Adam, {"lr": 0.1}, 500, 1e-3),
        (RMSprop, {"lr": 0.01}, 600, 2e-2),
        (RMSprop, {"lr": 0.01, "momentum": 0.5}, 600, 2e-2),
    ],
)
def test_minimises_a_quadratic(optimizer_class, kwargs, steps, tolerance):
    w = Value(0.0, "w", parameter=True)
    optimizer = optimizer_class([w], **kwargs)
    for _ in range(steps):
        optimizer.zero_grad()
        loss = (w - 3.0) ** 2
        loss.backward()
        optimizer.step()
    assert w.data == pytest.approx(3.0, abs=tolerance)


def test_zero_grad_is_needed_because_backward_accumulates():
    w = Value(0.0, parameter=True)
    optimizer = SGD([w], lr=0.1)
    for _ in range(2):
        loss = (w - 3.0) ** 2
        loss.backward()
    assert w.grad == -12.0  # two backward passes of d/dw (w - 3)^2 = -6 at w = 0
    optimizer.zero_grad()
    assert w.grad == 0.0


def test_accepts_any_iterable_of_values():
    params = [Value(1.0), Value(2.0)]
    optimizer = SGD((p for p in params), lr=1.0)
    assert optimizer.params == params
    params[0].grad, params[1].grad = 1.0, 2.0
    optimizer.step()
    assert [p.data for p in params] == [0.0, 0.0]


@pytest.mark.parametrize(
    ("optimizer_class", "kwargs"),
    [
        (SGD, {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.01}),
        (Adam, {"lr": 0.05, "weight_decay": 0.01}),
        (RMSprop, {"lr": 0.02, "momentum": 0.5}),
    ],
)
def test_state_dict_round_trip_continues_the_same_trajectory(optimizer_class, kwargs):
    first = [Value(w) for w in START]
    optimizer = optimizer_class(first, **kwargs)
    for step in range(3):
        for index, p in enumerate(first):
            p.grad = gradient(step, index, p.data)
        optimizer.step()
    saved = optimizer.state_dict()
    second = [Value(p.data) for p in first]
    restored = optimizer_class(second, lr=1.0)
    restored.load_state_dict(saved)
    assert restored.state_dict() == saved
    for step in range(3, 6):
        for params, opt in ((first, optimizer), (second, restored)):
            for index, p in enumerate(params):
                p.grad = gradient(step, index, p.data)
            opt.step()
    assert [p.data for p in second] == [p.data for p in first]


def test_state_dict_is_a_copy():
    optimizer = SGD([Value(1.0)], lr=0.1, momentum=0.9)
    state = optimizer.state_dict()
    state["deltas"][0] = 5.0
    assert optimizer.deltas == [0.0]


def test_load_state_dict_rejects_bad_dicts_and_changes_nothing():
    optimizer = Adam([Value(1.0), Value(2.0)], lr=0.1)
    good = optimizer.state_dict()
    with pytest.raises(ValueError, match=r"missing keys \['eps'\], unexpected keys \['epsilon'\]"):
        optimizer.load_state_dict({**{k: v for k, v in good.items() if k != "eps"}, "epsilon": 1})
    with pytest.raises(ValueError, match=r"first_moments has 1 entries for 2 parameters"):
        optimizer.load_state_dict({**good, "first_moments": [0.0]})
    with pytest.raises(ValueError, match=r"Adam\(lr\).*-1\.0"):
        optimizer.load_state_dict({**good, "lr": -1.0, "steps": 7})
    with pytest.raises(TypeError, match=r"steps must be an int"):
        optimizer.load_state_dict({**good, "steps": 1.5})
    with pytest.raises(TypeError, match=r"expected a mapping"):
        optimizer.load_state_dict([("lr", 1.0)])
    assert optimizer.state_dict() == good


def test_load_state_dict_takes_back_infinite_state_and_refuses_non_numbers():
    # A huge gradient leaves inf in the second moments; the optimizer must take its own
    # state back (it once refused anything non-finite).
    optimizer = Adam([Value(1.0)], lr=0.1)
    optimizer.params[0].grad = 1e200
    with pytest.warns(RuntimeWarning, match="overflow"):
        optimizer.step()
    saved = optimizer.state_dict()
    assert saved["second_moments"] == [math.inf]
    restored = Adam([Value(1.0)], lr=0.1)
    restored.load_state_dict(saved)
    assert restored.state_dict() == saved
    with pytest.raises(TypeError, match=r"first_moments must be a list of floats, got str"):
        restored.load_state_dict({**saved, "first_moments": ["0.5"]})
    assert restored.state_dict() == saved


def test_repr():
    assert (
        repr(SGD([Value(1.0)], lr=0.5))
        == "SGD(1 parameters, lr=0.5, momentum=0.0, weight_decay=0.0)"
    )


# --- learning-rate schedules ---------------------------------------------------------------


def test_linear_decay_is_micrograds_schedule():
    optimizer = SGD([Value(0.0)], lr=1.0)
    schedule = LinearDecay(optimizer, total_steps=100)
    lrs = [optimizer.lr]
    for _ in range(120):
        lrs.append(schedule.step())
        assert optimizer.lr == lrs[-1]
    assert lrs[:100] == [1.0 - 0.9 * k / 100 for k in range(100)]
    assert lrs[100:] == [0.1] * 21


def test_linear_decay_from_a_start_factor():
    optimizer = SGD([Value(0.0)], lr=0.5)
    schedule = LinearDecay(optimizer, total_steps=4, end_factor=0.0, start_factor=0.5)
    assert optimizer.lr == 0.25  # applied when the schedule is created
    assert schedule.base_lr == 0.5
    assert [schedule.step() for _ in range(6)] == [0.1875, 0.125, 0.0625, 0.0, 0.0, 0.0]
    assert schedule.last_step == 6


def test_schedule_changes_the_steps_the_optimizer_takes():
    w = Value(0.0)
    optimizer = SGD([w], lr=1.0)
    schedule = LinearDecay(optimizer, total_steps=4, end_factor=0.5)
    moves = []
    for _ in range(5):
        before = w.data
        w.grad = -1.0
        optimizer.step()
        schedule.step()
        moves.append(w.data - before)
    assert moves == [1.0, 0.875, 0.75, 0.625, 0.5]


def test_step_decay():
    optimizer = Adam([Value(0.0)], lr=0.8)
    schedule = StepDecay(optimizer, step_size=3, gamma=0.5)
    assert optimizer.lr == 0.8
    assert [schedule.step() for _ in range(7)] == [0.8, 0.8, 0.4, 0.4, 0.4, 0.2, 0.2]


def test_exponential_decay():
    optimizer = RMSprop([Value(0.0)], lr=2.0)
    schedule = ExponentialDecay(optimizer, gamma=0.5)
    assert [schedule.step() for _ in range(4)] == [1.0, 0.5, 0.25, 0.125]
    assert schedule.lr_at(10) == 2.0 / 1024


# --- bad arguments -------------------------------------------------------------------------

OPTIMIZERS = [SGD, Adam, RMSprop]


@pytest.mark.parametrize("optimizer_class", OPTIMIZERS)
def test_rejects_empty_params(optimizer_class):
    with pytest.raises(ValueError, match=rf"{optimizer_class.__name__}\(params\).*none"):
        optimizer_class([], lr=0.1)


@pytest.mark.parametrize("optimizer_class", OPTIMIZERS)
@pytest.mark.parametrize(
    ("params", "pattern"),
    [
        ([Value(1.0), 2.0], r"item 1 is a float, expected a Value"),
        (5, r"expected an iterable of Values, got int"),
        (Value(1.0), r"expected an iterable of Values, got one Value"),
    ],
)
def test_rejects_non_values(optimizer_class, params, pattern):
    with pytest.raises(TypeError, match=rf"{optimizer_class.__name__}\(params\): {pattern}"):
        optimizer_class(params, lr=0.1)


@pytest.mark.parametrize("optimizer_class", OPTIMIZERS)
def test_rejects_a_parameter_listed_twice(optimizer_class):
    w = Value(1.0)
    with pytest.raises(ValueError, match=r"item 2 .* is listed twice"):
        optimizer_class([w, Value(2.0), w], lr=0.1)


@pytest.mark.parametrize("optimizer_class", OPTIMIZERS)
@pytest.mark.parametrize(
    ("lr", "error"),
    [
        (0.0, ValueError),
        (-0.1, ValueError),
        (math.nan, ValueError),
        ("0.1", TypeError),
        (True, TypeError),
    ],
)
def test_rejects_bad_lr(optimizer_class, lr, error):
    with pytest.raises(error, match=rf"{optimizer_class.__name__}\(lr\)"):
        optimizer_class([Value(1.0)], lr=lr)


@pytest.mark.parametrize("optimizer_class", OPTIMIZERS)
def test_rejects_negative_weight_decay(optimizer_class):
    with pytest.raises(ValueError, match=rf"{optimizer_class.__name__}\(weight_decay\).*-0\.1"):
        optimizer_class([Value(1.0)], lr=0.1, weight_decay=-0.1)


@pytest.mark.parametrize(
    ("optimizer_class", "kwargs", "pattern"),
    [
        (SGD, {"momentum": 1.0}, r"SGD\(momentum\): expected 0 <= momentum < 1, got 1\.0"),
        (SGD, {"momentum": -0.5}, r"SGD\(momentum\).*-0\.5"),
        (Adam, {"betas": (1.0, 0.999)}, r"Adam\(beta1\).*1\.0"),
        (Adam, {"betas": (0.9, -0.1)}, r"Adam\(beta2\).*-0\.1"),
        (Adam, {"eps": 0.0}, r"Adam\(eps\).*0\.0"),
        (RMSprop, {"alpha": 1.0}, r"RMSprop\(alpha\).*1\.0"),
        (RMSprop, {"alpha": -0.1}, r"RMSprop\(alpha\).*-0\.1"),
        (RMSprop, {"eps": -1e-8}, r"RMSprop\(eps\)"),
        (RMSprop, {"momentum": 1.5}, r"RMSprop\(momentum\).*1\.5"),
    ],
)
def test_rejects_out_of_range_hyperparameters(optimizer_class, kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        optimizer_class([Value(1.0)], lr=0.1, **kwargs)


@pytest.mark.parametrize("betas", [0.9, (0.9,), (0.9, 0.99, 0.999), "ab"])
def test_adam_rejects_betas_that_are_not_a_pair(betas):
    with pytest.raises(TypeError, match=r"Adam\(betas\): expected a pair"):
        Adam([Value(1.0)], betas=betas)


def test_optimizer_is_abstract():
    with pytest.raises(TypeError, match="abstract"):
        Optimizer([Value(1.0)])


@pytest.mark.parametrize(
    ("make", "error", "pattern"),
    [
        (lambda o: LinearDecay("sgd", 10), TypeError, r"LinearDecay\(optimizer\).*str"),
        (lambda o: LinearDecay(o, 0), ValueError, r"LinearDecay\(total_steps\).*0"),
        (lambda o: LinearDecay(o, 10.0), TypeError, r"LinearDecay\(total_steps\).*float"),
        (lambda o: LinearDecay(o, 10, end_factor=1.5), ValueError, r"LinearDecay\(end_factor\)"),
        (lambda o: LinearDecay(o, 10, end_factor=-0.1), ValueError, r"LinearDecay\(end_factor\)"),
        (
            lambda o: LinearDecay(o, 10, start_factor=0.0),
            ValueError,
            r"LinearDecay\(start_factor\)",
        ),
        (lambda o: StepDecay(o, 0), ValueError, r"StepDecay\(step_size\).*0"),
        (lambda o: StepDecay(o, 2, gamma=0.0), ValueError, r"StepDecay\(gamma\)"),
        (lambda o: StepDecay(o, 2, gamma=1.5), ValueError, r"StepDecay\(gamma\).*1\.5"),
        (lambda o: ExponentialDecay(o, gamma=-0.5), ValueError, r"ExponentialDecay\(gamma\)"),
        (lambda o: ExponentialDecay(o, gamma="0.5"), TypeError, r"ExponentialDecay\(gamma\)"),
    ],
)
def test_schedules_reject_bad_arguments(make, error, pattern):
    optimizer = SGD([Value(1.0)], lr=0.5)
    with pytest.raises(error, match=pattern):
        make(optimizer)
    assert optimizer.lr == 0.5  # a rejected schedule leaves the optimizer alone


@pytest.mark.parametrize(
    ("cls", "options"),
    [
        (SGD, {"lr": 0.1}),
        (SGD, {"lr": 0.05, "momentum": 0.9, "weight_decay": 0.01}),
        (Adam, {"lr": 0.01, "weight_decay": 0.1}),
        (AdamW, {"lr": 0.1, "weight_decay": 0.1}),
        (RMSprop, {"lr": 0.01, "weight_decay": 0.1}),
        (RMSprop, {"lr": 0.01, "momentum": 0.5, "weight_decay": 0.1}),
    ],
)
def test_a_parameters_path_does_not_depend_on_how_many_share_the_optimizer(cls, options):
    # Once, from 32 parameters on, steps took another code path, and AdamW's drifted. Each
    # parameter's update depends only on its own data, gradient and state: alone or among
    # 1,000 others, it follows the same numbers, bit for bit.
    import random  # noqa: PLC0415

    rng = random.Random(0)  # noqa: S311 - test data
    start = [rng.uniform(-2.0, 2.0) for _ in range(1000)]
    gradients = [[rng.uniform(-1.0, 1.0) for _ in start] for _ in range(4)]
    results = []
    for size in (1, 31, 32, 33, 1000):
        params = [Value(x, parameter=True) for x in start[:size]]
        optimizer = cls(params, **options)
        for step in gradients:
            for p, g in zip(params, step, strict=False):
                p.grad = g
            optimizer.step()
        results.append(
            (params[0].data, [v[0] for v in optimizer.state_dict().values() if isinstance(v, list)])
        )
        assert all(type(p.data) is float for p in params)
    assert all(result == results[0] for result in results)
    assert results[0][0] != start[0]
