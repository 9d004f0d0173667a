"""softmax, log_softmax and logsumexp: values, stability and gradients."""

from __future__ import annotations

import math

import numpy as np
import pytest

from autograd import (
    Value,
    compile,
    grad,
    gradcheck,
    log_softmax,
    logsumexp,
    softmax,
    topological_order,
)
from nn import MLP, losses

TOL = {"rel": 1e-12, "abs": 1e-12}
CASES = [
    [0.0],
    [1.0, 2.0, 3.0],
    [-0.5, 0.25, 2.0, -3.0],
    [5.0, 5.0],
    [0.1, -0.1, 0.0, 1e-3, 4.0, -2.5],
]


def ref_logsumexp(xs):
    m = max(xs)
    return m + math.log(sum(math.exp(x - m) for x in xs))


def ref_softmax(xs):
    total = sum(math.exp(x) for x in xs)
    return [math.exp(x) / total for x in xs]


def datas(values):
    return [v.data for v in values]


# --- values -----------------------------------------------------------------------


@pytest.mark.parametrize("xs", CASES)
def test_logsumexp_value(xs):
    out = logsumexp([Value(x) for x in xs])
    assert isinstance(out, Value)
    assert out.data == pytest.approx(math.log(sum(math.exp(x) for x in xs)), **TOL)


@pytest.mark.parametrize("xs", CASES)
def test_softmax_values_and_sum(xs):
    probs = softmax([Value(x) for x in xs])
    assert len(probs) == len(xs)
    assert all(isinstance(p, Value) for p in probs)
    assert datas(probs) == pytest.approx(ref_softmax(xs), **TOL)
    assert all(0.0 < p.data <= 1.0 for p in probs)
    assert math.fsum(datas(probs)) == pytest.approx(1.0, rel=1e-14, abs=1e-14)


@pytest.mark.parametrize("xs", CASES)
def test_log_softmax_values(xs):
    logs = log_softmax([Value(x) for x in xs])
    total = math.log(sum(math.exp(x) for x in xs))
    assert datas(logs) == pytest.approx([x - total for x in xs], **TOL)
    assert math.fsum(math.exp(v) for v in datas(logs)) == pytest.approx(1.0, rel=1e-14)


def test_docstring_numbers():
    assert [round(p.data, 4) for p in softmax([1.0, 2.0, 3.0])] == [0.09, 0.2447, 0.6652]
    assert [round(p.data, 4) for p in log_softmax([0.0, 0.0])] == [-0.6931, -0.6931]
    assert logsumexp([0.0, 0.0]).data == pytest.approx(math.log(2.0), **TOL)


def test_softmax_is_shift_invariant():
    base = [0.3, -1.2, 2.0]
    shifted = [x + 50.0 for x in base]
    assert datas(softmax(shifted)) == pytest.approx(datas(softmax(base)), rel=1e-12)


# --- stability --------------------------------------------------------------------


def test_stable_for_large_inputs():
    xs = [1000.0, 1000.0, 999.0]
    lse = logsumexp([Value(x) for x in xs]).data
    assert math.isfinite(lse)
    assert lse == pytest.approx(1000.0 + math.log(2.0 + math.exp(-1.0)), **TOL)
    probs = datas(softmax([Value(x) for x in xs]))
    expected = ref_softmax([0.0, 0.0, -1.0])
    assert all(math.isfinite(p) for p in probs)
    assert probs == pytest.approx(expected, **TOL)
    assert sum(probs) == pytest.approx(1.0, rel=1e-14)
    logs = datas(log_softmax([Value(x) for x in xs]))
    assert logs == pytest.approx([math.log(p) for p in expected], **TOL)


def test_stable_for_large_negative_inputs():
    xs = [-1000.0, -1000.0]
    lse = logsumexp([Value(x) for x in xs]).data
    assert lse == pytest.approx(-1000.0 + math.log(2.0), **TOL)
    assert datas(softmax([Value(x) for x in xs])) == pytest.approx([0.5, 0.5], **TOL)
    assert datas(log_softmax([Value(x) for x in xs])) == pytest.approx([-math.log(2.0)] * 2, **TOL)


