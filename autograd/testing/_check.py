"""``check_gradients``: hypothesis searches inputs and graph shapes for a wrong derivative."""

from __future__ import annotations

import inspect
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from autograd import Function, Interval, Op, Value, apply, topological_order
from autograd.coercion import as_number, flag
from autograd.testing._nodes import (
    Finding,
    check_node,
    factory,
    kind_of,
    regular,
)
from autograd.testing._numeric import judge
from autograd.testing._report import GradientMismatch, Report

REALS = Interval()
EDGES = (0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 1e-8, -1e-8, 3.0, -3.0, 10.0, -10.0,
         30.0, -30.0, 100.0, -100.0, 1000.0, -1000.0)  # fmt: skip


@dataclass(frozen=True)
class Shape:
    """One way to wire the function under test into a graph."""

    name: str
    build: Callable[[Callable[..., Any], list[Value]], Any]
    ops: int  # how many calls of the function it makes


def _shapes(arity: int) -> list[Shape]:
    """Smallest first: hypothesis shrinks towards the start of the list."""
    shapes = [Shape("direct", lambda f, xs: f(*xs), 1)]
    shapes += [
        Shape(f"input {j} a number", _with_number(j), 1) for j in range(arity if arity >= 2 else 0)
    ]
    if arity >= 2:
        shapes.append(Shape("one value for every input", lambda f, xs: f(*[xs[0]] * len(xs)), 1))
    if arity >= 1:
        shapes.append(Shape("fan-out (the first input used twice)",
                            lambda f, xs: f(*xs) * xs[0], 2))  # fmt: skip
        shapes.append(Shape("chain (the output fed back in)",
                            lambda f, xs: f(f(*xs), *xs[1:]), 2))  # fmt: skip
    return shapes


def _with_number(j: int) -> Callable[[Callable[..., Any], list[Value]], Any]:
    def build(f: Callable[..., Any], xs: list[Value]) -> Any:
        return f(*[x.data if i == j else x for i, x in enumerate(xs)])

    return build


def _interval(domain: Any, who: str) -> Interval:
    if domain is None:
        return REALS
    if isinstance(domain, Interval):
        return domain
    if isinstance(domain, tuple) and len(domain) == 2:
        low, high = (float(b) for b in domain)
        if not low < high:
            raise ValueError(f"check_gradients: {who}: empty domain {domain!r}")
        return Interval(low, high, True, True)
    raise TypeError(
        f"check_gradients: {who}: a domain is an Interval, a (low, high) pair or None, "
        f"got {domain!r:.60}"
    )


def _values(domain: Interval, kinks: Sequence[float]) -> Any:
    from hypothesis import strategies as st  # noqa: PLC0415 - hypothesis is optional

    low, high = max(domain.low, -1e3), min(domain.high, 1e3)
    borders = []
    for b in (domain.low, domain.high):
        if math.isfinite(b):
            borders += [b, b + 1e-6, b - 1e-6, b + 1.0, b - 1.0]
    edges = [e for e in (*EDGES, *kinks, *borders) if e in domain]
    floats = st.floats(low, high, exclude_min=not domain.low_closed or low != domain.low,
                       exclude_max=not domain.high_closed or high != domain.high,
                       allow_nan=False, allow_subnormal=False)  # fmt: skip
    # magnitudes below 1e-8 (other than 0) only test float underflow, not derivatives
    floats = floats.filter(lambda v: v == 0.0 or abs(v) >= 1e-8)
    return st.one_of(st.sampled_from(edges), floats) if edges else floats


