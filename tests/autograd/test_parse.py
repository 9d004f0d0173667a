"""autograd.parse: the safe expression language as an engine function."""

import math

import pytest

from autograd import OPS, TABLE, Parsed, ParseError, Value, apply, grad, parse
from autograd.parse import FUNCTIONS, normalize
from tests.autograd.points import example_operands


def test_parse_builds_the_graph_and_names_every_value():
    p = parse("q = x + y; z = q * w", x=2, y=3, w=4)
    assert isinstance(p, Parsed)
    assert p.output.data == 20.0
    assert p.output.label == "z"
    assert list(p.names) == ["x", "y", "w", "q", "z"]
    assert list(p.inputs) == ["x", "y", "w"]
    assert [p[n].data for n in p] == [2.0, 3.0, 4.0, 5.0, 20.0]
    assert p["x"].label == "x"
    assert p.output.grad == 0.0  # no backward is run
    assert grad(p.output, [p["x"], p["w"]]) == [4.0, 5.0]


def test_value_variables_are_used_as_they_are():
    w = Value(0.5, "weight", parameter=True)
    p = parse("tanh(w * x)", w=w, x=2.0)
    assert p["w"] is w
    assert w.label == "weight"
    p.output.backward()
    assert w.grad == pytest.approx(2.0 * (1 - math.tanh(1.0) ** 2))


def test_every_function_of_the_table_is_callable():
    p = parse("leaky_relu(x) + elu(x, 2) + dot(x, x, x, 1) + sum(x, 2)", x=-1.0)
    expected = -0.01 + 2 * math.expm1(-1.0) + (1.0 - 1.0) + (-1.0 + 2.0)
    assert p.output.data == pytest.approx(expected)


@pytest.mark.parametrize("op", TABLE, ids=lambda op: op.name)
def test_each_op_written_as_a_call_is_a_function_of_the_language(op):
    if op.notation != "call":  # an operator: x + y, -x
        assert op.name not in FUNCTIONS
        return
    values = example_operands(op)
    names = [f"v{i}" for i in range(len(values))]
    p = parse(f"{op.name}({', '.join(names)})", **dict(zip(names, values, strict=True)))
    leaves = [Value(v) for v in values]
    expected = apply(op, *leaves)
    assert p.output.data == expected.data
    assert grad(p.output, list(p.inputs.values())) == grad(expected, leaves)


def test_the_language_has_no_function_outside_the_table():
    assert set(FUNCTIONS) <= set(OPS)


def test_names_are_nfkc_normalised_on_both_sides():
    fullwidth_x = "\uff58"
    assert normalize(fullwidth_x) == "x"
    assert parse(f"{fullwidth_x} * 2", x=3).output.data == 6.0
    assert parse("x * 2", **{fullwidth_x: 3}).output.data == 6.0
    assert parse(f"{fullwidth_x} * 2", **{fullwidth_x: 3})[fullwidth_x].data == 3.0
    with pytest.raises(ParseError, match="x is given twice"):
        parse("x * 2", x=1, **{fullwidth_x: 2})


@pytest.mark.parametrize(
    ("text", "variables", "error", "message"),
    [
        ("x +", {"x": 1}, ParseError, "syntax error"),
        ("__import__('os')", {}, ParseError, "unknown function '__import__'"),
        ("x.real", {"x": 1}, ParseError, "attribute access"),
        ("x", {}, ParseError, "no value for 'x'"),
        ("x", {"x": 1, "y": 2}, ParseError, "y=2 is given but the expression does not use it"),
        ("log(x)", {"x": -1}, ParseError, r"log: input outside the domain \(x > 0\)"),
        ("elu(x, -1)", {"x": 1}, ParseError, r"elu: input outside the domain \(alpha > 0\)"),
        ("1 + 2", {}, ParseError, "depends on no variable"),
        ("x", {"tanh": 1}, ParseError, "'tanh' is a function name"),
        ("x", {"2x": 1}, ParseError, "not a valid variable name"),
        (3, {}, TypeError, "parse: the expression must be a str, got int"),
        (None, {}, TypeError, "parse: the expression must be a str, got NoneType"),
        ("x", {"x": "1"}, TypeError, "parse: the value of x must be a number or a Value, got str"),
        ("x", {"x": None}, TypeError, "the value of x must be a number or a Value"),
        ("x", {"x": True}, TypeError, "the value of x must be a number or a Value, got bool"),
        ("x", {"x": 1j}, TypeError, "got complex"),
        ("x", {"x": 10**400}, ValueError, "too large for a float"),
        ("x" * 1001, {}, ParseError, "the limit is 1000"),
    ],
)
def test_bad_input_is_a_clear_error(text, variables, error, message):
    with pytest.raises(error, match=message):
        parse(text, **variables)


def test_parse_errors_are_value_errors():
    assert issubclass(ParseError, ValueError)


def test_nan_and_infinite_variables_follow_the_engine():
    assert math.isnan(parse("relu(x)", x=math.nan).output.data)
    assert parse("x * 2", x=math.inf).output.data == math.inf
