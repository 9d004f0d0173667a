"""Turn op-table formulas into Python source, and that source into float kernels.

Every formula in the op table is a plain function of a *math space* ``m`` and its inputs.
Called with :class:`Expr` inputs and a :class:`SourceSpace`, a formula writes Python source
instead of computing a number. The engine compiles that source once per op into small
float functions (forward, local partials, vector-Jacobian product), so the eager engine runs
straight-line float code that was generated from the same table the tests and the symbolic
oracle read. A future graph compiler can use the same writer with another dialect.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

Number = int | float
Branch = "Expr | Number | Callable[[], Expr | Number]"


class Expr:
    """A fragment of Python source that supports the arithmetic operators.

    Example:
        >>> x, y = Expr("x"), Expr("y")
        >>> (x * y + 1).text
        '((x * y) + 1.0)'
    """

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return f"Expr({self.text!r})"

    def __add__(self, other: Expr | Number) -> Expr:
        return _binary("+", self, other)

    def __radd__(self, other: Number) -> Expr:
        return _binary("+", other, self)

    def __sub__(self, other: Expr | Number) -> Expr:
        return _binary("-", self, other)

    def __rsub__(self, other: Number) -> Expr:
        return _binary("-", other, self)

    def __mul__(self, other: Expr | Number) -> Expr:
        return _binary("*", self, other)

    def __rmul__(self, other: Number) -> Expr:
        return _binary("*", other, self)

    def __truediv__(self, other: Expr | Number) -> Expr:
        return _binary("/", self, other)

    def __rtruediv__(self, other: Number) -> Expr:
        return _binary("/", other, self)

    def __pow__(self, other: Expr | Number) -> Expr:
        return Expr(f"_pow({source(self)}, {source(other)})")

    def __rpow__(self, other: Number) -> Expr:
        return Expr(f"_pow({source(other)}, {source(self)})")

    def __neg__(self) -> Expr:
        return Expr(f"(-{self.text})")


def source(value: Expr | Number) -> str:
    """The source text of an expression or a number literal (``repr`` of the float)."""
    if isinstance(value, Expr):
        return value.text
    number = float(value)
    if math.isnan(number):
        return "nan"
    if math.isinf(number):
        return "inf" if number > 0 else "(-inf)"
    text = repr(number)
    return f"({text})" if text.startswith("-") else text


def _is_literal(value: Expr | Number, number: float) -> bool:
    return not isinstance(value, Expr) and float(value) == number


def _binary(symbol: str, left: Expr | Number, right: Expr | Number) -> Expr:
    # Multiplying by a literal 1 is the common case for partials such as d(x + y)/dx;
    # dropping it keeps the generated kernels (and their `.source`) short.
    if symbol == "*":
        if _is_literal(left, 1.0):
            return right if isinstance(right, Expr) else Expr(source(right))
        if _is_literal(right, 1.0):
            return left if isinstance(left, Expr) else Expr(source(left))
        if _is_literal(right, -1.0) and isinstance(left, Expr):
            return -left
    return Expr(f"({source(left)} {symbol} {source(right)})")


class SourceSpace:
    """The math space whose functions write Python source for float kernels.

    ``m.exp(x)`` returns the expression ``_exp(x)``; the helpers it names are defined in
    :data:`FLOAT_GLOBALS`.
    """

    FUNCTIONS: ClassVar[Mapping[str, str]] = {
        "exp": "_exp",
        "expm1": "_expm1",
        "log": "_log",
        "sqrt": "_sqrt",
        "tanh": "_tanh",
        "sigmoid": "_sigmoid",
        "softplus": "_softplus",
        "abs": "abs",
        "sign": "_sign",
    }

    def __getattr__(self, name: str) -> Callable[[Expr | Number], Expr]:
        try:
            target = self.FUNCTIONS[name]
        except KeyError:
            raise AttributeError(f"the math space has no function {name!r}") from None
        return lambda x: Expr(f"{target}({source(x)})")

    def select(self, x: Expr, positive: Branch, otherwise: Branch) -> Expr:
        """``positive`` where x > 0, ``otherwise`` where x <= 0, NaN where x is NaN.

        A branch may be a thunk. NaN is neither > 0 nor <= 0: it takes neither branch
        and the result is NaN, so relu(nan) and relu'(nan) are NaN (PyTorch: relu'(nan) = 1).
        """
        # A conditional expression evaluates only the branch it takes, so the branch for
        # x <= 0 (say expm1(x) in ELU) never runs, and never overflows, for a large x.
        # The second test costs nothing for x > 0, and one comparison for x <= 0.
        yes, no = (source(b() if callable(b) else b) for b in (positive, otherwise))
        condition = source(x)
        return Expr(f"({yes} if {condition} > 0.0 else {no} if {condition} <= 0.0 else nan)")

    def maximum(self, x: Expr | Number, y: Expr | Number) -> Expr:
        """The larger of x and y; NaN if either is NaN."""
        return Expr(f"_maximum({source(x)}, {source(y)})")

    def compare(self, x: Expr | Number, y: Expr | Number) -> Expr:
        """1.0 where x > y, -1.0 where x < y, 0.0 where x == y, NaN if either is NaN."""
        return Expr(f"_compare({source(x)}, {source(y)})")

    def positive(self, alpha: Expr, value: Expr | Number) -> Expr:
        """``value``, and a domain error (``ValueError``) where alpha <= 0.

        A NaN alpha is no domain error: it reaches the result only through ``value``.
        An op whose parameter must be positive (ELU's alpha) wraps its forward formula in
        this, whatever branch the input takes.
        """
        return Expr(f"_positive({source(alpha)}, {source(value)})")


SOURCE_SPACE = SourceSpace()


class NumpySourceSpace(SourceSpace):
    """The math space that writes source for numpy arrays (a batch of samples at once).

    The same helper names are bound to numpy functions (:func:`numpy_globals`); only
    ``select`` differs: a conditional expression cannot branch per element, so it becomes
    ``_select`` (two ``numpy.where``), which evaluates both branches (the caller silences
    their warnings), and ``positive`` marks a bad alpha with NaN for the caller to find.
    """

    def select(self, x: Expr, positive: Branch, otherwise: Branch) -> Expr:
        """``positive`` where x > 0, ``otherwise`` where x <= 0, NaN where x is NaN."""
        yes, no = (source(b() if callable(b) else b) for b in (positive, otherwise))
        return Expr(f"_select({source(x)}, {yes}, {no})")


NUMPY_SOURCE_SPACE = NumpySourceSpace()


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


def _maximum(x: float, y: float) -> float:
    # Python's max(1.0, nan) is 1.0 (the comparison is False): NaN must win, either side.
    return x if x > y else y if x <= y else math.nan


def _compare(x: float, y: float) -> float:
    # Comparisons, not sign(x - y): inf - inf is NaN, yet inf == inf is a tie.
    return 1.0 if x > y else -1.0 if x < y else 0.0 if x == y else math.nan


def _positive(alpha: float, value: float) -> float:
    if alpha <= 0.0:  # not for nan: a NaN alpha reaches the result only through value
        raise ValueError("alpha must be > 0")
    return value


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


FLOAT_GLOBALS: dict[str, Any] = {
    # The few builtins kernels use; the loops of variadic ops need the last five.
    "__builtins__": {"abs": abs, "iter": iter, "zip": zip, "sum": sum, "tuple": tuple},
    "inf": math.inf,
    "nan": math.nan,
    "_exp": _exp,
    "_expm1": _expm1,
    "_log": math.log,
    "_sqrt": math.sqrt,
    "_tanh": math.tanh,
    "_sigmoid": _sigmoid,
    "_softplus": _softplus,
    "_sign": _sign,
    "_pow": _pow,
    "_maximum": _maximum,
    "_compare": _compare,
    "_positive": _positive,
}


def numpy_globals() -> dict[str, Any]:
    """The helpers of :class:`NumpySourceSpace` source, bound to numpy (imported here)."""
    import numpy as np  # noqa: PLC0415 - the engine itself needs only the standard library

    def sigmoid(x: Any) -> Any:
        # sigmoid(x) = exp(-softplus(-x)): no overflow, full relative precision in both tails.
        return np.exp(-np.logaddexp(0.0, -x))

    def select(x: Any, positive: Any, otherwise: Any) -> Any:
        # NaN is neither > 0 nor <= 0: the third case keeps it (x itself), as in the float
        # kernels' conditional expression.
        return np.where(x > 0.0, positive, np.where(x <= 0.0, otherwise, x))

    def positive(alpha: Any, value: Any) -> Any:
        # alpha <= 0 becomes NaN: the replay's check finds the sample and the engine's
        # kernels raise the domain error for it.
        return np.where(alpha <= 0.0, math.nan, value)

    def power(x: Any, y: Any) -> Any:
        # NaN wherever the float kernel raises (a negative base with a finite non-integer
        # exponent, 0 to a negative power), so the replay's check finds the sample and
        # the engine's kernels raise its error. numpy alone answers some of these with a
        # number: (-inf) ** -0.5 is 0.0, and (-inf) ** 0.5 is inf or NaN depending on
        # whether the exponent is an array or a number (sqrt's fast path).
        result = np.power(x, y)
        bad = ((x < 0.0) & np.isfinite(y) & (np.floor(y) != y)) | ((x == 0.0) & (y < 0.0))
        if not np.any(bad):
            return result
        marked = np.where(bad, math.nan, result)
        return marked[()] if marked.ndim == 0 else marked

    def compare(x: Any, y: Any) -> Any:
        # Comparisons, not sign(x - y): inf - inf is NaN, yet inf == inf is a tie.
        equal = np.where(x == y, 0.0, math.nan)
        return np.where(x > y, 1.0, np.where(x < y, -1.0, equal))

    return {
        "__builtins__": {"abs": abs},
        "inf": math.inf,
        "nan": math.nan,
        "_exp": np.exp,
        "_expm1": np.expm1,
        "_log": np.log,
        "_sqrt": np.sqrt,
        "_tanh": np.tanh,
        "_sigmoid": sigmoid,
        "_softplus": lambda x: np.logaddexp(0.0, x),
        "_sign": np.sign,
        "_pow": power,
        "_select": select,
        "_maximum": np.maximum,  # NaN if either is NaN
        "_compare": compare,
        "_positive": positive,
    }


def compile_function(
    name: str, params: list[str], body: str, setup: str = ""
) -> tuple[Callable[..., Any], str]:
    """Compile ``def name(params): [setup;] return body`` against :data:`FLOAT_GLOBALS`.

    The body comes from the op table (our own formulas), never from user text.
    """
    first = f"    {setup}\n" if setup else ""
    text = f"def {name}({', '.join(params)}):\n{first}    return {body}\n"
    namespace: dict[str, Any] = {}
    exec(compile(text, f"<chainrule kernel {name}>", "exec"), FLOAT_GLOBALS, namespace)  # noqa: S102
    return namespace[name], text
