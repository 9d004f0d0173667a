"""nn.optim against torch.optim, live, in float64: every optimizer and option, every size.

Each case runs 50 steps on both sides from the same start, with the same gradients drawn
from a fixed random stream (ordinary, spread over 16 orders of magnitude, zero, huge, tiny,
and large enough that g**2 overflows), and compares the weights after every step to 1e-12
relative. The sizes sit on both sides of the 32 parameters where steps once switched to
another code path (AdamW's drifted there).

Rules where chainrule deliberately differs from PyTorch, each checked below:
- SGD's momentum is the source articles' ``delta_w = -lr * g + momentum * delta_w``: for a
  constant ``lr`` it is ``torch.optim.SGD`` (dampening 0, no Nesterov); when a schedule
  changes ``lr``, a new ``lr`` applies to new gradients only, so each step equals PyTorch's
  SGD at ``lr = 1`` fed ``lr_t * g`` (and ``weight_decay * lr_t``), not PyTorch's SGD with
  the same schedule, which rescales the whole velocity.
- chainrule has no ``dampening``, ``nesterov``, ``amsgrad``, ``maximize`` or ``centered``:
  the tests run PyTorch with those at their defaults.
"""

from __future__ import annotations

import json
import math
import os
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value
from nn.optim import SGD, Adam, AdamW, ExponentialDecay, LinearDecay, RMSprop, StepDecay

STEPS = 50
SIZES = (1, 31, 32, 33, 337, 1000)
RTOL = 1e-12

# Every option each optimizer has, alone and together, at ordinary and edge values.
OPTIONS = {
    "SGD": [
        {"lr": 0.1},
        {"lr": 0.05, "momentum": 0.9},
        {"lr": 0.2, "weight_decay": 0.3},
        {"lr": 0.03, "momentum": 0.5, "weight_decay": 0.01},
    ],
    "Adam": [
        {},
        {"lr": 0.1, "betas": (0.8, 0.99), "eps": 1e-6},
        {"lr": 0.02, "weight_decay": 0.1},
        {"lr": 0.05, "betas": (0.0, 0.5), "eps": 1e-3, "weight_decay": 0.01},
    ],
    "AdamW": [
        {},
        {"lr": 0.1, "weight_decay": 0.1},
        {"lr": 0.05, "betas": (0.5, 0.9), "eps": 1e-4, "weight_decay": 0.5},
        {"lr": 0.01, "weight_decay": 0.0},
    ],
    "RMSprop": [
        {},
        {"lr": 0.05, "alpha": 0.9, "eps": 1e-6},
        {"lr": 0.01, "weight_decay": 0.2},
        {"lr": 0.01, "momentum": 0.9},
        {"lr": 0.03, "alpha": 0.5, "eps": 1e-4, "weight_decay": 0.05, "momentum": 0.5},
    ],
}
OURS = {"SGD": SGD, "Adam": Adam, "AdamW": AdamW, "RMSprop": RMSprop}

# Gradient streams: a scale per entry times N(0, 1), from one fixed seed per case.
STREAMS = {
    "normal": lambda rng, shape: rng.normal(size=shape),
    "spread": lambda rng, shape: rng.normal(size=shape) * 10.0 ** rng.uniform(-8, 8, shape),
    "zero": lambda rng, shape: np.zeros(shape),
    "huge": lambda rng, shape: rng.normal(size=shape) * 1e100,
    "tiny": lambda rng, shape: rng.normal(size=shape) * 1e-160,  # g**2 is subnormal or 0
    "overflow": lambda rng, shape: rng.normal(size=shape) * 1e200,  # g**2 is inf
}


def torch_optimizer(torch, name, tensor, options):
    cls = getattr(torch.optim, name)
    if name == "SGD":
        return cls([tensor], dampening=0.0, nesterov=False, foreach=False, **options)
    if name in {"Adam", "AdamW"}:
        return cls([tensor], amsgrad=False, maximize=False, foreach=False, **options)
    return cls([tensor], centered=False, foreach=False, **options)


