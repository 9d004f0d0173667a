"""Compare the engine's gradients with central finite differences."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from autograd.engine import grad
from autograd.value import Value, no_grad


class GradcheckError(AssertionError):
    """Analytic and numeric gradients disagree; the message lists both for every input."""


def _evaluate(fn: Callable[..., Value], values: list[Value]) -> Value:
    result = fn(*values)
    if not isinstance(result, Value):
        raise TypeError(f"gradcheck: the function must return a Value, got {type(result).__name__}")
    return result


def gradcheck(
    fn: Callable[..., Value],
    inputs: Sequence[Value | float],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
) -> bool:
    """Check ``fn``'s gradients against central differences (f(x+eps) - f(x-eps)) / 2eps.

    ``fn`` takes one Value per input and returns a Value. Each input passes when
    ``|analytic - numeric| <= atol + rtol * |numeric|``. A function that breaks the graph,
    for instance by multiplying by ``x.data`` instead of ``x``, fails.

    Returns:
        True when every input passes.

    Raises:
        GradcheckError: listing each input's analytic and numeric gradient.

    Example:
        >>> gradcheck(lambda x, y: (x * y).tanh(), [0.5, -1.5])
        True
    """
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
        with no_grad():
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
    return True
