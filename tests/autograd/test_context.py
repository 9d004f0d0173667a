"""no_grad, scope and the parameter flag."""

from __future__ import annotations

import math
import threading

import pytest

import autograd
from autograd import Scope, Value, no_grad, scope

# --- no_grad --------------------------------------------------------------------


def test_grad_is_enabled_by_default():
    assert autograd.is_grad_enabled() is True


def test_no_grad_results_are_leaves():
    x, w = Value(2.0), Value(3.0)
    with no_grad():
        assert autograd.is_grad_enabled() is False
        y = (x * w + 1).tanh()
        z = x.leaky_relu(w)
    assert autograd.is_grad_enabled() is True
    assert y.op is None
    assert y.parents == ()
    assert y.data == pytest.approx(math.tanh(7.0), rel=1e-15)
    assert z.op is None
    assert z.data == 2.0
    assert autograd.topological_order(y) == [y]
    y.backward()
    assert y.grad == 1.0
    assert x.grad == 0.0
    assert w.grad == 0.0


def test_operations_after_no_grad_record_again():
    x = Value(2.0)
    with no_grad():
        pass
    y = x * x
    assert y.op is autograd.OPS["mul"]
    assert y.parents == (x, x)


def test_no_grad_nesting():
    x = Value(2.0)
    with no_grad():
        with no_grad():
            assert autograd.is_grad_enabled() is False
            inner = x * 2
        assert autograd.is_grad_enabled() is False
        middle = x * 3
    assert autograd.is_grad_enabled() is True
    outer = x * 4
    assert inner.op is None
    assert middle.op is None
    assert outer.op is not None
    assert outer.parents == (x,)


def test_no_grad_restores_on_exception():
    x = Value(-1.0)
    with pytest.raises(ValueError, match="log"), no_grad():
        x.log()
    assert autograd.is_grad_enabled() is True
    y = x * 2
    assert y.parents == (x,)


def test_no_grad_restores_on_any_exception():
    class BoomError(Exception):
        pass

    with pytest.raises(BoomError), no_grad():
        raise BoomError
    assert autograd.is_grad_enabled() is True


def test_grad_with_leaves_made_under_no_grad():
    x = Value(3.0)
    with no_grad():
        c = x * x
    y = c * x
    assert autograd.grad(y, x) == 9.0


def test_no_grad_does_not_leak_into_other_threads():
    seen = []
    with no_grad():
        thread = threading.Thread(target=lambda: seen.append(autograd.is_grad_enabled()))
        thread.start()
        thread.join()
    assert seen == [True]


# --- scope ------------------------------------------------------------------------


def test_scope_tags_nodes_with_innermost_scope():
    x = Value(1.0)
    with scope("layer") as layer:
        a = x * 2
        with scope("neuron") as neuron:
            b = a + 1
            c = b.tanh()
        d = a - 1
    e = x * 5
    assert isinstance(layer, Scope)
    assert isinstance(neuron, Scope)
    assert a.scope is layer
    assert b.scope is neuron
    assert c.scope is neuron
    assert d.scope is layer
    assert e.scope is None
    assert x.scope is None
    assert neuron.parent is layer
    assert layer.parent is None
    assert neuron.path == ("layer", "neuron")
    assert layer.path == ("layer",)
    assert neuron.name == "neuron"
    assert layer.name == "layer"


def test_scope_does_not_change_values_or_gradients():
    x = Value(2.0)
    with scope("s"):
        y = x * x + x
    y.backward()
    assert y.data == 6.0
    assert x.grad == 5.0


def test_two_blocks_with_one_name_are_different_scopes():
    with scope("a") as first:
        p = Value(1.0) * 2
    with scope("a") as second:
        q = Value(1.0) * 2
    assert first is not second
    assert first.path == second.path == ("a",)
    assert p.scope is first
    assert q.scope is second


def test_leaves_created_inside_a_scope_record_it():
    with scope("layer") as s:
        w = Value(0.5, "w")
        b = Value(0.1, "b", parameter=True)
    assert w.scope is s
    assert b.scope is s
    assert w.op is None
    assert Value(1.0).scope is None


def test_scope_restores_on_exception():
    with pytest.raises(ZeroDivisionError, match="div"), scope("broken"):
        Value(1.0) / 0
    assert (Value(1.0) * 2).scope is None


def test_scope_inside_no_grad_keeps_grad_disabled():
    x = Value(1.0)
    with no_grad(), scope("s") as s:
        assert autograd.is_grad_enabled() is False
        y = x * 2
    assert y.op is None
    assert y.scope is s


def test_no_grad_inside_scope_keeps_the_scope():
    x = Value(1.0)
    with scope("s") as s:
        with no_grad():
            y = x * 2
        z = x * 3
    assert y.op is None
    assert y.scope is s
    assert z.op is not None
    assert z.scope is s


def test_scope_repr_shows_path():
    with scope("layer"), scope("neuron") as s:
        pass
    assert "layer/neuron" in repr(s)


# --- parameter flag ----------------------------------------------------------------


def test_parameter_flag_default_and_set():
    assert Value(1.0).is_parameter is False
    assert Value(1.0, parameter=True).is_parameter is True
    assert (Value(1.0, parameter=True) * 2).is_parameter is False


def test_parameter_flag_is_settable_both_ways():
    v = Value(1.0)
    v.is_parameter = True
    assert v.is_parameter is True
    assert v.scope is None
    v.is_parameter = False
    assert v.is_parameter is False
    assert v.scope is None


def test_parameter_flag_keeps_the_scope():
    with scope("layer") as s:
        w = Value(1.0, parameter=True)
        u = Value(2.0)
    assert w.scope is s
    assert w.is_parameter is True
    w.is_parameter = False
    assert w.is_parameter is False
    assert w.scope is s
    w.is_parameter = True
    assert w.is_parameter is True
    assert w.scope is s
    assert u.is_parameter is False
    u.is_parameter = True
    assert u.is_parameter is True
    assert u.scope is s


def test_parameter_flag_in_nested_scope():
    with scope("layer"), scope("neuron") as inner:
        w = Value(1.0, parameter=True)
    assert w.scope is inner
    assert w.scope.path == ("layer", "neuron")
    assert w.is_parameter is True


def test_parameter_flag_survives_backward():
    w = Value(3.0, parameter=True)
    (w * w).backward()
    assert w.grad == 6.0
    assert w.is_parameter is True


def test_reentering_a_scope_keeps_its_path():
    with scope("layer"), scope("neuron") as neuron:
        w = Value(1.0, parameter=True)
    with scope("elsewhere"), scope(neuron) as again:
        y = w * 2.0
    assert again is neuron
    assert y.scope is neuron
    assert w.scope is neuron
    assert neuron.path == ("layer", "neuron")