def assert_close(ours, theirs, step, twin=None):
    # Relative to 1e-12, with an absolute floor at the size of the weights (a weight that
    # crosses 0 is compared with its neighbours' magnitude); inf and nan must match.
    # `twin` is PyTorch run from weights and gradients one ulp away: where the map amplifies
    # rounding (a gradient near 0 under Adam's or RMSprop's division, decay feeding the
    # weight back), PyTorch differs from itself by that much, and a difference within 100
    # times its own spread is rounding too, not a formula (where the map is stable, the
    # spread stays at the weights' last digits).
    finite = np.isfinite(theirs)
    scale = np.max(np.abs(theirs[finite]), initial=1.0)
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(theirs), err_msg=f"step {step}")
    np.testing.assert_array_equal(ours[~finite], theirs[~finite], err_msg=f"step {step}")
    allowed = RTOL * np.abs(theirs) + RTOL * scale
    if twin is not None:
        with np.errstate(invalid="ignore"):
            allowed = np.maximum(allowed, 100.0 * np.abs(twin - theirs))
    with np.errstate(invalid="ignore"):
        off = finite & ~(np.abs(ours - theirs) <= allowed)
    if off.any():
        i = int(np.flatnonzero(off)[0])
        raise AssertionError(
            f"step {step}: {np.sum(off)} of {ours.size} weights differ from PyTorch, first "
            f"[{i}]: {ours[i]!r} (ours) vs {theirs[i]!r}, allowed {allowed[i]:.3g}"
        )


def run_both(torch, name, options, size, stream, seed=0):  # noqa: PLR0917
    """Run chainrule and PyTorch side by side; return the number of steps compared."""
    rng = np.random.default_rng(seed)
    start = rng.uniform(-2.0, 2.0, size)
    gradients = STREAMS[stream](rng, (STEPS, size))
    params = [Value(float(w), parameter=True) for w in start]
    ours = OURS[name](params, **options)
    tensor = torch.tensor(start, requires_grad=True)
    theirs = torch_optimizer(torch, name, tensor, options)
    nudged = torch.tensor(np.nextafter(start, np.inf), requires_grad=True)
    twin = torch_optimizer(torch, name, nudged, options)
    for step, g in enumerate(gradients, start=1):
        for p, gi in zip(params, g.tolist(), strict=True):
            p.grad = gi
        ours.step()
        tensor.grad = torch.tensor(g)
        theirs.step()
        nudged.grad = torch.tensor(np.nextafter(g, np.inf))  # rounding's size, every step
        twin.step()
        assert_close(
            np.array([p.data for p in params]),
            tensor.detach().numpy(),
            step,
            nudged.detach().numpy(),
        )
    return STEPS


CASES = [
    (name, options, size, stream)
    for name, option_sets in OPTIONS.items()
    for options in option_sets
    for size in SIZES
    for stream in STREAMS
]


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
@pytest.mark.parametrize(
    ("name", "options", "size", "stream"),
    CASES,
    ids=[f"{n}-{i}-{size}-{stream}" for n, o, size, stream in CASES for i in [str(o)]],
)
def test_optimizer_follows_torch(torch, name, options, size, stream):
    run_both(torch, name, options, size, stream)


@st.composite
def hyperparameters(draw, name):
    # Realistic ranges: with lr and weight_decay near 1, RMSprop and Adam flip a weight's
    # sign around 0 every step, a map that amplifies rounding to ~1e-11 in 30 steps on
    # either side (a conditioning fact, not a formula difference).
    lr = draw(st.floats(1e-4, 0.3))
    decay = draw(st.sampled_from([0.0, draw(st.floats(1e-4, 0.1))]))
    if name == "SGD":
        return {"lr": lr, "momentum": draw(st.floats(0.0, 0.99)), "weight_decay": decay}
    eps = draw(st.floats(1e-10, 1e-2))
    if name == "RMSprop":
        return {
            "lr": lr,
            "alpha": draw(st.floats(0.0, 0.999)),
            "eps": eps,
            "weight_decay": decay,
            "momentum": draw(st.floats(0.0, 0.99)),
        }
    # PyTorch moves m by lerp(m, g, 1 - beta1), so it holds beta1 through its complement:
    # for a beta1 such as 1e-8, 1 - (1 - beta1) is another number (by 6e-9 relative), and a
    # gradient spread over 16 orders of magnitude shows it. Such a beta1 is not drawn.
    beta1 = draw(st.floats(0.0, 0.99).filter(lambda b: 1.0 - (1.0 - b) == b))
    betas = (beta1, draw(st.floats(0.0, 0.9999)))
    return {"lr": lr, "betas": betas, "eps": eps, "weight_decay": decay}


