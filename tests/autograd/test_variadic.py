"""Variadic ops (``sum``, ``dot``): one node with any number of parents.

test_ops checks each variadic op's per-group formulas like any other op (with one group);
here the same oracles, sympy and central differences, check several groups at once.
"""

import math
import sys

import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

import autograd
from autograd import Value, apply, dot, grad, gradcheck, local_partials, total
from autograd.ops import DOT, SUM, TABLE, Op
from autograd.strategies import op_inputs
from tests.autograd.sympy_space import SYMPY

VARIADIC = [op for op in TABLE if op.variadic]
each_variadic = pytest.mark.parametrize("op", VARIADIC, ids=[op.name for op in VARIADIC])


def groups(op: Op) -> st.SearchStrategy[tuple[float, ...]]:
    """1 to 6 groups of the op's inputs, flattened into one operand tuple."""
    return st.lists(op_inputs(op), min_size=1, max_size=6).map(
        lambda gs: tuple(x for g in gs for x in g)
    )


def test_the_table_has_variadic_ops():
    assert {op.name for op in VARIADIC} == {"sum", "dot"}


@each_variadic
@given(data=st.data())
def test_forward_and_partials_match_sympy(op, data):
    point = data.draw(groups(op))
    symbols = tuple(sympy.Symbol(n, real=True) for n in op.slot_names(len(point)))
    forward = op.evaluate(SYMPY, symbols)
    at = dict(zip(symbols, point, strict=True))
    out = op.fwd(*point)
    assert out == pytest.approx(float(forward.subs(at)), rel=1e-12, abs=1e-12)
    partials = op.local_partials(*point, out)
    assert len(partials) == len(point)
    for symbol, partial in zip(symbols, partials, strict=True):
        assert partial == pytest.approx(float(sympy.diff(forward, symbol).subs(at)), rel=1e-12)


@each_variadic
@given(data=st.data())
def test_backward_matches_central_differences(op, data):
    point = data.draw(groups(op))
    assert gradcheck(lambda *xs: apply(op, *xs), [Value(x) for x in point])


@each_variadic
@given(data=st.data(), upstream=st.floats(-3, 3))
def test_vjp_is_upstream_times_local_partials(op, data, upstream):
    point = data.draw(groups(op))
    out = op.fwd(*point)
    expected = [upstream * p for p in op.local_partials(*point, out)]
    assert list(op.vjp(upstream, *point, out)) == pytest.approx(expected, rel=1e-15)


def test_dot_of_the_seed_neuron():
    w = [Value(0.5, "w0"), Value(-2.0, "w1")]
    x = [Value(3.0, "x0"), Value(1.5, "x1")]
    z = dot(w, x)
    assert z.data == 0.5 * 3.0 + -2.0 * 1.5
    assert z.parents == (w[0], x[0], w[1], x[1])
    assert local_partials(z) == (3.0, 0.5, 1.5, -2.0)
    z.backward()
    assert [v.grad for v in w + x] == [3.0, 1.5, 0.5, -2.0]


def test_a_reused_parent_accumulates_every_slot():
    a, b = Value(2.0), Value(5.0)
    z = dot([a, a], [a, b])  # a*a + a*b
    z.backward()
    assert a.grad == 2 * 2.0 + 5.0
    assert b.grad == 2.0
    s = total([a, a, a])
    assert grad(s, a) == 3.0


def test_second_order_through_dot_and_sum():
    x, y = Value(1.5), Value(-0.5)
    f = total([dot([x, x], [x, y]), x * y])  # x**2 + x*y + x*y
    dfdx = grad(f, x, create_graph=True)
    assert dfdx.data == 2 * 1.5 + 2 * -0.5
    assert grad(dfdx, [x, y]) == [2.0, 2.0]
    assert gradcheck(lambda a, b: total([dot([a, a], [a, b]), a * b]), [x, y], order=2)


def test_numbers_become_leaves():
    w = Value(3.0)
    z = dot([w], [2.0])
    assert z.data == 6.0
    (weight, leaf) = z.parents
    assert weight is w
    assert leaf.op is None
    assert leaf.data == 2.0
    assert autograd.operands(z) == (w, leaf)


def test_a_hundred_thousand_parents_need_no_recursion():
    leaves = [Value(float(i)) for i in range(100_000)]
    s = total(leaves)
    assert s.data == sum(range(100_000))
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(200)
    try:
        s.backward()
        order = autograd.topological_order(s)
    finally:
        sys.setrecursionlimit(limit)
    assert len(order) == 100_001
    assert all(leaf.grad == 1.0 for leaf in leaves)


def test_total_of_numbers_and_values():
    assert total([1, 2.5, Value(0.5)]).data == 4.0


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: total([]), ValueError, "total: needs at least one value"),
        (lambda: dot([Value(1.0)], [1.0, 2.0]), ValueError, "dot: 1 weights but 2 inputs"),
        (lambda: apply("dot", Value(1.0)), TypeError, "dot: takes a positive multiple of 2"),
        (lambda: apply("sum"), TypeError, "sum: takes a positive multiple of 1"),
        (lambda: apply("dot", Value(1.0), "x"), TypeError, "dot: x0 must be a number or a Value"),
        (lambda: DOT.fold(0, 1.0), ValueError, "dot: a variadic op takes no folded numbers"),
    ],
)
def test_bad_operands_name_the_op(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_variadic_partials_may_not_use_the_output():
    with pytest.raises(ValueError, match="must not use out"):
        Op("bad", "bad", ("x",), lambda m, x: x, (lambda m, x, out: out,), variadic=True)


def test_slot_names_number_the_groups():
    assert DOT.slot_names(4) == ("w0", "x0", "w1", "x1")
    assert SUM.slot_names(2) == ("x0", "x1")


def test_infinite_operands_propagate_like_floats():
    z = total([Value(math.inf), Value(1.0)])
    assert z.data == math.inf
