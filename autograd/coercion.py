"""Numbers in and out: what counts as a real number, and a Value where Python wants one.

:func:`as_number` turns a user's number into a float; :class:`NumberLike` makes a Value
act as a number (``float(v)``, ``f"{v:.3f}"``, ``v < 0``, ``math.exp(v)``).
"""

from __future__ import annotations

import math
import numbers
import operator
from collections.abc import Callable
from typing import Any

from autograd.branches import branch

# Ints this size convert to float without rounding or overflow.
_EXACT_INT = 2**53


def as_number(x: Any, where: str = "as_number") -> float | None:
    """``x`` as a float if it is a real number (int, bool, fraction, numpy scalar), else None.

    A 0-d numpy array is its number; an array of one or more dimensions is a ``TypeError``
    naming ``where`` and the shape (a Value is a scalar: no broadcasting).

    A number too large for a float (a huge int, a numpy longdouble past the range) is a
    ``ValueError`` naming ``where`` (the function and argument): it would otherwise become
    inf, or raise deep inside an op. An infinite ``x`` itself is fine.

    Example:
        >>> as_number(3), as_number("3"), as_number(float("inf"))
        (3.0, None, inf)
    """
    if type(x) is float:
        return x
    if type(x) is int and -_EXACT_INT <= x <= _EXACT_INT:  # `sum()`'s 0, `x / 2`: no ABC check
        return float(x)
    if isinstance(x, numbers.Real):  # int, bool, fractions, numpy integer and float scalars
        try:
            number = float(x)
        except OverflowError:
            number = math.inf
        if number in (math.inf, -math.inf) and abs(x) != math.inf:
            raise ValueError(f"{where}: {type(x).__name__} {x!r:.40} is too large for a float")
        return number
    if is_array(x):
        if x.shape == ():  # a 0-d array holds one number, as a numpy scalar does
            item = x[()]
            return None if item is x else as_number(item, where)
        raise TypeError(
            f"{where}: got a numpy.ndarray of shape {x.shape}, but a Value is one number "
            "(use one Value per element)"
        )
    return None


def is_array(x: Any) -> bool:
    """Whether ``x`` is a numpy array of any shape (not a numpy scalar), without numpy.

    Example:
        >>> import numpy as np
        >>> is_array(np.array(1.0)), is_array(np.float64(1.0)), is_array([1.0])
        (True, False, False)
    """
    return any(c.__name__ == "ndarray" and c.__module__ == "numpy" for c in type(x).__mro__)


def flag(function: str, name: str, value: Any) -> bool:
    """``value`` if it is a bool (numpy's too), else a TypeError naming ``function(name)``.

    The one check of every public yes/no argument of ``autograd`` and ``nn``: a truthy
    ``"no"`` or ``None`` would otherwise pass as True or False. Ints are refused too, even 0
    and 1, as scikit-learn's ``"boolean"`` and PyTorch's ``requires_grad`` refuse them.

    Example:
        >>> flag("compile", "verify", "no")
        Traceback (most recent call last):
        ...
        TypeError: compile(verify): expected True or False, got str: 'no'
    """
    if value is True or value is False:
        return value  # type: ignore[no-any-return]
    kind = type(value)
    if kind.__name__ in ("bool", "bool_") and kind.__module__ == "numpy":
        return bool(value)
    raise TypeError(
        f"{function}({name}): expected True or False, got {kind.__name__}: {value!r:.40}"
    )


def real(function: str, name: str, value: Any, sign: str = "") -> float:
    """``value`` as a finite float, or an error naming ``function(name)``; bools are refused.

    ``sign`` is ``">= 0"`` or ``"> 0"`` to refuse negatives (and 0) too.

    Example:
        >>> real("gradcheck", "eps", 0.0, "> 0")
        Traceback (most recent call last):
        ...
        ValueError: gradcheck(eps): expected a finite number > 0, got 0.0
    """
    number = None if isinstance(value, bool) else as_number(value, f"{function}({name})")
    if number is None:
        raise TypeError(f"{function}({name}): expected a real number, got {type(value).__name__}")
    if not math.isfinite(number) or number < 0 < len(sign) or (sign == "> 0" and number == 0):
        wanted = f" {sign}" if sign else ""
        raise ValueError(f"{function}({name}): expected a finite number{wanted}, got {value!r}")
    return number


def _comparison(name: str, compare: Callable[[float, float], bool]) -> Callable[..., Any]:
    def method(self: NumberLike, other: Any) -> Any:
        if isinstance(other, NumberLike):  # a Value
            number: float | None = other.data
        else:
            number = other if type(other) is float else as_number(other, f"Value.{name}")
            if number is None:
                return NotImplemented
        return branch(compare(self.data, number))

    method.__name__ = method.__qualname__ = name
    method.__doc__ = (
        f"Compare ``.data`` with a Value's or a number's (``{name}``): a plain ``bool``."
    )
    return method


class NumberLike:
    """A Value where Python expects a number: comparisons, ``bool``, ``float``, rounding.

    Every method reads ``.data``; a comparison gives a plain ``bool`` (a branch has no
    gradient) and is recorded while ``compile`` traces (:mod:`autograd.branches`).
    """

    __slots__ = ()
    data: float

    # Comparisons give a bool from .data (a branch has no gradient); == and hash stay by
    # identity, since Values are dict keys and set members all through the engine.
    __lt__ = _comparison("__lt__", operator.lt)
    __le__ = _comparison("__le__", operator.le)
    __gt__ = _comparison("__gt__", operator.gt)
    __ge__ = _comparison("__ge__", operator.ge)
    __hash__ = object.__hash__

    def __bool__(self) -> bool:
        """``data != 0``, as a 0-dim tensor (recorded as a branch while ``compile`` traces)."""
        return branch(self.data != 0.0)

    def __float__(self) -> float:
        """``.data``: ``float(v)``, and ``math.exp(v)``, ``math.isfinite(v)`` and friends."""
        return self.data

    def __int__(self) -> int:
        """``int(.data)``, truncated towards 0."""
        return int(self.data)

    def __trunc__(self) -> int:
        return math.trunc(self.data)

    def __floor__(self) -> int:
        return math.floor(self.data)

    def __ceil__(self) -> int:
        return math.ceil(self.data)

    def __round__(self, ndigits: int | None = None) -> float | int:
        """``round(.data, ndigits)``: an int without ``ndigits``, a float with it."""
        return round(self.data) if ndigits is None else round(self.data, ndigits)

    def __format__(self, spec: str) -> str:
        """``f"{v:.4f}"`` formats ``.data``; an empty spec gives ``str(v)``.

        Example:
            >>> from autograd import Value
            >>> v = Value(0.70710678, "o")
            >>> f"{v:.4f}", round(v, 2), float(v), v > 0.5
            ('0.7071', 0.71, 0.70710678, True)
        """
        return str(self) if not spec else format(self.data, spec)
