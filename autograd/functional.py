"""Functions over lists of Values, composed from the primitives so gradients come for free."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from itertools import repeat

from autograd.branches import tracing
from autograd.coercion import as_number
from autograd.context import scope
from autograd.ops import DOT, SUM
from autograd.value import Constant, Value, variadic_node


def _values(name: str, values: Iterable[Value | float]) -> list[Value]:
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise TypeError(
            f"{name}: expected an iterable of Values or numbers, got {type(values).__name__}"
        )
    given = list(values)
    if given and all(map(isinstance, given, repeat(Value))):  # checked in C: the common case
        return given
    items = []
    for index, v in enumerate(given):
        if not isinstance(v, Value):
            number = None if isinstance(v, bool) else as_number(v, f"{name}(item {index})")
            if number is None:
                raise TypeError(
                    f"{name}: item {index} must be a Value or a number, "
                    f"got {type(v).__name__}: {v!r:.40}"
                )
            v = Constant(number)  # noqa: PLW2901 - the item, as a leaf
        items.append(v)
    if not items:
        raise ValueError(f"{name}: needs at least one value, got an empty sequence")
    return items


def total(values: Iterable[Value | float]) -> Value:
    """The sum of ``values`` as one ``sum`` node (numbers become leaves, as in ``apply``).

    Python's ``sum()`` also works on Values, but builds a chain of n - 1 additions;
    this is one node with n parents, faster to build and to draw.

    Example:
        >>> s = total([Value(1.0), Value(2.0), 3.0])
        >>> s.data, s.op.name, len(s.parents)
        (6.0, 'sum', 3)
    """
    return variadic_node(SUM, tuple(_values("total", values)))


def dot(weights: Sequence[Value | float], inputs: Sequence[Value | float]) -> Value:
    """The weighted sum ``w0*x0 + w1*x1 + ...`` as one ``dot`` node (numbers become leaves).

    Its parents are ``w0, x0, w1, x1, ...``: a neuron's weighted sum drawn and
    differentiated as one node.

    Example:
        >>> w, x = [Value(0.5), Value(-1.0)], [2.0, 3.0]
        >>> z = dot(w, x)
        >>> z.backward()
        >>> z.data, [wi.grad for wi in w]
        (-2.0, [2.0, 3.0])
    """
    w, x = _values("dot", weights), _values("dot", inputs)
    if len(w) != len(x):
        raise ValueError(f"dot: {len(w)} weights but {len(x)} inputs")
    # w0, x0, w1, ...: interleaved in C, no second check (both are checked Values already).
    pairs: list[Value] = w + x
    pairs[0::2], pairs[1::2] = w, x
    return variadic_node(DOT, tuple(pairs))


def _maximum(name: str, items: list[Value]) -> Value:
    """The largest of ``items``: a balanced tree of ``max`` nodes, in a scope of its own.

    A tree is log2(n) levels deep, not n - 1; the scope ``name/shift`` lets a drawing
    fold it into one box (a model's default drawing stays as wide as before the shift
    had nodes), and the explorer open it.
    """
    with scope(name), scope("shift"):
        level = items
        while len(level) > 1:
            pairs = [a.maximum(b) for a, b in zip(level[::2], level[1::2], strict=False)]
            level = pairs + level[len(pairs) * 2 :]
    return level[0]


def _shifted(
    name: str, values: Iterable[Value | float]
) -> tuple[list[Value], Value, Value | float]:
    """``(v - shift for v)``, ``log(sum(exp(v - shift)))`` and ``shift = max(v)``.

    The largest input is subtracted so that no exp sees a positive argument. The shift is
    a tree of ``max`` nodes, not a number read at build time: a compiled replay computes
    it per call (per sample), so data far from the traced point cannot overflow. The
    results' gradients through the shift cancel (up to rounding).
    """
    items = _values(name, values)
    # A trace records the graph of finite inputs whatever its numbers (a replay of this
    # eager branch was wrong at every other sample); a replay then gives NaN at these.
    eager = not tracing()
    if eager and all(v.data == -math.inf for v in items):
        # Every exp is 0 and log(0) is a domain error. logsumexp is -inf (PyTorch's
        # answer), here the mean of the inputs, whose gradient, 1/n each, is the limit
        # for equal inputs; log_softmax and softmax are then -inf - -inf: NaN (PyTorch's).
        return items, total(items) / len(items), 0.0
    if eager and any(not math.isfinite(v.data) and v.data != -math.inf for v in items):
        # +inf (logsumexp is +inf, where inf - inf would be NaN) or NaN (NaN): no shift.
        shift: Value | float = 0.0
    else:
        shift = _maximum(name, items)
    shifted = [v - shift for v in items]
    return shifted, total([s.exp() for s in shifted]).log(), shift


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
