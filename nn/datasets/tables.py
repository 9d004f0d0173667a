"""Exact truth tables: the logic gates and the source articles' umbrella table.

They are int64 arrays of 0/1 in truth-table order, inputs counting up in binary.

Example:
    >>> logic_gate_table("and")[1].tolist()
    [0, 0, 0, 1]
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["GATE_NAMES", "logic_gate_table", "umbrella"]

_TWO_INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.int64)

_GATE_OUTPUTS: dict[str, list[int]] = {
    "and": [0, 0, 0, 1],
    "or": [0, 1, 1, 1],
    "nand": [1, 1, 1, 0],
    "nor": [1, 0, 0, 0],
    "xor": [0, 1, 1, 0],
    "not": [1, 0],
}

#: The gate names :func:`logic_gate_table` knows.
GATE_NAMES: tuple[str, ...] = tuple(_GATE_OUTPUTS)


def logic_gate_table(name: str) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The truth table of a logic gate as ``(X, y)`` int64 arrays of 0/1.

    Rows are in truth-table order, ``(0, 0), (0, 1), (1, 0), (1, 1)``; ``"not"`` has one
    input, so its ``X`` is ``[[0], [1]]``.

    Args:
        name: one of ``"and"``, ``"or"``, ``"nand"``, ``"nor"``, ``"xor"``, ``"not"``
            (case-insensitive).

    Returns:
        ``(X, y)`` with ``X`` of shape ``(4, 2)`` (``(2, 1)`` for NOT) and ``y`` the outputs.

    Raises:
        TypeError: ``name`` is not a str.
        ValueError: an unknown gate; the message lists the known ones.

    Example:
        >>> X, y = logic_gate_table("xor")
        >>> X.tolist(), y.tolist()
        ([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0])
    """
    if not isinstance(name, str):
        raise TypeError(f"logic_gate_table(name): expected a str, got {type(name).__name__}")
    key = name.strip().lower()
    if key not in _GATE_OUTPUTS:
        raise ValueError(
            f"logic_gate_table(name): unknown gate {name!r}; expected one of "
            f"{', '.join(GATE_NAMES)}"
        )
    inputs = np.array([[0], [1]], dtype=np.int64) if key == "not" else _TWO_INPUTS.copy()
    return inputs, np.array(_GATE_OUTPUTS[key], dtype=np.int64)


def umbrella() -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The source articles' "do I need an umbrella?" table.

    ``x1`` = it is raining, ``x2`` = I have a car; take an umbrella only when it rains and
    there is no car: ``y = x1 AND NOT x2``. Unlike XOR it is linearly separable, so a single
    perceptron learns it.

    Returns:
        ``(X, y)`` int64 arrays: ``X`` of shape ``(4, 2)`` in truth-table order, ``y`` 0/1.

    Example:
        >>> X, y = umbrella()
        >>> X.tolist(), y.tolist()
        ([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 0, 1, 0])
    """
    return _TWO_INPUTS.copy(), np.array([0, 0, 1, 0], dtype=np.int64)
