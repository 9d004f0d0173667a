"""A Value where Python expects a number: conversions, formatting, comparisons, bool."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import TraceError, Value, compile

finite = st.floats(allow_nan=False, allow_infinity=False, width=64)


@given(finite)
def test_conversions_agree_with_the_float(x):
    v = Value(x)
    assert float(v) == x
    assert type(float(v)) is float
    assert round(v, 3) == round(x, 3)
    assert f"{v:.4e}" == f"{x:.4e}"
    assert math.floor(v) == math.floor(x)
    if abs(x) < 1e300:
        assert int(v) == int(x)
        assert round(v) == round(x)


@given(finite, finite)
def test_comparisons_are_the_floats_comparisons(x, y):
    a, b = Value(x), Value(y)
    for left, right in ((a, b), (a, y), (x, b)):
        assert (left < right) is (x < y)
        assert (left <= right) is (x <= y)
        assert (left > right) is (x > y)
        assert (left >= right) is (x >= y)


def test_sorting_max_and_min_pick_values():
    values = [Value(3.0), Value(-1.0), Value(2.0)]
    assert [v.data for v in sorted(values)] == [-1.0, 2.0, 3.0]
    assert max(values) is values[0]
    assert min(values) is values[1]
    assert max(values, key=float) is values[0]


def test_numpy_scalars_compare_too():
    v = Value(1.5)
    assert v < np.float64(2.0)
    assert np.float64(2.0) > v
    assert np.int64(1) < v


def test_nan_compares_false_and_is_not_finite():
    v = Value(math.nan)
    assert not (v < 1.0)
    assert not (v >= 1.0)
    assert not math.isfinite(v)
    assert math.isnan(v)
    assert math.isinf(Value(-math.inf))


def test_bool_is_data_not_zero():
    assert bool(Value(0.5))
    assert bool(Value(-2.0))
    assert bool(Value(math.nan))
    assert not bool(Value(0.0))
    assert not bool(Value(-0.0))


def test_format_without_spec_is_str():
    v = Value(2.0, "x")
    assert f"{v}" == str(v) == repr(v)
    assert f"{v:>8.2f}" == "    2.00"


def test_comparisons_with_other_types_are_type_errors():
    with pytest.raises(TypeError):
        _ = Value(1.0) < "a"
    with pytest.raises(TypeError):
        _ = Value(1.0) > None


def test_equality_and_hash_stay_identity():
    a = Value(1.0)
    assert a != 1.0
    assert a != Value(1.0)
    assert a in [Value(1.0), a]
    assert hash(a) == object.__hash__(a)


def test_repr_shows_parameters():
    assert repr(Value(1.0, "w", parameter=True)) == (
        "Value(data=1.0, grad=0.0, label='w', parameter=True)"
    )
    assert "parameter" not in repr(Value(1.0))


def test_compile_verify_catches_a_branch_on_a_comparison():
    def f(x):  # the two branches have the same structure: only the constant differs
        return x * 2.0 if x > 0 else x * 3.0

    checked = compile(f, verify=True)
    assert checked(1.0) == 2.0
    assert checked(5.0) == 10.0
    with pytest.raises(TraceError, match="comparison"):
        checked(-1.0)
    unchecked = compile(f)
    unchecked(1.0)
    assert unchecked(-1.0) == -2.0  # the traced branch, replayed: why verify exists


def test_compile_verify_catches_a_branch_on_bool():
    checked = compile(lambda x: x * 2.0 if (x - 1.0) else x * 3.0, verify=True)
    assert checked(2.0) == 4.0
    with pytest.raises(TraceError):
        checked(1.0)
