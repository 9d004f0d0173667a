"""The data ``fit``, ``evaluate`` and ``predict`` take: checked samples, labels, splits.

Also the model-side helpers they share: a model's outputs checked against the loss, its
outputs as arrays, and evaluation mode for a block.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograd import Value, no_grad
from nn import checks
from nn.dropout import Dropout
from nn.module import Module
from nn.training.tasks import Task


@dataclass(frozen=True)
class Samples:
    """Feature rows and their labels (or targets)."""

    rows: list[list[float]]
    y: np.ndarray


def model(function: str, value: Any) -> Module:
    """``value`` if it is an ``nn`` model; a ``TypeError`` naming ``function(model)`` if not."""
    if not isinstance(value, Module):
        raise TypeError(
            f"{function}(model): expected an nn model (a Module such as MLP, Layer or Neuron), "
            f"got {type(value).__name__}"
        )
    return value


def rows(function: str, name: str, X: Any, net: Module) -> list[list[float]]:
    """Samples as float rows, as many features as the model takes."""
    found = checks.samples(function, name, X)
    nin = getattr(net, "nin", None)
    if isinstance(nin, int) and len(found[0]) != nin:
        raise ValueError(
            f"{function}({name}): the model takes {nin} inputs, but the samples have "
            f"{len(found[0])} features"
        )
    return found


def targets(function: str, name: str, y: Any, count: int, task: Task | None) -> np.ndarray:
    """Labels or targets: finite numbers, one per sample; class indices for cross_entropy."""
    labels = checks.numbers_array(function, name, y)
    if labels.shape[:1] != (count,):
        raise ValueError(f"{function}({name}): {count} samples but y has shape {labels.shape}")
    if task is None:  # a custom loss gets its targets as given: any shape, one per sample
        return np.asarray(y)
    if labels.ndim != 1:
        raise ValueError(
            f"{function}({name}): expected one label per sample (a 1-D array), "
            f"got shape {labels.shape}"
        )
    if task.kind == "classes" and not (np.all(labels >= 0) and np.all(labels == labels.round())):
        bad = labels[(labels < 0) | (labels != labels.round())][0]
        raise ValueError(
            f"{function}({name}): cross_entropy needs class indices 0, 1, 2, ..., got {bad:g}"
        )
    return labels.astype(np.int64) if task.kind == "classes" else np.asarray(y)


def split(  # noqa: PLR0913 - the data and the two ways to hold some out
    function: str,
    net: Module,
    task: Task | None,
    data: Samples,
    *,
    validation_split: float,
    validation_data: Any,
) -> tuple[Samples, Samples]:
    """Training and validation samples: given, or the last ``validation_split`` of them."""
    if validation_data is not None and validation_split:
        raise ValueError(
            f"{function}(validation_data): give validation_split or validation_data, not both"
        )
    if validation_data is not None:
        if isinstance(validation_data, str | bytes) or not (
            isinstance(validation_data, tuple | list) and len(validation_data) == 2
        ):
            length = (
                f" of length {len(validation_data)}" if hasattr(validation_data, "__len__") else ""
            )
            raise TypeError(
                f"{function}(validation_data): expected a pair (X_val, y_val), got "
                f"{type(validation_data).__name__}{length}"
            )
        val_rows = rows(function, "validation_data", validation_data[0], net)
        if len(val_rows[0]) != len(data.rows[0]):
            raise ValueError(
                f"{function}(validation_data): X_val has {len(val_rows[0])} features, "
                f"X has {len(data.rows[0])}"
            )
        val_y = targets(function, "validation_data", validation_data[1], len(val_rows), task)
        return data, Samples(val_rows, val_y)
    if validation_split > 0.0:
        held = max(1, round(len(data.rows) * validation_split))
        if held >= len(data.rows):
            raise ValueError(f"{function}(validation_split): leaves no training samples")
        return (
            Samples(data.rows[:-held], data.y[:-held]),
            Samples(data.rows[-held:], data.y[-held:]),
        )
    return data, Samples([], data.y[:0])


def output_count(function: str, net: Module, row: list[float], task: Task | None) -> int:
    """One sample through the model (no graph): its number of outputs, which must suit the loss."""
    with evaluation_mode(net), no_grad():  # a dropout mask is not drawn for a check
        out = net(row)  # type: ignore[operator]
    if task is None:
        return len(out) if isinstance(out, list) else 1
    if task.kind == "classes":
        if not (isinstance(out, list) and len(out) >= 2):
            raise ValueError(
                f"{function}(loss): cross_entropy needs a model with one output per class "
                f"(at least 2); this model returns {_shape(out)}"
            )
        return len(out)
    if not isinstance(out, Value):
        raise ValueError(
            f"{function}(loss): {task.loss.__name__} needs a model that returns one Value; "
            f"this model returns {_shape(out)}"
        )
    return 1


def _shape(out: Any) -> str:
    return f"a list of {len(out)} Values" if isinstance(out, list) else f"a {type(out).__name__}"


def scores(outputs: list[Any]) -> np.ndarray:
    """Model outputs (Values, or lists of Values) as an (n,) or (n, k) array of floats."""
    return np.array(
        [[o.data for o in out] if isinstance(out, list) else out.data for out in outputs]
    )


def has_dropout(net: Module) -> bool:
    """Whether ``net`` holds a :class:`~nn.dropout.Dropout` that drops anything (p > 0)."""
    return any(isinstance(m, Dropout) and m.p > 0.0 for m in net.modules())


@contextlib.contextmanager
def evaluation_mode(model: Module) -> Iterator[Module]:
    """Run a block with ``model`` in evaluation mode, then restore each part's mode.

    Example:
        >>> from nn import MLP
        >>> model = MLP(2, [3, 1], dropout=0.5, seed=0)
        >>> with evaluation_mode(model):
        ...     model.dropouts[0].training
        False
        >>> model.dropouts[0].training
        True
    """
    modes = [(module, module.training) for module in model.modules()]
    model.eval()
    try:
        yield model
    finally:
        for module, mode in modes:
            module.training = mode
