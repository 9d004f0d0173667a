"""A table of bad values over the public functions of the engine and of ``compile``.

Each bad value must raise ``TypeError`` or ``ValueError`` naming the function (and the
argument where there are several), before anything changes: no silent conversion (text,
complex numbers), no ``OverflowError``/``AttributeError`` from deep inside.
"""

from __future__ import annotations

import decimal
import fractions
import math

import numpy as np
import pytest

import autograd.compiler.diagnosis
from autograd import (
    Value,
    apply,
    compile,
    dot,
    grad,
    log_softmax,
    logsumexp,
    softmax,
    total,
)

HUGE_LONGDOUBLE = np.longdouble(10) ** 4000  # beyond the float range (about 1.8e308)

BAD_COMPILE_INPUTS = [
    ("1.5", TypeError, "got str"),
    (b"1", TypeError, "got bytes"),
    (1j, TypeError, "got complex"),
    (None, TypeError, "got NoneType"),
    (True, TypeError, "got bool"),
    ([1.0, 2.0], TypeError, "got list"),
    (np.array(1.0), TypeError, "got ndarray"),
    (10**400, ValueError, "too large for a float"),
    (HUGE_LONGDOUBLE, ValueError, "too large for a float"),
    (np.array(["1.5", "2"]), TypeError, "dtype <U3"),
    (np.array([1j, 2.0]), TypeError, "dtype complex128"),
    (np.array([1.0, None], dtype=object), TypeError, "dtype object"),
    (np.array([1.0, 2.0], dtype=object), TypeError, "dtype object"),
    (np.array([True, False]), TypeError, "dtype bool"),
    (np.array([HUGE_LONGDOUBLE, 1.0]), ValueError, "too large for a float"),
    (np.zeros((2, 2)), ValueError, "shape"),
    (np.zeros(0), ValueError, "non-empty"),
]


@pytest.mark.parametrize(
    ("bad", "error", "message"),
    BAD_COMPILE_INPUTS,
    ids=[repr(b)[:30] for b, *_ in BAD_COMPILE_INPUTS],
)
@pytest.mark.parametrize("call", ["call", "grad", "backward"])
def test_compile_refuses_bad_inputs_naming_compile_and_the_input(bad, error, message, call):
    f = compile(lambda x, y: x * y)
    with pytest.raises(error, match=message) as raised:
        getattr(f, "__call__" if call == "call" else call)(2.0, bad)
    assert str(raised.value).startswith("compile: input 1 ")
    assert f._tape is None  # refused before tracing


@pytest.mark.parametrize(
    ("bad", "error", "message"),
    [x for x in BAD_COMPILE_INPUTS if not isinstance(x[0], np.ndarray) or x[0].ndim == 0],
)
def test_trace_refuses_bad_numbers(bad, error, message):
    f = compile(lambda x: x * 2)
    with pytest.raises(error, match=r"compile\.trace: input 0"):
        f.trace(bad)


@pytest.mark.parametrize(
    "good", [2, 2.5, np.float32(2.5), np.int64(3), np.longdouble(2), math.inf, -math.inf]
)
def test_real_numbers_of_any_type_are_accepted(good):
    f = compile(lambda x: x * 2)
    assert f(good) == 2 * float(good)
    assert f(np.array([good, good], dtype=type(good) if type(good) is not int else float))[
        0
    ] == 2 * float(good)


