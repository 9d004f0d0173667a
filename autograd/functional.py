"""Functions over lists of Values, composed from the primitives so gradients come for free."""

from __future__ import annotations

import math
from collections.abc import Iterable

from autograd.value import Value


def _values(name: str, values: Iterable[Value | float]) -> list[Value]:
    items = [v if isinstance(v, Value) else Value(v) for v in values]
    if not items:
        raise ValueError(f"{name}: needs at least one value, got an empty sequence")
    return items


def _sum(items: list[Value]) -> Value:
    total = items[0]
    for item in items[1:]:
        total = total + item
    return total


def _shifted(name: str, values: Iterable[Value | float]) -> tuple[list[Value], Value, float]:
    """``(v - shift for v)``, ``log(sum(exp(v - shift)))`` and ``shift = max(v)``.

    The largest input is subtracted as a plain number: no exp sees a positive argument, and
    the results' gradients do not depend on the shift, so it needs no node.
    """
    items = _values(name, values)
    shift = max(v.data for v in items)
    if not math.isfinite(shift):
        shift = 0.0
    shifted = [v - shift for v in items]
    return shifted, _sum([s.exp() for s in shifted]).log(), shift


def logsumexp(values: Iterable[Value | float]) -> Value:
    """The log of the sum of the exps of ``values``, without overflow.

    Example:
        >>> round(logsumexp([Value(1000.0), Value(1000.0)]).data, 6)
        1000.693147
    """
    _, log_total, shift = _shifted("logsumexp", values)
    return log_total + shift


def log_softmax(values: Iterable[Value | float]) -> list[Value]:
    """Log-probabilities ``v - logsumexp(values)`` for each v, stable for large inputs.

    Computed as (v - max) - log(sum(exp(v - max))), which keeps full precision even
    when the inputs are large (1e10 + small differences).

    Example:
        >>> [round(p.data, 4) for p in log_softmax([0.0, 0.0])]
        [-0.6931, -0.6931]
    """
    return _log_softmax("log_softmax", values)


def _log_softmax(name: str, values: Iterable[Value | float]) -> list[Value]:
    shifted, log_total, _ = _shifted(name, values)
    return [s - log_total for s in shifted]


def softmax(values: Iterable[Value | float]) -> list[Value]:
    """Probabilities ``exp(v) / sum(exp(values))`` for each v, without overflow.

    Example:
        >>> [round(p.data, 4) for p in softmax([1.0, 2.0, 3.0])]
        [0.09, 0.2447, 0.6652]
    """
    return [v.exp() for v in _log_softmax("softmax", values)]
