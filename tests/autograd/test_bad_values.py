"""A table of bad values over the public functions of the engine and of ``compile``.

Each bad value must raise ``TypeError`` or ``ValueError`` naming the function (and the
argument where there are several), before anything changes: no silent conversion (text,
complex numbers), no ``OverflowError``/``AttributeError`` from deep inside.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd.compiled
from autograd import compile

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
    original = autograd.compiled._diagnose
    monkeypatch.setattr(
        autograd.compiled, "_diagnose", lambda *a, **k: calls.append(1) or original(*a, **k)
    )
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
