"""Shared by the PyTorch reference tests: op table -> torch, comparisons, the special grid.

``TORCH`` maps each op of the table (by name) to the PyTorch function that computes the
same thing; the tests iterate over ``autograd.ops.TABLE`` and look each op up here, so a
new op is compared with no new test, and an op with no entry fails with a message saying
to add one. ``to_torch`` rebuilds any chainrule graph in torch ops through this one table.

``DELIBERATE`` lists where chainrule's answer differs from PyTorch's on purpose, each with
its rule and the reason; the tests assert chainrule's documented value there.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from autograd import Value, topological_order
from autograd.ops import Op

NAN, INF = math.nan, math.inf


def _elu(t: Any, x: Any, alpha: Any) -> Any:
    """torch's ELU (alpha a number there), with alpha made differentiable.

    ELU is linear in alpha, d elu / d alpha = elu(min(x, 0), alpha=1), so adding
    ``(alpha - alpha.detach()) * elu(min(x, 0), 1)`` (zero in value) gives torch's own
    kernel's value and x-derivatives and the alpha-derivatives, all computed by torch.
    """
    functional = t.nn.functional
    native = functional.elu(x, alpha.item())
    if not math.isfinite(alpha.item()):
        # alpha - alpha.detach() is NaN there: torch has no derivative in such an alpha.
        return native
    return native + (alpha - alpha.detach()) * functional.elu(-functional.relu(-x), 1.0)


# Every op of the table, as torch computes it: a function of the torch module and one
# float64 tensor per operand slot (variadic ops: all slots, w0, x0, w1, x1, ...).
TORCH: dict[str, Callable[..., Any]] = {
    "add": lambda t, x, y: x + y,
    "sub": lambda t, x, y: x - y,
    "mul": lambda t, x, y: x * y,
    "div": lambda t, x, y: x / y,
    "pow": lambda t, x, y: t.pow(x, y),
    "neg": lambda t, x: -x,
    "abs": lambda t, x: t.abs(x),
    "exp": lambda t, x: t.exp(x),
    "log": lambda t, x: t.log(x),
    "sqrt": lambda t, x: t.sqrt(x),
    "sin": lambda t, x: t.sin(x),
    "cos": lambda t, x: t.cos(x),
    "tanh": lambda t, x: t.tanh(x),
    "sigmoid": lambda t, x: t.sigmoid(x),
    "softplus": lambda t, x: t.nn.functional.softplus(x),
    "relu": lambda t, x: t.relu(x),
    # PReLU is torch's leaky ReLU with a learnable slope: it differentiates the slope too.
    "leaky_relu": lambda t, x, a: t.nn.functional.prelu(x.reshape(1), a.reshape(1)).reshape(()),
    "elu": _elu,
    "selu": lambda t, x: t.nn.functional.selu(x),
    "max": lambda t, x, y: t.maximum(x, y),
    "sum": lambda t, *xs: t.stack(xs).sum(),
    "dot": lambda t, *v: t.dot(t.stack(v[0::2]), t.stack(v[1::2])),
}


def torch_function(op: Op) -> Callable[..., Any]:
    """The torch function for ``op``, or a failure saying to add one to ``TORCH``."""
    import pytest  # noqa: PLC0415 - a helper module of the tests

    function = TORCH.get(op.base.name)
    if function is None:
        pytest.fail(
            f"op {op.base.name!r} has no PyTorch reference: add the torch function that "
            f"computes it to TORCH in tests/reference/torch_ops.py"
        )
    return function


@dataclass(frozen=True)
class Difference:
    """A place where chainrule's number deliberately differs from PyTorch's.

    ``applies(point, numbers)`` says where (``point`` is the operands, one per slot;
    ``numbers`` chainrule's value and derivatives there); ``op`` is an op's name or "*"
    for every op; ``what`` is "value", "d<slot>", "d<slot>d<slot>", or "second" for any
    second-order partial; chainrule's number there is ``expected`` (a number, or a
    function of the point).
    """

    op: str
    what: str
    applies: Callable[[tuple[float, ...], dict[str, float]], bool]
    expected: float | Callable[[tuple[float, ...]], float]
    reason: str
    within: float = 0.0
    """An absolute tolerance for chainrule's number (a few subnormal units), else exact."""

    def value(self, point: tuple[float, ...], what: str = "value") -> float:
        """chainrule's documented number for ``what`` at ``point``."""
        if not callable(self.expected):
            return self.expected
        try:
            return self.expected(point, what)  # type: ignore[call-arg]
        except TypeError:
            return self.expected(point)


