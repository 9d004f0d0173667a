"""Localisation: check one node's local derivatives against its own forward.

Every node of a graph is checked on its own, in three ways:

- **first order**: the node's backward is run once with a seeded ``out.grad`` (not 1, so a
  backward that forgets ``grad_output`` shows) on parents whose ``.grad`` starts at 0, and
  what each parent receives, divided by the seed, is compared with central differences of
  the node's own forward (the op entry's forward, or the Function's ``forward`` re-run on
  the arguments its op keeps);
- **accumulation**: the same backward run on parents whose ``.grad`` already holds a
  number must *add* to it (micrograd's ``=`` for ``+=`` fails here);
- **second order**: the node rebuilt on fresh leaves, its first-order partials taken with
  ``grad(create_graph=True)`` and differentiated again, compared with differences of the
  first-order partials.

A micrograd closure has no forward to re-run: its node is checked for accumulation here,
and its derivative through the whole function (see :mod:`autograd.testing._check`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from autograd import Context, Op, Value, apply, grad, no_grad, operands
from autograd.function import FunctionOp
from autograd.testing._numeric import judge

SEED_GRAD = 0.7310585786300049  # not 1: a backward that drops grad_output is visible
START_GRAD = 0.3183098861837907  # what a parent's .grad holds before an accumulation run
SCALING = "first order: scaling with out.grad"


@dataclass(frozen=True)
class Finding:
    """One wrong local derivative.

    Attributes:
        node: the guilty Value.
        slot: the index of the parent (in ``node.parents``) whose partial is wrong.
        analytic: what the node's backward gives for d node / d parent.
        numeric: what finite differences of the node's forward give.
        prop: "first order", "second order", "accumulation under reuse", "end to end",
            or :data:`SCALING` (the backward does not multiply by ``out.grad``).
        second_slot: for second order, the parent of the second differentiation.
    """

    node: Value | None
    slot: int
    analytic: float
    numeric: float
    prop: str
    second_slot: int | None = None


def kind_of(node: Value) -> str:
    """How a message names the kind of ``node``."""
    op = node.op
    if op is None:
        return "input"
    if isinstance(op, Op):
        return "op"
    function = getattr(op, "function", None)
    if function is not None:
        return "Function"
    return "closure"


def name_of(node: Value) -> str:
    """``Function 'Cube'``, ``op 'tanh'`` or ``closure 'mul'``, plus the label if any."""
    op = node.op
    if op is None:
        return f"input {node.label!r}"
    function = getattr(op, "function", None)
    name = function.__name__ if function is not None else op.name
    text = f"{kind_of(node)} {name!r}"
    return f"{text} labelled {node.label!r}" if node.label else text


def _function_call(node: Value) -> tuple[type, tuple[Any, ...]] | None:
    """The Function class and arguments of a ``Function.apply`` node, or None."""
    op = node.op
    if isinstance(op, FunctionOp):
        return op.function, op.inputs
    return None


def factory(node: Value) -> Callable[[list[Any]], Any] | None:
    """The node's forward as a function of one operand per *distinct* parent, or None.

    Operands may be floats (a number comes back) or Values (a recorded node comes back).
    """
    op = node.op
    parents = node.parents
    distinct = list(dict.fromkeys(parents))
    if isinstance(op, Op):
        slots = operands(node)
        base = op.base

        def build(args: list[Any]) -> Any:
            bound = dict(zip(map(id, distinct), args, strict=True))
            filled = [bound.get(id(s), s) if isinstance(s, Value) else s for s in slots]
            if not any(isinstance(a, Value) for a in filled):
                return base.fwd(*filled)  # the entry's own float kernel, all slots
            return apply(base, *filled)

        return build
    call = _function_call(node)
    if call is None:
        return None
    cls, inputs = call

    def rebuild(args: list[Any]) -> Any:
        bound = dict(zip(map(id, distinct), args, strict=True))
        filled = [bound.get(id(a), a) if isinstance(a, Value) else a for a in inputs]
        if not any(isinstance(a, Value) for a in filled):
            # numbers at the Value slots: forward gets leaf Values, as when it was called
            given = [
                Value(f) if isinstance(a, Value) else f for a, f in zip(inputs, filled, strict=True)
            ]
            with no_grad():
                result = cls.forward(Context(tuple(isinstance(a, Value) for a in inputs)), *given)
            return result.data if isinstance(result, Value) else float(result)
        return cls.apply(*filled)

    return rebuild


def regular(node: Value, *, kinks: bool = False) -> bool:
    """Whether an op node's operands lie inside its domain (and, unless ``kinks``, off its kinks).

    On an open domain border only one side exists: no finite difference judges it. At a
    kink the engine follows a convention and the one-sided slopes differ: a first
    derivative there is judged against each side (any of them, or their mean, passes),
    but not a second derivative, nor conventions composed through a whole graph.
    """
    op = node.op
    if not isinstance(op, Op):
        return True
    values = operands(node)
    base = op.base
    for slot, v in enumerate(values):
        x = v.data if isinstance(v, Value) else v
        group = slot % base.arity
        if x not in base.domain[group] or (not kinks and x in base.kinks[group]):
            return False
    if base.kink_where_equal and not kinks:
        data = [v.data if isinstance(v, Value) else v for v in values]
        if len(set(data)) < len(data):
            return False
    return True


def _run_backward(node: Value, start: float, seed: float = SEED_GRAD) -> list[float]:
    """What the node's backward adds to each distinct parent, from ``.grad = start``."""
    distinct = list(dict.fromkeys(node.parents))
    saved = [(p, p.grad) for p in distinct]
    own = node.grad
    try:
        for p in distinct:
            p.grad = start
        node.grad = seed
        with no_grad():
            node._backward()
        return [float(p.grad) - start for p in distinct]
    finally:
        for p, g in saved:
            p.grad = g
        node.grad = own