def _target(fn: Any, domains: Any) -> tuple[Callable[..., Any], list[str], list[Interval], list]:
    """The function to call, its input names, domains and kinks."""
    kinks: list[Sequence[float]] = []
    if isinstance(fn, Op):
        op = fn
        names = list(op.slot_names(2 * op.arity) if op.variadic else op.inputs)
        found = [op.domain[i % op.arity] for i in range(len(names))]
        kinks = [op.kinks[i % op.arity] for i in range(len(names))]
        call: Callable[..., Any] = lambda *xs: apply(op, *xs)  # noqa: E731
        call.__name__ = op.name
    elif isinstance(fn, type) and issubclass(fn, Function):
        params = list(inspect.signature(fn.forward).parameters)[1:]
        function = fn

        def call(*xs: Any) -> Any:  # looked up per call: a check records Function calls
            return function.apply(*xs)

        call.__name__ = fn.__name__
        names, found = params, [REALS] * len(params)
    elif callable(fn):
        params = [
            p.name
            for p in inspect.signature(fn).parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty
        ]
        names, call, found = params, fn, [REALS] * len(params)
    else:
        raise TypeError(f"check_gradients: fn must be callable, got {type(fn).__name__}")
    if not names:
        raise ValueError("check_gradients: fn takes no inputs to differentiate")
    if domains is not None:
        if len(domains) != len(names):
            raise ValueError(
                f"check_gradients: domains has {len(domains)} entries for "
                f"{len(names)} inputs ({', '.join(names)})"
            )
        found = [_interval(d, f"domains[{i}]") for i, d in enumerate(domains)]
    kinks = kinks or [()] * len(names)
    return call, names, found, kinks


class _Found(Exception):  # noqa: N818 - internal signal to hypothesis, never escapes
    def __init__(self, finding: Finding, shape: Shape, point: tuple[float, ...], ops: int):
        super().__init__(finding.prop)
        self.finding, self.shape, self.point, self.ops = finding, shape, point, ops


class _Reject(Exception):  # noqa: N818
    pass


def _run(call: Callable[..., Any], shape: Shape, names: list[str], point: Sequence[float]):
    leaves = [Value(x, label=n) for x, n in zip(point, names, strict=True)]
    try:
        out = shape.build(call, leaves)
    except (ArithmeticError, ValueError, OverflowError) as error:
        raise _Reject from error
    except (TypeError, AttributeError) as error:
        if shape.name == "direct":
            raise
        raise _Reject from error  # this shape does not suit the function (numbers, say)
    if not isinstance(out, Value):
        if shape.name == "direct":
            raise TypeError(f"check_gradients: fn must return a Value, got {type(out).__name__}")
        raise _Reject
    if not math.isfinite(out.data):
        raise _Reject
    return leaves, out


def _examine(call, shape, names, point, order, atol, rtol) -> None:  # noqa: PLR0913, PLR0917
    """Raise _Found for the first wrong derivative of one example, or _Reject."""
    leaves, out = _run(call, shape, names, point)
    nodes = topological_order(out)
    ops = sum(1 for n in nodes if n.op is not None)
    for node in nodes:
        if any(not math.isfinite(p.data) for p in node.parents):
            raise _Reject
        finding = check_node(node, order, atol, rtol)
        if finding is not None:
            raise _Found(finding, shape, tuple(point), ops)
    # every node with a forward passed alone: the chain rule over them is the engine's
    # (tested on its own); only a node that could not be checked alone (a micrograd
    # closure) needs the whole function's derivative. Checking table-only graphs end to
    # end would judge finite differences where they fail (sin of a huge argument).
    suspects = [n for n in nodes if kind_of(n) == "closure" or (
        n.op is not None and factory(n) is None)]  # fmt: skip
    if not suspects:
        return
    if not all(regular(n) for n in nodes):
        return  # a node at a kink: conventions compose into no one-sided slope
    # end to end: backward() runs every closure for real, with the engine's accumulation
    for leaf in leaves:
        leaf.grad = 0.0
    try:
        out.backward()
    except (ArithmeticError, ValueError):
        raise _Reject from None
    reached = {id(n) for n in nodes}
    for i, leaf in enumerate(leaves):
        if id(leaf) not in reached:
            continue  # passed as a plain number in this shape: no gradient is owed

        def along(t: float, i: int = i) -> float:
            moved = list(point)
            moved[i] = t
            return _run(call, shape, names, moved)[1].data

        try:
            estimate = judge(along, point[i], leaf.grad, atol, rtol)
        except _Reject:
            continue
        if estimate.usable and not estimate.supported:
            # every node with a forward passed on its own: the fault is in a node that
            # could not be checked alone (a micrograd closure); name the first one
            guilty = suspects[0]
            slot = next((k for k, p in enumerate(guilty.parents) if p is leaf), 0)
            finding = Finding(guilty, slot, leaf.grad, estimate.numeric, "end to end")
            raise _Found(finding, shape, tuple(point), ops)