def _nan_at(slot: int) -> Callable[[tuple[float, ...], dict[str, float]], bool]:
    return lambda point, numbers: math.isnan(point[slot])


def _nan_constant(point: tuple[float, ...], numbers: dict[str, float]) -> bool:
    """A NaN input, and a second-order partial of a first partial that is NaN."""
    return any(map(math.isnan, point)) and numbers.get("_first_is_nan", False)  # type: ignore[return-value]


_NAN_RULE = (
    "chainrule: a partial that reads a NaN input is NaN (its select/sign/compare give NaN "
    "for NaN, in every space); torch's backward kernels compare with the NaN and take a "
    "branch"
)


def pow_exact(point: tuple[float, ...], what: str) -> float:
    """A derivative of x ** y at ``point`` from its closed form in mpmath, to 50 digits."""
    import mpmath  # noqa: PLC0415 - sympy's dependency, needed only here

    with mpmath.workdps(50):
        x, y = mpmath.mpf(point[0]), mpmath.mpf(point[1])
        log = mpmath.log(x)
        exact = {
            "d0": y * x ** (y - 1),
            "d1": x**y * log,
            "d0d0": y * (y - 1) * x ** (y - 2),
            "d0d1": x ** (y - 1) * (1 + y * log),
            "d1d0": x ** (y - 1) * (1 + y * log),
            "d1d1": x**y * log**2,
        }[what]
        return float(exact)


def _pow_at_infinity(point: tuple[float, ...], what: str) -> float:
    """The limit of a derivative of x ** y as x -> inf, for a y where torch meets 0 * inf.

    x ** y log(x) ** k -> 0 for y < 0 (d1, d1d1); x ** (y - 1) (1 + y log(x)) -> 0 for
    y < 1 and inf for y >= 1 (d0d1, d1d0).
    """
    y = point[1]
    if what in ("d0d1", "d1d0"):
        return 0.0 if y < 1.0 else INF
    return 0.0


def _pow_flat_at_zero(point: tuple[float, ...], numbers: dict[str, float]) -> bool:
    x, y = point
    what = numbers.get("_what")
    if x != 0.0 or math.isnan(y):
        return False
    return (what == "d0d0" and y == 0.0) or what == "d1d1" or (what in ("d0d1", "d1d0") and y > 1.0)


COEFFICIENTS = (1.0, -0.5, 2.0, 0.25, -3.0, 1.5)
"""The weights of a composite's outputs in the scalar that tests differentiate."""


def _softmax_family_limit(point: tuple[float, ...], what: str, name: str) -> float:
    """The limit of a log_softmax or logsumexp derivative at infinite inputs.

    Weights w_i = softmax at the limit: 1/n each for all -inf, else 1 at the +inf inputs
    (shared) and 0 elsewhere. d/dx_i of sum_k c_k log_softmax_k = c_i - w_i sum(c);
    d logsumexp / dx_i = w_i; every second derivative is 0 at these limits.
    """
    if what.count("d") == 2:
        return 0.0
    n = len(point)
    tops = [i for i, x in enumerate(point) if x == INF] or list(range(n))
    weights = [1.0 / len(tops) if i in tops else 0.0 for i in range(n)]
    i = int(what[1:])
    if name == "logsumexp":
        return weights[i]
    return COEFFICIENTS[i] - weights[i] * sum(COEFFICIENTS[:n])


