"""Argument checks shared by ``nn``: each names the function and argument it rejects.

Every public ``nn`` entry point checks its arguments with these before it changes anything.
A check is a function ``check(function, name, value)`` that returns the value in the form the
code uses (a float, an int, a bool) or raises a ``TypeError`` (wrong type) or a ``ValueError``
(right type, wrong value) whose message starts with ``function(name):``. Functions with many
options list them in a table (``{name: check}``) and run :func:`each` over it, so one place
says what every option accepts.
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

Check = Callable[[str, str, Any], Any]


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
    try:
        number = float(value)
    except OverflowError:  # an int beyond the float range
        raise ValueError(f"{function}({name}): {value!r:.40} is too large for a float") from None
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


def flag(function: str, name: str, value: object) -> bool:
    """A bool (numpy's included): ``progress="no"`` would otherwise read as True.

    Ints are refused, even 0 and 1, as scikit-learn's ``"boolean"`` constraint and
    PyTorch's ``requires_grad`` do; ``autograd``'s own flags follow the same rule.

    Example:
        >>> flag("fit", "progress", "no")
        Traceback (most recent call last):
        ...
        TypeError: fit(progress): expected True or False, got str: 'no'
    """
    if not isinstance(value, bool | np.bool_):
        raise TypeError(
            f"{function}({name}): expected True or False, got {type(value).__name__}: {value!r:.40}"
        )
    return bool(value)


def seed(function: str, name: str, value: object) -> int | None:
    """None or an int >= 0 (a negative seed is refused: ``random`` would read -1 as 1).

    Example:
        >>> seed("fit", "seed", -1)
        Traceback (most recent call last):
        ...
        ValueError: fit(seed): expected None or an int >= 0, got -1
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{function}({name}): expected None or an int >= 0, got {type(value).__name__}: "
            f"{value!r:.40}"
        )
    if value < 0:
        raise ValueError(f"{function}({name}): expected None or an int >= 0, got {value}")
    return int(value)


def text(function: str, name: str, value: object) -> str:
    """A str."""
    if not isinstance(value, str):
        raise TypeError(f"{function}({name}): expected a str, got {type(value).__name__}")
    return value


def one_of(*options: object) -> Check:
    """A check accepting exactly ``options`` (compared by type and value, so 1 is not True).

    Example:
        >>> one_of(None, "linear")("fit", "lr_decay", "Linear")
        Traceback (most recent call last):
        ...
        ValueError: fit(lr_decay): expected one of None, 'linear', got 'Linear'
    """

    def check(function: str, name: str, value: object) -> object:
        for option in options:
            if type(value) is type(option) and value == option:
                return value
        shown = ", ".join(repr(o) for o in options)
        raise ValueError(f"{function}({name}): expected one of {shown}, got {value!r:.60}")

    return check


def optional(check: Check) -> Check:
    """``check``, or None.

    Example:
        >>> optional(count)("fit", "batch_size", None) is None
        True
    """

    def checked(function: str, name: str, value: object) -> Any:
        return None if value is None else check(function, name, value)

    return checked


def below_one(function: str, name: str, value: object) -> float:
    """A float in [0, 1): a share of the samples that leaves some."""
    number = real(function, name, value)
    if not 0.0 <= number < 1.0:
        raise ValueError(f"{function}({name}): expected 0 <= {name} < 1, got {number}")
    return number


def path(function: str, name: str, value: object) -> Path:
    """A file path: a str or an ``os.PathLike`` (not bytes, not empty, no NUL byte).

    Example:
        >>> path("save", "path", 3)
        Traceback (most recent call last):
        ...
        TypeError: save(path): expected a str or a pathlib.Path, got int
    """
    if not isinstance(value, str | os.PathLike):
        raise TypeError(
            f"{function}({name}): expected a str or a pathlib.Path, got {type(value).__name__}"
        )
    spelled = os.fspath(value)
    if not isinstance(spelled, str):
        raise TypeError(f"{function}({name}): expected a text path, got {type(spelled).__name__}")
    if not spelled or "\0" in spelled:
        raise ValueError(f"{function}({name}): not a usable path: {spelled!r:.80}")
    return Path(spelled)


def numbers_array(function: str, name: str, value: object) -> np.ndarray:
    """``value`` as a float64 array of finite numbers (any shape), or a clear error.

    Strings, ragged lists and objects are refused rather than converted: ``["1", "2"]``
    would otherwise become numbers silently.
    """
    if isinstance(value, str | bytes):
        raise TypeError(f"{function}({name}): expected numbers, got {type(value).__name__}")
    try:
        array = np.asarray(value)
    except ValueError:  # ragged nested lists
        raise ValueError(
            f"{function}({name}): expected rows of equal length, got rows of different lengths"
        ) from None
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"{function}({name}): expected numbers, got elements of dtype {array.dtype}"
        )
    array = array.astype(np.float64)
    if not np.isfinite(array).all():
        raise ValueError(f"{function}({name}): expected finite numbers, found nan or inf")
    return array


def samples(function: str, name: str, value: object) -> list[list[float]]:
    """Samples as a list of float rows: a non-empty 2-D array, or 1-D for one feature."""
    array = numbers_array(function, name, value)
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2 or array.shape[0] == 0 or array.shape[1] == 0:
        raise ValueError(
            f"{function}({name}): expected a non-empty 2-D array of samples, "
            f"got shape {array.shape}"
        )
    return array.tolist()


def each(function: str, table: Mapping[str, Check], values: Mapping[str, Any]) -> dict[str, Any]:
    """Run the check of ``table`` on each of ``values``; the checked values by name.

    Example:
        >>> each("fit", {"epochs": count, "l2": non_negative}, {"epochs": 3, "l2": 0})
        {'epochs': 3, 'l2': 0.0}
    """
    return {name: table[name](function, name, value) for name, value in values.items()}
