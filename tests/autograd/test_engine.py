"""Backward semantics: accumulation, reuse, deep graphs, memory, topological order, grad."""

from __future__ import annotations

import gc
import math
import sys
import tracemalloc
import weakref

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import Value, grad, local_partials, topological_order
from autograd.strategies import expressions

TOL = {"rel": 1e-12, "abs": 1e-12}


# --- the SEED worked example ----------------------------------------------------------


def test_seed_worked_example():
    x, y, w = Value(2.0, "x"), Value(3.0, "y"), Value(4.0, "w")
    q = x + y
    z = q * w
    assert q.data == 5.0
    assert z.data == 20.0
    z.backward()
    assert z.grad == 1.0
    assert q.grad == 4.0
    assert w.grad == 5.0
    assert x.grad == 4.0
    assert y.grad == 4.0
    assert local_partials(z) == (4.0, 5.0)
    assert local_partials(q) == (1.0, 1.0)


# --- repeated backward --------------------------------------------------------------


def test_repeated_backward_accumulates_leaves_and_recomputes_intermediates():
    x = Value(2.0, "x")
    square = x * x
    y = square + x
    y.backward()
    assert x.grad == 5.0
    assert square.grad == 1.0
    assert y.grad == 1.0
    y.backward()
    assert x.grad == 10.0
    assert square.grad == 1.0
    assert y.grad == 1.0


def test_backward_with_explicit_gradient():
    x = Value(3.0)
    y = x * x
    y.backward(2.5)
    assert x.grad == 15.0
    assert y.grad == 2.5


def test_backward_on_a_leaf():
    x = Value(3.0)
    x.backward()
    assert x.grad == 1.0
    x.backward()
    assert x.grad == 2.0


def test_zeroing_grads_by_hand_between_backwards():
    x = Value(2.0)
    y = x * x * x
    y.backward()
    assert x.grad == 12.0
    x.grad = 0.0
    y.backward()
    assert x.grad == 12.0


# --- reuse, diamonds, fan-out -----------------------------------------------------


def test_reuse_doubles_twice():
    a = Value(1.0)
    b = a + a
    c = b + b
    c.backward()
    assert c.data == 4.0
    assert a.grad == 4.0
    assert b.grad == 2.0


def test_square_by_self_multiplication():
    for v in (-3.0, 0.0, 0.5, 7.0):
        x = Value(v)
        (x * x).backward()
        assert x.grad == 2.0 * v


def test_diamond():
    a = Value(3.0, "a")
    b = a * 2
    c = a * 3
    d = b * c  # 6 a^2
    d.backward()
    assert d.data == 54.0
    assert c.grad == 6.0  # = b
    assert b.grad == 9.0  # = c
    assert a.grad == 36.0  # 12 a = 2 * b.grad + 3 * c.grad


def test_diamond_with_nonlinear_branches():
    a = Value(0.5)
    b = a.tanh()
    c = a.exp()
    d = b * c + b
    d.backward()
    tb, ec = math.tanh(0.5), math.exp(0.5)
    expected = (1 - tb**2) * (ec + 1) + tb * ec
    assert d.data == pytest.approx(tb * ec + tb, **TOL)
    assert a.grad == pytest.approx(expected, **TOL)


def test_node_used_by_two_outputs():
    a = Value(2.0)
    h = a * a
    out1 = h + 1
    out2 = h * 3
    out1.backward()
    assert a.grad == 4.0
    assert h.grad == 1.0
    out2.backward()
    # h.grad is recomputed for out2 alone; a accumulates 4 + 3 * 2a = 16.
    assert h.grad == 3.0
    assert a.grad == 16.0
    assert grad(out1, a) == 4.0
    assert grad(out2, a) == 12.0


def test_wide_fan_out():
    x = Value(1.5)
    total = x * 0
    for k in range(1, 101):
        total = total + x * k
    total.backward()
    assert x.grad == pytest.approx(5050.0, **TOL)


# --- deep graphs --------------------------------------------------------------------


