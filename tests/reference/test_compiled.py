"""Every path gives the same answer or the same error, and the answer is PyTorch's.

The paths: eager ``backward``, ``grad`` (first and second order), ``compile``'s float
replay (straight-line code, and loops for long regular graphs: both sides of the size
threshold), its numpy batch replay, fused and unfused layers. The graphs: every op of
the table alone, random expressions (``autograd.strategies.expressions``) and random MLPs
with a loss. The reference: the same graph rebuilt in torch float64 ops (``to_torch``
walks ``topological_order`` through the op table's torch map), at drawn points and at
special inputs (0, -0.0, +-inf, NaN, 1e308, 5e-324, +-40, +-800).

Also generic: each op's float kernel and its numpy kernel agree over the special grid, or
the float kernel raises and the numpy one gives a non-finite number there (which is what
the batch replay checks to find the sample and raise the engine's error). That class of
bug (``(-inf) ** 0.5`` was inf eagerly and NaN in a batch) is caught here for every op.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, apply, compile, grad
from autograd.compiler import loops
from autograd.ops import OPS, TABLE, Op
from autograd.source import (
    FLOAT_GLOBALS,
    NUMPY_SOURCE_SPACE,
    SOURCE_SPACE,
    Expr,
    numpy_globals,
    source,
)
from autograd.strategies import expressions
from nn import MLP, losses
from tests.autograd.sympy_space import SYMPY
from tests.reference.torch_ops import same, special_values, to_torch

SPECIAL = (0.0, -0.0, math.inf, -math.inf, math.nan, 1e308, 5e-324, 40.0, -800.0)
SUFFIX = re.compile(r" \(in compiled replay, sample \d+\)$")


def slot_count(op: Op) -> int:
    return 2 * op.arity if op.variadic else op.arity


def message(error: Exception) -> tuple[type, str]:
    """An error as (type, message), without the batch replay's "sample k" suffix."""
    return type(error), SUFFIX.sub("", str(error))


# --- the kernels: float and numpy, over the special grid -------------------------------
def kernels(op: Op, space: Any, namespace: dict[str, Any]) -> list[Callable[..., Any]]:
    """``op``'s forward and each slot's partial, written in ``space``, as functions."""
    names = [f"a{i}" for i in range(slot_count(op))]
    args = tuple(Expr(n) for n in names)
    texts = [source(op.evaluate(space, args))]
    texts += [source(p) for p in op.slot_partials(space, args, Expr("out"))]
    functions = []
    for text in texts:
        scope: dict[str, Any] = {}
        exec(f"def k({', '.join([*names, 'out'])}):\n    return {text}\n", namespace, scope)  # noqa: S102
        functions.append(scope["k"])
    return functions


def float_result(function: Callable[..., Any], args: Sequence[float]) -> float | type:
    try:
        return float(function(*args))
    except (ArithmeticError, ValueError) as error:
        return type(error)


@pytest.mark.parametrize("op", TABLE, ids=[op.name for op in TABLE])
def test_float_and_numpy_kernels_agree_on_special_inputs(op):
    """Same number, or the float kernel raises and numpy gives NaN or inf (found, then raised).

    Each operand is an array (a Value in a batch) or a number literal (a folded number):
    numpy's power takes other code for a number exponent (sqrt's, for 0.5).
    """
    floats = kernels(op, SOURCE_SPACE, dict(FLOAT_GLOBALS))
    arrays = kernels(op, NUMPY_SOURCE_SPACE, numpy_globals())
    count = slot_count(op)
    grid = itertools.product(*[special_values(op, i) for i in range(count)])
    if count > 2:  # dot, sum: one special slot at a time
        grid = [(x, *[0.5] * (count - 1)) for x in special_values(op, 0)]
    cases = 0
    for point in grid:
        out = float_result(floats[0], (*point, 0.0))
        for kinds in itertools.product((True, False), repeat=count):
            if not any(kinds):
                continue
            operands = [np.full(3, x) if a else x for x, a in zip(point, kinds, strict=True)]
            with np.errstate(all="ignore"):
                try:
                    got = [np.broadcast_to(arrays[0](*operands, 0.0), 3)[0]]
                    if isinstance(out, float):
                        column = np.full(3, out)
                        got += [np.broadcast_to(k(*operands, column), 3)[0] for k in arrays[1:]]
                except ZeroDivisionError:  # a literal / a literal 0: never written (traced first)
                    continue
            expected = [out]
            if isinstance(out, float):
                expected += [float_result(k, (*point, out)) for k in floats[1:]]
            for index, (want, have) in enumerate(zip(expected, got, strict=False)):
                if index and not kinds[(index - 1) % count] and not op.variadic:
                    continue  # a folded slot has no partial in generated code
                cases += 1
                where = f"{op.name}{point} (arrays at {kinds}), output {index}"
                if isinstance(want, type):
                    assert not math.isfinite(have), (
                        f"{where}: float raises {want.__name__}, numpy {have}"
                    )
                else:
                    assert same(float(have), want, 1e-13), (
                        f"{where}: float {want!r}, numpy {have!r}"
                    )
    assert cases


