"""Loss functions: lists of predictions and targets in, the mean loss out as a ``Value``.

Each gives the same number as PyTorch's function of the same name with its default
``reduction="mean"``; :func:`perceptron_criterion` also takes ``reduction="sum"`` (the
source articles' form). A single prediction (not in a list) is accepted too.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

from autograd import Value, dot, log_softmax, total
from nn import checks

Prediction = Value | float

# PyTorch clamps each log in binary_cross_entropy to >= -100, so a probability of exactly
# 0 or 1 gives a large finite loss instead of inf. Here the clamp is a graph op,
# log(max(p, e^-100)) (log(e^-100) is exactly -100.0 in floats), never a test of p.data:
# a compiled replay then clamps per sample instead of freezing the traced sample's branch.
_LOG_FLOOR = -100.0
_SMALLEST_LOGGED = math.exp(_LOG_FLOOR)

# Every check below names the loss and its argument, and shows the value it refuses:
# ``cross_entropy(target): expected a class index in [0, 3), got nan``. A target that is
# a Value is a traced input of autograd.compile (fit(compiled=True)): not checked here.


def _pairs(
    name: str, predictions: Any, targets: Any, argument: str = "predictions"
) -> tuple[list[Any], list[Any]]:
    if isinstance(predictions, Value | numbers.Real):
        predictions = [predictions]
    if isinstance(targets, numbers.Real) or (hasattr(targets, "ndim") and targets.ndim == 0):
        targets = [targets]
    try:
        predictions, targets = list(predictions), list(targets)
    except TypeError:
        raise TypeError(
            f"{name}({argument}, targets): expected sequences, got "
            f"{type(predictions).__name__} and {type(targets).__name__}"
        ) from None
    if not predictions:
        raise ValueError(f"{name}({argument}): needs at least one prediction")
    if len(predictions) != len(targets):
        raise ValueError(
            f"{name}(targets): {len(predictions)} predictions but {len(targets)} targets"
        )
    return predictions, targets


def _as_value(x: Prediction, name: str = "loss", argument: str = "predictions") -> Value:
    if isinstance(x, Value):
        return x
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(
            f"{name}({argument}): expected Values or numbers, got {type(x).__name__}: {x!r:.40}"
        )
    return Value(float(x))


def _target(t: Any, name: str, argument: str = "targets") -> Value | float:
    # Targets are numbers, or Values when a loss is traced for autograd.compile (then a
    # target is an input of the compiled function, not a constant frozen at trace time).
    return t if isinstance(t, Value) else checks.real(name, argument, t)


def _mean(terms: list[Value]) -> Value:
    return total(terms) / len(terms)


def mse(predictions: Sequence[Prediction], targets: Sequence[float]) -> Value:
    """Mean squared error: mean of (prediction - target)².

    Example:
        >>> mse([Value(1.0), Value(3.0)], [0.0, 1.0]).data
        2.5
    """
    ps, ts = _pairs("mse", predictions, targets)
    return _mean(
        [(_as_value(p, "mse") - _target(t, "mse")) ** 2 for p, t in zip(ps, ts, strict=True)]
    )


def _checked_probability_target(name: str, t: Any) -> Any:
    if isinstance(t, Value):  # a traced target (autograd.compile)
        return t
    value = _target(t, name)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name}(targets): targets must lie in [0, 1], got {t!r}")
    return value


def _probability(name: str, p: float) -> float:
    """``p`` if it lies in [0, 1]; else the loss's error (also raised by a compiled fit)."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"{name}(probabilities): probabilities must lie in [0, 1], got {p!r}")
    return p


def _clamped_log(p: Value) -> Value:
    # max(log p, -100) as PyTorch clamps it, with the max taken before the log so that
    # p = 0 is no domain error. Its derivative is 1/p above e^-100 and 0 below (a tie at
    # exactly e^-100 gets half, as max splits it).
    return p.maximum(_SMALLEST_LOGGED).log()


