"""Hypothesis strategies for property-testing differentiable code built on chainrule.

Needs hypothesis (``pip install "chainrule[strategies]"``); the engine itself does not.

- :func:`values` draws ``Value`` leaves.
- :func:`op_inputs` draws inputs for one op of the table, inside its domain and away from
  its kinks (this is what chainrule's own tests use for every op).
- :func:`expressions` draws random expression DAGs over the op table, with shared
  subexpressions, operand reuse (``a + a``), fan-out and long chains, keeping every
  intermediate inside its op's domain and away from kinks, so that central differences
  are a valid oracle.

Example:
    >>> from hypothesis import given
    >>> from autograd import gradcheck
    >>> @given(expressions(max_steps=6))
    ... def test_engine_matches_finite_differences(expression):
    ...     assert gradcheck(expression, expression.inputs)
    >>> test_engine_matches_finite_differences()
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

try:
    from hypothesis import strategies as st
except ImportError as error:  # pragma: no cover - exercised only without hypothesis
    raise ImportError(
        'autograd.strategies needs hypothesis: pip install "chainrule[strategies]"'
    ) from error

from autograd.coercion import real as _real
from autograd.ops import OPS, TABLE, Interval, Op
from autograd.value import Value, apply


def values(
    min_value: float = -10.0, max_value: float = 10.0, *, label: str = ""
) -> st.SearchStrategy[Value]:
    """``Value`` leaves with finite data in ``[min_value, max_value]``.

    Example:
        >>> from hypothesis import find
        >>> find(values(0.0, 1.0), lambda v: v.data > 0.5).data <= 1.0
        True
    """
    low, high = _real("values", "min_value", min_value), _real("values", "max_value", max_value)
    if high < low:
        raise ValueError(f"values(max_value): {max_value!r} is below min_value {min_value!r}")
    if not isinstance(label, str):
        raise TypeError(f"values(label): expected a str, got {type(label).__name__}")
    floats = st.floats(low, high, allow_nan=False, allow_infinity=False)
    # builds, not map(lambda): hypothesis then reports a failing case as Value(0.5, '')
    return st.builds(Value, floats, st.just(label))


def _distance_to_edges(x: float, interval: Interval, kinks: Sequence[float]) -> float:
    """How far ``x`` is from the interval's finite ends and from every kink."""
    points = [p for p in (interval.low, interval.high, *kinks) if math.isfinite(p)]
    return min((abs(x - p) for p in points), default=math.inf)


def _admissible(x: float, interval: Interval, kinks: Sequence[float], margin: float) -> bool:
    return x in interval and _distance_to_edges(x, interval, kinks) >= margin


def op_inputs(
    op: Op, *, bound: float = 5.0, margin: float = 1e-3, max_partial: float = 1e6
) -> st.SearchStrategy[tuple[float, ...]]:
    """Inputs for ``op``, one float per slot, where its derivatives are well defined.

    Each input lies inside the op's domain and ``[-bound, bound]``, at least ``margin``
    from its kinks and domain ends; the output is finite and the local partials are no
    larger than ``max_partial`` in magnitude.

    Example:
        >>> from autograd.ops import OPS
        >>> from hypothesis import find
        >>> (x,) = find(op_inputs(OPS["log"]), lambda point: point[0] < 0.5)
        >>> 0.001 <= x < 0.5
        True
    """
    if not isinstance(op, Op):
        raise TypeError(
            f"op_inputs(op): expected an Op (autograd.OPS[name]), got {type(op).__name__}"
        )
    for name, value, sign in (("bound", bound, "> 0"), ("margin", margin, ">= 0")):
        _real("op_inputs", name, value, sign)
    _real("op_inputs", "max_partial", max_partial, "> 0")

    def slot(interval: Interval, kinks: tuple[float, ...]) -> st.SearchStrategy[float]:
        low, high = max(interval.low, -bound), min(interval.high, bound)
        floats = st.floats(low, high, allow_nan=False, allow_infinity=False)
        return floats.filter(lambda x: _admissible(x, interval, kinks, margin))

    def well_conditioned(inputs: tuple[float, ...]) -> bool:
        if op.kink_where_equal and abs(inputs[0] - inputs[1]) < margin:
            return False
        try:
            out = op.fwd(*inputs)
            partials = op.local_partials(*inputs, out)
        except (ArithmeticError, ValueError):
            return False
        numbers = (out, *partials)
        return all(math.isfinite(v) for v in numbers) and max(map(abs, partials)) <= max_partial

    slots = [slot(i, k) for i, k in zip(op.domain, op.kinks, strict=True)]
    return st.tuples(*slots).filter(well_conditioned)