def test_million_op_chain_under_default_recursion_limit():
    limit = sys.getrecursionlimit()
    assert limit <= 10000
    steps = 1_000_000
    x = Value(1.0, "x")
    y = x
    for _ in range(steps):
        y = y * 1.0001 + 0.0001

    expected_data, expected_grad = 1.0, 1.0
    for _ in range(steps):
        expected_data = expected_data * 1.0001 + 0.0001
        expected_grad *= 1.0001
    assert y.data == expected_data

    order = topological_order(y)
    assert len(order) == 2 * steps + 1
    assert order[0] is x
    assert order[-1] is y
    del order

    y.backward()
    assert x.grad == expected_grad
    assert x.grad == pytest.approx(1.0001**steps, rel=1e-9)
    assert y.grad == 1.0

    del y
    assert sys.getrecursionlimit() == limit
    assert x.grad == expected_grad  # the leaf survives its graph


# --- memory -----------------------------------------------------------------------


def _weakrefs(*roots):
    return [weakref.ref(node) for root in roots for node in topological_order(root)]


def _small_graph():
    x, w, b = Value(0.5, "x"), Value(-1.5, "w"), Value(0.25, "b")
    h = (x * w + b).tanh()
    y = (h * h + h.exp() + x.leaky_relu(w) + x / w) ** 2
    return x, w, y


@pytest.fixture
def without_cyclic_gc():
    """Only reference counting frees objects inside the test."""
    gc.disable()
    yield
    gc.enable()


@pytest.mark.usefixtures("without_cyclic_gc")
def test_dropped_graph_is_freed_by_reference_counting():
    x, w, y = _small_graph()
    refs = _weakrefs(y)
    assert len(refs) > 10
    assert all(r() is not None for r in refs)
    del x, w, y
    assert [r() for r in refs] == [None] * len(refs)


@pytest.mark.usefixtures("without_cyclic_gc")
def test_graph_is_freed_after_backward():
    x, w, y = _small_graph()
    y.backward()
    assert x.grad != 0.0
    refs = _weakrefs(y)
    del x, w, y
    assert [r() for r in refs] == [None] * len(refs)


@pytest.mark.usefixtures("without_cyclic_gc")
def test_graphs_are_freed_after_higher_order_grad():
    x, w, y = _small_graph()
    dx, dw = grad(y, [x, w], create_graph=True)
    ddx = grad(dx, x, create_graph=True)
    assert isinstance(ddx, Value)
    refs = _weakrefs(y, dx, dw, ddx)
    assert len(refs) > 20
    del x, w, y, dx, dw, ddx
    assert [r() for r in refs] == [None] * len(refs)


def test_bytes_per_op_node():
    warm = Value(1.0)
    for _ in range(3):
        warm = warm * 1.0001 + 0.0001
    del warm
    steps = 10_000
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        x = Value(1.0)
        y = x
        for _ in range(steps):
            y = y * 1.0001 + 0.0001
        after, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    per_node = (after - before) / (2 * steps)
    assert per_node < 300
    assert y.data > 1.0  # keeps the chain alive until measured


# --- topological order -------------------------------------------------------------


def _labelled_graph():
    a, b, c = Value(1.0, "a"), Value(2.0, "b"), Value(3.0, "c")
    d = a * b
    d.label = "d"
    e = d + c
    e.label = "e"
    f = d * e
    f.label = "f"
    g = f.tanh() + a
    g.label = "g"
    return g


def test_topological_order_inputs_before_outputs():
    g = _labelled_graph()
    order = topological_order(g)
    index = {id(node): i for i, node in enumerate(order)}
    assert len(index) == len(order)  # each node once
    for i, node in enumerate(order):
        for parent in node.parents:
            assert index[id(parent)] < i
    assert order[-1] is g
    assert {n.label for n in order if n.op is None} == {"a", "b", "c"}
    assert len(order) == 8  # a, b, c, d, e, f, tanh, g


def test_topological_order_is_deterministic():
    labels = [n.label or n.op.name for n in topological_order(_labelled_graph())]
    again = [n.label or n.op.name for n in topological_order(_labelled_graph())]
    assert labels == again
    # Depth-first over parents in operand order.
    assert labels == ["a", "b", "d", "c", "e", "f", "tanh", "g"]


def test_topological_order_of_docstring_example():
    x = Value(2.0, "x")
    y = x * x + x
    assert [n.label or n.op.name for n in topological_order(y)] == ["x", "mul", "add"]


def test_topological_order_of_leaf_and_repeated_operand():
    x = Value(1.0)
    assert topological_order(x) == [x]
    y = x + x
    order = topological_order(y)
    assert len(order) == 2
    assert order[0] is x
    assert order[1] is y


def test_topological_order_ignores_unrelated_nodes():
    x, z = Value(1.0), Value(2.0)
    y = x * 3
    other = y + z
    order = topological_order(y)
    assert len(order) == 2
    assert all(n is not z and n is not other for n in order)