@pytest.mark.parametrize("offset", [1e3, -1e3, 1e6, 1e10])
def test_softmax_precision_does_not_depend_on_the_offset(offset):
    # Every input is exactly representable, and subtracting the maximum is exact, so the
    # probabilities should be as accurate as for [0, 0, -1].
    xs = [offset, offset, offset - 1.0]
    probs = datas(softmax(xs))
    assert probs == pytest.approx(ref_softmax([0.0, 0.0, -1.0]), rel=1e-12)
    assert math.fsum(probs) == pytest.approx(1.0, rel=1e-12)


def test_extreme_spread_underflows_to_zero_probability():
    probs = datas(softmax([Value(1000.0), Value(-1000.0)]))
    assert probs == [1.0, 0.0]
    logs = datas(log_softmax([Value(1000.0), Value(-1000.0)]))
    assert logs == pytest.approx([0.0, -2000.0], **TOL)


def test_gradients_are_finite_at_large_inputs():
    xs = [Value(1000.0), Value(1000.0), Value(999.0)]
    out = logsumexp(xs)
    out.backward()
    expected = ref_softmax([0.0, 0.0, -1.0])
    assert [x.grad for x in xs] == pytest.approx(expected, **TOL)


# --- gradients -----------------------------------------------------------------------


@pytest.mark.parametrize("xs", CASES[1:])
def test_logsumexp_gradient_is_softmax(xs):
    values = [Value(x) for x in xs]
    assert grad(logsumexp(values), values) == pytest.approx(ref_softmax(xs), **TOL)
    assert gradcheck(lambda *v: logsumexp(v), xs)


@pytest.mark.parametrize("xs", CASES[1:])
def test_softmax_gradients(xs):
    n = len(xs)
    s = ref_softmax(xs)
    for i in range(n):
        values = [Value(x) for x in xs]
        jac_row = grad(softmax(values)[i], values)
        expected = [s[i] * ((1.0 if i == j else 0.0) - s[j]) for j in range(n)]
        assert jac_row == pytest.approx(expected, rel=1e-10, abs=1e-12)
        assert gradcheck(lambda *v, i=i: softmax(v)[i], xs)


@pytest.mark.parametrize("xs", CASES[1:])
def test_log_softmax_gradients(xs):
    n = len(xs)
    s = ref_softmax(xs)
    for i in range(n):
        values = [Value(x) for x in xs]
        row = grad(log_softmax(values)[i], values)
        expected = [(1.0 if i == j else 0.0) - s[j] for j in range(n)]
        assert row == pytest.approx(expected, rel=1e-10, abs=1e-12)
        assert gradcheck(lambda *v, i=i: log_softmax(v)[i], xs)


def test_cross_entropy_gradient():
    logits = [Value(0.5), Value(-1.0), Value(2.0)]
    target = 1
    loss = -log_softmax(logits)[target]
    loss.backward()
    s = ref_softmax([0.5, -1.0, 2.0])
    assert [v.grad for v in logits] == pytest.approx([s[0], s[1] - 1.0, s[2]], rel=1e-12, abs=1e-12)


# --- inputs -----------------------------------------------------------------------


def test_accepts_floats_mixed_with_values():
    x = Value(2.0, "x")
    mixed = [1.0, x, 3, 0.5]
    assert logsumexp(mixed).data == pytest.approx(ref_logsumexp([1.0, 2.0, 3.0, 0.5]), **TOL)
    probs = softmax(mixed)
    assert datas(probs) == pytest.approx(ref_softmax([1.0, 2.0, 3.0, 0.5]), **TOL)
    s = ref_softmax([1.0, 2.0, 3.0, 0.5])
    probs[1].backward()
    assert x.grad == pytest.approx(s[1] * (1.0 - s[1]), **TOL)


def test_accepts_any_iterable():
    gen = (Value(x) for x in [1.0, 2.0])
    assert datas(softmax(gen)) == pytest.approx(ref_softmax([1.0, 2.0]), **TOL)
    assert logsumexp((1.0, 2.0)).data == pytest.approx(ref_logsumexp([1.0, 2.0]), **TOL)