def _slot(node: Value, parent: Value) -> int:
    return next(i for i, p in enumerate(node.parents) if p is parent)


def check_node(  # noqa: PLR0911 - one return per way a node is cleared or found wrong
    node: Value, order: int, atol: float, rtol: float
) -> Finding | None:
    """The first wrong local derivative of ``node``, or None."""
    if node.op is None:
        return None
    distinct = list(dict.fromkeys(node.parents))
    try:
        first = _run_backward(node, 0.0)
        again = _run_backward(node, START_GRAD)
        doubled = _run_backward(node, 0.0, 2.0 * SEED_GRAD)
    except (ArithmeticError, ValueError):
        return None  # the backward is undefined here (sqrt at 0): not a wrong number
    for parent, once, twice in zip(distinct, first, doubled, strict=True):
        # the chain rule is linear in out.grad: twice the upstream, twice the contribution
        if not isinstance(node.op, Op) and not math.isclose(
            twice, 2.0 * once, rel_tol=1e-9, abs_tol=1e-12
        ):
            slot = _slot(node, parent)
            return Finding(node, slot, twice / (2.0 * SEED_GRAD), once / SEED_GRAD, SCALING)
    for parent, once, other in zip(distinct, first, again, strict=True):
        if isinstance(node.op, Op) or abs(once) > 1e12:
            break  # the engine adds for table ops; huge sums hide START_GRAD in rounding
        if not (math.isfinite(once) and math.isfinite(other)):
            continue  # an undefined derivative (NaN, inf) is a domain matter, not a sum
        # replacing instead of adding loses START_GRAD whole; less than half of it is
        # rounding (contributions that cancel, like x / x, round differently)
        if abs(other - once) > 0.5 * START_GRAD:
            return Finding(
                node,
                _slot(node, parent),
                (other + START_GRAD) / SEED_GRAD,
                (once + START_GRAD) / SEED_GRAD,
                "accumulation under reuse",
            )
    build = factory(node)
    if build is None or not regular(node, kinks=True):
        return None
    points = [p.data for p in distinct]
    for i, parent in enumerate(distinct):

        def along(t: float, i: int = i) -> float:
            args = list(points)
            args[i] = t
            return build(args)

        analytic = first[i] / SEED_GRAD
        estimate = judge(along, points[i], analytic, atol, rtol)
        if estimate.usable and not estimate.supported:
            return Finding(node, _slot(node, parent), analytic, estimate.numeric, "first order")
    if order >= 2 and regular(node):
        return _second_order(node, build, distinct, points, atol, rtol)
    return None


def _partials_at(build: Callable[[list[Any]], Any], args: list[float], create: bool) -> Any:
    leaves = [Value(a) for a in args]
    out = build(leaves)
    if not isinstance(out, Value):
        return [0.0] * len(args), leaves
    return grad(out, leaves, create_graph=create), leaves


def _second_order(  # noqa: PLR0913, PLR0917 - one caller, check_node
    node: Value,
    build: Callable[[list[Any]], Any],
    distinct: list[Value],
    points: list[float],
    atol: float,
    rtol: float,
) -> Finding | None:
    try:
        firsts, leaves = _partials_at(build, points, True)
    except (TypeError, ArithmeticError, ValueError):
        return None  # no second order through this node (a backward computing floats)
    for j, g in enumerate(firsts):
        if not isinstance(g, Value):
            continue  # a constant partial: its derivative is 0 by construction
        try:
            seconds = grad(g, leaves)
        except (TypeError, ArithmeticError, ValueError):
            return None
        for i, analytic in enumerate(seconds):

            def partial_along(t: float, i: int = i, j: int = j) -> float:
                args = list(points)
                args[i] = t
                values, _ = _partials_at(build, args, False)
                return float(values[j])

            estimate = judge(partial_along, points[i], float(analytic), atol, rtol)
            if estimate.usable and not estimate.supported:
                return Finding(
                    node,
                    _slot(node, distinct[j]),
                    float(analytic),
                    estimate.numeric,
                    "second order",
                    _slot(node, distinct[i]),
                )
    return None
