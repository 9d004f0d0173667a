"""User-defined ops, micrograd's way: Value(data, _children, _op) plus a _backward closure."""

from __future__ import annotations

import gc
import math
import weakref

import pytest

from autograd import (
    GradcheckError,
    TraceError,
    Value,
    compile,
    grad,
    gradcheck,
    local_partials,
    no_grad,
    topological_order,
)


def tanh(x: Value) -> Value:
    """The lecture's tanh, written from its formula (tanh' = 1 - tanh**2)."""
    t = (math.exp(2 * x.data) - 1) / (math.exp(2 * x.data) + 1)
    out = Value(t, (x,), "tanh")

    def _backward():
        x.grad += (1 - t**2) * out.grad

    out._backward = _backward
    return out


def wrong_tanh(x: Value) -> Value:
    t = math.tanh(x.data)
    out = Value(t, (x,), "tanh")

    def _backward():
        x.grad += (1 - t) * out.grad  # forgot the square

    out._backward = _backward
    return out


def product(a: Value, b: Value) -> Value:
    out = Value(a.data * b.data, _children=(a, b), _op="*", label="ab")

    def _backward():
        a.grad += b.data * out.grad
        b.grad += a.data * out.grad

    out._backward = _backward
    return out


def test_a_custom_node_takes_part_in_backward_like_the_table_op():
    x, w = Value(0.7, "x"), Value(-1.3, "w")
    y = tanh(x * w) * x + product(x, w)
    y.backward()
    x2, w2 = Value(0.7), Value(-1.3)
    expected = (x2 * w2).tanh() * x2 + x2 * w2
    expected.backward()
    assert y.data == pytest.approx(expected.data, rel=1e-14)
    assert (x.grad, w.grad) == pytest.approx((x2.grad, w2.grad), rel=1e-12)


def test_backward_twice_accumulates_on_leaves_as_usual():
    x = Value(0.3)
    y = tanh(x)
    y.backward()
    y.backward()
    assert x.grad == pytest.approx(2 * (1 - math.tanh(0.3) ** 2))


def test_first_order_grad_and_gradcheck_pass_through_closures():
    x = Value(0.4)
    y = tanh(x) * 3
    x.grad = 5.0
    assert grad(y, x) == pytest.approx(3 * (1 - math.tanh(0.4) ** 2))
    assert x.grad == 5.0  # grad() leaves .grad alone, closures included
    assert gradcheck(lambda v: tanh(v * v), [0.8])


def test_gradcheck_catches_a_wrong_custom_op():
    with pytest.raises(GradcheckError, match="MISMATCH"):
        gradcheck(wrong_tanh, [0.5])


def test_local_partials_probe_the_closure_and_restore_grads():
    a, b = Value(2.0), Value(5.0)
    out = product(a, b)
    a.grad, b.grad, out.grad = 1.5, -2.0, 7.0
    assert local_partials(out) == (5.0, 2.0)
    assert (a.grad, b.grad, out.grad) == (1.5, -2.0, 7.0)


def test_a_parent_listed_twice_gets_its_total_in_the_first_slot():
    a = Value(3.0)
    out = product(a, a)
    assert local_partials(out) == (6.0, 0.0)
    out.backward()
    assert a.grad == 6.0


def test_higher_order_grad_names_the_node_and_the_alternative():
    x = Value(0.5)
    y = tanh(x)
    with pytest.raises(TypeError, match=r"'tanh'.*_backward.*autograd\.Function"):
        grad(y, x, create_graph=True)


def test_compile_names_the_node_and_the_alternative():
    f = compile(lambda x: tanh(x) + 1.0)
    with pytest.raises(TraceError, match=r"compile.*'tanh'.*chainrule's own ops"):
        f(0.5)


def test_a_node_without_backward_passes_nothing_on():
    x = Value(1.0)
    y = Value(2.0, (x,), "mystery")
    y.backward()
    assert x.grad == 0.0
    assert y._backward() is None


def test_replacing_an_engine_nodes_backward_makes_it_custom():
    x = Value(2.0)
    y = x * 3
    assert not y.is_custom
    y._backward = lambda: None
    assert y.is_custom
    assert y._op == "*"
    assert y.parents == (x,)
    y.backward()
    assert x.grad == 0.0


def test_bad_constructor_arguments():
    with pytest.raises(TypeError, match=r"_children.*item 1"):
        Value(1.0, _children=(Value(1.0), 2.0), _op="+")
    with pytest.raises(ValueError, match="_children"):
        Value(1.0, _op="tanh")
    with pytest.raises(TypeError, match=r"Value\(label\)"):
        Value(1.0, 3)
    with pytest.raises(ValueError, match="leaf"):
        Value(1.0)._backward = lambda: None
    with pytest.raises(TypeError, match="function"):
        (Value(1.0) * 2)._backward = 3


def test_micrograd_keyword_and_positional_label():
    a = Value(1.0)
    assert Value(2.0, (a,), "f", "lbl").label == "lbl"
    assert Value(2.0, (a,), "f", label="kw").label == "kw"
    assert Value(2.0, "x").label == "x"
    assert Value(2.0, ()).op is None


def test_no_grad_makes_a_custom_node_a_leaf():
    a = Value(1.0)
    with no_grad():
        out = Value(2.0, (a,), "f")
    assert out.op is None
    assert out._prev == set()


def test_the_graph_of_table_ops_stays_free_of_cycles():
    # A custom node elsewhere does not make other graphs need the cyclic collector.
    gc.disable()
    try:
        x = Value(1.0)
        y = (x * 2).tanh() + x
        watch = weakref.ref(y)
        del y
        assert watch() is None
    finally:
        gc.enable()


def test_drawing_and_order_see_custom_nodes():
    from viz import backward_steps, to_dot  # noqa: PLC0415 - viz is optional for the engine

    x = Value(0.5, "x")
    y = tanh(x) + x
    assert [n._op for n in topological_order(y)] == ["", "tanh", "+"]
    text = to_dot(y)
    assert "label=tanh" in text
    steps = backward_steps(y)
    assert steps.frames[-1].grads[0] == pytest.approx(1 + (1 - math.tanh(0.5) ** 2))