def test_an_all_nan_batch_is_not_replayed_sample_by_sample(monkeypatch):
    # The cause of the audit's 50x: every sample with a non-finite value was replayed in
    # Python to look for a domain error. NaN in is NaN out, not an error.
    calls = []
    diagnosis = autograd.compiler.diagnosis
    original = diagnosis.diagnose
    monkeypatch.setattr(diagnosis, "diagnose", lambda *a, **k: calls.append(1) or original(*a, **k))
    f = compile(lambda x, y: (x * y).tanh().log() + y.relu())
    f.trace(1.0, 1.0)
    nan = np.full(1000, math.nan)
    out = f.grad(nan, nan, wrt_inputs=True)
    assert np.isnan(out.output).all()
    assert all(np.isnan(g).all() for g in out.inputs)
    assert calls == []
    # Infinities can hide a domain error (log(-inf)): replayed, but each distinct point once.
    inf = np.full(1000, math.inf)
    f(inf, inf)
    assert len(calls) == 1
    # and a real domain error beside NaN samples is still found, with its sample
    with pytest.raises(ValueError, match=r"log: input outside the domain .* sample 2"):
        f(np.array([math.nan, 1.0, -1.0]), np.array([1.0, 1.0, 1.0]))


def test_a_bad_elu_alpha_is_found_in_a_batch():
    f = compile(lambda x, a: x.elu(a))
    f.trace(1.0, 1.0)
    with pytest.raises(ValueError, match=r"elu: .*alpha > 0.* sample 1"):
        f(np.array([1.0, 1.0]), np.array([1.0, -1.0]))
    with pytest.raises(ValueError, match=r"elu: .*alpha > 0"):
        f(1.0, 0.0)


# --- the engine's public functions ------------------------------------------------------


def _leaf():
    return Value(2.0)