# --- local_partials ---------------------------------------------------------------


def test_local_partials():
    x, w = Value(5.0), Value(4.0)
    assert local_partials(x * w) == (4.0, 5.0)
    assert local_partials(x + w) == (1.0, 1.0)
    assert local_partials(x - w) == (1.0, -1.0)
    assert local_partials(x / w) == pytest.approx((0.25, -5.0 / 16.0), **TOL)
    assert local_partials(x) == ()


def test_local_partials_of_folded_ops_cover_value_parents_only():
    x = Value(3.0)
    assert local_partials(x * 2.5) == (2.5,)
    assert local_partials(2 - x) == (-1.0,)
    assert local_partials(x**2) == (6.0,)
    assert local_partials(2 / x) == pytest.approx((-2.0 / 9.0,), **TOL)
    assert local_partials(2**x) == pytest.approx((8.0 * math.log(2.0),), **TOL)


def test_local_partials_of_unary_and_parametric_ops():
    x, slope = Value(-2.0), Value(0.1)
    assert local_partials(x.leaky_relu(slope)) == pytest.approx((0.1, -2.0), **TOL)
    assert local_partials(x.tanh()) == pytest.approx((1 - math.tanh(-2.0) ** 2,), **TOL)
    assert local_partials(x.relu()) == (0.0,)


def test_local_partials_error_names_the_op():
    with pytest.raises(ZeroDivisionError, match="sqrt"):
        local_partials(Value(0.0).sqrt())


# --- grad --------------------------------------------------------------------------


def test_grad_returns_floats_and_leaves_grad_untouched():
    x, y, w = Value(2.0), Value(3.0), Value(4.0)
    z = (x + y) * w
    gx, gy, gw = grad(z, [x, y, w])
    assert (gx, gy, gw) == (4.0, 4.0, 5.0)
    assert all(type(g) is float for g in (gx, gy, gw))
    assert all(n.grad == 0.0 for n in topological_order(z))


def test_grad_single_input_and_sequences():
    x, y = Value(2.0), Value(3.0)
    z = x * y
    assert grad(z, x) == 3.0
    assert grad(z, [x]) == [3.0]
    assert grad(z, (x, y)) == [3.0, 2.0]
    assert grad(z, [y, x, y]) == [2.0, 3.0, 2.0]
    assert grad(z, []) == []


def test_grad_of_unreached_input_is_zero():
    x, y = Value(2.0), Value(3.0)
    z = x * x
    assert grad(z, y) == 0.0
    assert grad(z, [x, y]) == [4.0, 0.0]
    zero = grad(z, y, create_graph=True)
    assert isinstance(zero, Value)
    assert zero.data == 0.0


def test_grad_with_respect_to_output_and_intermediate():
    x = Value(2.0)
    h = x * x
    z = h * 3
    assert grad(z, z) == 1.0
    assert grad(z, h) == 3.0


def test_grad_does_not_disturb_previous_backward_results():
    x = Value(2.0)
    y = x * x
    y.backward()
    assert grad(y, x) == 4.0
    assert x.grad == 4.0
    assert y.grad == 1.0


def test_create_graph_returns_values():
    x = Value(2.0)
    d = grad(x * x, x, create_graph=True)
    assert isinstance(d, Value)
    assert d.data == 4.0
    ds = grad(x * x * x, [x], create_graph=True)
    assert isinstance(ds, list)
    assert isinstance(ds[0], Value)
    assert ds[0].data == 12.0


def test_higher_derivatives_of_cube():
    x = Value(2.0)
    y = x**3
    d1 = grad(y, x, create_graph=True)
    d2 = grad(d1, x, create_graph=True)
    d3 = grad(d2, x, create_graph=True)
    d4 = grad(d3, x)
    assert d1.data == 12.0
    assert d2.data == 12.0
    assert d3.data == 6.0
    assert d4 == 0.0
    assert grad(d2, x) == 6.0
    assert x.grad == 0.0


def test_create_graph_result_supports_backward():
    x = Value(2.0)
    d1 = grad(x**3, x, create_graph=True)  # 3 x^2
    d1.backward()
    assert x.grad == 12.0  # 6 x


def _second(f, point):
    x = Value(point)
    return grad(grad(f(x), x, create_graph=True), x)


def _tanh2(x):
    t = math.tanh(x)
    return -2.0 * t * (1.0 - t * t)


