"""The node builder: generated methods compute what the op table's kernels compute."""

import math

import pytest

from autograd import Value, apply
from autograd.builder import binary_method, unary_method
from autograd.coercion import as_number
from autograd.ops import ADD, TABLE, Op

POINTS = (-2.5, -1.0, -0.0, 0.0, 0.5, 3.0, math.inf, -math.inf, math.nan)


def same(a: float, b: float) -> bool:
    """Equal as floats, with NaN equal to NaN and -0.0 apart from 0.0."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)


def outcome(function, *args):
    """``function(*args)``, or the type of the domain error it raises."""
    try:
        return function(*args)
    except (ArithmeticError, ValueError) as error:
        return type(error)


def data(op, *operands):
    return apply(op, *operands).data


def check(got, expected):
    if isinstance(expected, type):
        assert got is expected
    else:
        assert same(got, expected), (got, expected)


@pytest.mark.parametrize("op", [op for op in TABLE if not op.variadic], ids=lambda op: op.name)
def test_each_method_computes_its_ops_kernel(op):
    for x in POINTS:
        if op.arity == 1:
            check(outcome(data, op, Value(x)), outcome(op.fwd, x))
            continue
        for y in POINTS:
            expected = outcome(op.fwd, x, y)
            check(outcome(data, op, Value(x), Value(y)), expected)
            check(outcome(data, op, Value(x), y), expected)  # y folded into the op
            check(outcome(data, op, x, Value(y)), expected)  # x folded into the op


def test_a_domain_error_names_the_op_and_its_inputs():
    with pytest.raises(ValueError, match=r"log: input outside the domain \(x > 0\): got x=-1.0"):
        Value(-1.0).log()
    with pytest.raises(ZeroDivisionError, match=r"div: .*got x=1.0, y=0.0"):
        Value(1.0) / 0.0


def test_an_input_name_the_generated_code_uses_is_refused():
    op = Op("bad", "bad", ("node",), lambda m, node: node, (lambda m, node, out: 1.0,))
    with pytest.raises(ValueError, match=r"op 'bad': input names \['node'\] are reserved"):
        unary_method(op)


@pytest.mark.parametrize("zeros", [(0.0, -0.0), (-0.0, 0.0), (0, -0.0, 0)])
def test_a_zero_is_folded_by_its_sign_whichever_comes_first(zeros):
    # 0.0 == -0.0 as dict keys: the methods keep the two folds apart (sum() starts at 0).
    add, radd = binary_method(ADD), binary_method(ADD, True)  # fresh caches
    for zero in zeros:
        sign = math.copysign(1.0, zero)
        for method, slot in ((add, 1), (radd, 0)):
            node = method(Value(-0.0), zero)
            (constant,) = node.op.constants.values()
            assert list(node.op.constants) == [slot]
            assert same(constant, float(zero))
            assert same(node.data, -0.0 + zero)  # -0.0 only for -0.0 + -0.0
            assert math.copysign(1.0, node.op.fwd(-0.0)) == sign  # the kernel has it too


def test_an_int_operand_is_converted_as_as_number_does():
    x = Value(3.0)
    for number in (2, -7, 2**53, -(2**53), 2**53 + 1, True):
        for node in (x * number, number * x, x / number):
            (constant,) = node.op.constants.values()
            assert constant == as_number(number)
            assert type(constant) is float
    with pytest.raises(ValueError, match="too large for a float"):
        x + 10**400