def _logsumexp_exact(point: tuple[float, ...], what: str) -> float:
    """d logsumexp / dx_i = s_i and d2 / dx_i dx_j = s_i (delta_ij - s_j), s = softmax(x)."""
    top = max(point)
    exps = [math.exp(x - top) for x in point]
    s = [e / math.fsum(exps) for e in exps]
    indices = [int(k) for k in what[1:].split("d")]
    if len(indices) == 1:
        return s[indices[0]]
    i, j = indices
    return s[i] * ((1.0 if i == j else 0.0) - s[j])


_KINK_RULE = (
    "chainrule: at a kink every derivative order takes the x <= 0 side (select's "
    "'otherwise' branch)"
)

# The NaN convention, where PyTorch answers a number instead (torch 2.13):
DELIBERATE: tuple[Difference, ...] = (
    Difference("relu", "d0", _nan_at(0), NAN, f"{_NAN_RULE}: relu'(nan) is 1.0 in torch"),
    Difference("abs", "d0", _nan_at(0), NAN, f"{_NAN_RULE}: abs'(nan) is 0.0 in torch"),
    Difference(
        "leaky_relu", "d0", _nan_at(0), NAN, f"{_NAN_RULE}: leaky_relu'(nan) is the slope"
    ),
    Difference("selu", "d0", _nan_at(0), NAN, f"{_NAN_RULE}: selu'(nan) is lambda in torch"),
    Difference("elu", "d0", _nan_at(0), NAN, f"{_NAN_RULE}: elu'(nan) is 1.0 in torch"),
    Difference("max", "d0", lambda p, n: math.isnan(p[0]) or math.isnan(p[1]), NAN,
               f"{_NAN_RULE}: torch.maximum sends 1.0 (or 0.5) to both with a NaN operand"),
    Difference("max", "d1", lambda p, n: math.isnan(p[0]) or math.isnan(p[1]), NAN,
               f"{_NAN_RULE}: torch.maximum sends 1.0 (or 0.5) to both with a NaN operand"),
    Difference(
        "pow", "d0", _nan_at(0), NAN,
        f"{_NAN_RULE}: d(x ** y)/dx at x = nan is 0.0 for y = 0 in torch (it masks a zero "
        f"exponent) and 1.0 for y = 1 (nan ** 0 is 1)",
    ),
    # Kinks: every order of derivative takes the same side, the x <= 0 branch at x = 0,
    # so elu''(0) is the derivative of elu'(x <= 0) = alpha e^x. torch's first derivative
    # takes that side too, but its double backward takes the x > 0 side (0.0).
    Difference("elu", "d0d0", lambda p, n: p[0] == 0.0, lambda p: p[1],
               f"{_KINK_RULE}: elu''(0) = alpha, torch 0.0"),
    Difference("elu", "d0d1", lambda p, n: p[0] == 0.0, 1.0,
               f"{_KINK_RULE}: d(elu')/d alpha at 0 = e^0 = 1, torch 0.0"),
    Difference("elu", "d1d0", lambda p, n: p[0] == 0.0, 1.0,
               f"{_KINK_RULE}: d(d elu/d alpha)/dx at 0 = e^0 = 1, torch 0.0"),
    Difference("selu", "d0d0", lambda p, n: p[0] == 0.0, 1.0507009873554805 * 1.6732632423543772,
               f"{_KINK_RULE}: selu''(0) = lambda alpha, torch 0.0"),
    Difference("leaky_relu", "d0d1", lambda p, n: p[0] == 0.0, 1.0,
               f"{_KINK_RULE}: d(leaky_relu')/d slope at 0 = 1, torch (prelu) 0.0"),
    Difference("leaky_relu", "d1d0", lambda p, n: p[0] == 0.0, 1.0,
               f"{_KINK_RULE}: d(d leaky_relu/d slope)/dx at 0 = 1, torch (prelu) 0.0"),
    # pow where torch loses a derivative: it masks a zero exponent in its backward, and
    # at x = 0 it multiplies 0 by log(0).
    Difference("pow", "d0d1", lambda p, n: p[1] == 0.0 and p[0] != 0.0 and not math.isnan(p[0]),
               lambda p: 1.0 / p[0],
               "chainrule: d2(x ** y)/dx dy at y = 0 is 1/x (the x-partial at y = 0 is y / x "
               "times x ** y, or y x ** (y - 1) for x >= 1); "
               "torch 0.0 (its backward masks y == 0), NaN at x = inf"),
    Difference("pow", "second", _pow_flat_at_zero, 0.0,
               "chainrule: at x = 0, where x ** y is flat in that direction, the partials "
               "are the limits, 0, and so are their derivatives (x ** y log(x) ** 2 -> 0 for "
               "y > 0, d2/dx2 of x ** 0 is 0, d2/dx dy -> 0 for y > 1; for 0 <= y <= 1, "
               "where d2/dx dy is infinite, grad raises); torch NaN, from 0 * log(0)"),
    Difference("pow", "*",
               lambda p, n: p[0] == INF and not math.isnan(p[1])
               and n.get("_what") in ("d1", "d1d1", "d0d1", "d1d0"),
               _pow_at_infinity,
               "chainrule: at x = inf the derivatives of x ** y are their limits (d/dy "
               "x ** y = x ** y log(x) -> 0 for y < 0, and so its y-derivative; d2/dx dy = "
               "x ** (y - 1) (1 + y log(x)) -> 0 for y < 1, inf for y >= 1), each computed "
               "as one term (x ** y log(x) ** k is one function); torch NaN, from 0 * inf"),
    Difference("pow", "second",
               lambda p, n: p[0] > 0.0 and 0.0 < p[1] < INF and p[0] ** p[1] < sys.float_info.min,
               pow_exact,
               "chainrule: where x ** y is subnormal or underflows (x = 1e-300, y = 2), the "
               "second derivatives are the exact value (mpmath, 50 digits) to a few units "
               "of the smallest subnormal, each term computed in one step; torch's double "
               "backward adds x ** y * (1 / x) (or x ** y / x) with x ** y rounded to a "
               "subnormal or to 0 (at x = 1e-300, y = 2 it drops the 1 of 1 + y log(x))",
               within=1e-322),
    Difference("pow", "d0d0", lambda p, n: p[1] == 0.0 and math.isfinite(p[0]), 0.0,
               "chainrule: d2(x ** 0)/dx2 is 0 (the x-partial is y / x); torch NaN at a "
               "tiny x (0 * x ** -2 overflows)"),
    Difference("elu", "value", lambda p, n: p[0] == 0.0 and math.isnan(p[1]), NAN,
               f"{_NAN_RULE}: elu(0, alpha = nan) is nan * expm1(0) = NaN; torch 0.0"),
    # An input outside the op's domain that chainrule does not refuse: ELU's alpha = inf.
    Difference("elu", "value", lambda p, n: p[0] == 0.0 and math.isinf(p[1]), NAN,
               "chainrule: elu(0, alpha = inf) is inf * expm1(0) = inf * 0 = NaN (alpha = inf "
               "is outside the domain alpha > 0 finite); torch's kernel answers 0.0"),
    # The softmax family at infinite inputs: chainrule's derivatives are the limits there.
    Difference("logsumexp", "*", lambda p, n: all(x == -INF for x in p),
               lambda p, what: _softmax_family_limit(p, what, "logsumexp"),
               "chainrule: logsumexp of all -inf is -inf with gradient 1/n each (the limit "
               "for equal inputs) and second derivatives 0; torch NaN"),
    Difference("log_softmax", "*", lambda p, n: all(x == -INF for x in p),
               lambda p, what: _softmax_family_limit(p, what, "log_softmax"),
               "chainrule: log_softmax of all -inf is NaN, its derivatives the limits for "
               "equal inputs (c_i - mean(c) for the weighted sum of the outputs); torch NaN"),
    *(Difference(name, "*", lambda p, n: INF in p,
                 lambda p, what, name=name: _softmax_family_limit(p, what, name),
                 "chainrule: with a +inf input, the other inputs' softmax weights are 0 "
                 "(their limit), and their derivatives the limits; torch NaN (inf - inf)")
      for name in ("log_softmax", "logsumexp")),
    Difference("logsumexp", "*", lambda p, n: max(map(abs, p)) >= 1e9,
               _logsumexp_exact,
               "torch's logsumexp backward is exp(x - result), and result (1e10 + 1.35) "
               "carries the rounding of 1e10 (its ulp is 2e-6): 1e-7 relative error; "
               "chainrule's derivatives are the softmax's to rounding (checked here against "
               "the softmax of x - max(x), computed with math)"),
    # A first partial that is NaN by the NaN rule is a number, not a graph: its own
    # derivatives (the second-order partials) are 0.0. torch's: NaN, 1.0 or 2.0. Listed
    # last: a kink rule above takes precedence (leaky_relu at x = 0 with a NaN slope).
    Difference("*", "second", _nan_constant, 0.0,
               "chainrule: a partial made NaN by a NaN input is a NaN constant, so its "
               "derivatives are 0.0"),
)  # fmt: skip

