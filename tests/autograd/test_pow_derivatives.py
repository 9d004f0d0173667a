"""x ** y to third order against sympy's exact derivatives, at its edges and inside.

pow's y-partial is a node of the ``powlog`` family (x ** y log(x) ** k), whose partials
are members of the family again, so every order is a sum of terms each computed in one
step. The oracle is sympy's closed form of each derivative, evaluated with exact rational
inputs at 50 digits: never the engine's own formulas. At x = 0, where x ** y is flat for
y > 0, the derivatives are the limits, or the "derivative undefined" error where the limit
is infinite.
"""

from __future__ import annotations

import functools
import itertools
import math
import pickle

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, compile, grad
from autograd.elementary import FUNCTIONS
from autograd.ops import POW
from autograd.powlog import pow_corner_op, powlog_op
from tests.autograd.sympy_space import SYMPY

X, Y = sympy.symbols("x y", positive=True)
EDGE_X = (5e-324, 1e-310, 1e-300, 1e-200, 0.3, 1.0, 2.5, 1e10, 1e300)
EDGE_Y = (-1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0)
ORDERS = [
    "".join(seq) for n in (1, 2, 3) for seq in itertools.product("xy", repeat=n)
]  # "x", "yx", "xxy", ...: the variables differentiated, in order


@functools.cache
def derivative(nx: int, ny: int) -> sympy.Expr:
    """d^(nx + ny) x ** y / dx^nx dy^ny, symbolically."""
    expression = X**Y
    if nx:
        expression = sympy.diff(expression, X, nx)
    if ny:
        expression = sympy.diff(expression, Y, ny)
    return expression


def exact(x: float, y: float, seq: str) -> float:
    """sympy's value of the derivative ``seq`` at (x, y): exact inputs, 50 digits.

    The edge points are simple rationals (y = 3/2, x = 2 ** -1074), so sympy simplifies
    exactly: y (y - 1) is 0 at y = 1, where 60-digit floats leave noise at x = 5e-324.
    """
    expression = derivative(seq.count("x"), seq.count("y"))
    value = expression.subs({X: sympy.Rational(x), Y: sympy.Rational(y)}).evalf(50)
    return float(value)


def drawn(x: float, y: float) -> dict[sympy.Symbol, sympy.Float]:
    """A drawn point for sympy: each float exactly, in 60 digits.

    Not as a Rational: sympy would work out x ** y exactly, a radical with a denominator
    of 2 ** 50 in the exponent, which takes minutes.
    """
    return {X: sympy.Float(x, 60), Y: sympy.Float(y, 60)}


def ours(x: float, y: float, seq: str, *, folded: str = "") -> float:
    """chainrule's derivative ``seq`` of x ** y at (x, y), by repeated ``grad``.

    ``folded`` names an input given as a number (``x ** 2.0``), not a Value.
    """
    xv = x if folded == "x" else Value(x)
    yv = y if folded == "y" else Value(y)
    g = xv**yv
    for variable in seq:
        g = grad(g, xv if variable == "x" else yv, create_graph=True)
    return g.data


def close(got: float, want: float) -> bool:
    # A few units of the last place, or of the smallest subnormal (an answer there is a
    # multiple of 5e-324: a sum of two subnormal terms is off by a unit or two).
    return got == want or abs(got - want) <= max(1e-9 * abs(want), 1e-321)


# Where the exact value overflows a float (|value| > 1.8e308) it is an infinity; a sum of
# two overflowing terms of opposite signs is then NaN: no number, never a finite one.
# d3(x ** 0)/dx3 at a subnormal x is 0, and NaN here: its graph multiplies the partial
# 1 / x of a division (inf there) by a zero.
OVERFLOW_NAN = {(x, 0.0, "xxx") for x in (5e-324, 1e-310)}


@pytest.mark.parametrize("x", EDGE_X)
def test_every_derivative_to_third_order_is_exact(x):
    wrong = []
    for y, seq in itertools.product(EDGE_Y, ORDERS):
        got, want = ours(x, y, seq), exact(x, y, seq)
        if close(got, want):
            continue
        if math.isinf(want) and (got == want or math.isnan(got)):
            continue
        if (x, y, seq) in OVERFLOW_NAN and math.isnan(got):
            continue
        wrong.append((y, seq, got, want))
    assert not wrong, f"x = {x}: (y, derivative, chainrule, sympy): {wrong}"