@pytest.mark.parametrize(
    ("function", "name"),
    [(softmax, "softmax"), (log_softmax, "log_softmax"), (logsumexp, "logsumexp")],
)
def test_empty_input_raises_naming_the_function(function, name):
    with pytest.raises(ValueError, match=rf"^{name}\b"):
        function([])


# --- two classes: softmax is the sigmoid of the difference --------------------------


@pytest.mark.parametrize(("a", "b"), [(0.0, 0.0), (1.5, -0.5), (-2.0, 3.0), (40.0, -40.0)])
def test_two_class_softmax_is_sigmoid_of_difference(a, b):
    x, y = Value(a), Value(b)
    p0, p1 = softmax([x, y])
    s = (x - y).sigmoid()
    assert p0.data == pytest.approx(s.data, rel=1e-12, abs=1e-15)
    assert p1.data == pytest.approx(1.0 - s.data, rel=1e-12, abs=1e-15)
    assert grad(p0, [x, y]) == pytest.approx(grad(s, [x, y]), rel=1e-9, abs=1e-15)


def test_minus_infinity_masks_an_entry():
    xs = [Value(-math.inf), Value(0.0), Value(1.0)]
    probs = softmax(xs)
    expected = ref_softmax([0.0, 1.0])
    assert datas(probs) == pytest.approx([0.0, *expected], **TOL)
    probs[2].backward()
    s1, s2 = expected
    assert [x.grad for x in xs] == pytest.approx([0.0, -s1 * s2, s2 * (1 - s2)], **TOL)
    assert logsumexp(xs).data == pytest.approx(ref_logsumexp([0.0, 1.0]), **TOL)


INF = math.inf
NAN = math.nan


@pytest.mark.parametrize(
    ("values", "lse", "lse_grad", "probabilities"),
    [
        # PyTorch's values; -inf inputs get probability 0 and log-probability -inf.
        ([-INF, -INF], -INF, [0.5, 0.5], [NAN, NAN]),  # grad: the limit for equal inputs
        ([-INF, 0.0], 0.0, [0.0, 1.0], [0.0, 1.0]),
        ([INF, 1.0], INF, [NAN, 0.0], [NAN, 0.0]),  # softmax = the gradient of logsumexp
        ([INF, INF], INF, [NAN, NAN], [NAN, NAN]),
        ([INF, -INF], INF, [NAN, 0.0], [NAN, 0.0]),
        ([NAN, 1.0], NAN, [NAN, NAN], [NAN, NAN]),
    ],
)
def test_infinite_inputs(values, lse, lse_grad, probabilities):
    def same(a, b):
        return math.isnan(a) if math.isnan(b) else a == pytest.approx(b)

    leaves = [Value(v) for v in values]
    out = logsumexp(leaves)
    assert same(out.data, lse)
    for g, e in zip(grad(out, leaves), lse_grad, strict=True):
        assert same(g, e)
    for p, e in zip(softmax(values), probabilities, strict=True):
        assert same(p.data, e)
    log_probabilities = [p.data for p in log_softmax(values)]
    for lp, e in zip(log_probabilities, probabilities, strict=True):
        assert same(lp, math.log(e) if e > 0 else (-INF if e == 0 else NAN))


# --- compiled replays far from the traced point ------------------------------------------
# The shift is computed in the graph (a tree of max nodes), so a program traced at one
# point is right at any other, without verify=True (a number frozen at trace time gave
# log_softmax([1000, 999])[0] = -inf when traced at (0, 0)).


def _cross_entropy_to_class_1(*xs):
    return losses.cross_entropy(list(xs), 1)


FUNCTIONS = {
    "log_softmax": lambda *xs: log_softmax(xs),
    "softmax": lambda *xs: softmax(xs),
    "logsumexp": lambda *xs: logsumexp(xs),
    "cross_entropy": _cross_entropy_to_class_1,
}
FAR = [
    (1000.0, 999.0, 990.0),
    (-1000.0, -1001.0, -999.0),
    (1e5, 0.0, -1e5),
    (3.0, 800.0, 800.0),
    (-745.0, 0.0, 709.0),
]


def _exact(name, xs):
    """The closed forms in plain floats (the independent oracle)."""
    lse = ref_logsumexp(xs)
    log_probabilities = [x - lse for x in xs]
    return {
        "log_softmax": log_probabilities,
        "softmax": [math.exp(p) for p in log_probabilities],
        "logsumexp": [lse],
        "cross_entropy": [-log_probabilities[1]],
    }[name]


