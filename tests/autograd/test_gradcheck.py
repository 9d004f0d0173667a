"""Gradcheck: agreement with central differences, and a useful failure message."""

from __future__ import annotations

import math
import re

import pytest

from autograd import GradcheckError, Value, gradcheck

NUMBER = r"[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|inf|nan)"


def rows(message):
    """Parse '  name = point: analytic A, numeric N mark' lines into {name: (A, N, mark)}."""
    pattern = rf"^\s+(.+?) = ({NUMBER}): analytic ({NUMBER}), numeric ({NUMBER}) (\w+)$"
    found = {}
    for line in message.splitlines():
        match = re.match(pattern, line)
        if match:
            name, _, analytic, numeric, mark = match.groups()
            found[name] = (float(analytic), float(numeric), mark)
    return found


@pytest.mark.parametrize(
    ("fn", "inputs"),
    [
        (lambda x, y: (x * y).tanh(), [0.5, -1.5]),
        (lambda x: x.exp() * x, [0.3]),
        (lambda x, y, z: (x / y + z**2).sigmoid() * x.softplus(), [1.2, -0.7, 0.4]),
        (lambda x: x.log() * x.sqrt(), [2.5]),
        (lambda x, y: x**y, [1.7, 2.3]),
        (lambda x, a: x.leaky_relu(a) + x.elu(a) + x.selu(), [-0.8, 0.3]),
        (lambda x: abs(x) + x.relu() - x, [1.5]),
        (lambda x, y: x * 0.5 - 3 / y + 2**x, [0.9, 1.1]),
    ],
)
def test_good_functions_pass(fn, inputs):
    assert gradcheck(fn, inputs) is True


def test_value_inputs_pass_and_are_left_alone():
    x, y = Value(0.5, "x"), Value(-1.5, "y")
    assert gradcheck(lambda a, b: (a * b).tanh(), [x, y]) is True
    assert (x.grad, y.grad) == (0.0, 0.0)
    assert (x.data, y.data) == (0.5, -1.5)


def test_mixed_float_and_value_inputs():
    assert gradcheck(lambda a, b: a * b + a.exp(), [Value(0.3), 2]) is True


def test_broken_graph_raises_gradcheck_error_with_numbers():
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x: x * x.data, [3.0])
    assert isinstance(info.value, AssertionError)
    found = rows(str(info.value))
    assert set(found) == {"input 0"}
    analytic, numeric, mark = found["input 0"]
    assert analytic == 3.0  # d/dx (x * 3.0): the .data factor is a constant to the engine
    assert numeric == pytest.approx(6.0, rel=1e-6)
    assert mark == "MISMATCH"
    assert "3.0" in str(info.value)


def test_message_lists_every_input_and_marks_only_the_bad_one():
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x, y: x * y + y * y.data, [2.0, 5.0])
    found = rows(str(info.value))
    assert set(found) == {"input 0", "input 1"}
    a0, n0, m0 = found["input 0"]
    a1, n1, m1 = found["input 1"]
    assert a0 == 5.0
    assert n0 == pytest.approx(5.0, rel=1e-6)
    assert m0 == "ok"
    assert a1 == 7.0  # x + y.data
    assert n1 == pytest.approx(12.0, rel=1e-6)  # x + 2 y
    assert m1 == "MISMATCH"


def test_labels_of_value_inputs_appear_in_message():
    x, w = Value(2.0, "x"), Value(3.0, "weight")
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda a, b: a * b.data + b * a.data, [x, w])
    found = rows(str(info.value))
    assert set(found) == {"x", "weight"}
    assert found["x"][0] == 3.0
    assert found["x"][1] == pytest.approx(6.0, rel=1e-6)
    assert found["weight"][0] == 2.0
    assert found["weight"][1] == pytest.approx(4.0, rel=1e-6)


def test_unlabelled_values_are_numbered():
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda a, b: a * b.data, [Value(1.0, "a"), Value(2.0)])
    assert set(rows(str(info.value))) == {"a", "input 1"}


def test_function_returning_a_float_is_a_type_error():
    with pytest.raises(TypeError, match="float"):
        gradcheck(lambda x: x.data * 2.0, [1.0])


