"""Value: construction, attributes, arithmetic, activation methods and their edge cases."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

import autograd
from autograd import Value

SELU_LAMBDA = 1.0507009873554805
SELU_ALPHA = 1.6732632423543772
TOL = {"rel": 1e-12, "abs": 1e-12}


def backward_of(build, *inputs):
    """Build ``build(*leaves)`` from float inputs, run backward, return (out, grads)."""
    leaves = [Value(x) for x in inputs]
    out = build(*leaves)
    out.backward()
    return out.data, [leaf.grad for leaf in leaves]


# --- construction -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (3, 3.0),
        (-7, -7.0),
        (2.5, 2.5),
        (True, 1.0),
        (False, 0.0),
        (np.float32(1.5), 1.5),
        (np.float64(-2.25), -2.25),
        (np.int64(3), 3.0),
        (np.int8(-4), -4.0),
        (Fraction(1, 4), 0.25),
        (math.inf, math.inf),
    ],
)
def test_value_stores_a_python_float(data, expected):
    v = Value(data)
    assert type(v.data) is float
    assert v.data == expected


@pytest.mark.parametrize(
    ("data", "type_name"),
    [
        ("1.0", "str"),
        (None, "NoneType"),
        (1 + 2j, "complex"),
        ([1.0], "list"),
        (Value(1.0), "Value"),
        (np.array(1.0), "ndarray"),
        (np.array([1.0, 2.0]), "ndarray"),
    ],
)
def test_value_rejects_non_real_data_naming_the_type(data, type_name):
    with pytest.raises(TypeError, match=type_name):
        Value(data)


@pytest.mark.parametrize("label", [None, 3, b"x", ["x"]])
def test_value_rejects_non_str_label(label):
    with pytest.raises(TypeError, match="label"):
        Value(1.0, label)


def test_label_is_stored():
    assert Value(1.0, "x").label == "x"
    assert Value(1.0).label == ""
    assert Value(1.0, label="w").label == "w"


def test_fresh_leaf_attributes():
    v = Value(2.0, "x")
    assert v.grad == 0.0
    assert type(v.grad) is float
    assert v.op is None
    assert v.parents == ()


def test_data_grad_label_are_writable():
    v = Value(2.0, "x")
    v.data = 5.0
    v.grad = 3.0
    v.label = "renamed"
    assert (v.data, v.grad, v.label) == (5.0, 3.0, "renamed")
    # The new data is what the next operation reads.
    assert (v * 2).data == 10.0


def test_op_and_parents_are_read_only():
    x = Value(2.0)
    y = x * x
    with pytest.raises(AttributeError):
        y.op = None
    with pytest.raises(AttributeError):
        y.parents = ()
    with pytest.raises(AttributeError):
        x.op = autograd.OPS["add"]
    assert y.op is autograd.OPS["mul"]
    assert y.parents == (x, x)


def test_repr_is_short_and_contains_the_data():
    v = Value(2.5, "x")
    text = repr(v)
    assert "2.5" in text
    assert len(text) < 80
    y = v * v
    assert "6.25" in repr(y)
    assert len(repr(y)) < 80


# --- arithmetic: values and gradients -----------------------------------------------

LN2 = math.log(2.0)


@pytest.mark.parametrize(
    ("build", "inputs", "value", "grads"),
    [
        (lambda x, y: x + y, (2.0, 3.0), 5.0, [1.0, 1.0]),
        (lambda x, y: x - y, (2.0, 3.0), -1.0, [1.0, -1.0]),
        (lambda x, y: x * y, (2.0, 3.0), 6.0, [3.0, 2.0]),
        (lambda x, y: x / y, (3.0, 2.0), 1.5, [0.5, -0.75]),
        (lambda x, y: x**y, (2.0, 3.0), 8.0, [12.0, 8.0 * LN2]),
        (lambda x: x + 2, (3.0,), 5.0, [1.0]),
        (lambda x: 2 + x, (3.0,), 5.0, [1.0]),
        (lambda x: x - 2, (3.0,), 1.0, [1.0]),
        (lambda x: 2 - x, (3.0,), -1.0, [-1.0]),
        (lambda x: x * 2, (3.0,), 6.0, [2.0]),
        (lambda x: 2 * x, (3.0,), 6.0, [2.0]),
        (lambda x: x / 2, (3.0,), 1.5, [0.5]),
        (lambda x: 2 / x, (4.0,), 0.5, [-2.0 / 16.0]),
        (lambda x: x**2, (3.0,), 9.0, [6.0]),
        (lambda x: x**0.5, (4.0,), 2.0, [0.25]),
        (lambda x: x**-1, (4.0,), 0.25, [-1.0 / 16.0]),
        (lambda x: 2**x, (3.0,), 8.0, [8.0 * LN2]),
        (lambda x: -x, (3.0,), -3.0, [-1.0]),
        (abs, (-3.0,), 3.0, [-1.0]),
        (abs, (3.0,), 3.0, [1.0]),
        (lambda x: x * x, (3.0,), 9.0, [6.0]),
        (lambda x: x + x, (3.0,), 6.0, [2.0]),
        (lambda x: x / x, (3.0,), 1.0, [0.0]),
        (lambda x: x - x, (3.0,), 0.0, [0.0]),
        (lambda x: x**x, (2.0,), 4.0, [4.0 * (1.0 + LN2)]),
    ],
)
def test_arithmetic_values_and_gradients(build, inputs, value, grads):
    data, got = backward_of(build, *inputs)
    assert data == pytest.approx(value, **TOL)
    assert got == pytest.approx(grads, **TOL)


@pytest.mark.parametrize(("base", "exponent"), [(1.5, 2.5), (0.3, -1.7), (4.0, 0.5), (2.0, 0.0)])
def test_pow_with_two_values(base, exponent):
    data, (dx, dy) = backward_of(lambda x, y: x**y, base, exponent)
    assert data == pytest.approx(base**exponent, **TOL)
    assert dx == pytest.approx(exponent * base ** (exponent - 1.0), **TOL)
    assert dy == pytest.approx(base**exponent * math.log(base), **TOL)


def test_negative_base_with_integer_exponent():
    data, (dx,) = backward_of(lambda x: x**2, -2.0)
    assert data == 4.0
    assert dx == -4.0
    data, (dx,) = backward_of(lambda x: x**3, -2.0)
    assert data == -8.0
    assert dx == 12.0


@pytest.mark.parametrize("exponent", [0, 0.0])
def test_zero_to_the_zero_has_zero_derivative(exponent):
    # x ** 0 is the constant 1 (the forward pass uses 0 ** 0 = 1), so d/dx is 0 everywhere.
    data, (dx,) = backward_of(lambda x: x**exponent, 0.0)
    assert data == 1.0
    assert dx == 0.0


def test_zero_base_with_positive_integer_exponent():
    data, (dx,) = backward_of(lambda x: x**2, 0.0)
    assert (data, dx) == (0.0, 0.0)
    data, (dx,) = backward_of(lambda x: x**1, 0.0)
    assert (data, dx) == (0.0, 1.0)


@pytest.mark.parametrize(
    ("number", "ctor"),
    [(2.0, np.float64), (2.0, np.float32), (2, np.int64), (2, int), (2.0, Fraction)],
)
def test_number_types_on_the_left(number, ctor):
    x = Value(3.0)
    left = ctor(number)
    for result, expected in [
        (left * x, 6.0),
        (left + x, 5.0),
        (left - x, -1.0),
        (left / x, 2.0 / 3.0),
        (left**x, 8.0),
    ]:
        assert isinstance(result, Value)
        assert type(result.data) is float
        assert result.data == pytest.approx(expected, **TOL)
        assert result.parents == (x,)


def test_numpy_array_times_value_is_a_type_error():
    with pytest.raises(TypeError):
        np.array([1.0, 2.0]) * Value(1.0)


@pytest.mark.parametrize("other", ["a", None, [1.0], 1j])
def test_arithmetic_with_non_numbers_raises_type_error(other):
    x = Value(1.0)
    with pytest.raises(TypeError):
        x + other
    with pytest.raises(TypeError):
        other * x
    with pytest.raises(TypeError):
        x**other


# --- folding numbers into ops ------------------------------------------------------


def test_number_operand_is_folded_into_the_op():
    y = Value(2.0, "y")
    z = y * 1.0001
    assert z.parents == (y,)
    assert z.op.name == "mul"
    assert z.op.symbol == "*"
    assert dict(z.op.constants) == {1: 1.0001}
    assert z.op.base is autograd.OPS["mul"]
    assert autograd.operands(z) == (y, 1.0001)


def test_reflected_number_lands_in_slot_zero():
    x = Value(3.0)
    z = 2 - x
    assert z.op.name == "sub"
    assert z.op.symbol == "-"
    assert dict(z.op.constants) == {0: 2.0}
    assert z.parents == (x,)
    ops_ = autograd.operands(z)
    assert ops_ == (2.0, x)
    assert type(ops_[0]) is float
    z = 2 / x
    assert dict(z.op.constants) == {0: 2.0}
    assert autograd.operands(z) == (2.0, x)
    z = 2**x
    assert z.op.name == "pow"
    assert dict(z.op.constants) == {0: 2.0}


def test_table_ops_have_no_constants():
    x, y = Value(1.0), Value(2.0)
    z = x * y
    assert dict(z.op.constants) == {}
    assert z.op is autograd.OPS["mul"]
    assert autograd.operands(z) == (x, y)
    assert autograd.operands(x) == ()


def test_same_value_twice_lists_it_twice():
    a = Value(1.5)
    b = a + a
    assert b.parents == (a, a)
    assert b.parents[0] is a
    assert b.parents[1] is a
    assert autograd.operands(b) == (a, a)


def test_unary_ops_have_one_parent():
    x = Value(1.0)
    for node in (-x, abs(x), x.exp(), x.tanh(), x.relu(), x.leaky_relu(), x.elu()):
        assert node.parents == (x,)


def test_negative_zero_constant_is_kept():
    # -0.0 == 0.0, but 1 / -0.0 and 1 / 0.0 differ in sign: the folded constant must not
    # be confused between the two.
    x = Value(-1.0)
    assert math.copysign(1.0, (x * 0.0).data) == -1.0
    assert math.copysign(1.0, (x * -0.0).data) == 1.0
    assert math.copysign(1.0, (x * 0.0).data) == -1.0


def test_zero_folds_are_cached_per_sign():
    x = Value(2.0)
    for _ in range(2):  # the second round reads the cache
        positive, negative = 0.0 / x, -0.0 / x
        assert math.copysign(1.0, positive.data) == 1.0
        assert math.copysign(1.0, negative.data) == -1.0
        assert math.copysign(1.0, negative.op.constants[0]) == -1.0
        assert positive.op.constants == {0: 0.0}
    assert (0 + x).op is (0 + x).op  # sum()'s start folds once, not once per call


# --- methods: exp log sqrt tanh sigmoid relu leaky_relu elu selu softplus ----------


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


@pytest.mark.parametrize(
    ("method", "x", "value", "derivative"),
    [
        ("exp", 0.0, 1.0, 1.0),
        ("exp", 1.5, math.exp(1.5), math.exp(1.5)),
        ("exp", -2.0, math.exp(-2.0), math.exp(-2.0)),
        ("log", 1.0, 0.0, 1.0),
        ("log", 2.5, math.log(2.5), 0.4),
        ("sqrt", 4.0, 2.0, 0.25),
        ("sqrt", 2.0, math.sqrt(2.0), 0.5 / math.sqrt(2.0)),
        ("tanh", 0.0, 0.0, 1.0),
        ("tanh", 0.7, math.tanh(0.7), 1.0 - math.tanh(0.7) ** 2),
        ("tanh", -1.3, math.tanh(-1.3), 1.0 - math.tanh(-1.3) ** 2),
        ("sigmoid", 0.0, 0.5, 0.25),
        ("sigmoid", 2.0, sigmoid(2.0), sigmoid(2.0) * (1.0 - sigmoid(2.0))),
        ("sigmoid", -3.0, sigmoid(-3.0), sigmoid(-3.0) * (1.0 - sigmoid(-3.0))),
        ("relu", 2.0, 2.0, 1.0),
        ("relu", -2.0, 0.0, 0.0),
        ("leaky_relu", 2.0, 2.0, 1.0),
        ("leaky_relu", -2.0, -0.02, 0.01),
        ("elu", 2.0, 2.0, 1.0),
        ("elu", -1.0, math.expm1(-1.0), math.exp(-1.0)),
        ("selu", 2.0, SELU_LAMBDA * 2.0, SELU_LAMBDA),
        (
            "selu",
            -1.0,
            SELU_LAMBDA * SELU_ALPHA * math.expm1(-1.0),
            SELU_LAMBDA * SELU_ALPHA * math.exp(-1.0),
        ),
        ("softplus", 0.0, math.log(2.0), 0.5),
        ("softplus", 1.5, math.log1p(math.exp(1.5)), sigmoid(1.5)),
        ("softplus", -1.5, math.log1p(math.exp(-1.5)), sigmoid(-1.5)),
    ],
)
def test_method_values_and_derivatives(method, x, value, derivative):
    data, (dx,) = backward_of(lambda v: getattr(v, method)(), x)
    assert data == pytest.approx(value, **TOL)
    assert dx == pytest.approx(derivative, **TOL)


@pytest.mark.parametrize(("x", "slope"), [(-2.0, 0.2), (3.0, 0.2), (-1.0, 0.5)])
def test_leaky_relu_with_number_slope(x, slope):
    data, (dx,) = backward_of(lambda v: v.leaky_relu(slope), x)
    assert data == pytest.approx(x if x > 0 else slope * x, **TOL)
    assert dx == pytest.approx(1.0 if x > 0 else slope, **TOL)


def test_leaky_relu_with_value_slope_is_prelu():
    x, slope = Value(-2.0), Value(0.1)
    out = x.leaky_relu(slope)
    assert out.parents == (x, slope)
    assert out.data == pytest.approx(-0.2, **TOL)
    out.backward()
    assert slope.grad == pytest.approx(-2.0, **TOL)
    assert x.grad == pytest.approx(0.1, **TOL)


def test_prelu_slope_gets_no_gradient_on_the_positive_side():
    x, slope = Value(3.0), Value(0.1)
    out = x.leaky_relu(slope)
    out.backward()
    assert out.data == 3.0
    assert slope.grad == 0.0
    assert x.grad == 1.0


@pytest.mark.parametrize(("x", "alpha"), [(-1.0, 2.0), (-0.5, 0.3), (1.5, 2.0)])
def test_elu_with_value_alpha(x, alpha):
    xv, av = Value(x), Value(alpha)
    out = xv.elu(av)
    out.backward()
    if x > 0:
        assert out.data == x
        assert (xv.grad, av.grad) == (1.0, 0.0)
    else:
        assert out.data == pytest.approx(alpha * math.expm1(x), **TOL)
        assert xv.grad == pytest.approx(alpha * math.exp(x), **TOL)
        assert av.grad == pytest.approx(math.expm1(x), **TOL)


def test_elu_with_number_alpha():
    data, (dx,) = backward_of(lambda v: v.elu(0.5), -2.0)
    assert data == pytest.approx(0.5 * math.expm1(-2.0), **TOL)
    assert dx == pytest.approx(0.5 * math.exp(-2.0), **TOL)


@pytest.mark.parametrize("bad", ["0.1", None, [0.1]])
def test_leaky_relu_and_elu_reject_non_number_parameters(bad):
    with pytest.raises(TypeError, match="slope"):
        Value(1.0).leaky_relu(bad)
    with pytest.raises(TypeError, match="alpha"):
        Value(1.0).elu(bad)


# --- kinks ------------------------------------------------------------------------


def test_relu_derivative_at_zero_is_zero():
    assert backward_of(lambda v: v.relu(), 0.0) == (0.0, [0.0])


def test_abs_derivative_at_zero_is_zero():
    assert backward_of(abs, 0.0) == (0.0, [0.0])


@pytest.mark.parametrize("slope", [0.01, 0.2])
def test_leaky_relu_derivative_at_zero_is_the_slope(slope):
    data, (dx,) = backward_of(lambda v: v.leaky_relu(slope), 0.0)
    assert data == 0.0
    assert dx == slope


def test_leaky_relu_default_slope_at_zero():
    assert backward_of(lambda v: v.leaky_relu(), 0.0) == (0.0, [0.01])


@pytest.mark.parametrize("alpha", [1.0, 0.5, 2.0])
def test_elu_derivative_at_zero_is_alpha(alpha):
    data, (dx,) = backward_of(lambda v: v.elu(alpha), 0.0)
    assert data == 0.0
    assert dx == pytest.approx(alpha, **TOL)


def test_elu_default_alpha_at_zero():
    assert backward_of(lambda v: v.elu(), 0.0) == (0.0, [1.0])


def test_selu_derivative_at_zero_takes_the_negative_branch():
    data, (dx,) = backward_of(lambda v: v.selu(), 0.0)
    assert data == 0.0
    assert dx == pytest.approx(SELU_LAMBDA * SELU_ALPHA, **TOL)


# --- overflow safety ---------------------------------------------------------------


def _ref_exp(x):
    return math.inf if x > 709.0 else math.exp(x)


def _ref_sigmoid(x):
    return 0.5 * (1.0 + math.tanh(0.5 * x))


def _ref_softplus(x):
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def _ref_elu(x, alpha):
    return x if x > 0 else alpha * math.expm1(x)


REFERENCE = {
    # name: (in domain, value, derivative)
    "exp": (lambda x: True, _ref_exp, _ref_exp),
    "log": (lambda x: x > 0, math.log, lambda x: 1.0 / x),
    "sqrt": (lambda x: x > 0, math.sqrt, lambda x: 0.5 / math.sqrt(x)),
    "tanh": (lambda x: True, math.tanh, lambda x: 1.0 - math.tanh(x) ** 2),
    "sigmoid": (
        lambda x: True,
        _ref_sigmoid,
        lambda x: _ref_sigmoid(x) * (1.0 - _ref_sigmoid(x)),
    ),
    "relu": (lambda x: True, lambda x: max(x, 0.0), lambda x: 1.0 if x > 0 else 0.0),
    "leaky_relu": (
        lambda x: True,
        lambda x: x if x > 0 else 0.01 * x,
        lambda x: 1.0 if x > 0 else 0.01,
    ),
    "elu": (
        lambda x: True,
        lambda x: _ref_elu(x, 1.0),
        lambda x: 1.0 if x > 0 else math.exp(x),
    ),
    "selu": (
        lambda x: True,
        lambda x: SELU_LAMBDA * _ref_elu(x, SELU_ALPHA),
        lambda x: SELU_LAMBDA if x > 0 else SELU_LAMBDA * SELU_ALPHA * math.exp(x),
    ),
    "softplus": (lambda x: True, _ref_softplus, _ref_sigmoid),
    "__neg__": (lambda x: True, lambda x: -x, lambda x: -1.0),
    "__abs__": (lambda x: True, abs, lambda x: math.copysign(1.0, x) if x else 0.0),
}


OVERFLOW_CASES = [
    (method, x)
    for method in sorted(REFERENCE)
    for x in (-1000.0, -1.0, 0.0, 1.0, 1000.0)
    if REFERENCE[method][0](x)
]


@pytest.mark.parametrize(("method", "x"), OVERFLOW_CASES)
def test_unary_methods_do_not_overflow(method, x):
    _, value, derivative = REFERENCE[method]
    v = Value(x)
    out = getattr(v, method)()
    assert out.data == pytest.approx(value(x), rel=1e-12, abs=1e-300)
    out.backward()
    assert not math.isnan(v.grad)
    assert v.grad == pytest.approx(derivative(x), rel=1e-12, abs=1e-300)


def test_sqrt_at_zero_forward_only():
    # sqrt(0) is in the forward domain; its derivative (tested separately) is not.
    assert Value(0.0).sqrt().data == 0.0


def test_saturating_values_are_exact():
    assert Value(-1000.0).sigmoid().data == 0.0
    assert Value(1000.0).sigmoid().data == 1.0
    assert Value(1000.0).softplus().data == 1000.0
    low = Value(-1000.0).softplus().data
    assert 0.0 <= low < 1e-300
    assert Value(1000.0).tanh().data == 1.0
    assert Value(-1000.0).tanh().data == -1.0
    assert Value(1000.0).exp().data == math.inf
    assert Value(-1000.0).exp().data == 0.0


def test_saturated_gradients():
    for method, x, expected in [
        ("sigmoid", 1000.0, 0.0),
        ("sigmoid", -1000.0, 0.0),
        ("tanh", 1000.0, 0.0),
        ("softplus", 1000.0, 1.0),
        ("softplus", -1000.0, 0.0),
        ("exp", 1000.0, math.inf),
    ]:
        v = Value(x)
        getattr(v, method)().backward()
        assert v.grad == expected, method


def test_pow_overflow_gives_signed_infinity():
    x = Value(1000.0)
    y = x**1000
    assert y.data == math.inf
    y.backward()
    assert x.grad == math.inf

    x = Value(-1000.0)
    y = x**1001
    assert y.data == -math.inf
    y.backward()
    assert x.grad == math.inf  # 1001 * (-1000) ** 1000

    x = Value(-1000.0)
    y = x**1000
    assert y.data == math.inf


def test_pow_overflow_with_value_exponent():
    x, e = Value(10.0), Value(400.0)
    y = x**e
    assert y.data == math.inf
    y.backward()
    assert x.grad == math.inf
    assert e.grad == math.inf


def test_exp_overflow_through_a_graph():
    x = Value(1000.0)
    y = x.exp() * 0.5
    assert y.data == math.inf
    y.backward()
    assert x.grad == math.inf


# --- domain errors ---------------------------------------------------------------


@pytest.mark.parametrize(("x", "shown"), [(-1, "-1.0"), (0, "0.0")])
def test_log_domain_error_names_op_and_value(x, shown):
    with pytest.raises(ValueError, match="log") as info:
        Value(x).log()
    assert shown in str(info.value)


def test_sqrt_domain_error():
    with pytest.raises(ValueError, match="sqrt") as info:
        Value(-1).sqrt()
    assert "-1.0" in str(info.value)


@pytest.mark.parametrize(
    "build",
    [lambda: Value(1.0) / 0, lambda: Value(1.0) / Value(0), lambda: 1 / Value(0.0)],
)
def test_division_by_zero_names_div(build):
    with pytest.raises(ZeroDivisionError, match="div"):
        build()


@pytest.mark.parametrize(
    "build",
    [lambda: Value(-8) ** (1 / 3), lambda: Value(-8) ** Value(0.5), lambda: (-8) ** Value(0.5)],
)
def test_negative_base_with_fractional_exponent_names_pow(build):
    with pytest.raises(ValueError, match="pow") as info:
        build()
    assert "-8.0" in str(info.value)


def test_zero_to_a_negative_power_is_zero_division():
    with pytest.raises(ZeroDivisionError, match="pow"):
        Value(0.0) ** -1
    with pytest.raises(ZeroDivisionError, match="pow"):
        Value(0.0) ** Value(-2.0)


def test_sqrt_derivative_at_zero_is_an_error():
    x = Value(0.0)
    y = x.sqrt()
    assert y.data == 0.0
    with pytest.raises(ZeroDivisionError, match="sqrt"):
        y.backward()


def test_pow_exponent_derivative_with_negative_base_is_an_error():
    x, e = Value(-2.0), Value(2.0)
    y = x**e
    assert y.data == 4.0
    with pytest.raises(ValueError, match="pow") as info:
        y.backward()
    assert "-2.0" in str(info.value)


def test_domain_error_creates_no_node():
    x = Value(-1.0)
    with pytest.raises(ValueError, match="log"):
        x.log()
    assert x.grad == 0.0
    assert x.op is None


# --- detach ---------------------------------------------------------------------


def test_detach_is_a_leaf_with_same_data_and_label():
    x = Value(3.0, "x")
    y = (x * 2).tanh()
    y.label = "y"
    d = y.detach()
    assert d is not y
    assert d.op is None
    assert d.parents == ()
    assert d.data == y.data
    assert d.label == "y"
    assert d.grad == 0.0


def test_gradients_do_not_flow_through_detach():
    x = Value(3.0, "x")
    y = x * x
    z = y.detach() * x + y
    z.backward()
    # d/dx (c * x + x^2) with c = 9 held constant: 9 + 6.
    assert x.grad == 15.0
    assert z.data == 36.0