def test_the_three_former_bugs():
    # 1. d2(x ** y)/dx dy at x = 0 is infinite for 0 <= y <= 1: an error, not 0.0.
    for y in (0.0, 1.0):
        x, yv = Value(0.0), Value(y)
        first = grad(x**yv, [x, yv], create_graph=True)
        assert [g.data for g in first] == [y, 0.0]  # the first order keeps its limits
        for g in first:
            with pytest.raises(ZeroDivisionError, match=r"derivative undefined at x=0\.0"):
                grad(g, [x, yv])
    # 2. d2(x ** y)/dy dx at x = inf, y = 0 is 1/x = 0, not NaN (0 * inf).
    assert ours(math.inf, 0.0, "yx") == 0.0
    assert ours(math.inf, 0.0, "xy") == 0.0
    # 3. At a subnormal x, 1/x overflows: the term is computed as one, finite.
    assert ours(5e-324, 1.0, "yx") == pytest.approx(1.0 + math.log(5e-324), rel=1e-15)
    assert ours(5e-324, 1.0, "yx") == pytest.approx(-743.4400719213812, rel=1e-15)
    assert ours(1e-310, 0.5, "yx") == pytest.approx(exact(1e-310, 0.5, "yx"), rel=1e-12)


@pytest.mark.parametrize("y", [1.5, 2.0, 2.5, 3.0, 4.0])
def test_at_zero_the_derivatives_are_the_limits_or_raise(y):
    """At x = 0: d^a d^b (x ** y) with b >= 1 y-derivatives is 0 if y > a, infinite if not.

    The a x-derivatives alone: y (y - 1) ... (y - a + 1) 0 ** (y - a): 0 for y > a and for
    an integer y < a, a! for y = a, infinite for a non-integer y < a. Where any derivative
    of a graph is infinite, ``grad`` of that graph raises (one error for the row).
    """
    for seq in ORDERS:
        a = seq.count("x")
        got: float | None
        message = ""
        try:
            got = ours(0.0, y, seq)
        except ZeroDivisionError as error:
            got, message = None, str(error)
        assert got is not None or "derivative undefined" in message, message
        if seq.count("y"):
            want = 0.0 if y > a else None
        elif y > a or (y.is_integer() and y < a):
            want = 0.0  # (a polynomial of degree y < a: its a-th derivative is 0)
        elif y == a:
            want = float(math.factorial(a))
        else:
            want = None
        if want is None:
            assert got is None, (seq, got)  # infinite: raised
        elif got is not None:  # a finite value; raising is allowed only with another
            assert got == want, (seq, got, want)  # derivative of the row infinite
        else:
            sibling_infinite = any(
                (s.count("y") and y <= s.count("x")) or (not s.count("y") and y < s.count("x"))
                for s in ORDERS
                if len(s) == len(seq) and s[:-1] == seq[:-1]
            )
            assert sibling_infinite, (seq, "raised where every derivative is finite")


def test_at_zero_a_number_operand_keeps_the_flat_convention():
    # x ** 1.0 (y a number): d2/dx2 at 0 is 0, nothing to raise (no y-derivative).
    assert ours(0.0, 1.0, "xx", folded="y") == 0.0
    assert ours(0.0, 0.0, "xx", folded="y") == 0.0
    # 0.0 ** y (x a number): along x = 0 the function is flat, d2/dy2 = 0.
    assert ours(0.0, 0.0, "yy", folded="x") == 0.0
    assert ours(0.0, 2.0, "yy", folded="x") == 0.0


