"""Every op of the table, the Value operators and the composites against PyTorch, live.

For each op (iterated from ``autograd.ops.TABLE``: a new op is covered with no new test,
and fails with a clear message until ``TORCH`` in torch_ops.py maps it) the value, the
first-order gradient (``backward``, ``grad`` and ``grad(create_graph=True)``) and every
second-order partial (``grad`` of a ``create_graph`` gradient) are compared with torch
float64 (``torch.autograd.grad(create_graph=True)``) to 1e-12 relative, NaN equal to NaN:

- on a fixed grid of special inputs for every slot (0, -0.0, kinks, domain ends, +-inf,
  NaN, huge and tiny magnitudes, saturated sigmoid and tanh at +-40 and +-800), with
  numbers folded into either slot of a binary op as well as Values;
- on ordinary inputs that hypothesis draws from each op's domain, away from its kinks.

Where chainrule raises, PyTorch must have no finite answer (NaN or an infinity in the value
or a derivative), or the input lies outside the op's documented domain (ELU's alpha <= 0).
Where chainrule's number differs on purpose, ``DELIBERATE`` (torch_ops.py) states the rule
and the reason, and chainrule's documented number is asserted there.
"""

from __future__ import annotations

import itertools
import math
import operator
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, apply, dot, grad, log_softmax, logsumexp, softmax, total
from autograd.ops import POW, TABLE, Op
from autograd.strategies import op_inputs
from tests.reference.torch_ops import (
    COEFFICIENTS,
    DELIBERATE,
    KNOWN_BUGS,
    NAN,
    deliberate,
    pow_exact,
    same,
    special_values,
    torch_function,
)

Numbers = dict[str, float]
ORDINARY = (0.5, -1.5)  # the other slots' values when one slot takes a special value


def slot_count(op: Op) -> int:
    return 2 * op.arity if op.variadic else op.arity  # two groups of a variadic op


def chainrule_numbers(
    build: Callable[[list[Any]], Value], point: Sequence[float], live: Sequence[int]
) -> tuple[Numbers, str | None, Exception | None]:
    """Value and derivatives by every eager route; the stage that raised, and the error."""
    numbers: Numbers = {}
    leaves: list[Any] = [Value(x) if i in live else x for i, x in enumerate(point)]
    xs = [leaves[i] for i in live]
    try:
        y = build(leaves)
    except (ArithmeticError, ValueError) as error:
        return numbers, "value", error
    numbers["value"] = y.data
    try:
        first = grad(y, xs)
        graphs = grad(y, xs, create_graph=True)
        y.backward()
    except (ArithmeticError, ValueError) as error:
        return numbers, "first", error
    for i, f, g, x in zip(live, first, graphs, xs, strict=True):
        # Three routes to one number (to a few ulps: a differentiable expm1 is a graph of
        # table ops); torch's is checked below.
        assert same(f, g.data, 1e-15), (f, g.data)
        assert same(f, x.grad, 0.0), (f, x.grad)
        numbers[f"d{i}"] = f
    try:
        for i, g in zip(live, graphs, strict=True):
            for j, h in zip(live, grad(g, xs), strict=True):
                numbers[f"d{i}d{j}"] = h
    except (ArithmeticError, ValueError) as error:
        return numbers, "second", error
    return numbers, None, None


def torch_numbers(
    t: Any, build: Callable[[list[Any]], Any], point: Sequence[float], live: Sequence[int]
) -> Numbers:
    leaves = [t.tensor(x, requires_grad=i in live) if i in live else x for i, x in enumerate(point)]
    xs = [leaves[i] for i in live]
    y = build(leaves)
    numbers = {"value": y.item()}
    if not y.requires_grad:  # torch took every variable as a number (ELU's inf alpha)
        return numbers
    graphs = t.autograd.grad(y, xs, create_graph=True, allow_unused=True)
    # An input torch took as a number (ELU's non-finite alpha) has no derivatives there.
    used = [j for j, g in zip(live, graphs, strict=True) if g is not None]
    for i, g in zip(live, graphs, strict=True):
        if g is None:
            continue
        numbers[f"d{i}"] = g.item()
        if not g.requires_grad:
            row: Sequence[Any] = [None] * len(xs)
        else:
            row = t.autograd.grad(g, xs, retain_graph=True, allow_unused=True)
        for j, h in zip(live, row, strict=True):
            if j in used:
                numbers[f"d{i}d{j}"] = 0.0 if h is None else h.item()
    return numbers


