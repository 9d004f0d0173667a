"""The node builder: generated methods compute what the op table's kernels compute."""

import math

import pytest

from autograd import Value, apply
from autograd.builder import unary_method
from autograd.ops import TABLE, Op

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