# Bugs not fixed yet: chainrule answers where it should raise, or a wrong number. Empty:
# an entry here states the wrong number, so the tests pass until the bug is fixed.
KNOWN_BUGS: tuple[Difference, ...] = ()


def deliberate(
    name: str,
    what: str,
    point: tuple[float, ...],
    numbers: dict[str, float],
    table: tuple[Difference, ...] = DELIBERATE,
) -> Difference | None:
    """The listed difference for op or composite ``name``'s ``what`` at ``point``, if any.

    ``numbers`` are chainrule's there (the value and derivatives by name).
    """
    kind = "second" if what.count("d") == 2 else what
    first_nan = kind == "second" and math.isnan(numbers.get(what[: what.index("d", 1)], 0.0))
    context = {**numbers, "_what": what, "_first_is_nan": first_nan}
    for difference in table:
        listed = difference.op in ("*", name) and difference.what in ("*", what, kind)
        if listed and difference.applies(point, context):  # type: ignore[arg-type]
            return difference
    return None


def same(got: float, want: float, rel: float = 1e-12, abs_: float = 0.0) -> bool:
    """Equal to ``rel`` (relative) or ``abs_``; NaN equals NaN, infinities exactly, 0.0 == -0.0."""
    if math.isnan(got) or math.isnan(want):
        return math.isnan(got) and math.isnan(want)
    if math.isinf(got) or math.isinf(want):
        return got == want
    return abs(got - want) <= max(rel * max(abs(got), abs(want)), abs_)


