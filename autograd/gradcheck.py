"""Compare the engine's gradients with central finite differences."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from autograd.coercion import as_number, real
from autograd.engine import grad
from autograd.value import Value


class GradcheckError(AssertionError):
    """Analytic and numeric gradients disagree; the message lists both for every input."""


def _evaluate(fn: Callable[..., Value], values: list[Value]) -> Value:
    result = fn(*values)
    if not isinstance(result, Value):
        raise TypeError(f"gradcheck: the function must return a Value, got {type(result).__name__}")
    return result


def gradcheck(  # noqa: PLR0913 - the tolerances keep PyTorch's names and order
    fn: Callable[..., Value],
    inputs: Sequence[Value | float],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    *,
    order: int = 1,
) -> bool:
    """Check ``fn``'s gradients against central differences (f(x+eps) - f(x-eps)) / 2eps.

    ``fn`` takes one Value per input and returns a Value. Each input passes when
    ``|analytic - numeric| <= atol + rtol * |numeric|``. A function that breaks the graph,
    for instance by multiplying by ``x.data`` instead of ``x``, fails.

    With ``order=2`` (or more), each gradient computed with ``grad(create_graph=True)`` is
    checked the same way in turn, which tests second (and higher) derivatives.

    Returns:
        True when every input passes.

    Raises:
        GradcheckError: listing each input's analytic and numeric gradient.

    Example:
        >>> gradcheck(lambda x, y: (x * y).tanh(), [0.5, -1.5], order=2)
        True
    """
    _check_arguments(inputs, {"eps": eps, "atol": atol, "rtol": rtol}, order)
    names = _check_first_order(fn, inputs, eps, atol, rtol)
    for i, name in enumerate(names if order > 1 else []):

        def derivative(*values: Value, i: int = i) -> Value:
            return grad(_evaluate(fn, list(values)), values[i], create_graph=True)

        try:
            gradcheck(derivative, inputs, eps, atol, rtol, order=order - 1)
        except GradcheckError as error:
            raise GradcheckError(f"in the derivative with respect to {name}: {error}") from None
    return True


def _check_arguments(inputs: Any, tolerances: dict[str, Any], order: Any) -> None:
    """Each argument, before ``fn`` runs: named, not a false mismatch (NaN) or a crash."""
    if isinstance(order, bool) or not isinstance(order, int):
        raise TypeError(f"gradcheck(order): expected an int >= 1, got {type(order).__name__}")
    if order < 1:
        raise ValueError(f"gradcheck(order): order must be at least 1, got {order}")
    for name, value in tolerances.items():
        real("gradcheck", name, value, "> 0" if name == "eps" else ">= 0")
    if isinstance(inputs, str | bytes) or not isinstance(inputs, Sequence):
        raise TypeError(f"gradcheck(inputs): expected a sequence, got {type(inputs).__name__}")
    for index, v in enumerate(inputs):
        number = v.data if isinstance(v, Value) else None if isinstance(v, bool) else as_number(v)
        if number is None:
            raise TypeError(
                f"gradcheck(inputs): item {index} must be a number or a Value, "
                f"got {type(v).__name__}: {v!r:.40}"
            )
        if not math.isfinite(number):
            raise ValueError(f"gradcheck(inputs): item {index} is {number!r}; needs a finite point")


def _check_first_order(
    fn: Callable[..., Value],
    inputs: Sequence[Value | float],
    eps: float,
    atol: float,
    rtol: float,
) -> list[str]:
    points = [float(v.data) if isinstance(v, Value) else float(v) for v in inputs]
    names = [
        (v.label if isinstance(v, Value) and v.label else f"input {i}")
        for i, v in enumerate(inputs)
    ]
    leaves = [Value(x) for x in points]
    analytic = grad(_evaluate(fn, leaves), leaves)
    rows = []
    failed = False
    for i, (name, derivative) in enumerate(zip(names, analytic, strict=True)):
        # Recorded, not under no_grad: for order > 1, fn itself differentiates its inputs.
        shifted = [Value(x + eps if j == i else x) for j, x in enumerate(points)]
        upper = _evaluate(fn, shifted).data
        shifted[i] = Value(points[i] - eps)
        lower = _evaluate(fn, shifted).data
        numeric = (upper - lower) / (2.0 * eps)
        ok = abs(derivative - numeric) <= atol + rtol * abs(numeric)
        failed |= not ok
        mark = "ok" if ok else "MISMATCH"
        rows.append(
            f"  {name} = {points[i]!r}: analytic {derivative!r}, numeric {numeric!r} {mark}"
        )
    if failed:
        raise GradcheckError("gradcheck: gradients disagree\n" + "\n".join(rows))
    return names
