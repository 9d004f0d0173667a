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


def logsumexp(values: Iterable[Value | float]) -> Value:
    """log(sum(exp(v))) without overflow.

    The largest input is subtracted first as a plain number: the result's gradient does
    not depend on that shift, so it needs no node, and no exp sees a positive argument.

    Example:
        >>> round(logsumexp([Value(1000.0), Value(1000.0)]).data, 6)
        1000.693147
    """
    items = _values("logsumexp", values)
    shift = max(v.data for v in items)
    if not math.isfinite(shift):
        shift = 0.0
    return _sum([(v - shift).exp() for v in items]).log() + shift


def log_softmax(values: Iterable[Value | float]) -> list[Value]:
    """V - logsumexp(values) for each v: log-probabilities, stable for large inputs.

    Example:
        >>> [round(p.data, 4) for p in log_softmax([0.0, 0.0])]
        [-0.6931, -0.6931]
    """
    items = _values("log_softmax", values)
    total = logsumexp(items)
    return [v - total for v in items]


def softmax(values: Iterable[Value | float]) -> list[Value]:
    """exp(v) / sum(exp(values)) for each v: probabilities summing to 1, without overflow.

    Example:
        >>> [round(p.data, 4) for p in softmax([1.0, 2.0, 3.0])]
        [0.09, 0.2447, 0.6652]
    """
    return [v.exp() for v in log_softmax(values)]