def binary_cross_entropy(probabilities: Sequence[Prediction], targets: Sequence[float]) -> Value:
    """Mean of -(t log p + (1 - t) log(1 - p)) for probabilities p in [0, 1].

    Each log is clamped at -100, as PyTorch does, so the value is PyTorch's. The gradient
    is the exact derivative of that clamped formula: -t/p + (1 - t)/(1 - p) where neither
    log is clamped, and no gradient through a clamped log. Unlike PyTorch, whose backward
    divides by max(p (1 - p), 1e-12) instead, so that the two differ where
    p (1 - p) < 1e-12 (a sigmoid output beyond about ±27.6). Prefer
    :func:`binary_cross_entropy_with_logits` on raw scores: it is exact for any score.

    Example:
        >>> round(binary_cross_entropy([Value(0.8)], [1.0]).data, 6)
        0.223144
    """
    name = "binary_cross_entropy"
    ps, ts = _pairs(name, probabilities, targets, "probabilities")
    terms = []
    for p, t in zip(ps, ts, strict=True):
        value = _as_value(p, name, "probabilities")
        # A check, not a branch of the graph: a compiled fit checks its outputs the same way.
        _probability(name, value.data)
        target = _checked_probability_target(name, t)
        terms.append(-(target * _clamped_log(value) + (1.0 - target) * _clamped_log(1.0 - value)))
    return _mean(terms)


def binary_cross_entropy_with_logits(
    logits: Sequence[Prediction], targets: Sequence[float]
) -> Value:
    """Binary cross-entropy of sigmoid(z), as t softplus(-z) + (1 - t) softplus(z).

    -log sigmoid(z) = softplus(-z) and -log(1 - sigmoid(z)) = softplus(z): both terms are
    non-negative and softplus never overflows, so the loss keeps full precision for any
    score (no cancellation, even where it is 1e-8 at z = 17).

    Example:
        >>> round(binary_cross_entropy_with_logits([Value(0.0)], [1.0]).data, 6)
        0.693147
    """
    name = "binary_cross_entropy_with_logits"
    zs, ts = _pairs(name, logits, targets, "logits")
    terms = []
    for z, t in zip(zs, ts, strict=True):
        value, target = _as_value(z, name, "logits"), _checked_probability_target(name, t)
        terms.append(target * (-value).softplus() + (1.0 - target) * value.softplus())
    return _mean(terms)


def _class_index(name: str, target: Any, classes: int) -> int:
    if isinstance(target, bool) or not isinstance(target, numbers.Real):
        raise TypeError(
            f"{name}(target): expected a class index (an int), got "
            f"{type(target).__name__}: {target!r:.40}"
        )
    number = float(target)
    if not (number.is_integer() and 0 <= number < classes):  # False for nan and inf too
        raise ValueError(
            f"{name}(target): expected a class index in [0, {classes}), got {target!r:.40}"
        )
    return int(number)


def cross_entropy(logits: Sequence[Any], target: Any) -> Value:
    """-log softmax(logits)[target], through a stable log-softmax.

    One sample: ``logits`` is a list of class scores and ``target`` a class index, or a
    list of class probabilities (soft targets, as PyTorch accepts: the loss is then
    -Σ_k target_k log softmax_k). A batch: ``logits`` is a list of such lists and
    ``target`` a list of targets; the mean is returned.

    Example:
        >>> round(cross_entropy([Value(0.0), Value(0.0)], 1).data, 6)
        0.693147
        >>> round(cross_entropy([[0.0, 0.0], [10.0, 0.0]], [1, 0]).data, 6)
        0.346596
        >>> round(cross_entropy([0.0, 0.0], [0.0, 1.0]).data, 6)
        0.693147
    """
    name = "cross_entropy"
    if isinstance(logits, str | bytes) or not isinstance(logits, Sequence):
        raise TypeError(
            f"{name}(logits): expected a list of class scores (or a list of such lists), "
            f"got {type(logits).__name__}"
        )
    if logits and isinstance(logits[0], Sequence) and not isinstance(logits[0], str):
        rows, targets = _pairs(name, logits, target, "logits")
        return _mean([cross_entropy(row, t) for row, t in zip(rows, targets, strict=True)])
    if len(logits) < 2:
        raise ValueError(f"{name}(logits): needs at least two class logits, got {len(logits)}")
    log_probabilities = log_softmax([_as_value(z, name, "logits") for z in logits])
    soft = isinstance(target, Sequence) and not isinstance(target, str | bytes)
    if soft or (hasattr(target, "ndim") and target.ndim == 1):
        weights = list(target)
        if len(weights) != len(logits):
            raise ValueError(
                f"{name}(target): {len(logits)} logits but {len(weights)} target probabilities"
            )
        return -dot([_target(w, name, "target") for w in weights], log_probabilities)
    return -log_probabilities[_class_index(name, target, len(logits))]


