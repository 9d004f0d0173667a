"""Backward's own machinery: the inlined vjp dispatch and the marking walk.

The dispatch is generated with some ops' products written into its loop; which ops are
inlined must change nothing but the speed. The walk marks nodes in ``grad`` instead of a
set; a node whose ``grad`` keeps no object (a subclass's property) must not fool it.
"""

from __future__ import annotations

import math

import pytest

from autograd import Value, apply
from autograd.backward import _propagate, make_propagate
from autograd.graph import backward_order, walk
from autograd.ops import MUL, TABLE

POINTS = (-2.5, -1.0, -0.0, 0.0, 0.5, 3.0, math.inf, -math.inf, math.nan)
UPSTREAM = (1.0, -0.0, 2.5, math.nan)
FIXED = [op for op in TABLE if not op.variadic]


def same(a: float, b: float) -> bool:
    """Equal as floats, with NaN equal to NaN and -0.0 apart from 0.0."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)


def run(propagate, op, operands, upstream):
    """Leaf grads (starting at 0.25, so += shows) after one step over ``op``'s node."""
    leaves = [Value(v) for v in operands]
    for leaf in leaves:
        leaf.grad = 0.25
    try:
        node = apply(op, *leaves)
    except (ArithmeticError, ValueError):
        return "forward"
    node.grad = upstream
    try:
        propagate((node,))
    except (ArithmeticError, ValueError) as error:
        return type(error), str(error), [leaf.grad for leaf in leaves]
    return [leaf.grad for leaf in leaves]


def agree(got, expected) -> bool:
    if isinstance(expected, list):
        return isinstance(got, list) and all(map(same, got, expected))
    if isinstance(expected, tuple):
        return got[:2] == expected[:2] and agree(got[2], expected[2])
    return got == expected


INLINE_ALL = make_propagate(FIXED)
INLINE_NONE = make_propagate(())


@pytest.mark.parametrize("op", FIXED, ids=lambda op: op.name)
def test_an_inlined_op_gives_the_kernels_gradients_and_errors(op):
    checked = 0
    for x in POINTS:
        for y in POINTS if op.arity == 2 else (None,):
            operands = (x,) if y is None else (x, y)
            for upstream in UPSTREAM:
                expected = run(INLINE_NONE, op, operands, upstream)
                assert agree(run(INLINE_ALL, op, operands, upstream), expected), (
                    op.name,
                    operands,
                    upstream,
                    expected,
                )
                checked += isinstance(expected, list)
    assert checked > 0


def test_the_inlined_add_and_mul_match_their_local_partials():
    # Independent of the kernels: d(x*y) = (y, x), d(x+y) = (1, 1), times the upstream.
    a, b = Value(1.5), Value(-4.0)
    node = a * b
    node.grad = 3.0
    _propagate((node,))
    assert (a.grad, b.grad) == (-12.0, 4.5)
    node = a + b
    node.grad = 2.0
    _propagate((node,))
    assert (a.grad, b.grad) == (-10.0, 6.5)


def test_same_parent_in_both_slots():
    x = Value(3.0)
    (x * x + x).backward()
    assert x.grad == 7.0


def test_only_table_ops_of_fixed_arity_are_inlined():
    with pytest.raises(ValueError, match="only a fixed-arity table op"):
        make_propagate([MUL.fold(1, 2.0)])
    with pytest.raises(ValueError, match="only a fixed-arity table op"):
        make_propagate([op for op in TABLE if op.variadic])


def _diamonds(depth: int) -> tuple[Value, Value]:
    x = Value(0.5)
    y = x
    for _ in range(depth):  # each level reaches the one below twice
        y = (y * y + y * 0.5).tanh() + y
    return x, y


def test_backward_order_is_the_walk_and_resets_every_grad():
    x, y = _diamonds(6)
    for node in walk(y, with_leaves=False):
        node.grad = 7.0
    order = backward_order(y)
    assert order == walk(y, with_leaves=False)
    assert len(set(order)) == len(order)
    assert all(node.grad == 0.0 for node in order)
    assert x.grad == 0.0  # the leaf is not touched (nor walked)
    assert backward_order(x) == []


def test_an_interrupted_walk_leaves_no_mark_that_fools_the_next():
    x, y = _diamonds(4)
    backward_order(y)  # marks left in place, as an interrupted walk would leave them
    y.backward()
    first = x.grad
    x.grad = 0.0
    y.backward()
    assert x.grad == first
    assert first == pytest.approx(_numeric(4), rel=1e-6)


def _numeric(depth: int, h: float = 1e-6) -> float:
    def f(v: float) -> float:
        for _ in range(depth):
            v = math.tanh(v * v + v * 0.5) + v
        return v

    return (f(0.5 + h) - f(0.5 - h)) / (2 * h)


class _CopiedGrad(Value):
    """A Value whose grad is a property giving a new float on every read (as a store's)."""

    __slots__ = ()  # Value's layout: a node's class can switch to it, as a store does

    @property
    def grad(self) -> float:
        return float(repr(self.__dict__["g"]))

    @grad.setter
    def grad(self, value: float) -> None:
        self.__dict__["g"] = float(value)


def test_a_grad_property_takes_the_walk_with_a_set():
    x, y = _diamonds(3)
    y.backward()
    expected = x.grad
    x.grad = 0.0
    nodes = walk(y, with_leaves=False)
    for node in nodes:
        node.__class__ = _CopiedGrad
    order = backward_order(y)
    assert order == nodes  # each node once, though no mark sticks
    assert all(node.grad == 0.0 for node in order)
    y.backward()
    assert x.grad == expected