def test_first_order_kernels_unchanged_on_the_common_path():
    """One expression per partial for x > 0 (no call besides the existing helpers)."""
    source = powlog_op(1).kernel_source + FUNCTIONS["pow"].helper
    partials = POW.kernel_source.split("def pow_partials")[1].split("def pow_vjp")[0]
    # The y-partial's x > 0 branch multiplies out by log(x) in place, no helper call.
    assert "(out * _log(x) if out or x < 0.0 else out) if _abs(x) > 0.0" in partials
    assert "_powlog(x, y, 1.0) if y > 0.0" in partials  # only at x = 0
    assert "_powlog" in source


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 3),
    st.floats(1e-3, 50.0),
    st.floats(-4.0, 4.0),
)
def test_powlog_family_matches_sympy(k, x, y):
    """powlog(x, y, k) = x ** y log(x) ** k and both partials, from sympy's diff."""
    op = powlog_op(k)
    forward = op.forward(SYMPY, X, Y)
    point = drawn(x, y)
    out = op.fwd(x, y)
    assert out == pytest.approx(float(forward.subs(point).evalf(40)), rel=1e-12, abs=1e-300)
    for slot, symbol in enumerate((X, Y)):
        want = float(sympy.diff(forward, symbol).subs(point).evalf(40))
        got = op.local_partials(x, y, out)[slot]
        assert got == pytest.approx(want, rel=1e-10, abs=1e-12), (k, slot)


@settings(max_examples=30, deadline=None)
@given(st.floats(1e-3, 50.0), st.floats(-4.0, 4.0))
def test_pow_partial_formulas_in_the_sympy_space_are_sympys_derivatives(x, y):
    """The table's formulas, evaluated symbolically (powlog and all), differentiate x ** y."""
    point = drawn(x, y)
    out = POW.forward(SYMPY, X, Y)
    for slot, symbol in enumerate((X, Y)):
        formula = POW.partials[slot](SYMPY, X, Y, out)
        want = float(sympy.diff(out, symbol).subs(point).evalf(40))
        assert float(formula.subs(point).evalf(40)) == pytest.approx(want, rel=1e-12)


def test_powlog_limits_and_errors():
    powlog = FUNCTIONS["powlog"].floats
    assert powlog(0.0, 2.0, 1.0) == 0.0  # x ** y log(x) -> 0 at x = 0 for y > 0
    assert powlog(math.inf, -1.0, 2.0) == 0.0  # -> 0 at x = inf for y < 0
    assert powlog(math.inf, 0.0, 1.0) == math.inf
    assert math.isnan(powlog(0.0, math.nan, 1.0))
    with pytest.raises(ZeroDivisionError):
        powlog(0.0, 0.0, 1.0)  # log(0) = -inf
    with pytest.raises(ValueError, match="math domain"):
        powlog(-2.0, 2.0, 1.0)
    with pytest.raises(ValueError, match="k must be an integer"):
        powlog_op(0)


def test_graphs_with_powlog_and_corner_nodes_pickle():
    x, y = Value(0.0), Value(1.0)
    gx, _ = grad(x**y, [x, y], create_graph=True)
    a, b = Value(2.0), Value(3.0)
    _, gb = grad(a**b, [a, b], create_graph=True)
    ops = {n.op.name for g in (gx, gb) for n in _nodes(g) if n.op is not None}
    assert {"pow_corner", "powlog1"} <= ops
    copy = pickle.loads(pickle.dumps([gx, gb]))  # noqa: S301 - our own bytes
    assert [c.data for c in copy] == [gx.data, gb.data]
    assert {n.op for n in _nodes(copy[0]) if n.op is not None} >= {pow_corner_op()}


def _nodes(root: Value) -> list[Value]:
    from autograd import topological_order  # noqa: PLC0415

    return topological_order(root)


@pytest.mark.parametrize(
    ("x", "y"), [(2.0, 3.0), (5e-324, 1.0), (1e-310, 0.5), (math.inf, 0.0), (0.5, 0.0)]
)
def test_compiled_second_order_replays_agree_with_eager(x, y):
    """A compiled gradient graph (with powlog nodes) replays in floats and numpy as eager."""

    def dy(a: Value, b: Value) -> Value:
        return grad(a**b, b, create_graph=True)

    compiled = compile(dy)
    xv, yv = Value(x), Value(y)
    eager = dy(xv, yv)
    want = [eager.data, *grad(eager, [xv, yv])]
    floats = compiled.grad(x, y, wrt_inputs=True)
    batch = compiled.grad(np.array([x, x]), np.array([y, y]), wrt_inputs=True)
    for got in (
        [floats.output, *floats.inputs],
        *([batch.output[i], *(g[i] for g in batch.inputs)] for i in range(2)),
    ):
        for g, w in zip(got, want, strict=True):
            assert g == pytest.approx(w, rel=1e-14) or (math.isnan(g) and math.isnan(w))