@pytest.mark.parametrize("name", list(OURS))
@settings(max_examples=int(os.environ.get("OPTIM_EXAMPLES", "15")), deadline=None)
@given(data=st.data())
def test_any_hyperparameters_follow_torch(torch, name, data):
    options = data.draw(hyperparameters(name))
    size = data.draw(st.sampled_from(SIZES[:5]))
    # Not "zero": with no gradient, Adam and RMSprop move a decayed weight by about lr a
    # step towards 0 and across it, which amplifies rounding (the grid above covers it).
    stream = data.draw(st.sampled_from(["normal", "spread"]))
    run_both(torch, name, options, size, stream, seed=data.draw(st.integers(0, 2**16)))


# --- state dicts ---------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
@pytest.mark.parametrize("stream", ["normal", "overflow"])
@pytest.mark.parametrize(("name", "options"), [(n, o[-1]) for n, o in OPTIONS.items()])
@pytest.mark.parametrize("size", [1, 33])
def test_state_dict_mid_run_continues_as_uninterrupted_and_as_torch(
    torch, name, options, size, stream
):
    rng = np.random.default_rng(1)
    start = rng.uniform(-2.0, 2.0, size)
    gradients = STREAMS[stream](rng, (STEPS, size)).tolist()
    whole = [Value(float(w)) for w in start]
    uninterrupted = OURS[name](whole, **options)
    first = [Value(float(w)) for w in start]
    interrupted = OURS[name](first, **options)
    tensor = torch.tensor(start, requires_grad=True)
    theirs = torch_optimizer(torch, name, tensor, options)
    for step, g in enumerate(gradients):
        if step == STEPS // 2:
            # Through JSON, as a checkpoint file would carry it (inf and nan included).
            saved = json.loads(json.dumps(interrupted.state_dict()))
            first = [Value(p.data) for p in first]
            interrupted = OURS[name](first, lr=0.5)
            interrupted.load_state_dict(saved)
        for params, opt in ((whole, uninterrupted), (first, interrupted)):
            for p, gi in zip(params, g, strict=True):
                p.grad = gi
            opt.step()
        tensor.grad = torch.tensor(g)
        theirs.step()
    assert [p.data for p in first] == [p.data for p in whole]
    # As text, so that nan equals nan and a tuple its list.
    assert json.dumps(interrupted.state_dict()) == json.dumps(uninterrupted.state_dict())
    assert_close(np.array([p.data for p in first]), tensor.detach().numpy(), STEPS)


def test_a_state_dict_written_before_the_rewrite_still_loads():
    # What Adam.state_dict() returned (and fit checkpoints saved) before nn.optim was a package.
    old = {
        "lr": 0.1,
        "betas": (0.9, 0.999),
        "eps": 1e-08,
        "weight_decay": 0.0,
        "first_moments": [0.2, -0.1],
        "second_moments": [0.004, 0.001],
        "steps": 2,
    }
    params = [Value(1.0), Value(-1.0)]
    optimizer = Adam(params, lr=1.0)
    optimizer.load_state_dict(old)
    assert optimizer.state_dict() == old
    params[0].grad, params[1].grad = 0.0, 0.0
    optimizer.step()
    m, v = 0.9 * 0.2, 0.999 * 0.004
    expected = 1.0 - 0.1 * (m / (1 - 0.9**3)) / (math.sqrt(v / (1 - 0.999**3)) + 1e-8)
    assert params[0].data == pytest.approx(expected, rel=1e-15)


# --- schedules -----------------------------------------------------------------------------

SCHEDULES = {
    "linear": (
        lambda opt, k: LinearDecay(
            opt, total_steps=k["total"], end_factor=k["end"], start_factor=k["start"]
        ),
        lambda torch, opt, k: torch.optim.lr_scheduler.LinearLR(
            opt, start_factor=k["start"], end_factor=k["end"], total_iters=k["total"]
        ),
    ),
    "step": (
        lambda opt, k: StepDecay(opt, step_size=k["size"], gamma=k["gamma"]),
        lambda torch, opt, k: torch.optim.lr_scheduler.StepLR(
            opt, step_size=k["size"], gamma=k["gamma"]
        ),
    ),
    "exponential": (
        lambda opt, k: ExponentialDecay(opt, gamma=k["gamma"]),
        lambda torch, opt, k: torch.optim.lr_scheduler.ExponentialLR(opt, gamma=k["gamma"]),
    ),
}