@dataclass(frozen=True)
class Step:
    """One node of a drawn expression: ``op`` applied to ``operands``.

    An operand is an ``int`` (the index of an earlier node; inputs come first) or a
    ``float`` (a number folded into the op).
    """

    op: str
    operands: tuple[int | float, ...]


@dataclass(frozen=True)
class Expression:
    """A drawn expression DAG; call it with one ``Value`` per input to build its graph.

    Attributes:
        inputs: the input values the expression was drawn for (its domain checks hold there).
        steps: the nodes after the inputs, in order; the last one is the output.
        values: every node's value at ``inputs`` (inputs first), as computed when drawn.
    """

    inputs: tuple[float, ...]
    steps: tuple[Step, ...]
    values: tuple[float, ...] = field(repr=False)

    def __call__(self, *inputs: Value | float) -> Value:
        """Build the graph on ``inputs`` and return the output node."""
        if len(inputs) != len(self.inputs):
            raise TypeError(f"expression takes {len(self.inputs)} inputs, got {len(inputs)}")
        nodes: list[Value] = [x if isinstance(x, Value) else Value(x) for x in inputs]
        for step in self.steps:
            operands = [nodes[o] if isinstance(o, int) else o for o in step.operands]
            nodes.append(apply(step.op, *operands))
        return nodes[-1]

    def __str__(self) -> str:
        names = [f"x{i}" for i in range(len(self.inputs))]
        lines = [f"x{i} = {x!r}" for i, x in enumerate(self.inputs)]
        for index, step in enumerate(self.steps):
            name = f"t{index}"
            shown = ", ".join(names[o] if isinstance(o, int) else repr(o) for o in step.operands)
            lines.append(f"{name} = {step.op}({shown})")
            names.append(name)
        return "\n".join(lines)


def expressions(  # noqa: PLR0913 - keyword-only options, each with a default
    *,
    max_inputs: int = 3,
    max_steps: int = 12,
    ops: Sequence[str] | None = None,
    input_bound: float = 3.0,
    margin: float = 1e-3,
    bound: float = 1e3,
) -> st.SearchStrategy[Expression]:
    """Random expression DAGs over the op table (see the module docstring).

    Args:
        max_inputs: at most this many inputs (at least one).
        max_steps: at most this many operations before the final sum of loose ends.
        ops: names of the ops to draw from (default: the whole table).
        input_bound: inputs are drawn from ``[-input_bound, input_bound]``.
        margin: the least distance of an operand from a kink or domain end, scaled up by
            how sensitive the operand is to the inputs.
        bound: every intermediate value and local partial stays within ``[-bound, bound]``.

    Nodes that no other node uses are added into the output (while it stays within
    ``bound``), so that almost every node reaches the output. Every option is checked
    here, by name, not at the first draw.
    """
    for name, value in (("max_inputs", max_inputs), ("max_steps", max_steps)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"expressions({name}): expected an int, got {type(value).__name__}")
        if value < 1:
            raise ValueError(f"expressions({name}): expected an int >= 1, got {value}")
    if ops is not None:
        if isinstance(ops, str | bytes) or not isinstance(ops, Sequence):
            raise TypeError(f"expressions(ops): expected a sequence of op names, got {ops!r:.40}")
        if not ops:
            raise ValueError("expressions(ops): expected at least one op name, got none")
        for name in ops:
            if name not in OPS:
                raise ValueError(
                    f"expressions(ops): unknown op {name!r:.40}; known: {', '.join(OPS)}"
                )
    for name, value, sign in (("input_bound", input_bound, "> 0"), ("margin", margin, ">= 0")):
        _real("expressions", name, value, sign)
    _real("expressions", "bound", bound, "> 0")
    return _expressions(
        max_inputs=max_inputs, max_steps=max_steps, ops=ops,
        input_bound=input_bound, margin=margin, bound=bound,
    )  # fmt: skip