def outside_domain(op: Op | None, point: Sequence[float]) -> bool:
    if op is None:
        return False
    return any(not math.isnan(x) and x not in op.domain[i % op.arity] for i, x in enumerate(point))


def compare(
    t: Any,
    build: Callable[[list[Any]], Value],
    build_torch: Callable[[list[Any]], Any],
    point: Sequence[float],
    live: Sequence[int],
    *,
    op: Op | None = None,
    name: str = "expression",
    rel: float = 1e-12,
    abs_: float = 0.0,
    second_rel: float | None = None,
) -> None:
    """chainrule's numbers at ``point`` equal torch's, or differ as DELIBERATE says."""
    ours, stage, error = chainrule_numbers(build, point, live)
    theirs = torch_numbers(t, build_torch, point, live)
    name = op.base.name if op is not None else name
    check(name, op, point, live, (ours, stage, error), theirs, rel, abs_, second_rel)


def check(  # noqa: PLR0917 - one case's numbers, spelled out
    name: str,
    op: Op | None,
    point: Sequence[float],
    live: Sequence[int],
    result: tuple[Numbers, str | None, Exception | None],
    theirs: Numbers,
    rel: float = 1e-12,
    abs_: float = 0.0,
    second_rel: float | None = None,
) -> None:
    """The assertions of :func:`compare` on numbers already computed."""
    ours, stage, error = result
    where = f"{name} at {tuple(point)} (Values at slots {list(live)})"
    if error is not None:
        finite = all(math.isfinite(v) for v in theirs.values())
        assert not finite or outside_domain(op, point), (
            f"{where}: chainrule raised at its {stage} ({type(error).__name__}: {error}) "
            f"where torch has finite numbers {theirs}"
        )
    for what, got in ours.items():
        if what not in theirs:
            continue
        want = theirs[what]
        tolerance = second_rel if second_rel is not None and what.count("d") == 2 else rel
        if same(got, want, tolerance, abs_):
            continue
        difference = deliberate(name, what, tuple(point), ours)
        if difference is None:
            difference = deliberate(name, what, tuple(point), ours, KNOWN_BUGS)
        assert difference is not None, f"{where}: {what} is {got!r}, torch says {want!r}"
        expected = difference.value(tuple(point), what)
        assert same(got, expected, abs_=difference.within), (
            f"{where}: {what} is {got!r}; the stated rule ({difference.reason}) says {expected!r}"
        )


def op_builders(op: Op, t: Any) -> tuple[Callable[..., Value], Callable[..., Any]]:
    reference = torch_function(op)

    def build_torch(leaves: list[Any]) -> Any:
        return reference(t, *[x if hasattr(x, "grad") else t.tensor(x) for x in leaves])

    return (lambda leaves: apply(op, *leaves)), build_torch


def grid(op: Op) -> list[tuple[float, ...]]:
    """Every pair of special values for a 1- or 2-slot op; one special slot at a time else."""
    count = slot_count(op)
    specials = [special_values(op, slot) for slot in range(count)]
    if count <= 2:
        return list(itertools.product(*specials))
    return [
        tuple(x if i == slot else other for i in range(count))
        for slot in range(count)
        for x in specials[slot]
        for other in ORDINARY
    ]


def live_choices(op: Op) -> list[tuple[int, ...]]:
    """Which slots are Values: all, and for a binary op each slot alone (a folded number)."""
    count = slot_count(op)
    if op.variadic or count == 1:
        return [tuple(range(count))]
    return [tuple(range(count)), *((i,) for i in range(count))]