@st.composite
def schedule_arguments(draw):
    return {
        "total": draw(st.integers(1, 60)),
        "end": draw(st.sampled_from([0.0, 1.0, draw(st.floats(0.0, 1.0))])),
        "start": draw(st.sampled_from([1.0, draw(st.floats(0.01, 1.0))])),
        "size": draw(st.integers(1, 20)),
        "gamma": draw(st.sampled_from([1.0, draw(st.floats(0.5, 1.0))])),
    }


@pytest.mark.parametrize("kind", list(SCHEDULES))
@pytest.mark.parametrize("name", ["Adam", "RMSprop", "SGD"])
@settings(max_examples=10, deadline=None)
@given(arguments=schedule_arguments())
def test_schedules_follow_torch_lr_schedulers(torch, kind, name, arguments):
    """The learning rate at every step, and the trajectory it gives (SGD: see the rule)."""
    ours_schedule, torch_schedule = SCHEDULES[kind]
    options = {"lr": 0.05, "weight_decay": 0.01}
    if name == "SGD":
        options["momentum"] = 0.0  # with momentum, SGD follows its own rule (test below)
    rng = np.random.default_rng(2)
    start = rng.uniform(-2.0, 2.0, 33)
    params = [Value(float(w)) for w in start]
    ours = OURS[name](params, **options)
    tensor = torch.tensor(start, requires_grad=True)
    theirs = torch_optimizer(torch, name, tensor, options)
    schedule, reference = ours_schedule(ours, arguments), torch_schedule(torch, theirs, arguments)
    for step in range(1, STEPS + 1):
        assert ours.lr == pytest.approx(theirs.param_groups[0]["lr"], rel=RTOL, abs=1e-15)
        g = rng.normal(size=33)
        for p, gi in zip(params, g.tolist(), strict=True):
            p.grad = gi
        ours.step()
        tensor.grad = torch.tensor(g)
        theirs.step()
        schedule.step()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch's own notes on the call order
            reference.step()
        assert_close(np.array([p.data for p in params]), tensor.detach().numpy(), step)


@pytest.mark.parametrize("size", [1, 32, 337])
def test_sgd_momentum_under_a_schedule_is_torch_sgd_at_lr_1_fed_lr_times_g(torch, size):
    """The rule stated above: a new lr applies to new gradients only."""
    rng = np.random.default_rng(3)
    start = rng.uniform(-2.0, 2.0, size)
    params = [Value(float(w)) for w in start]
    ours = SGD(params, lr=0.1, momentum=0.9, weight_decay=0.05)
    schedule = ExponentialDecay(ours, gamma=0.9)
    tensor = torch.tensor(start, requires_grad=True)
    theirs = torch.optim.SGD([tensor], lr=1.0, momentum=0.9, foreach=False)
    plain = torch.tensor(start, requires_grad=True)  # PyTorch's own schedule, for contrast
    plain_sgd = torch.optim.SGD([plain], lr=0.1, momentum=0.9, weight_decay=0.05, foreach=False)
    plain_schedule = torch.optim.lr_scheduler.ExponentialLR(plain_sgd, gamma=0.9)
    for step in range(1, STEPS + 1):
        g = rng.normal(size=size)
        lr = ours.lr
        for p, gi in zip(params, g.tolist(), strict=True):
            p.grad = gi
        ours.step()
        theirs.param_groups[0]["weight_decay"] = 0.05 * lr
        tensor.grad = torch.tensor(lr * g)
        theirs.step()
        plain.grad = torch.tensor(g)
        plain_sgd.step()
        schedule.step()
        plain_schedule.step()
        assert_close(np.array([p.data for p in params]), tensor.detach().numpy(), step)
    # And it is a real difference from PyTorch's SGD under the same schedule.
    assert np.max(np.abs(np.array([p.data for p in params]) - plain.detach().numpy())) > 1e-3
