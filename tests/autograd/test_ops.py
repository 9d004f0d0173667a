"""Every op of the table against three independent oracles.

The tests iterate over ``TABLE``: a new op is covered here without writing a new test.
- sympy differentiates each op's forward formula symbolically (first and second order);
- central finite differences of the compiled float forward;
- explicit values at the kinks, where the PyTorch convention applies.
"""

import functools
import math

import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value, apply, grad
from autograd.ops import OPS, SELU_ALPHA, SELU_LAMBDA, TABLE, Op
from autograd.strategies import op_inputs
from tests.autograd.sympy_space import SYMPY

each_op = pytest.mark.parametrize("op", TABLE, ids=[op.name for op in TABLE])


@functools.cache
def symbolic(op: Op) -> tuple[tuple[sympy.Symbol, ...], sympy.Expr]:
    symbols = tuple(sympy.Symbol(f"{name}_", real=True) for name in op.inputs)
    return symbols, op.forward(SYMPY, *symbols)


@functools.cache
def symbolic_derivative(op: Op, *slots: int) -> sympy.Expr:
    symbols, forward = symbolic(op)
    return sympy.diff(forward, *(symbols[i] for i in slots))


def at(op: Op, expression: sympy.Expr, point: tuple[float, ...]) -> float:
    symbols, _ = symbolic(op)
    return float(expression.subs(dict(zip(symbols, point, strict=True))).evalf(40))


@each_op
@given(data=st.data())
def test_forward_matches_sympy(op, data):
    point = data.draw(op_inputs(op))
    _, forward = symbolic(op)
    assert op.fwd(*point) == pytest.approx(at(op, forward, point), rel=1e-12, abs=1e-300)


@each_op
@given(data=st.data())
def test_partials_match_sympy_derivative(op, data):
    point = data.draw(op_inputs(op))
    partials = op.local_partials(*point, op.fwd(*point))
    for slot, partial in enumerate(partials):
        expected = at(op, symbolic_derivative(op, slot), point)
        assert partial == pytest.approx(expected, rel=1e-9, abs=1e-12), op.inputs[slot]


@each_op
@given(data=st.data())
def test_partials_match_central_differences(op, data):
    point = data.draw(op_inputs(op))
    out = op.fwd(*point)
    partials = op.local_partials(*point, out)
    for slot, partial in enumerate(partials):
        step = 1e-6 * max(1.0, abs(point[slot]))
        upper = list(point)
        lower = list(point)
        upper[slot] += step
        lower[slot] -= step
        numeric = (op.fwd(*upper) - op.fwd(*lower)) / (2 * step)
        tolerance = 1e-6 * max(1.0, abs(out), abs(partial))
        assert partial == pytest.approx(numeric, rel=1e-5, abs=tolerance), op.inputs[slot]


@each_op
@given(data=st.data())
def test_second_derivatives_match_sympy(op, data):
    point = data.draw(op_inputs(op, max_partial=1e4))
    leaves = [Value(x) for x in point]
    out = apply(op, *leaves)
    for i, leaf in enumerate(leaves):
        first = grad(out, leaf, create_graph=True)
        assert first.data == pytest.approx(at(op, symbolic_derivative(op, i), point), rel=1e-9)
        for j, other in enumerate(leaves):
            expected = at(op, symbolic_derivative(op, i, j), point)
            assert grad(first, other) == pytest.approx(expected, rel=1e-7, abs=1e-9), (i, j)


@pytest.mark.parametrize(
    ("op", "slot"),
    [(op, slot) for op in TABLE if op.arity == 2 and not op.variadic for slot in (0, 1)],
    ids=lambda v: v.name if isinstance(v, Op) else f"constant-slot-{v}",
)
@given(data=st.data())
def test_folded_numbers_behave_like_value_operands(op, slot, data):
    point = data.draw(op_inputs(op))
    operands = [Value(x) for x in point]
    folded = list(operands)
    folded[slot] = point[slot]
    full = apply(op, *operands)
    partial = apply(op, *folded)
    assert partial.op.constants == {slot: point[slot]}
    assert partial.parents == (operands[1 - slot],)
    assert partial.data == full.data
    full.backward()
    partial_grad_source = operands[1 - slot]
    expected = partial_grad_source.grad
    partial_grad_source.grad = 0.0
    partial.backward()
    assert partial_grad_source.grad == pytest.approx(expected, rel=1e-15)


@each_op
def test_kernels_are_generated_from_the_table(op):
    assert f"def {op.name}_forward(" in op.kernel_source
    assert f"def {op.name}_vjp(" in op.kernel_source
    assert op is OPS[op.name]
    assert len(op.domain) == len(op.kinks) == op.arity


# (op, inputs at a kink, the partials there: the PyTorch one-sided convention)
KINKS = [
    ("relu", (0.0,), (0.0,)),
    ("abs", (0.0,), (0.0,)),
    ("leaky_relu", (0.0, 0.01), (0.01, 0.0)),
    ("leaky_relu", (0.0, 0.2), (0.2, 0.0)),
    ("elu", (0.0, 1.0), (1.0, 0.0)),
    ("elu", (0.0, 2.5), (2.5, 0.0)),
    ("selu", (0.0,), (SELU_LAMBDA * SELU_ALPHA,)),
    # A tie splits the gradient evenly, as torch.maximum (sympy: Heaviside(0) = 1/2).
    ("max", (0.0, 0.0), (0.5, 0.5)),
]


@pytest.mark.parametrize(("name", "point", "expected"), KINKS)
def test_partials_at_kinks_follow_the_convention(name, point, expected):
    op = OPS[name]
    out = op.fwd(*point)
    assert out == 0.0
    assert op.local_partials(*point, out) == pytest.approx(expected, rel=1e-15)
    # The symbolic oracle uses the same convention (its Piecewise is strict at 0).
    for slot, value in enumerate(expected):
        assert at(op, symbolic_derivative(op, slot), point) == pytest.approx(value, rel=1e-15)
    leaves = [Value(x) for x in point]
    apply(op, *leaves).backward()
    assert tuple(leaf.grad for leaf in leaves) == pytest.approx(expected, rel=1e-15)


def test_every_op_with_a_kink_is_checked_at_it():
    kinked = {
        op.name for op in TABLE if op.kink_where_equal or any(op.kinks[i] for i in range(op.arity))
    }
    covered = {name for name, _, _ in KINKS}
    assert kinked - {"div"} <= covered  # div's "kink" is its pole at y = 0, an error


@pytest.mark.parametrize(
    ("name", "point"),
    [("sigmoid", (-1000.0,)), ("softplus", (1000.0,)), ("tanh", (1000.0,)), ("exp", (1000.0,))],
)
def test_saturating_ops_match_sympy_far_out(name, point):
    op = OPS[name]
    _, forward = symbolic(op)
    assert op.fwd(*point) == pytest.approx(at(op, forward, point), rel=1e-15)
    assert math.isinf(op.fwd(*point)) == (name == "exp")