IDS = [op.name for op in TABLE]


def special_cases(
    t: Any,
) -> Iterator[tuple[str, Op | None, Callable[..., Any], Callable[..., Any], Any, Any]]:
    """Every op's special-input case: (name, op, chainrule builder, torch builder, point, live)."""
    for op in TABLE:
        build, build_torch = op_builders(op, t)
        for point in grid(op):
            for live in live_choices(op):
                yield op.name, op, build, build_torch, point, live


@pytest.fixture(scope="module")
def special_results(torch):
    """chainrule's and torch's numbers for every op's special-input case, computed once.

    Each: (name, op, point, live, (numbers, stage that raised, error), torch's numbers).
    """
    return [
        (name, op, tuple(point), live, chainrule_numbers(build, point, live),
         torch_numbers(torch, build_torch, point, live))
        for name, op, build, build_torch, point, live in special_cases(torch)
    ]  # fmt: skip


@pytest.mark.parametrize("op", TABLE, ids=IDS)
def test_every_op_on_the_special_grid(special_results, op):
    cases = [case for case in special_results if case[1] is op]
    assert len(cases) == len(grid(op)) * len(live_choices(op))
    for name, _, point, live, result, theirs in cases:
        check(name, op, point, live, result, theirs)


@pytest.mark.parametrize("op", TABLE, ids=IDS)
def test_every_op_on_ordinary_inputs(torch, op):
    build, build_torch = op_builders(op, torch)
    groups = 2 if op.variadic else 1

    @settings(max_examples=25, deadline=None)
    @given(st.tuples(*[op_inputs(op)] * groups), st.sampled_from(live_choices(op)))
    def check(drawn, live):
        point = tuple(x for group in drawn for x in group)
        # Second-order formulas differ in rounding (torch's double-backward kernels are
        # written out, ours are graphs of the partials): a little more room there.
        compare(torch, build, build_torch, point, live, op=op, abs_=1e-14, second_rel=1e-10)

    check()


POW_EDGE_X = (0.0, -0.0, 5e-324, 1e-310, 1e-300, 0.5, 1.0, math.inf, NAN)
POW_EDGE_Y = (0.0, 0.5, 1.0, 2.0, -1.0, 3.0, NAN)


@pytest.mark.parametrize("live", [(0, 1), (0,), (1,)], ids=["both", "x", "y"])
def test_pow_at_its_edges(torch, live):
    """x ** y at x = 0, subnormal, tiny, inf and NaN: torch's numbers or the stated rules.

    And, independently of torch, every second derivative at a tiny positive x equals the
    closed form evaluated in mpmath (to a few units of the smallest subnormal).
    """
    build, build_torch = op_builders(POW, torch)
    for point in itertools.product(POW_EDGE_X, POW_EDGE_Y):
        compare(torch, build, build_torch, point, live, op=POW)
        x, y = point
        if not 0.0 < x < 1e-290 or math.isnan(y):
            continue
        numbers, stage, error = chainrule_numbers(build, point, live)
        assert error is None, (point, stage, error)
        for what, got in numbers.items():
            if what == "value":
                continue
            want = pow_exact(point, what)
            assert same(got, want, 1e-12, 1e-322) or (
                math.isinf(want) and (got == want or math.isnan(got))  # overflowing terms
            ), (point, what, got, want)


# --- the Value operators: the same Python expression on Values and on tensors ------------
BINARY = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "**": operator.pow,
}
UNARY = {"-": operator.neg, "abs": abs}
OPERAND = [0.0, -0.0, 0.5, -1.5, 2.0, 3.0, -1.0, math.inf, -math.inf, NAN, 1e308, 5e-324, 40.0]


def operator_op(symbol: str, arity: int) -> Op:
    """The table entry an operator records (for its domain and deliberate differences)."""
    probe = BINARY[symbol](Value(2.0), Value(3.0)) if arity == 2 else UNARY[symbol](Value(2.0))
    return probe.op  # type: ignore[return-value]