ENGINE_CALLS = [
    # (name, call, error, message)
    ("Value str", lambda: Value("1.5"), TypeError, r"Value\(data\): expected a real number"),
    ("Value None", lambda: Value(None), TypeError, r"Value\(data\)"),
    ("Value complex", lambda: Value(1j), TypeError, r"Value\(data\)"),
    ("Value Decimal", lambda: Value(decimal.Decimal("1.5")), TypeError, r"Value\(data\)"),
    ("Value list", lambda: Value([1.0]), TypeError, r"Value\(data\)"),
    ("Value huge int", lambda: Value(10**400), ValueError, r"Value\(data\): int 1.* too large"),
    (
        "Value huge longdouble",
        lambda: Value(HUGE_LONGDOUBLE),
        ValueError,
        r"Value\(data\): .*large",
    ),
    # A huge number folded into an op names the op and its slot (once only the number).
    ("binary huge", lambda: _leaf() * 10**400, ValueError, r"mul\(y\): int 1.* too large"),
    ("reflected huge", lambda: 10**400 - _leaf(), ValueError, r"sub\(x\): int .* too large"),
    ("slope huge", lambda: _leaf().leaky_relu(10**400), ValueError, r"leaky_relu\(slope\):"),
    ("total huge", lambda: total([_leaf(), 10**400]), ValueError, r"total\(item 1\): int"),
    ("compare huge", lambda: _leaf() < 10**400, ValueError, r"Value.__lt__: int .* too large"),
    ("Value label", lambda: Value(1.0, 3), TypeError, r"Value\(label\): expected a str"),
    ("apply unknown", lambda: apply("nope", _leaf()), ValueError, "apply: unknown op 'nope'"),
    ("apply arity", lambda: apply("add", _leaf()), TypeError, "add: takes 2 operands, got 1"),
    ("apply str", lambda: apply("mul", _leaf(), "2"), TypeError, "mul: y must be a number"),
    ("apply numbers", lambda: apply("mul", 2.0, 3.0), TypeError, "needs at least one Value"),
    ("binary str", lambda: _leaf() * "2", TypeError, "Value"),
    ("elu alpha 0", lambda: _leaf().elu(0.0), ValueError, r"elu: .*\(alpha > 0\)"),
    ("elu alpha -1", lambda: _leaf().elu(-1), ValueError, r"elu: .*\(alpha > 0\)"),
    ("elu alpha Value", lambda: _leaf().elu(Value(-1.0)), ValueError, r"elu: .*alpha=-1.0"),
    ("elu x<0 alpha<0", lambda: Value(-1.0).elu(-2.0), ValueError, r"elu: .*\(alpha > 0\)"),
    ("0 ** -inf", lambda: Value(0.0) ** -math.inf, ZeroDivisionError, "pow: input outside"),
    ("0 ** -1", lambda: Value(0.0) ** -1, ZeroDivisionError, "pow: input outside"),
    ("backward str", lambda: _leaf().backward("1"), TypeError, "backward: gradient must be"),
    ("backward None", lambda: _leaf().backward(None), TypeError, "backward: gradient must be"),
    ("backward bool", lambda: _leaf().backward(True), TypeError, "backward: gradient must be"),
    ("backward huge", lambda: _leaf().backward(10**400), ValueError, r"backward\(gradient\): int"),
    ("grad output", lambda: grad(2.0, _leaf()), TypeError, "grad: output must be a Value"),
    ("grad inputs str", lambda: grad(_leaf() * 2, "x"), TypeError, "grad: inputs must be"),
    ("grad inputs item", lambda: grad(_leaf() * 2, [1.0]), TypeError, r"grad: inputs\[0\]"),
    ("total empty", lambda: total([]), ValueError, "total: needs at least one value"),
    ("total str", lambda: total("ab"), TypeError, "total: expected an iterable"),
    ("total item", lambda: total([1.0, "a"]), TypeError, "total: item 1 must be"),
    ("total None", lambda: total(None), TypeError, "total: expected an iterable"),
    ("dot lengths", lambda: dot([1.0], [1.0, 2.0]), ValueError, "dot: 1 weights but 2"),
    ("dot item", lambda: dot([None], [1.0]), TypeError, "dot: item 0 must be"),
    ("softmax item", lambda: softmax([1.0, None]), TypeError, "softmax: item 1"),
    ("log_softmax empty", lambda: log_softmax([]), ValueError, "log_softmax: needs"),
    ("logsumexp bool", lambda: logsumexp([True]), TypeError, "logsumexp: item 0"),
    ("compile fn", lambda: compile(3), TypeError, "compile: expected a function"),
    ("compile n_inputs", lambda: compile(abs, "1"), ValueError, "compile: n_inputs"),
    ("compile n_inputs<0", lambda: compile(abs, -1), ValueError, "compile: n_inputs"),
    ("compile params", lambda: compile(abs, parameters=[1.0]), TypeError, r"parameters\[0\]"),
    ("compile params Value", lambda: compile(abs, parameters=_leaf()), TypeError, "parameters"),
    (
        "compile reduce",
        lambda: compile(lambda x: x * 2).grad(1.0, reduce="max"),
        ValueError,
        "compile: reduce",
    ),
    ("compile count", lambda: compile(lambda x: x * 2)(1.0, 2.0), TypeError, "expected 1 input"),
    (
        "compile lengths",
        lambda: compile(lambda x, y: x * y)(np.ones(2), np.ones(3)),
        ValueError,
        "different lengths",
    ),
]


@pytest.mark.parametrize(
    ("call", "error", "message"), [c[1:] for c in ENGINE_CALLS], ids=[c[0] for c in ENGINE_CALLS]
)
def test_the_engine_refuses_bad_values_clearly(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_a_bad_backward_gradient_changes_nothing():
    x = Value(2.0)
    y = x * x
    with pytest.raises(TypeError):
        y.backward("1")
    assert (x.grad, y.grad) == (0.0, 0.0)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (fractions.Fraction(1, 3), 1 / 3),
        (np.float32(0.5), 0.5),
        (np.int64(-3), -3.0),
        (np.longdouble(2), 2.0),
        (True, 1.0),  # bool is an int in Python; Value(True) is 1.0, as float(True)
        (10**300, 1e300),
        (math.inf, math.inf),
        (np.longdouble("inf"), math.inf),
    ],
)
def test_values_accept_every_real_number_as_a_float(data, expected):
    v = Value(data)
    assert type(v.data) is float
    assert v.data == expected
