"""The registry of elementary functions: one row per function the op table's formulas call.

A formula calls ``m.exp(x)``, ``m.maximum(x, y)``... on a *math space* ``m``. Every space
(float kernels, numpy batches, Values for higher-order gradients, and the tests' sympy
oracle) is derived from the rows below, so a function's edge semantics are written once:
its float helper is what the eager engine and compiled float code run, and the numpy and
sympy definitions sit beside it, where a reader compares them at a glance.

Each :class:`Elementary` row holds:

- ``floats``: the Python float function, with the edge cases of PyTorch where ``math``
  differs (``math.sin(inf)`` raises, ``torch.sin`` gives NaN; ``math.exp(1000)`` raises,
  ``torch.exp`` gives inf). A ``ValueError`` or ``ArithmeticError`` that it does raise is a
  domain error (log of a negative number), reported by the engine with the op's name.
- ``numpy(np, *args)``: the same function on arrays (numpy is passed in: the engine itself
  needs only the standard library).
- ``sympy(sp, *args)``: the same function as a sympy expression (the symbolic oracle).
- ``derivative(m, x)``: for a one-argument function that is no op of the table, its
  derivative in a math space; a second-order ``grad`` differentiates through it (sin's
  partial calls ``m.cos`` whether or not ``cos`` is an op).
- ``constant``: the function is piecewise constant (``sign``, ``compare``): on Values it
  gives a plain number, whose gradient is zero wherever it is defined.

Adding a function is one row here. Example:
    >>> FUNCTIONS["exp"].floats(1000.0)
    inf
    >>> FUNCTIONS["sin"].floats(float("inf"))
    nan
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any


@dataclass(frozen=True)
class Elementary:
    """One elementary function: its float, numpy and sympy definitions (see the module)."""

    name: str
    floats: Callable[..., float]
    numpy: Callable[..., Any]
    sympy: Callable[..., Any]
    arity: int = 1
    derivative: Callable[[Any, Any], Any] | None = None
    constant: bool = False

    @property
    def helper(self) -> str:
        """The name generated source calls it by (``_exp``)."""
        return f"_{self.name}"


def _exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:  # past the float range: inf, as numpy and PyTorch give
        return math.inf


def _expm1(x: float) -> float:
    try:
        return math.expm1(x)
    except OverflowError:
        return math.inf


def _sigmoid(x: float) -> float:
    # Two branches so that exp never sees a large positive argument.
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _softplus(x: float) -> float:
    # log(1 + e^x) = max(x, 0) + log1p(e^-|x|): no overflow, full precision in both tails.
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def _sign(x: float) -> float:
    # sign(0) = 0: the convention abs'(0) = 0 comes from here. sign(nan) is nan (x itself).
    return 1.0 if x > 0.0 else -1.0 if x < 0.0 else 0.0 if x == 0.0 else x


def _periodic(function: Callable[[float], float]) -> Callable[[float], float]:
    """``function`` with NaN at ±inf, as PyTorch gives (``math`` raises a ValueError)."""

    def at(x: float) -> float:
        return function(x) if x - x == 0.0 else math.nan  # x - x is NaN at ±inf and NaN

    at.__name__ = function.__name__
    return at


def _maximum(x: float, y: float) -> float:
    # Python's max(1.0, nan) is 1.0 (the comparison is False): NaN must win, either side.
    return x if x > y else y if x <= y else math.nan


def _compare(x: float, y: float) -> float:
    # Comparisons, not sign(x - y): inf - inf is NaN, yet inf == inf is a tie.
    return 1.0 if x > y else -1.0 if x < y else 0.0 if x == y else math.nan


def _pow(x: float, y: float) -> float:
    if x == 0.0 and y < 0.0:  # 0 ** -inf as 0 ** -1 (Python gives inf only for -inf)
        raise ZeroDivisionError("0.0 cannot be raised to a negative power")
    if x < 0.0 and math.isfinite(y) and not float(y).is_integer():
        # Checked here, not left to Python: (-inf) ** 0.5 is inf there and (-5e-324) ** -1.5
        # overflows to inf, where every other negative base gives a complex number. One
        # rule, and numpy's power (a NaN at some of these) is held to it in batches.
        raise ValueError("a negative base needs an integer exponent")
    try:
        result = x**y
    except OverflowError:
        negative = x < 0.0 and float(y).is_integer() and int(y) % 2 == 1
        return -math.inf if negative else math.inf
    return float(result)


def _powlog(x: float, y: float, k: float, power: float | None = None) -> float:
    # x ** y * log(x) ** k: the k-th y-derivative of x ** y, and, with its shifts in y, every
    # mixed derivative (d/dx powlog(x, y, k) = k powlog(x, y - 1, k - 1) + y powlog(x, y - 1, k)),
    # each computed in one step: no 1/x (which overflows at a subnormal x) times x ** y.
    # At the ends, the limits: 0 at x = 0 for y > 0 and at x = inf for y < 0 (a power
    # beats any power of log); infinite, an error, at x = 0 for y <= 0 (log(0) is -inf).
    # `power` (x ** y, if the caller has it) is recomputed here: one rule for the value.
    if k == 0.0:
        return _pow(x, y)
    if x == 0.0:
        if y > 0.0 or y != y:  # noqa: PLR0124 - y != y: NaN passes on
            return 0.0 if y > 0.0 else y
        raise ZeroDivisionError("x ** y * log(x) ** k is infinite at x = 0 for y <= 0")
    power = _pow(x, y) if x > 0.0 else x  # x < 0: math.log raises below
    logarithm = math.log(x)
    if not power:  # x ** y underflowed, or x = inf and y < 0: the limit 0
        return power
    return power * (logarithm if k == 1.0 else logarithm**k)


def _numpy_powlog(np: Any, x: Any, y: Any, k: float, power: Any = None) -> Any:
    # As _powlog; NaN where it raises (x = 0 with y <= 0, x < 0), for the replay's check.
    if k == 0.0:
        return _numpy_power(np, x, y)
    power = np.power(x, y)
    value = np.where(power == 0.0, power, power * np.log(x) ** k)
    bad = ((x == 0.0) & (y <= 0.0)) | (x < 0.0)
    value = np.where(bad, math.nan, value)
    return value[()] if value.ndim == 0 else value


def _numpy_power(np: Any, x: Any, y: Any) -> Any:
    # NaN wherever the float helper raises (a negative base with a finite non-integer
    # exponent, 0 to a negative power), so the replay's check finds the sample and the
    # engine's kernels raise its error. numpy alone answers some of these with a number:
    # (-inf) ** -0.5 is 0.0, and (-inf) ** 0.5 is inf or NaN depending on whether the
    # exponent is an array or a number (sqrt's fast path).
    result = np.power(x, y)
    bad = ((x < 0.0) & np.isfinite(y) & (np.floor(y) != y)) | ((x == 0.0) & (y < 0.0))
    if not np.any(bad):
        return result
    marked = np.where(bad, math.nan, result)
    return marked[()] if marked.ndim == 0 else marked


def _numpy_compare(np: Any, x: Any, y: Any) -> Any:
    equal = np.where(x == y, 0.0, math.nan)
    return np.where(x > y, 1.0, np.where(x < y, -1.0, equal))


# fmt: off
ROWS: tuple[Elementary, ...] = (
    Elementary("exp", _exp, lambda np, x: np.exp(x), lambda sp, x: sp.exp(x)),
    Elementary("expm1", _expm1, lambda np, x: np.expm1(x), lambda sp, x: sp.exp(x) - 1,
               derivative=lambda m, x: m.exp(x)),
    Elementary("log", math.log, lambda np, x: np.log(x), lambda sp, x: sp.log(x)),
    Elementary("sqrt", math.sqrt, lambda np, x: np.sqrt(x), lambda sp, x: sp.sqrt(x)),
    Elementary("tanh", math.tanh, lambda np, x: np.tanh(x), lambda sp, x: sp.tanh(x)),
    # exp(-softplus(-x)) on arrays: no overflow, full relative precision in both tails.
    Elementary("sigmoid", _sigmoid, lambda np, x: np.exp(-np.logaddexp(0.0, -x)),
               lambda sp, x: 1 / (1 + sp.exp(-x))),
    Elementary("softplus", _softplus, lambda np, x: np.logaddexp(0.0, x),
               lambda sp, x: sp.log(1 + sp.exp(x))),
    Elementary("abs", abs, lambda np, x: np.abs(x), lambda sp, x: sp.Abs(x)),
    Elementary("sign", _sign, lambda np, x: np.sign(x), lambda sp, x: sp.sign(x),
               constant=True),
    Elementary("sin", _periodic(math.sin), lambda np, x: np.sin(x), lambda sp, x: sp.sin(x),
               derivative=lambda m, x: m.cos(x)),
    Elementary("cos", _periodic(math.cos), lambda np, x: np.cos(x), lambda sp, x: sp.cos(x),
               derivative=lambda m, x: -m.sin(x)),
    # d/dx Max(x, y) is Heaviside(x - y), 1/2 at a tie: the engine's convention.
    Elementary("maximum", _maximum, lambda np, x, y: np.maximum(x, y),
               lambda sp, x, y: sp.Max(x, y), arity=2),
    Elementary("compare", _compare, _numpy_compare, lambda sp, x, y: sp.sign(x - y),
               arity=2, constant=True),
    Elementary("pow", _pow, _numpy_power, lambda sp, x, y: x**y, arity=2),
    Elementary("powlog", _powlog, _numpy_powlog,
               lambda sp, x, y, k, power=None: x**y * sp.log(x) ** k, arity=3),
    # 0, as a term of pow's partials at x = 0 whose derivative is undefined (see
    # autograd.powlog.pow_corner_op); on Values a node of that op.
    Elementary("pow_corner", lambda x, y: 0.0 * x * y, lambda np, x, y: 0.0 * x * y,
               lambda sp, x, y: sp.Integer(0), arity=2),
)
# fmt: on

FUNCTIONS: Mapping[str, Elementary] = MappingProxyType({row.name: row for row in ROWS})
"""The registry by name."""