def operator_builders(t: Any, function: Callable[..., Any]) -> tuple[Callable[..., Any], ...]:
    """The same Python expression on Values and on tensors.

    A number operand becomes a tensor on torch's side: torch's ``number / tensor`` is
    ``number * reciprocal(tensor)``, which makes 0.0 / 5e-324 NaN (torch's shortcut, not
    division's answer).
    """

    def on_values(leaves: list[Any]) -> Any:
        return function(*leaves)

    def on_tensors(leaves: list[Any]) -> Any:
        return function(*[x if hasattr(x, "grad") else t.tensor(x) for x in leaves])

    return on_values, on_tensors


@pytest.mark.parametrize("symbol", BINARY)
def test_binary_operators_on_special_operands(torch, symbol):
    function = BINARY[symbol]
    op = operator_op(symbol, 2)

    for point in itertools.product(OPERAND, repeat=2):
        for live in ((0, 1), (0,), (1,)):  # Value op Value, Value op number, number op Value
            compare(torch, *operator_builders(torch, function), point, live, op=op)


@pytest.mark.parametrize("symbol", UNARY)
def test_unary_operators_on_special_operands(torch, symbol):
    function = UNARY[symbol]
    op = operator_op(symbol, 1)
    for x in OPERAND:
        compare(torch, *operator_builders(torch, function), (x,), (0,), op=op)


@settings(max_examples=40, deadline=None)
@given(
    symbol=st.sampled_from(sorted(BINARY)),
    x=st.floats(-5.0, 5.0),
    y=st.floats(-5.0, 5.0),
    live=st.sampled_from([(0, 1), (0,), (1,)]),
)
def test_binary_operators_on_ordinary_operands(torch, symbol, x, y, live):
    function = BINARY[symbol]
    op = operator_op(symbol, 2)

    build, build_torch = operator_builders(torch, function)
    compare(torch, build, build_torch, (x, y), live, op=op, abs_=1e-14, second_rel=1e-10)


# --- the composites ----------------------------------------------------------------------
def combined(outputs: Sequence[Any]) -> Any:
    """A scalar that reads every output with its own weight (a list output's gradient)."""
    result = outputs[0] * COEFFICIENTS[0]
    for out, c in zip(outputs[1:], COEFFICIENTS[1:], strict=False):
        result = result + out * c
    return result


def composites(t: Any) -> dict[str, tuple[Callable[..., Value], Callable[..., Any]]]:
    """name -> (chainrule on a list of leaves, torch on a list of tensors)."""

    def stack(xs: list[Any]) -> Any:
        return t.stack([x if hasattr(x, "grad") else t.tensor(x) for x in xs])

    def pairs(xs: list[Any]) -> tuple[list[Any], list[Any]]:
        return xs[0::2], xs[1::2]

    return {
        "softmax": (lambda xs: combined(softmax(xs)), lambda xs: combined(t.softmax(stack(xs), 0))),
        "log_softmax": (
            lambda xs: combined(log_softmax(xs)),
            lambda xs: combined(t.log_softmax(stack(xs), 0)),
        ),
        "logsumexp": (logsumexp, lambda xs: t.logsumexp(stack(xs), 0)),
        "total": (total, lambda xs: stack(xs).sum()),
        "dot": (lambda xs: dot(*pairs(xs)), lambda xs: t.dot(*map(stack, pairs(xs)))),
        "maximum": (
            lambda xs: (
                xs[0].maximum(xs[1]) if isinstance(xs[0], Value) else Value(xs[0]).maximum(xs[1])
            ),
            lambda xs: t.maximum(*map(stack, ([xs[0]], [xs[1]])))[0],
        ),
    }


SPECIAL_VECTORS = [
    [0.0, 0.0],
    [1000.0, 1000.0],
    [1e10, 1e10 + 1.0, 1e10 - 2.0],
    [-math.inf, 0.0, 1.0],
    [-math.inf, -math.inf],
    [-math.inf, -math.inf, -math.inf, 2.0],
    [math.inf, 0.0],
    [math.inf, math.inf],
    [NAN, 1.0],
    [800.0, -800.0, 40.0],
    [-0.0, 5e-324, -1e308, 1e308],
]
COMPOSITE_NAMES = ["softmax", "log_softmax", "logsumexp", "total", "dot", "maximum"]
ALIAS = {"maximum": "max"}  # Value.maximum is the table's max: its stated rules hold