# fmt: off
@st.composite
def _expressions(  # noqa: PLR0913 - expressions' options, checked there
    draw: st.DrawFn, *, max_inputs: int, max_steps: int, ops: Sequence[str] | None,
    input_bound: float, margin: float, bound: float,
) -> Expression:
    # fmt: on
    """The strategy :func:`expressions` returns, its options checked."""
    table = [OPS[name] for name in ops] if ops is not None else list(TABLE)
    count = draw(st.integers(1, max_inputs))
    floats = st.floats(-input_bound, input_bound, allow_nan=False, allow_infinity=False)
    inputs = tuple(draw(floats) for _ in range(count))
    values = list(inputs)
    # |d node / d inputs| summed over inputs, an upper bound used to keep FD sound near kinks.
    sensitivity = [1.0] * count
    used = [False] * count
    steps: list[Step] = []

    def node_index(kind: str) -> int:
        if kind == "chain":
            return len(values) - 1
        return draw(st.integers(0, len(values) - 1))

    def try_op(op: Op, first: int, second: int | float | None) -> Step | None:
        operands: list[int | float] = [first] if op.arity == 1 else [first, second]  # type: ignore[list-item]
        args = [values[o] if isinstance(o, int) else o for o in operands]
        for arg, operand, interval, kinks in zip(args, operands, op.domain, op.kinks, strict=True):
            scale = sensitivity[operand] if isinstance(operand, int) else 1.0
            if not _admissible(arg, interval, kinks, margin * max(1.0, scale)):
                return None
        if op.kink_where_equal:
            scales = [sensitivity[o] if isinstance(o, int) else 0.0 for o in operands]
            # max(t, t) is always at its kink: the same node twice is never admissible.
            same = operands[0] == operands[1] and isinstance(operands[1], int)
            if same or abs(args[0] - args[1]) < margin * max(1.0, sum(scales)):
                return None
        try:
            out = op.fwd(*args)
            partials = op.local_partials(*args, out)
        except (ArithmeticError, ValueError):
            return None
        if not all(math.isfinite(v) and abs(v) <= bound for v in (out, *partials)):
            return None
        return Step(op.name, tuple(operands))

    for _ in range(draw(st.integers(1, max_steps))):
        kind = draw(st.sampled_from(["chain", "any", "reuse"]))
        first = node_index(kind)
        if kind == "reuse":
            second: int | float = first
        elif draw(st.booleans()):
            second = node_index("any")
        else:
            second = draw(st.floats(-2.0, 2.0, allow_nan=False).filter(lambda c: abs(c) > 0.1))
        start = draw(st.integers(0, len(table) - 1))
        step = None
        for offset in range(len(table)):
            step = try_op(table[(start + offset) % len(table)], first, second)
            if step is not None:
                break
        if step is None:
            continue
        _append(step, values, sensitivity, used, steps)
    loose = [i for i, u in enumerate(used) if not u]
    total = loose[0]
    for index in loose[1:]:
        if abs(values[total] + values[index]) <= bound:
            _append(Step("add", (total, index)), values, sensitivity, used, steps)
            total = len(values) - 1
    if total != len(values) - 1:  # the output must be the last node
        _append(Step("add", (total, total)), values, sensitivity, used, steps)
    return Expression(inputs, tuple(steps), tuple(values))


def _append(
    step: Step, values: list[float], sensitivity: list[float], used: list[bool], steps: list[Step]
) -> None:
    op = OPS[step.op]
    args = [values[o] if isinstance(o, int) else o for o in step.operands]
    out = op.fwd(*args)
    partials = op.local_partials(*args, out)
    pairs = [(p, o) for p, o in zip(partials, step.operands, strict=True) if isinstance(o, int)]
    for _, node in pairs:
        used[node] = True
    sensitivity.append(sum(abs(p) * sensitivity[node] for p, node in pairs))
    values.append(out)
    used.append(False)
    steps.append(step)