def _as_list(result):
    return list(result) if isinstance(result, list | tuple) else [result]


@pytest.mark.parametrize("fuse", [True, False], ids=["fused", "unfused"])
@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_a_compiled_function_is_right_far_from_its_trace(name, fuse):
    f = compile(FUNCTIONS[name], 3, fuse=fuse)
    f.trace(0.0, 0.1, -0.2)
    columns = [np.array(column) for column in zip(*FAR, strict=True)]
    batch = _as_list(f(*columns))
    batch_gradients = f.grad(*columns, wrt_inputs=True).inputs
    for sample, point in enumerate(FAR):
        expected = _exact(name, point)
        assert _as_list(f(*point)) == pytest.approx(expected, rel=1e-12, abs=1e-300)
        assert [float(b[sample]) for b in batch] == pytest.approx(expected, rel=1e-12)
        leaves = [Value(x) for x in point]
        eager = _as_list(FUNCTIONS[name](*leaves))[0]
        want = grad(eager, leaves)
        floats = f.grad(*point, wrt_inputs=True)
        assert floats.inputs == pytest.approx(want, rel=1e-9, abs=1e-15)
        assert [float(g[sample]) for g in batch_gradients] == pytest.approx(
            want, rel=1e-9, abs=1e-15
        )


@pytest.mark.parametrize("fuse", [True, False], ids=["fused", "unfused"])
@pytest.mark.parametrize("name", sorted(FUNCTIONS))
@pytest.mark.parametrize("traced", [(-INF, -INF, -INF), (INF, 0.0, 1.0), (NAN, 0.0, 1.0)])
def test_a_function_traced_at_infinite_inputs_is_right_at_finite_ones(traced, name, fuse):
    # Eagerly such inputs take no shift (their own graph); a trace there once froze that
    # graph: logsumexp traced at all -inf gave the mean of the inputs at every call.
    f = compile(FUNCTIONS[name], 3, fuse=fuse)
    with np.errstate(invalid="ignore"):
        f.trace(*traced)
    columns = [np.array(column) for column in zip(*FAR, strict=True)]
    batch = _as_list(f(*columns))
    for sample, point in enumerate(FAR):
        expected = _exact(name, point)
        assert _as_list(f(*point)) == pytest.approx(expected, rel=1e-12, abs=1e-300)
        assert [float(b[sample]) for b in batch] == pytest.approx(expected, rel=1e-12)


def test_the_shift_is_a_tree_of_max_nodes_in_its_own_scope():
    xs = [Value(1.0), Value(3.0), Value(2.0)]
    out = logsumexp(xs)
    maxima = [n for n in topological_order(out) if n.op is not None and n.op.name == "max"]
    assert len(maxima) == 2
    assert not any(n.op.constants for n in topological_order(out) if n.op is not None)
    assert {n.scope.path for n in maxima} == {("logsumexp", "shift")}
    # Eight inputs: a balanced tree, three levels deep (a chain would be seven).
    leaves = [Value(float(i % 5)) for i in range(8)]
    top = log_softmax(leaves)[0]
    depth = {id(leaf): 0 for leaf in leaves}
    for node in topological_order(top):
        if node.op is not None and node.op.name == "max":
            depth[id(node)] = 1 + max(depth[id(p)] for p in node.parents)
    assert max(depth.values()) == 3


def test_a_model_trained_compiled_sees_far_away_logits():
    model = MLP(2, [3], activation="tanh", output_activation="linear", seed=3)
    for p in model.parameters():
        p.data *= 400.0  # logits of several hundred: a shift frozen at 0 overflows

    def loss(a, b):
        return losses.cross_entropy(model([a, b]), 2)

    f = compile(loss, parameters=model.parameters())
    f.trace(5.0, -5.0)
    for point in [(-5.0, 5.0), (-2.0, 0.5), (3.0, 3.0)]:
        eager = loss(*point)
        assert math.isfinite(eager.data)
        assert f(*point) == pytest.approx(eager.data, rel=1e-12)