def composite_points(name: str) -> list[list[float]]:
    if name == "maximum":
        return [list(p) for p in itertools.product(OPERAND, repeat=2)]
    if name == "dot":  # pairs: an even length
        return [v + v[: len(v) % 2] for v in SPECIAL_VECTORS]
    return SPECIAL_VECTORS


@pytest.mark.parametrize("name", COMPOSITE_NAMES)
def test_composites_on_special_inputs(torch, name):
    build, build_torch = composites(torch)[name]
    for point in composite_points(name):
        compare(torch, build, build_torch, point, tuple(range(len(point))),
                name=ALIAS.get(name, name))  # fmt: skip


@pytest.mark.parametrize("name", COMPOSITE_NAMES)
def test_composites_on_ordinary_inputs(torch, name):
    build, build_torch = composites(torch)[name]
    length = st.integers(1, 5).map(lambda n: 2 * n) if name == "dot" else st.integers(1, 6)
    if name == "maximum":
        length = st.just(2)

    @settings(max_examples=20, deadline=None)
    @given(length.flatmap(lambda n: st.lists(st.floats(-30.0, 30.0), min_size=n, max_size=n)))
    def check(point):
        compare(torch, build, build_torch, point, tuple(range(len(point))),
                name=ALIAS.get(name, name), abs_=1e-14, second_rel=1e-10)  # fmt: skip

    check()


# --- the stated differences -----------------------------------------------------------------


def other_special_cases(
    t: Any,
) -> Iterator[tuple[str, Callable[..., Any], Callable[..., Any], Any, Any]]:
    """The operators' and composites' special cases: (name, builders..., point, live)."""
    for symbol, function in BINARY.items():
        builders = operator_builders(t, function)
        for point in itertools.product(OPERAND, repeat=2):
            for live in ((0, 1), (0,), (1,)):
                yield operator_op(symbol, 2).base.name, *builders, point, live
    for name, (build, build_torch) in composites(t).items():
        for point in composite_points(name):
            yield ALIAS.get(name, name), build, build_torch, point, tuple(range(len(point)))


@pytest.fixture(scope="module")
def differences_used(torch, special_results):
    """For each stated difference, the cases it decides (where chainrule differs from torch)."""
    cases = [
        (name, point, result[0], theirs) for name, _, point, _, result, theirs in special_results
    ]
    for name, build, build_torch, point, live in other_special_cases(torch):
        ours = chainrule_numbers(build, point, live)[0]
        cases.append((name, tuple(point), ours, torch_numbers(torch, build_torch, point, live)))
    used: dict[int, list[tuple[str, tuple[float, ...], str, float]]] = {}
    for name, point, ours, theirs in cases:
        for what, got in ours.items():
            if same(got, theirs.get(what, got)):
                continue
            chosen = deliberate(name, what, point, ours, (*DELIBERATE, *KNOWN_BUGS))
            if chosen is not None:
                used.setdefault(id(chosen), []).append((name, point, what, got))
    return used


@pytest.mark.parametrize("difference", [*DELIBERATE, *KNOWN_BUGS], ids=lambda d: f"{d.op}-{d.what}")
def test_each_stated_difference_is_real(differences_used, difference):
    """Each listed difference happens: somewhere torch answers otherwise, chainrule as stated.

    If a torch release changes its answer, or a known bug is fixed, this fails: the entry
    (and the README's sentence) is then out of date.
    """
    found = differences_used.get(id(difference), [])
    assert found, f"{difference}: torch gives chainrule's answer wherever it applies: drop it"
    for name, point, what, got in found:
        expected = difference.value(point, what)
        assert same(got, expected, abs_=difference.within), (name, point, what, got)