# --- paths on one graph --------------------------------------------------------------------
class Outcome:
    """One path's answer at one point: value and input gradients, or an error."""

    def __init__(self, value: float = math.nan, grads: Sequence[float] = (), error: Any = None):
        self.value, self.grads, self.error = value, list(grads), error

    def agrees(self, other: Outcome, rel: float) -> bool:
        """The same value and gradients up to ``rel`` (no error on either side)."""
        pairs = zip([self.value, *self.grads], [other.value, *other.grads], strict=True)
        return self.error is other.error is None and all(same(a, b, rel, rel) for a, b in pairs)

    def assert_same(self, other: Outcome, where: str, rel: float = 1e-12) -> None:
        if self.error is not None or other.error is not None:
            assert self.error == other.error, f"{where}: {self.error} vs {other.error}"
            return
        assert same(self.value, other.value, rel, rel), f"{where}: {self.value} vs {other.value}"
        for a, b in zip(self.grads, other.grads, strict=True):
            assert same(a, b, rel, rel), f"{where}: gradients {self.grads} vs {other.grads}"


def eager(fn: Callable[..., Value], point: Sequence[float]) -> tuple[Outcome, Outcome]:
    """(backward's answer, grad's answer); each raises into an error outcome."""
    leaves = [Value(x) for x in point]
    try:
        out = fn(*leaves)
    except (ArithmeticError, ValueError) as error:
        failed = Outcome(error=message(error))
        return failed, failed
    try:
        out.backward()
        by_backward = Outcome(out.data, [x.grad for x in leaves])
    except (ArithmeticError, ValueError) as error:
        by_backward = Outcome(error=message(error))
    try:
        by_grad = Outcome(out.data, grad(out, leaves))
    except (ArithmeticError, ValueError) as error:
        by_grad = Outcome(error=message(error))
    return by_backward, by_grad


def compiled_float(f: Any, point: Sequence[float]) -> Outcome:
    try:
        result = f.grad(*point, wrt_inputs=True)
    except (ArithmeticError, ValueError) as error:
        return Outcome(error=message(error))
    return Outcome(result.output, result.inputs)


def compiled_batch(f: Any, points: Sequence[Sequence[float]]) -> list[Outcome] | Outcome:
    """Per-sample outcomes of one batch call, or the one error it raised."""
    columns = [np.array(column, dtype=float) for column in zip(*points, strict=True)]
    try:
        result = f.grad(*columns, wrt_inputs=True)
    except (ArithmeticError, ValueError) as error:
        return Outcome(error=message(error))
    grads = np.array(result.inputs, dtype=float).reshape(len(columns), -1)
    return [Outcome(float(result.output[i]), grads[:, i]) for i in range(len(points))]


def check_paths(fn: Callable[..., Value], points: Sequence[Sequence[float]], rel: float) -> None:
    """Every path's outcome at every point equals eager backward's; batches as one call.

    The first point must be one where ``fn`` builds (the trace happens there).
    """
    n = len(points[0])
    reference = []
    for point in points:
        by_backward, by_grad = eager(fn, point)
        by_grad.assert_same(by_backward, f"grad vs backward at {point}", 0.0)
        reference.append(by_backward)
    assert reference[0].error is None, f"the trace point {points[0]} raises"
    for fuse in (True, False):
        f = compile(fn, n, fuse=fuse)
        for point, want in zip(points, reference, strict=True):
            compiled_float(f, point).assert_same(want, f"compiled float at {point}", rel)
        good = [p for p, r in zip(points, reference, strict=True) if r.error is None]
        batch = compiled_batch(f, good)
        assert isinstance(batch, list), f"batch of good points raised {batch.error}"
        for point, want, got in zip(
            good, [r for r in reference if r.error is None], batch, strict=True
        ):
            got.assert_same(want, f"numpy batch (fuse={fuse}) at {point}", rel)
        # Each failing point, in a batch behind a good one, raises the eager error.
        for point, want in zip(points, reference, strict=True):
            if want.error is not None:
                got = compiled_batch(f, [points[0], point])
                assert isinstance(got, Outcome), f"batch at {point}: no error, eager {want.error}"
                got.assert_same(want, f"numpy batch (fuse={fuse}) at {point}")


