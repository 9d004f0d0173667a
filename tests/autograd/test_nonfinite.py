"""NaN and infinities through every op of the table: values and every partial.

One table-driven suite (a new op is covered without a new test). The oracle is sympy: the
op's forward formula in the sympy space, differentiated by sympy (not the table's partials).
For an input set to NaN, the other inputs are substituted first; an output is expected to
be NaN exactly when what is left still depends on the NaN input (relu'(x) = Piecewise in x
does; d(x * y)/dx = y does not), else it is that number: relu(nan) is nan, (x ** 2)' at
nan is nan, d(x * y)/dx at x = nan is y. This is chainrule's rule, not PyTorch's everywhere:
torch 2.13 gives relu'(nan) = 1 and (x ** 0)' at nan = 0 (tests/reference/test_ops.py lists
each difference with its reason).

Each expectation is checked in every place the numbers are computed: the float kernels
(and the folded-number kernels), ``backward``, ``grad`` (floats, and ``create_graph=True``,
where partials are Value graphs) and compiled replays on floats and on numpy batches.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable

import numpy as np
import pytest
import sympy

from autograd import Value, apply, compile, grad
from autograd.ops import TABLE, Op
from tests.autograd.sympy_space import SYMPY

NAN = math.nan
# Finite points on both sides of every kink (0) and of 1, inside every op's domain.
FINITE = (-1.5, 0.0, 0.5, 2.0)


def slot_count(op: Op) -> int:
    return 2 * op.arity if op.variadic else op.arity  # two groups for dot and sum


@functools.cache
def symbolic(op: Op) -> tuple[tuple[sympy.Symbol, ...], sympy.Expr, tuple[sympy.Expr, ...]]:
    names = op.slot_names(slot_count(op))
    symbols = tuple(sympy.Symbol(f"{name}_", real=True) for name in names)
    forward = op.evaluate(SYMPY, symbols)
    return symbols, forward, tuple(sympy.diff(forward, s) for s in symbols)


def in_domain(op: Op, point: tuple[float, ...]) -> bool:
    """Inside the op's domain (the table's intervals; div's y != 0; pow's x != 0)."""
    size = op.arity
    poles = {"pow": 0, "div": 1}
    return all(
        x in op.domain[i % size] and not (poles.get(op.name) == i and x == 0.0)
        for i, x in enumerate(point)
    )


def nan_points(op: Op) -> list[tuple[tuple[float, ...], int]]:
    """(point, slot): the slot is NaN, every other slot a finite point of the domain."""
    points = []
    count = slot_count(op)
    for slot in range(count):
        others = [FINITE] * (count - 1)
        for combo in itertools.product(*others):
            point = (*combo[:slot], NAN, *combo[slot:])
            if in_domain(op, tuple(0.5 if i == slot else x for i, x in enumerate(point))):
                points.append((point, slot))
    return points


def expected_at_nan(op: Op, point: tuple[float, ...], slot: int) -> list[float]:
    """Forward value and each partial, from sympy with the NaN input substituted.

    sympy's own nan follows IEEE arithmetic (0 * nan is nan; nan ** 0 is 1); a comparison
    with it (a Piecewise condition: select's x > 0; Max) is an error for sympy, and NaN for us.
    """
    symbols, forward, partials = symbolic(op)
    at = {s: (sympy.nan if i == slot else sympy.Float(x))
          for i, (s, x) in enumerate(zip(symbols, point, strict=True))}  # fmt: skip
    expected = []
    for expression in (forward, *partials):
        try:
            value = expression.xreplace(at)
        except (TypeError, ValueError):  # "Invalid NaN comparison", Max's "not comparable":
            expected.append(NAN)  # the branch depends on the NaN
            continue
        expected.append(NAN if value is sympy.nan else float(value))
    if op.name == "pow" and point[1] == 0.0:
        # IEEE pow(nan, 0) = 1 (sympy's nan ** 0 is nan). The x-partial, 0 * nan ** -1,
        # stays NaN: PyTorch gives 0 there, but a constant 0 would cut y out of the graph
        # of the derivative (d2/dxdy x ** y at y = 0 is 1, not 0).
        expected[0] = 1.0
    return expected


def same(actual: float, expected: float) -> bool:
    if math.isnan(expected):
        return math.isnan(actual)
    return actual == pytest.approx(expected, rel=1e-12, abs=1e-300)


def engine_results(op: Op, point: tuple[float, ...]) -> dict[str, list[float]]:
    """Value and partials at ``point``, from each place the engine computes them."""
    out = op.fwd(*point)
    results = {"kernels": [out, *op.local_partials(*point, out)]}
    leaves = [Value(x) for x in point]
    node = apply(op, *leaves)
    node.backward()
    results["backward"] = [node.data, *(leaf.grad for leaf in leaves)]
    leaves = [Value(x) for x in point]
    node = apply(op, *leaves)
    results["grad"] = [node.data, *grad(node, leaves)]
    graphs = grad(node, leaves, create_graph=True)
    results["grad(create_graph=True)"] = [node.data, *(g.data for g in graphs)]
    return results


def compiled_results(op: Op, point: tuple[float, ...]) -> dict[str, list[float]]:
    f = compile(lambda *xs: apply(op, *xs), len(point))
    f.trace(*(0.5 if math.isnan(x) else x for x in point))  # traced at finite numbers
    floats = f.grad(*point, wrt_inputs=True)
    batch = f.grad(*(np.array([x, x]) for x in point), wrt_inputs=True)
    return {
        "compiled floats": [floats.output, *floats.inputs],
        "compiled numpy": [float(batch.output[1]), *(float(g[1]) for g in batch.inputs)],
    }


CASES = [
    pytest.param(op, point, slot, id=f"{op.name}-{'-'.join(map(str, point))}")
    for op in TABLE
    for point, slot in nan_points(op)
]


@pytest.mark.parametrize(("op", "point", "slot"), CASES)
def test_nan_propagates_through_value_and_every_partial(op, point, slot):
    expected = expected_at_nan(op, point, slot)
    assert math.isnan(expected[0]) or op.name in {"leaky_relu", "elu", "pow"}
    for where, actual in {**engine_results(op, point), **compiled_results(op, point)}.items():
        assert len(actual) == len(expected), where
        for name, a, e in zip(["value", *op.slot_names(len(point))], actual, expected, strict=True):
            assert same(a, e), f"{where}: {name} is {a}, expected {e}"


def test_every_op_is_covered_at_nan():
    assert {op.name for op, *_ in (c.values for c in CASES)} == {op.name for op in TABLE}
    assert len(CASES) > 100


FOLDED = [
    pytest.param(op, slot, constant, id=f"{op.name}-slot{slot}-{constant}")
    for op in TABLE
    if op.arity == 2 and not op.variadic
    for slot in (0, 1)
    for constant in FINITE
    if in_domain(op, tuple(constant if i == slot else 0.5 for i in range(2)))
]


@pytest.mark.parametrize(("op", "slot", "constant"), FOLDED)
def test_nan_propagates_through_folded_numbers(op, slot, constant):
    # x ** 2 folds the 2: its kernels are generated separately from the table entry's.
    folded = op.fold(slot, constant)
    point = (NAN, constant) if slot == 1 else (constant, NAN)
    expected = expected_at_nan(op, point, 1 - slot)
    out = folded.fwd(NAN)
    (partial,) = folded.local_partials(NAN, out)
    assert same(out, expected[0])
    assert same(partial, expected[2 - slot])


@pytest.mark.parametrize(
    ("build", "name"),
    [
        (lambda x: x**2, "x ** 2"),
        (lambda x: x.relu(), "relu"),
        (abs, "abs"),
        (lambda x: x.leaky_relu(0.1), "leaky_relu"),
        (lambda x: x.elu(), "elu"),
        (lambda x: x.selu(), "selu"),
        (lambda x: (x * 3.0).relu() ** 3, "relu(3x) ** 3"),
    ],
)
def test_the_audits_cases_are_nan_in_backward_and_in_derivative_graphs(
    build: Callable[[Value], Value], name
):
    x = Value(NAN)
    y = build(x)
    assert math.isnan(y.data), name
    first = grad(y, x, create_graph=True)
    assert math.isnan(first.data), name
    y.backward()
    assert math.isnan(x.grad), name


# --- infinities ------------------------------------------------------------------------


def inf_points(op: Op) -> list[tuple[float, ...]]:
    count = slot_count(op)
    values = (-math.inf, -1.5, 0.0, 0.5, math.inf)
    return [
        point
        for point in itertools.product(values, repeat=count)
        if any(math.isinf(x) for x in point)
    ]


def expected_at(op: Op, point: tuple[float, ...]) -> list[float | None]:
    """sympy's value and partials at a point with infinities; None where sympy has none."""
    symbols, forward, partials = symbolic(op)
    at = {s: (sympy.oo if x == math.inf else -sympy.oo if x == -math.inf else sympy.Float(x))
          for s, x in zip(symbols, point, strict=True)}  # fmt: skip
    results: list[float | None] = []
    for expression in (forward, *partials):
        try:
            value = expression.xreplace(at)
        except TypeError:  # an invalid comparison (nan > 0) inside a Piecewise
            results.append(None)
            continue
        if isinstance(value, sympy.AccumBounds):  # sin(oo): oscillates, no limit
            results.append(None)
        elif value in (sympy.oo, -sympy.oo):
            results.append(math.inf if value == sympy.oo else -math.inf)
        elif value.is_real and value.is_finite:
            results.append(float(value))
        else:
            results.append(None)  # nan, zoo, complex: undefined there
    return results


INF_CASES = [
    pytest.param(op, point, id=f"{op.name}-{'-'.join(map(str, point))}")
    for op in TABLE
    for point in inf_points(op)
]


@pytest.mark.parametrize(("op", "point"), INF_CASES)
def test_infinities_give_the_limit_or_nan_or_a_domain_error(op, point):
    expected = expected_at(op, point)
    try:
        out = op.fwd(*point)
    except (ArithmeticError, ValueError):
        return  # a domain error (log(-inf), 0 ** -inf): never a silent number
    if expected[0] is None:
        assert math.isnan(out) or not in_domain(op, point) or op.name == "pow", out
    else:
        assert same(out, expected[0]), f"value {out}, expected {expected[0]}"
    try:
        partials = op.local_partials(*point, out)
    except (ArithmeticError, ValueError):
        return
    for slot, (a, e) in enumerate(zip(partials, expected[1:], strict=True)):
        if e is None:
            continue  # sympy has no limit there (inf - inf): any IEEE answer
        assert same(a, e), f"d/d{op.slot_names(len(point))[slot]}: {a}, expected {e}"
