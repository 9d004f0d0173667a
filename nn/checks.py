"""Argument checks shared by ``nn``: each names the function and argument it rejects."""

from __future__ import annotations

import math
import numbers


def real(function: str, name: str, value: object) -> float:
    """``value`` as a finite float, or a ``TypeError`` / ``ValueError`` naming ``function(name)``.

    Example:
        >>> real("SGD", "lr", 1)
        1.0
    """
    # bool is a numbers.Real, but lr=True or a weight of False is almost surely a slip.
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{function}({name}): expected a real number, got {type(value).__name__}: {value!r:.60}"
        )
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{function}({name}): expected a finite number, got {number}")
    return number


def positive(function: str, name: str, value: object) -> float:
    """A finite float > 0."""
    number = real(function, name, value)
    if number <= 0.0:
        raise ValueError(f"{function}({name}): expected a number > 0, got {number}")
    return number


def non_negative(function: str, name: str, value: object) -> float:
    """A finite float >= 0."""
    number = real(function, name, value)
    if number < 0.0:
        raise ValueError(f"{function}({name}): expected a number >= 0, got {number}")
    return number


def fraction(function: str, name: str, value: object) -> float:
    """A decay rate in [0, 1): at 1 a running average would never forget its start."""
    number = real(function, name, value)
    if not 0.0 <= number < 1.0:
        raise ValueError(f"{function}({name}): expected 0 <= {name} < 1, got {number}")
    return number


def count(function: str, name: str, value: object, minimum: int = 1) -> int:
    """An int (numpy ints included, bools not) >= ``minimum``.

    Example:
        >>> count("make_moons", "n_samples", 0)
        Traceback (most recent call last):
        ...
        ValueError: make_moons(n_samples): expected an int >= 1, got 0
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{function}({name}): expected an int, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{function}({name}): expected an int >= {minimum}, got {value}")
    return int(value)