def single_op_points(op: Op) -> list[tuple[float, ...]]:
    count = slot_count(op)
    if count > 2:
        return [(x, *[0.5] * (count - 1)) for x in special_values(op, 0)]
    return list(itertools.product(*[special_values(op, i) for i in range(count)]))


@pytest.mark.parametrize("op", TABLE, ids=[op.name for op in TABLE])
def test_every_op_alone_through_every_path(op):
    points = single_op_points(op)
    first = next(p for p in points if eager(lambda *xs: apply(op, *xs), p)[0].error is None)
    check_paths(lambda *xs: apply(op, *xs), [first, *points], rel=1e-12)


# --- random expressions ---------------------------------------------------------------------
def torch_outcome(t: Any, fn: Callable[..., Value], point: Sequence[float]) -> tuple[Outcome, Any]:
    """torch's value and gradient for ``fn`` built at ``point`` and rebuilt in torch ops.

    Also torch's Hessian (a list of rows), or None where a row cannot be taken.
    """
    leaves = [Value(x) for x in point]
    out = fn(*leaves)
    tensors = {leaf: t.tensor(x, requires_grad=True) for leaf, x in zip(leaves, point, strict=True)}
    result = to_torch(t, out, tensors)[out]
    xs = [tensors[leaf] for leaf in leaves]
    graphs = t.autograd.grad(result, xs, create_graph=True, allow_unused=True)
    rows = []
    for g in graphs:
        if g is None or not g.requires_grad:
            rows.append([0.0] * len(xs))
            continue
        row = t.autograd.grad(g, xs, retain_graph=True, allow_unused=True)
        rows.append([0.0 if h is None else h.item() for h in row])
    grads = [0.0 if g is None else g.item() for g in graphs]
    return Outcome(result.item(), grads), rows


def hessian(fn: Callable[..., Value], point: Sequence[float]) -> list[list[float]]:
    leaves = [Value(x) for x in point]
    graphs = grad(fn(*leaves), leaves, create_graph=True)
    return [grad(g, leaves) for g in graphs]


def sympy_output(expression: Any, inputs: int) -> tuple[Any, Any]:
    """The symbols ``x0..`` and ``expression``'s output over them, from the table's formulas."""
    import sympy  # noqa: PLC0415 - only on a disagreement

    symbols = sympy.symbols(f"x0:{inputs}")
    nodes: list[Any] = list(symbols)
    for step in expression.steps:
        operands = tuple(
            nodes[o] if isinstance(o, int) else sympy.nsimplify(o) for o in step.operands
        )
        nodes.append(OPS[step.op].evaluate(SYMPY, operands))
    return symbols, nodes[-1]


def sympy_second(expression: Any, point: Sequence[float], i: int, j: int) -> float:
    """d2 output / dx_i dx_j at ``point`` by sympy, from the op table's forward formulas.

    The tie-breaker where torch's second order disagrees: a third, symbolic oracle.
    """
    import sympy  # noqa: PLC0415 - only on a disagreement

    symbols, output = sympy_output(expression, len(point))
    second = sympy.diff(output, symbols[i], symbols[j])
    return float(second.subs(dict(zip(symbols, point, strict=True))).evalf())


def sympy_gradient(expression: Any, point: Sequence[float]) -> list[float]:
    """d output / dx_i at ``point`` by sympy, the point's floats taken as exact rationals.

    The tie-breaker where torch's first order disagrees at a point where rounding is
    amplified: d/dx sin(e^x) / sin(e^x) at 40 is 0, torch's rounding gives -104.
    """
    import sympy  # noqa: PLC0415 - only on a disagreement

    symbols, output = sympy_output(expression, len(point))
    exact = {x: sympy.Rational(value) for x, value in zip(symbols, point, strict=True)}
    return [float(sympy.diff(output, x).subs(exact).evalf(40)) for x in symbols]


