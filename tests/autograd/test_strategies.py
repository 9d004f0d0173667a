"""The shipped strategies: they draw valid, varied graphs, and the engine passes on them."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, gradcheck, topological_order
from autograd.ops import OPS, TABLE
from autograd.strategies import Expression, expressions, op_inputs, values


@given(expressions())
def test_engine_gradients_match_finite_differences_on_random_graphs(expression):
    assert gradcheck(expression, expression.inputs)


@settings(max_examples=30)
@given(expressions(max_steps=8))
def test_engine_second_derivatives_match_finite_differences_on_random_graphs(expression):
    assert gradcheck(expression, expression.inputs, order=2)


@given(expressions())
def test_expressions_replay_the_values_they_were_drawn_with(expression):
    out = expression(*expression.inputs)
    assert out.data == expression.values[-1]
    assert len(expression.values) == len(expression.inputs) + len(expression.steps)


@given(expressions(max_steps=20))
def test_operands_stay_inside_domains_and_away_from_kinks(expression):
    for index, step in enumerate(expression.steps):
        op = OPS[step.op]
        for operand, interval, kinks in zip(step.operands, op.domain, op.kinks, strict=True):
            value = expression.values[operand] if isinstance(operand, int) else operand
            assert value in interval
            assert all(abs(value - kink) >= 1e-3 for kink in kinks)
        earlier = len(expression.inputs) + index
        assert all(isinstance(o, float) or o < earlier for o in step.operands)


def _features(expression: Expression) -> set[str]:
    found = set()
    uses: dict[int, int] = {}
    for step in expression.steps:
        nodes = [o for o in step.operands if isinstance(o, int)]
        if len(nodes) == 2 and nodes[0] == nodes[1]:
            found.add("reuse")
        if any(isinstance(o, float) for o in step.operands):
            found.add("folded number")
        for node in nodes:
            uses[node] = uses.get(node, 0) + 1
    if any(count > 1 for count in uses.values()):
        found.add("fan-out")
    out = expression(*expression.inputs)
    if len(topological_order(out)) >= 10:
        found.add("long")
    return found


def test_expressions_cover_reuse_fan_out_folding_long_chains_and_every_op():
    seen: set[str] = set()
    ops_seen: set[str] = set()

    @settings(max_examples=300, database=None)
    @given(expressions(max_steps=20))
    def collect(expression):
        seen.update(_features(expression))
        ops_seen.update(step.op for step in expression.steps)

    collect()
    assert {"reuse", "fan-out", "folded number", "long"} <= seen
    assert ops_seen == {op.name for op in TABLE}


@pytest.mark.parametrize("name", ["log", "sqrt", "div", "pow", "relu", "elu"])
@given(data=st.data())
def test_op_inputs_respect_domain_and_kinks(name, data):
    op = OPS[name]
    point = data.draw(op_inputs(op, margin=1e-2))
    for x, interval, kinks in zip(point, op.domain, op.kinks, strict=True):
        assert x in interval
        assert all(abs(x - k) >= 1e-2 for k in kinks)
        assert all(abs(x - e) >= 1e-2 for e in (interval.low, interval.high) if math.isfinite(e))
    out = op.fwd(*point)
    assert math.isfinite(out)


@given(values(-2.0, 3.0, label="w"))
def test_values_draws_labelled_leaves_in_range(value):
    assert isinstance(value, Value)
    assert -2.0 <= value.data <= 3.0
    assert value.label == "w"
    assert value.op is None


def test_expression_rejects_wrong_number_of_inputs():
    expression = Expression((1.0, 2.0), (), (1.0, 2.0))
    with pytest.raises(TypeError, match="takes 2 inputs, got 1"):
        expression(1.0)


@pytest.mark.parametrize(
    ("make", "error", "words"),
    [
        (lambda: values("a"), TypeError, "values(min_value): expected a real number, got str"),
        (lambda: values(5, 1), ValueError, "values(max_value): 1 is below min_value 5"),
        (lambda: values(0, math.inf), ValueError, "values(max_value): expected a finite number"),
        (lambda: values(label=3), TypeError, "values(label): expected a str, got int"),
        (
            lambda: op_inputs("log"),
            TypeError,
            "op_inputs(op): expected an Op (autograd.OPS[name]), got str",
        ),
        (lambda: op_inputs(OPS["log"], bound=-1), ValueError, "op_inputs(bound): expected a"),
        (lambda: op_inputs(OPS["log"], margin=math.nan), ValueError, "op_inputs(margin)"),
        (lambda: expressions(max_inputs=0), ValueError, "expressions(max_inputs): expected an"),
        (lambda: expressions(max_steps=True), TypeError, "expressions(max_steps): expected an"),
        (lambda: expressions(ops=[]), ValueError, "expressions(ops): expected at least one"),
        (lambda: expressions(ops="add"), TypeError, "expressions(ops): expected a sequence"),
        (lambda: expressions(ops=["nope"]), ValueError, "expressions(ops): unknown op 'nope'"),
        (lambda: expressions(bound=math.nan), ValueError, "expressions(bound): expected a"),
        (lambda: expressions(input_bound=-1), ValueError, "expressions(input_bound)"),
    ],
)
def test_bad_options_are_named_when_the_strategy_is_made(make, error, words):
    # Before: hypothesis's own messages at the first draw, a KeyError 'a' for ops="add",
    # and bound=nan drawing unbounded expressions.
    with pytest.raises(error) as caught:
        make()
    assert words in str(caught.value)