def special_values(op: Op, slot: int) -> list[float]:
    """The special inputs for one slot: zeros, kinks, domain ends, infinities, NaN, extremes."""
    interval = op.domain[slot % op.arity]
    points = [
        0.0, -0.0, 1.0, -1.0, 0.5, -1.5, 2.0, 3.0, INF, -INF, NAN,
        1e308, -1e308, 5e-324, -5e-324, 1e-300, 40.0, -40.0, 800.0, -800.0,
        *op.kinks[slot % op.arity],
        *(b for b in (interval.low, interval.high) if math.isfinite(b)),
    ]  # fmt: skip
    unique: list[float] = []
    for x in points:
        # By bit pattern: -0.0 == 0.0 yet both are wanted, and nan != nan yet one is enough.
        if x.hex() not in {u.hex() for u in unique}:
            unique.append(x)
    return unique


def to_torch(
    t: Any, root: Value, leaves: dict[Value, Any], outputs: Sequence[Value] = ()
) -> dict[Value, Any]:
    """Rebuild ``root``'s graph in torch: each node through ``TORCH``, in topological order.

    ``leaves`` maps the leaves that are variables to their tensors; every other leaf and
    every folded number becomes a constant tensor. Returns every node's tensor.
    """
    tensors: dict[Value, Any] = dict(leaves)
    nodes = []
    for out in [root, *outputs]:
        nodes += [n for n in topological_order(out) if n not in tensors]
    for node in nodes:
        if node in tensors:
            continue
        op = node.op
        if op is None:
            tensors[node] = t.tensor(node.data)
            continue
        operands = op.operands(node.parents)
        args = [tensors[o] if isinstance(o, Value) else t.tensor(float(o)) for o in operands]
        tensors[node] = torch_function(op)(t, *args)
    return tensors