def _sign(name: str, target: Any) -> Any:
    if isinstance(target, Value):  # a traced target (autograd.compile)
        return target
    if isinstance(target, bool) or not isinstance(target, numbers.Real):
        raise TypeError(
            f"{name}(targets): expected +1 or -1, got {type(target).__name__}: {target!r:.40}"
        )
    if target not in (1, -1):
        raise ValueError(f"{name}(targets): targets must be +1 or -1, got {target!r:.40}")
    return float(target)


def hinge(scores: Sequence[Prediction], targets: Sequence[float]) -> Value:
    """Max-margin loss: mean of relu(1 - y s) for labels y in {+1, -1} (micrograd's demo).

    Example:
        >>> hinge([Value(2.0), Value(0.5)], [1, -1]).data
        0.75
    """
    ss, ys = _pairs("hinge", scores, targets, "scores")
    return _mean(
        [
            (1.0 - _sign("hinge", y) * _as_value(s, "hinge", "scores")).relu()
            for s, y in zip(ss, ys, strict=True)
        ]
    )


def perceptron_criterion(
    scores: Sequence[Prediction], targets: Sequence[float], reduction: str = "mean"
) -> Value:
    """The perceptron loss over the misclassified set M: its mean (default) or its sum.

    D = -Σ_{i in M} y_i (w·x_i + c), from the seed notes. With ``reduction="sum"`` the loss
    is D itself, as the articles write it, so one full-batch gradient step with learning
    rate η is the articles' update ``w <- w + η Σ_{i in M} y_i x_i``. With
    ``reduction="mean"`` (the default, like every loss here) D is divided by the number of
    samples, so a step is that much smaller. A sample is misclassified when y s <= 0 (a
    score of exactly 0 is not positive, as in the perceptron's rule ``w·x + c > 0``), so
    its gradient is -y x as in Rosenblatt's rule. With no mistakes the loss is 0.

    Each sample's term is relu(y s) - y s: -y s for a mistake, 0 otherwise, with the
    derivative -1 at y s = 0 (relu'(0) = 0). It is built from graph ops, not by picking
    the mistakes by their ``.data``, so a compiled replay (``fit(compiled=True)``) picks
    them per sample. A score y s = +inf gives NaN (inf - inf): training diverged.

    Args:
        scores: the linear outputs w·x + c, one per sample.
        targets: labels +1 or -1.
        reduction: "mean" (D / number of samples) or "sum" (D).

    Example:
        >>> s = Value(0.0)  # the seed's sample 1: w*x + c = 2*0.5 - 1 = 0, label +1
        >>> loss = perceptron_criterion([s], [1])
        >>> loss.backward()
        >>> loss.data, s.grad
        (0.0, -1.0)
        >>> scores = [Value(0.0), Value(-1.5), Value(-0.75)]  # the seed's three samples
        >>> perceptron_criterion(scores, [1, -1, -1], reduction="sum").backward()
        >>> [v.grad for v in scores]  # only sample 1 is misclassified
        [-1.0, 0.0, 0.0]
    """
    name = "perceptron_criterion"
    if reduction not in ("mean", "sum"):
        raise ValueError(f"{name}(reduction): expected 'mean' or 'sum', got {reduction!r}")
    ss, ys = _pairs(name, scores, targets, "scores")
    signed = [_sign(name, y) * _as_value(s, name, "scores") for s, y in zip(ss, ys, strict=True)]
    mistakes = total([v.relu() - v for v in signed])
    return mistakes if reduction == "sum" else mistakes / len(signed)


def l2(parameters: Sequence[Value], strength: float = 1.0) -> Value:
    """The L2 penalty ``strength * Σ p²`` (add it to a loss; micrograd uses 1e-4).

    Example:
        >>> l2([Value(1.0), Value(-2.0)], 1e-4).data
        0.0005
    """
    ps = list(parameters)
    if not ps:
        raise ValueError("l2(parameters): needs at least one parameter")
    return checks.non_negative("l2", "strength", strength) * dot(ps, ps)