def special_points(inputs: Sequence[float]) -> list[tuple[float, ...]]:
    """The drawn point with one input at a time replaced by each special value."""
    return [
        tuple(x if i != slot else s for i, x in enumerate(inputs))
        for slot in range(len(inputs))
        for s in SPECIAL
    ]


@settings(max_examples=40, deadline=None)
@given(expressions(max_steps=8))
def test_random_expressions_match_torch_on_every_path(torch, expression):
    point = expression.inputs
    # At the drawn point (in every op's domain, away from kinks): torch's numbers.
    ours = eager(expression, point)[0]
    theirs, rows = torch_outcome(torch, expression, point)
    ours.assert_same(theirs, f"torch at\n{expression}", 1e-9)
    for i, (mine, row) in enumerate(zip(hessian(expression, point), rows, strict=True)):
        for j, (a, b) in enumerate(zip(mine, row, strict=True)):
            if same(a, b, 1e-8, 1e-9):
                continue
            # torch's double backward is not always right: it masks pow's zero exponent,
            # so d2 (x + 1) ** x / dx2 at 0 is 1.0 there, 2.0 in truth. sympy decides.
            exact = sympy_second(expression, point, i, j)
            assert same(a, exact, 1e-8, 1e-9), (
                f"second order {a} vs torch {b}, sympy {exact} at\n{expression}"
            )
    # At special points: every path agrees with eager (or raises its error), and where
    # torch's whole forward stays finite, with torch's value and gradient.
    specials = special_points(point)
    check_paths(expression, [point, *specials], rel=1e-9)
    for special in specials:
        mine = eager(expression, special)[0]
        if mine.error is not None:
            continue
        theirs, _ = torch_outcome(torch, expression, special)
        numbers = [theirs.value, *theirs.grads, mine.value, *mine.grads]
        if all(math.isfinite(v) for v in numbers) and not mine.agrees(theirs, 1e-9):
            try:
                exact = sympy_gradient(expression, special)
            except (TypeError, RecursionError):  # sympy cannot say: torch's numbers stand
                exact = theirs.grads
            assert same(mine.value, theirs.value, 1e-9, 1e-9), f"torch at {special}"
            assert all(same(a, b, 1e-9, 1e-9) for a, b in zip(mine.grads, exact, strict=True)), (
                f"gradients {mine.grads} vs torch {theirs.grads}, sympy {exact} at {special} "
                f"of\n{expression}"
            )


# --- loops: both sides of the size threshold ------------------------------------------------
STEP_OPS = ["add", "mul", "tanh", "sigmoid", "sub", "softplus", "relu", "max"]  # no domains


@settings(max_examples=12, deadline=None)
@given(expressions(max_inputs=1, max_steps=5, ops=STEP_OPS), st.booleans())
def test_regular_chains_with_and_without_loops_match_torch(torch, step, long):
    """y = tanh(step(y) * 0.5 + x), repeated: a loop past MIN_LOOP_NODES op nodes, else not."""
    per_iteration = len(step.steps) + 3
    threshold = loops.MIN_LOOP_NODES
    iterations = (
        threshold // per_iteration + 2 if long else max(1, (threshold // per_iteration) - 2)
    )
    iterations = max(iterations, loops.MIN_ITERATIONS + 1) if long else iterations

    def chain(x: Value) -> Value:
        y = x
        for _ in range(iterations):
            y = (step(y) * 0.5 + x).tanh()
        return y

    x0 = step.inputs[0]
    f = compile(chain, 1)
    result = f.grad(x0, wrt_inputs=True)
    looped = "for _ in range(" in f._program("float", wrt_inputs=True).backward_source
    assert looped == (long and per_iteration * iterations >= threshold)
    leaves = [Value(x0)]
    out = chain(*leaves)
    theirs, _ = torch_outcome(torch, chain, [x0])
    assert same(result.output, out.data, 1e-12, 1e-12)
    assert same(result.inputs[0], grad(out, leaves)[0], 1e-12, 1e-12)
    Outcome(result.output, result.inputs).assert_same(theirs, f"chain of {iterations}", 1e-9)
    check_paths(chain, [(x0,), *[(s,) for s in SPECIAL]], rel=1e-9)


# --- random MLPs with a loss: fused and unfused, against torch ------------------------------
ACTIVATIONS = ["relu", "tanh", "sigmoid", "leaky_relu", "prelu", "elu", "selu", "softplus"]