def _prune(found: _Found, order: int, atol: float, rtol: float) -> tuple[Finding, int, bool]:
    """The guilty node alone on fresh leaves, if it still fails there: a one-op graph."""
    node = found.finding.node
    if node is None or found.finding.prop == "end to end":
        return found.finding, found.ops, False
    build = factory(node)
    if build is None:
        return found.finding, found.ops, False
    distinct = list(dict.fromkeys(node.parents))
    fresh = [Value(p.data, label=p.label or f"x{k}") for k, p in enumerate(distinct)]
    try:
        alone = build(fresh)
    except (ArithmeticError, ValueError, TypeError):
        return found.finding, found.ops, False
    if isinstance(alone, Value):
        alone.label = node.label
        again = check_node(alone, order, atol, rtol)
        if again is not None:
            return again, 1, True
    return found.finding, found.ops, False


def _check_options(order: Any, max_examples: Any, seed: Any, numbers: Any, **reals: Any) -> None:
    """Every option but ``fn``, ``domains`` and ``shapes``, by name, before anything runs.

    A NaN or negative tolerance would report a right derivative as wrong.
    """
    for name, value in (("order", order), ("max_examples", max_examples), ("seed", seed)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(
                f"check_gradients: {name} must be an int, got {type(value).__name__}: {value!r:.40}"
            )
    for name, value in reals.items():
        number = None if isinstance(value, bool) else as_number(value, f"check_gradients({name})")
        if number is None:
            raise TypeError(
                f"check_gradients: {name} must be a real number, got {type(value).__name__}"
            )
        if math.isnan(number) or number < 0 or (name != "time_budget" and number == math.inf):
            raise ValueError(f"check_gradients: {name} must be a finite number >= 0, got {value!r}")
    if order not in (1, 2):
        raise ValueError(f"check_gradients: order must be 1 or 2, got {order!r}")
    if not reals["time_budget"] > 0:
        raise ValueError(
            f"check_gradients: time_budget must be positive, got {reals['time_budget']!r}"
        )
    if max_examples < 1:
        raise ValueError(f"check_gradients: max_examples must be at least 1, got {max_examples!r}")
    try:
        positions = None if isinstance(numbers, str | bytes) else list(numbers)
    except TypeError:  # not iterable
        positions = None
    if positions is None or not all(type(i) is int for i in positions):  # True: position 1
        raise TypeError(
            f"check_gradients: numbers must be ints (input positions), got {numbers!r:.40}"
        )


def check_gradients(  # noqa: PLR0913 - keyword options, each with a default
    fn: Callable[..., Any] | type[Function] | Op,
    *,
    domains: Sequence[Interval | tuple[float, float] | None] | None = None,
    order: int = 2,
    shapes: bool = True,
    numbers: Sequence[int] = (),
    max_examples: int = 300,
    time_budget: float = 10.0,
    seed: int = 0,
    atol: float = 1e-5,
    rtol: float = 1e-3,
) -> int:
    """Search for a wrong derivative in ``fn``; raise :class:`GradientMismatch` naming it.

    ``fn`` is a function of Values returning a Value (it may use the op table,
    ``autograd.Function`` subclasses and micrograd-style ``_backward`` closures), an
    ``autograd.Function`` subclass, or an op (:class:`autograd.Op`). Hypothesis draws
    each input from its domain, edge values first in line (0, +-1, tiny and large
    magnitudes, kinks, the domain's borders), and with ``shapes`` the graph around
    ``fn`` too: an input given as a plain number, one Value for every input (reuse),
    the first input used again after ``fn`` (fan-out), ``fn``'s output fed back in.

    Every node of each graph is checked on its own (its backward against differences of
    its own forward, at first and second order, and that it *adds* into ``.grad``), then
    the whole function end to end. The failing case is shrunk by hypothesis and then
    pruned to the guilty node alone when it still fails there.

    Args:
        fn: what to check.
        domains: per input, an ``Interval``, a closed ``(low, high)`` pair or None
            (all reals); an op's own domains by default.
        order: 2 also checks second derivatives where a node supports them.
        shapes: also try the graph shapes above, where ``fn`` accepts them.
        numbers: positions of inputs that ``fn`` takes as plain numbers only (a
            Function's ``factor`` whose backward returns None for it): drawn from their
            domain, passed as floats, never differentiated.
        max_examples: at most this many examples.
        time_budget: seconds after which no new example is started (a failure found
            is still shrunk).
        seed: the same seed draws the same examples (printed in the message).
        atol: an analytic value passes if some finite-difference estimate is within
            ``atol + rtol * |estimate|`` (plus its rounding error).
        rtol: see ``atol``.

    Returns:
        The number of examples checked.

    Raises:
        GradientMismatch: an ``AssertionError`` whose ``report`` draws the failing graph.

    Example:
        >>> from autograd import Value
        >>> check_gradients(lambda x, y: (x * y).tanh() + x.exp(), max_examples=20) > 0
        True
        >>> def wrong(x):
        ...     out = Value(x.data**3, (x,), "cube")
        ...     def _backward():
        ...         x.grad += 3 * x.data * out.grad  # should be 3 * x.data**2
        ...     out._backward = _backward
        ...     return out
        >>> try:
        ...     check_gradients(wrong)
        ... except GradientMismatch as error:
        ...     print(error.report.guilty)
        closure 'cube'
    """
    try:
        from hypothesis import HealthCheck, Phase, given, settings  # noqa: PLC0415 - hypothesis is optional
        from hypothesis import seed as seeded  # noqa: PLC0415 - hypothesis is optional
        from hypothesis import strategies as st  # noqa: PLC0415 - hypothesis is optional
        from hypothesis.errors import Flaky  # noqa: PLC0415 - hypothesis is optional
    except ImportError as error:  # the optional "strategies" extra
        raise ImportError(
            "check_gradients: needs hypothesis; install it with pip install 'chainrule[strategies]'"
        ) from error

    shapes = flag("check_gradients", "shapes", shapes)
    _check_options(
        order, max_examples, seed, numbers, time_budget=time_budget, atol=atol, rtol=rtol
    )
    call, names, domains_, kinks = _target(fn, domains)
    fixed = frozenset(numbers)
    if not fixed <= set(range(len(names))):
        raise ValueError(
            f"check_gradients: numbers must be input positions 0..{len(names) - 1}, "
            f"got {tuple(numbers)!r}"
        )
    if fixed:
        inner = call

        def call(*xs: Any) -> Any:
            return inner(*[x.data if i in fixed and isinstance(x, Value) else x
                           for i, x in enumerate(xs)])  # fmt: skip

        call.__name__ = inner.__name__
    options = _shapes(len(names)) if shapes else _shapes(len(names))[:1]
    if fixed:  # a shape that feeds a Value into a number slot would differentiate it
        unsafe = ("one value",) + (("fan-out", "chain") if 0 in fixed else ())
        options = [o for o in options if not o.name.startswith(unsafe)]
    start = time.monotonic()
    state = {"count": 0, "found": None}

    @settings(max_examples=max_examples, deadline=None, database=None, print_blob=False,
              derandomize=False,
              report_multiple_bugs=False, suppress_health_check=list(HealthCheck),
              phases=(Phase.generate, Phase.shrink))  # fmt: skip
    @seeded(seed)
    @given(
        shape=st.sampled_from(options),
        point=st.tuples(*[_values(d, k) for d, k in zip(domains_, kinks, strict=True)]),
    )
    def search(shape: Shape, point: tuple[float, ...]) -> None:
        if state["found"] is None and time.monotonic() - start > time_budget:
            return
        state["count"] += 1
        try:
            _examine(call, shape, names, point, order, atol, rtol)
        except _Reject:
            return
        except _Found as found:
            if state["found"] is None or found.ops <= state["found"].ops:
                state["found"] = found
            raise

    try:
        search()
    except _Found as found:
        _fail(found, fn, names, seed, order, atol, rtol)
    except Flaky:
        if state["found"] is None:
            raise
        _fail(state["found"], fn, names, seed, order, atol, rtol)
    return state["count"]


def _fail(  # noqa: PLR0913, PLR0917 - one caller, passing the check's own options
    found: _Found, fn: Any, names: list[str], seed: int, order: int, atol: float, rtol: float
) -> None:
    finding, ops, pruned = _prune(found, order, atol, rtol)
    target = getattr(fn, "__name__", None) or getattr(fn, "name", None) or repr(fn)
    report = Report(finding, found.shape.name, dict(zip(names, found.point, strict=True)), ops,
                    pruned, seed, str(target))  # fmt: skip
    error = GradientMismatch(report.message())
    error.report = report
    raise error from None