def _sigmoid2(x):
    s = 1.0 / (1.0 + math.exp(-x))
    return s * (1.0 - s) * (1.0 - 2.0 * s)


@pytest.mark.parametrize(
    ("method", "analytic", "points"),
    [
        ("tanh", _tanh2, (-1.5, -0.2, 0.0, 0.7, 2.0)),
        ("sigmoid", _sigmoid2, (-3.0, 0.0, 0.4, 2.5)),
        ("exp", math.exp, (-2.0, 0.0, 1.3)),
        ("log", lambda x: -1.0 / x**2, (0.1, 1.0, 3.5)),
        ("sqrt", lambda x: -0.25 * x**-1.5, (0.5, 2.0, 9.0)),
    ],
)
def test_second_derivatives_of_unary_methods(method, analytic, points):
    for p in points:
        got = _second(lambda v, m=method: getattr(v, m)(), p)
        assert got == pytest.approx(analytic(p), rel=1e-10, abs=1e-12), p


def test_second_derivative_of_softplus_is_sigmoid_prime():
    for p in (-2.0, 0.0, 1.5):
        s = 1.0 / (1.0 + math.exp(-p))
        assert _second(lambda v: v.softplus(), p) == pytest.approx(s * (1 - s), rel=1e-10)


@pytest.mark.parametrize(("base", "exponent"), [(2.0, 3.0), (1.5, 0.5), (0.7, -1.3)])
def test_second_derivatives_of_pow(base, exponent):
    x, y = Value(base), Value(exponent)
    dx, dy = grad(x**y, [x, y], create_graph=True)
    dxx, dxy = grad(dx, [x, y])
    dyx, dyy = grad(dy, [x, y])
    lx = math.log(base)
    assert dxx == pytest.approx(exponent * (exponent - 1) * base ** (exponent - 2), rel=1e-10)
    assert dyy == pytest.approx(base**exponent * lx**2, rel=1e-10)
    mixed = base ** (exponent - 1) * (1 + exponent * lx)
    assert dxy == pytest.approx(mixed, rel=1e-10)
    assert dyx == pytest.approx(mixed, rel=1e-10)


@pytest.mark.parametrize(("a", "b"), [(3.0, 2.0), (-1.5, 0.5), (0.25, -4.0)])
def test_second_derivatives_of_div(a, b):
    x, y = Value(a), Value(b)
    dx, dy = grad(x / y, [x, y], create_graph=True)
    dxx, dxy = grad(dx, [x, y])
    dyx, dyy = grad(dy, [x, y])
    assert dxx == 0.0
    assert dyy == pytest.approx(2 * a / b**3, rel=1e-12)
    assert dxy == pytest.approx(-1 / b**2, rel=1e-12)
    assert dyx == pytest.approx(-1 / b**2, rel=1e-12)


@pytest.mark.parametrize("point", [2.0, 0.5, 0.0, -1.5])
def test_second_derivative_of_square_with_folded_exponent(point):
    # d2/dx2 x**2 = 2 everywhere, including x <= 0 where first-order backward works.
    assert _second(lambda v: v**2, point) == 2.0


@pytest.mark.parametrize("point", [1.0, 3.0, 5.0])
def test_hessian_of_squared_error(point):
    # 0.5 * (x - 3) ** 2: the second derivative is 1 on both sides of the target.
    assert _second(lambda v: 0.5 * (v - 3.0) ** 2, point) == 1.0


def test_second_derivative_of_cube_at_negative_point():
    assert _second(lambda v: v**3, -2.0) == pytest.approx(-12.0, rel=1e-12)


# --- three ways to get a gradient agree ----------------------------------------------


@settings(max_examples=40, deadline=None)
@given(expression=expressions(max_steps=8), scale=st.sampled_from([1.0, -0.5]))
def test_backward_grad_and_create_graph_agree(expression, scale):
    leaves = [Value(x) for x in expression.inputs]
    out = expression(*leaves)
    floats = grad(out, leaves)
    values = grad(out, leaves, create_graph=True)
    assert all(n.grad == 0.0 for n in topological_order(out))
    out.backward(scale)
    for leaf, f, v in zip(leaves, floats, values, strict=True):
        assert v.data == pytest.approx(f, rel=1e-9, abs=1e-9)
        assert leaf.grad == pytest.approx(scale * f, rel=1e-12, abs=1e-12)
    assert autograd.gradcheck(expression, expression.inputs)