@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    sizes=st.lists(st.integers(1, 5), min_size=1, max_size=3),
    activation=st.sampled_from(ACTIVATIONS),
    loss=st.sampled_from(["mse", "cross_entropy", "hinge", "bce_logits"]),
)
def test_random_mlps_fused_unfused_and_eager_match_torch(torch, seed, sizes, activation, loss):
    classes = max(2, sizes[-1]) if loss == "cross_entropy" else 1
    model = MLP(3, [*sizes[:-1], classes], activation, "linear", seed=seed)
    params = model.parameters()

    def objective(a: Value, b: Value, c: Value, target: Value) -> Value:
        out = model([a, b, c])
        scores = out if isinstance(out, list) else [out]
        if loss == "mse":
            return losses.mse(scores, [target])
        if loss == "cross_entropy":
            return losses.cross_entropy(scores, int(target.data) % classes)
        if loss == "hinge":
            return losses.hinge(scores, [1.0 if target.data > 0 else -1.0])
        return losses.binary_cross_entropy_with_logits(scores, [1.0 if target.data > 0 else 0.0])

    rng = np.random.default_rng(seed)
    rows = [[*rng.normal(size=3), float(rng.integers(0, 2))] for _ in range(5)]
    rows += [[40.0, -40.0, 800.0, 1.0], [-800.0, 0.0, -0.0, 0.0]]  # saturated units
    # The eager graph per sample, rebuilt in torch: the reference gradient, summed.
    want_grads = np.zeros(len(params))
    want_loss = []
    for row in rows:
        leaves = [Value(x) for x in row]
        out = objective(*leaves)
        tensors = {p: torch.tensor(p.data, requires_grad=True) for p in params}
        tensors.update({leaf: torch.tensor(x) for leaf, x in zip(leaves, row, strict=True)})
        result = to_torch(torch, out, tensors)[out]
        grads = torch.autograd.grad(result, [tensors[p] for p in params], allow_unused=True)
        want_grads += [0.0 if g is None else g.item() for g in grads]
        want_loss.append(result.item())
        eager_grads = grad(out, params)
        assert np.allclose(eager_grads, [0.0 if g is None else g.item() for g in grads],
                           rtol=1e-9, atol=1e-12)  # fmt: skip
    columns = [np.array(column) for column in zip(*rows, strict=True)]
    for fuse in (True, False):
        if loss in ("cross_entropy", "hinge", "bce_logits"):
            # The target's class or sign is read from .data at trace: replay per sample.
            got_loss, got_grads = [], np.zeros(len(params))
            for row in rows:
                per_sample = compile(
                    lambda a, b, c, t, row=row: objective(a, b, c, Value(row[3])),
                    4, parameters=params, fuse=fuse,
                )  # fmt: skip
                g = per_sample.grad(*[np.array([x]) for x in row])
                got_loss.append(float(g.output[0]))
                got_grads += g.parameters
        else:
            f = compile(objective, parameters=params, fuse=fuse)
            result = f.grad(*columns)
            assert (" @ " in f.batch_source) == fuse  # the layers really were fused, or not
            got_loss, got_grads = list(result.output), np.array(result.parameters)
        assert np.allclose(got_loss, want_loss, rtol=1e-9, atol=1e-12), (fuse, got_loss, want_loss)
        assert np.allclose(got_grads, want_grads, rtol=1e-9, atol=1e-12), (
            fuse,
            got_grads,
            want_grads,
        )


# --- the audit's case, and its class, by name ------------------------------------------------
@pytest.mark.parametrize(
    ("fn", "point", "error"),
    [
        (lambda x: x**0.5, -math.inf, ValueError),  # the audit's: inf eagerly, NaN in a batch
        (lambda x: x**-0.5, -math.inf, ValueError),  # numpy alone: 0.0, which no check saw
        (lambda x: x**-1.5, -5e-324, ValueError),  # Python: overflow to inf
        (lambda x, y: x / y, (math.nan, 0.0), ZeroDivisionError),  # a NaN input was skipped
        (lambda x, a: x.elu(a), (math.nan, -1.0), ValueError),
    ],
)
def test_edges_where_eager_and_batch_disagreed(fn, point, error):
    point = point if isinstance(point, tuple) else (point,)
    with pytest.raises(error) as eager_error:
        fn(*[Value(x) for x in point])
    f = compile(fn, len(point))
    f.trace(*[1.0] * len(point))
    with pytest.raises(error) as batch_error:
        f(*[np.array([1.0, x]) for x in point])
    assert message(batch_error.value) == message(eager_error.value)
    with pytest.raises(error):
        f(*point)