def test_tolerances_are_respected():
    # A gradient off by 1e-4 relative fails a tight rtol and passes a loose one.
    def slightly_wrong(x):
        return x * (x.data * 1e-4) + x * x

    assert gradcheck(slightly_wrong, [1.0], rtol=1e-2) is True
    with pytest.raises(GradcheckError):
        gradcheck(slightly_wrong, [1.0], atol=1e-8, rtol=1e-6)


def test_kink_is_a_mismatch_with_central_differences():
    # abs at 0: engine convention 0, central difference 0 as well; relu at 0: engine 0,
    # central difference 0.5.
    assert gradcheck(abs, [0.0]) is True
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x: x.relu(), [0.0])
    analytic, numeric, _ = rows(str(info.value))["input 0"]
    assert analytic == 0.0
    assert numeric == pytest.approx(0.5, rel=1e-6)
    assert math.isfinite(numeric)


def test_second_order_passes_for_correct_functions():
    assert gradcheck(lambda x: x**3, [2.0], order=3)
    assert gradcheck(lambda x, y: (x * y).tanh() + x.sigmoid() / y, [0.3, -1.2], order=2)


def test_second_order_catches_a_first_derivative_that_is_only_numerically_right():
    # f(v) = v**2 in value, with a gradient 2 * v.data that is a constant to the engine:
    # first order is right, the second derivative (0 instead of 2) is not.
    def squared_with_a_constant_gradient(v):
        return v.data**2 + (v - v.data) * (2 * v.data)

    assert gradcheck(squared_with_a_constant_gradient, [1.5])
    with pytest.raises(GradcheckError, match="in the derivative with respect to input 0") as info:
        gradcheck(squared_with_a_constant_gradient, [1.5], order=2)
    numbers = re.search(r"analytic (\S+), numeric (\S+) MISMATCH", str(info.value))
    assert float(numbers[1]) == 0.0
    assert float(numbers[2]) == pytest.approx(2.0, rel=1e-6)


def test_order_must_be_positive():
    with pytest.raises(ValueError, match="order must be at least 1"):
        gradcheck(lambda x: x, [1.0], order=0)


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        # Once: order=nan passed (True), order=inf recursed without end, eps=0 divided by
        # zero, eps=nan and a negative tolerance reported "gradients disagree" for a right
        # gradient, and a str input raised float()'s own error.
        ({"order": math.nan}, TypeError, r"gradcheck\(order\): expected an int >= 1, got float"),
        ({"order": math.inf}, TypeError, r"gradcheck\(order\)"),
        ({"order": "2"}, TypeError, r"gradcheck\(order\)"),
        ({"order": True}, TypeError, r"gradcheck\(order\).*bool"),
        ({"order": 0}, ValueError, "order must be at least 1"),
        ({"eps": 0.0}, ValueError, r"gradcheck\(eps\): expected a finite number > 0, got 0.0"),
        ({"eps": -1e-6}, ValueError, r"gradcheck\(eps\)"),
        ({"eps": math.nan}, ValueError, r"gradcheck\(eps\)"),
        ({"eps": None}, TypeError, r"gradcheck\(eps\): expected a real number, got NoneType"),
        ({"atol": -1.0}, ValueError, r"gradcheck\(atol\): expected a finite number >= 0"),
        ({"atol": math.inf}, ValueError, r"gradcheck\(atol\)"),
        ({"rtol": math.nan}, ValueError, r"gradcheck\(rtol\)"),
        ({"rtol": "a"}, TypeError, r"gradcheck\(rtol\)"),
        ({"inputs": ["a"]}, TypeError, r"gradcheck\(inputs\): item 0 must be a number or a Value"),
        ({"inputs": [None]}, TypeError, r"gradcheck\(inputs\): item 0"),
        ({"inputs": [1.0, math.nan]}, ValueError, r"gradcheck\(inputs\): item 1 is nan"),
        ({"inputs": [Value(math.inf)]}, ValueError, r"gradcheck\(inputs\): item 0 is inf"),
        ({"inputs": "ab"}, TypeError, r"gradcheck\(inputs\): expected a sequence"),
    ],
)
def test_bad_arguments_are_refused_by_name(options, error, message):
    call = {"inputs": [1.0], **options}
    with pytest.raises(error, match=message):
        gradcheck(lambda *xs: xs[0] * xs[0], **call)
