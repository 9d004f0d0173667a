"""Softmax fusion: the batch program's fused log-softmax gives the per-node replay's numbers.

Oracles: the unfused batch replay (``fuse=False``, one line per node), and the eager engine
sample by sample, on random models and at awkward points (huge logits, ties, -inf logits,
one class), and on graphs that only partly fit the pattern (where nothing, or less, may be
fused). tests/reference/test_compiled_softmax.py adds PyTorch.
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, compile, dot, log_softmax, logsumexp, softmax, total
from autograd.engine import grad
from nn import MLP, losses

FUSED = "# softmax 1:"


def assert_same(got, want, rel=1e-12):
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    finite = np.isfinite(want)
    assert np.array_equal(np.isnan(got), np.isnan(want)), (got, want)  # NaN where, and only
    assert np.array_equal(got[~finite & ~np.isnan(want)], want[~finite & ~np.isnan(want)])
    scale = max(1.0, float(np.max(np.abs(want[finite])))) if finite.any() else 1.0
    assert np.allclose(got[finite], want[finite], rtol=rel, atol=rel * scale), (got, want)


def eager(fn, parameters, columns):
    """Per sample: the output, and the gradients (inputs per sample, parameters summed)."""
    outputs, inputs, params = [], [], np.zeros(len(parameters))
    for i in range(len(columns[0])):
        leaves = [Value(float(c[i])) for c in columns]
        out = fn(*leaves)
        grads = grad(out, [*leaves, *parameters])
        outputs.append(out.data)
        inputs.append(grads[: len(leaves)])
        params += grads[len(leaves) :]
    return outputs, np.array(inputs).T, params


def check(fn, columns, parameters=(), fused=True, trace=None):
    """Fused and unfused replays and the eager engine agree; the pattern fused or not."""
    parameters = list(parameters)
    n = len(columns)
    with_fusion = compile(fn, n, parameters=parameters)
    without = compile(fn, n, parameters=parameters, fuse=False)
    point = trace if trace is not None else [float(c[0]) for c in columns]
    with_fusion.trace(*point)
    without.trace(*point)
    assert (FUSED in with_fusion.batch_source) == fused, with_fusion.batch_source
    assert FUSED not in without.batch_source
    a = with_fusion.grad(*columns, wrt_inputs=True)
    b = without.grad(*columns, wrt_inputs=True)
    outputs, inputs, params = eager(fn, parameters, columns)
    for got in (a, b):
        assert_same(got.output, outputs)
        assert_same(got.parameters, params)
        for g, want in zip(got.inputs, inputs, strict=True):
            assert_same(g, want)
    assert_same(a.output, b.output)
    return with_fusion


def cross_entropy_of(model, nin):
    return lambda *v: losses.cross_entropy(model(list(v[:nin])), list(v[nin:]))


# --- random models ----------------------------------------------------------------------------
@settings(max_examples=8, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    hidden=st.integers(1, 6),
    classes=st.integers(2, 7),
    output=st.sampled_from(["linear", "softmax"]),
)
def test_random_models_with_a_cross_entropy_fuse_and_agree(seed, hidden, classes, output):
    model = MLP(3, [hidden, classes], "tanh", output, seed=seed)
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, classes, 7)
    columns = [*rng.normal(size=(3, 7)) * 3, *(labels == np.arange(classes)[:, None]) * 1.0]
    f = check(cross_entropy_of(model, 3), columns, model.parameters())
    if output == "linear":  # the logits are the last layer's matrix: read whole
        assert "Z1s = Z2_1" in f.batch_source
        assert "(T1s * P1s).sum(1)" in f.batch_source  # and the one-hot dot fused too


@pytest.mark.parametrize(
    "kind", ["class_index", "soft", "log_softmax_sum", "softmax", "logsumexp", "weighted"]
)
def test_every_form_of_the_pattern_fuses_and_agrees(kind):
    model = MLP(2, [4, 3], "relu", seed=1)
    rng = np.random.default_rng(2)
    columns = list(rng.normal(size=(2, 9)) * 2)

    def fn(a, b):
        z = model([a, b])
        if kind == "class_index":
            return losses.cross_entropy(z, 2)
        if kind == "soft":
            return losses.cross_entropy(z, [0.2, 0.3, 0.5])
        if kind == "log_softmax_sum":
            return total(log_softmax(z))
        if kind == "softmax":
            return dot([1.0, -2.0, 0.5], softmax(z))
        if kind == "logsumexp":
            return logsumexp(z)
        return dot([a, b, a * b], log_softmax(z))  # the weights are computed nodes

    check(fn, columns, model.parameters())


# --- awkward points -----------------------------------------------------------------------------
def logits_function(kind):
    def fn(z0, z1, z2, t0, t1, t2):  # noqa: PLR0917 - a compiled function's inputs
        if kind == "one_hot":
            return losses.cross_entropy([z0, z1, z2], [t0, t1, t2])
        if kind == "index":
            return losses.cross_entropy([z0, z1, z2], 0)
        if kind == "softmax":
            return dot([t0, t1, t2], softmax([z0, z1, z2]))
        return logsumexp([z0, z1, z2]) * t0

    return fn


AWKWARD = [
    [1000.0, -1000.0, 0.0],  # huge logits: exp(-2000) is 0
    [-1000.0, 1000.0, 1000.0],  # a tie at the top, huge
    [0.5, 0.5, 0.5],  # every logit tied
    [7.0, 7.0, -3.0],
    [0.0, -math.inf, 1.0],  # a class ruled out: eager is finite
    [2.0, -math.inf, -math.inf],
    [1e-300, -1e-300, 0.0],
    [3.0, 1.0, 2.0],
]


@pytest.mark.parametrize("kind", ["one_hot", "index", "softmax", "logsumexp"])
def test_awkward_logits_fused_equal_unfused_and_eager(kind):
    logits = np.array(AWKWARD).T
    targets = [np.array([1.0] * len(AWKWARD)), np.zeros(len(AWKWARD)), np.zeros(len(AWKWARD))]
    if kind == "softmax":
        targets = [np.full(len(AWKWARD), 0.3), np.full(len(AWKWARD), -1.0), np.ones(len(AWKWARD))]
    # Traced at an ordinary point (the graph of all -inf logits is a different one).
    check(logits_function(kind), [*logits, *targets], trace=[0.1, 0.2, 0.3, 1.0, 0.0, 0.0])


def test_a_one_hot_target_meeting_a_ruled_out_class_is_nan_on_every_path():
    # 0 * log(0): NaN eagerly (dot), so NaN fused; the other samples stay exact.
    columns = [np.array([0.0, 1.0]), np.array([-math.inf, 0.0]), np.array([1.0, 2.0])]
    targets = [np.array([1.0, 0.0]), np.array([0.0, 1.0]), np.array([0.0, 0.0])]
    with np.errstate(invalid="ignore"):
        f = check(logits_function("one_hot"), [*columns, *targets], trace=[0, 1, 2, 1, 0, 0])
    assert np.isnan(f(*columns, *targets)[0])


def test_one_class_and_one_logit():
    # Every sample of one class, and a log-softmax over a single value (its shift is itself).
    model = MLP(2, [3, 4], seed=3)
    rng = np.random.default_rng(4)
    columns = [*rng.normal(size=(2, 6)), np.ones(6), *np.zeros((3, 6))]
    check(cross_entropy_of(model, 2), columns, model.parameters())
    check(lambda z, t: t * log_softmax([z])[0] + z, [rng.normal(size=5), rng.normal(size=5)])


# --- graphs that only partly fit ---------------------------------------------------------------
def test_a_softmax_read_elsewhere_still_fuses_and_its_columns_are_kept():
    def fn(z0, z1, z2):
        p = log_softmax([z0, z1, z2])
        return p[0] * p[1] + p[2]  # log-probabilities used as values, not in a dot

    f = check(fn, list(np.random.default_rng(5).normal(size=(3, 6)) * 4))
    assert "= P1s[:, 0]" in f.batch_source


def test_a_cross_entropy_with_an_extra_term_on_the_logits():
    model = MLP(2, [3, 3], seed=6)
    rng = np.random.default_rng(7)
    labels = rng.integers(0, 3, 8)
    columns = [*rng.normal(size=(2, 8)), *(labels == np.arange(3)[:, None]) * 1.0]

    def fn(a, b, t0, t1, t2):
        z = model([a, b])
        return losses.cross_entropy(z, [t0, t1, t2]) + 0.1 * total([zi * zi for zi in z])

    check(fn, columns, model.parameters())


def test_a_log_probability_read_twice_keeps_the_dot_per_node():
    def fn(z0, z1, t0, t1):
        p = log_softmax([z0, z1])
        return -dot([t0, t1], p) + p[0].exp()

    f = check(fn, list(np.random.default_rng(8).normal(size=(4, 5))))
    assert "T1s" not in f.batch_source  # the dot is not the only reader: written per node


@pytest.mark.parametrize("where", ["exp", "sum", "max", "shifted", "log", "shift"])
@pytest.mark.parametrize("tied", [False, True])
def test_an_intermediate_used_elsewhere(where, tied):
    # An exp, the sum or an inner max read outside the formula: nothing is fused. Nor
    # where a shifted value, the log or the shift is read on its own: the shift then gets
    # a real gradient, which the max tree splits by its shape at a tie (1/4, 1/4, 1/2
    # here), not evenly.
    def fn(z0, z1, z2):
        zs = [z0, z1, z2]
        m = z0.maximum(z1)
        top = m.maximum(z2)
        shifted = [z - top for z in zs]
        exps = [s.exp() for s in shifted]
        whole = total(exps)
        log = whole.log()
        result = total([s - log for s in shifted])
        extra = {"exp": exps[1], "sum": whole, "max": m, "shifted": shifted[2], "log": log,
                 "shift": top}  # fmt: skip
        return result + 0.5 * extra[where]

    columns = list(np.random.default_rng(9).normal(size=(3, 6)))
    if tied:
        columns = [np.full(6, 0.25)] * 3
    check(fn, columns, fused=False, trace=[0.1, 0.2, 0.3])


@pytest.mark.parametrize("logits", [[0.25, 0.25, 0.25], [1.0, 1.0, -2.0], [0.3, -0.1, 2.0]])
def test_logsumexp_read_with_its_log_fuses_and_agrees_at_ties(logits):
    # log + shift (logsumexp) sends the shift a gradient that cancels: fused, and the even
    # split at a tie moves only rounding.
    def fn(z0, z1, z2, t):
        return logsumexp([z0, z1, z2]) * t + total(log_softmax([z2, z0, z1]))

    columns = [np.full(4, z) for z in logits] + [np.array([1.0, -2.0, 0.5, 3.0])]
    f = check(fn, columns, trace=[0.1, 0.2, 0.3, 1.0])
    assert "# softmax 2:" in f.batch_source


def test_a_different_shift_is_not_the_pattern():
    def fn(z0, z1):  # shifted by the smaller value: not a max tree over the logits
        m = z0.minimum(z1) if hasattr(z0, "minimum") else -((-z0).maximum(-z1))
        shifted = [z0 - m, z1 - m]
        return total([s - total([t.exp() for t in shifted]).log() for s in shifted])

    check(fn, list(np.random.default_rng(10).normal(size=(2, 5))), fused=False)

    def leaves_out_of_order(z0, z1, z2):
        top = z1.maximum(z0).maximum(z2)  # the tree's leaves are not the logits' order
        shifted = [z - top for z in (z0, z1, z2)]
        return total([s.exp() for s in shifted]).log() + top

    check(leaves_out_of_order, list(np.random.default_rng(11).normal(size=(3, 5))), fused=False)


def test_a_log_of_a_sum_of_non_exps_is_not_the_pattern():
    # Found by hypothesis (tests/reference/test_compiled.py): log(sum(c + a)) + b made the
    # matcher read the parents of a leaf (IndexError) before checking the exp's op.
    def fn(a, b, c):
        return b + total([c + a]).log()

    check(fn, [np.array([0.0, 1.0]), np.array([0.0, 2.0]), np.array([1.0, 2.0])], fused=False)

    def exp_of_a_leaf(a, b):
        return b + total([a.exp(), b.exp()]).log()

    check(exp_of_a_leaf, list(np.random.default_rng(12).normal(size=(2, 5))), fused=False)
