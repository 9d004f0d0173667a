"""numpy arrays beside a Value: a 0-d array is a number, an n-d array a clear TypeError.

The rule (chainrule's, stated here): PyTorch's ``np.array(1.0) + torch.tensor(2.0)`` gives a
tensor; a 0-d array holds one number, so with a Value it gives a Value, on either side and for
every operator. An array of one or more dimensions has no scalar meaning: a Value is a single
number, so the operation is refused with a TypeError naming the op, its operand and the shape
(PyTorch would broadcast; chainrule has no tensors). ``Value(data)`` itself takes no array,
not even a 0-d one (a leaf is made from a number on purpose: ``Value(float(a))``), unlike
``torch.tensor(np.array(1.0))``.
"""

import operator

import numpy as np
import pytest

from autograd import Value

ARITHMETIC = [
    (operator.add, 1.5 + 2.0),
    (operator.sub, 1.5 - 2.0),
    (operator.mul, 1.5 * 2.0),
    (operator.truediv, 1.5 / 2.0),
    (operator.pow, 1.5**2.0),
]
COMPARISONS = [operator.lt, operator.le, operator.gt, operator.ge]


@pytest.mark.parametrize(("op", "expected"), ARITHMETIC, ids=lambda x: getattr(x, "__name__", ""))
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64])
def test_a_0d_array_on_either_side_is_a_number(op, expected, dtype):
    left, right = Value(1.5), Value(2.0)
    number_left = np.array(1.5 if dtype is not np.int64 else 1, dtype=dtype)
    a = number_left.item()
    got = op(number_left, right)
    assert isinstance(got, Value)
    assert got.data == pytest.approx(op(a, 2.0))
    got.backward()
    # d(op(a, y))/dy, against central differences of the float op
    h = 1e-6
    assert right.grad == pytest.approx((op(a, 2.0 + h) - op(a, 2.0 - h)) / (2 * h), rel=1e-5)
    got = op(left, np.array(2.0, dtype=dtype))
    assert isinstance(got, Value)
    assert got.data == pytest.approx(expected)


@pytest.mark.parametrize("op", COMPARISONS, ids=lambda f: f.__name__)
def test_a_0d_array_compares_as_its_number(op):
    for a in (1.0, 2.0, 3.0):
        assert op(np.array(a), Value(2.0)) is op(a, 2.0)
        assert op(Value(2.0), np.array(a)) is op(2.0, a)


def test_a_huge_0d_array_is_refused_as_a_huge_number_is():
    with pytest.raises(ValueError, match="too large for a float"):
        Value(1.0) + np.array(np.finfo(np.longdouble).max, np.longdouble)


SYMBOLS = {
    operator.add: "add",
    operator.sub: "sub",
    operator.mul: "mul",
    operator.truediv: "div",
    operator.pow: "pow",
    operator.lt: "__gt__",
    operator.gt: "__lt__",
}


@pytest.mark.parametrize("op", list(SYMBOLS), ids=lambda f: f.__name__)
@pytest.mark.parametrize("shape", [(2,), (2, 3), (1,)])
def test_an_nd_array_is_a_type_error_naming_the_op_and_shape(op, shape):
    array = np.ones(shape)
    for args in ((array, Value(2.0)), (Value(2.0), array)):
        with pytest.raises(TypeError) as info:
            op(*args)
        message = str(info.value)
        assert "Concatenation" not in message
        assert "numpy.ndarray of shape " + str(shape) in message
        assert "Value" in message


def test_an_nd_array_error_names_the_operation():
    with pytest.raises(TypeError, match=r"^add\("):
        np.ones(2) + Value(1.0)
    with pytest.raises(TypeError, match=r"^mul\("):
        Value(1.0) * np.ones(2)


def test_equality_stays_identity_with_arrays():
    v = Value(2.0)
    assert (np.array(2.0) == v) is False
    assert (v != np.array(2.0)) is True


def test_an_object_array_of_values_still_broadcasts_a_number():
    values = np.array([Value(1.0), Value(2.0)], dtype=object)
    got = values * 3.0
    assert [g.data for g in got] == [3.0, 6.0]


@pytest.mark.parametrize("data", [np.array(1.0), np.ones(2)])
def test_a_leaf_takes_no_array_but_a_numpy_scalar(data):
    with pytest.raises(TypeError, match=r"Value\(data\).*ndarray"):
        Value(data)
    assert Value(np.float64(2.5)).data == 2.5
