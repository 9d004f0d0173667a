"""The named losses as tasks, and the label rule: which label is which class.

The rule (``fit`` and ``evaluate``): the class count and each label's class come from the
model's outputs and the labels' values, never from which labels happen to be present in
the data, a batch or a split.

- **Two-class losses** (``hinge``, ``perceptron_criterion``, the binary cross-entropies)
  read a label by its value: labels in {0, 1} or in {-1, +1} have 0 and -1 as the
  negative class and 1 as the positive one, even when only one of them occurs (all zeros
  train every score down, as scikit-learn's and PyTorch's 0/1 targets do). Any other two
  values are ordered, the larger one positive (scikit-learn's ``classes_[1]``). What
  cannot be read is refused: one label outside {-1, 0, 1}, the pair {-1, 0} (both are
  negative by value), more than two values.
- **cross_entropy**: a label is a class index, ``0 <= label < outputs``: the model's
  output count is the number of classes, whichever classes occur.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograd import Value
from nn import losses

LossFunction = Callable[[list[Any], list[Any]], Value]

TWO_CLASS_KINDS = frozenset({"sign", "binary", "probability"})


@dataclass(frozen=True)
class Task:
    """How a named loss reads its targets and turns a prediction into a class."""

    loss: LossFunction
    # "sign" (targets +-1), "binary" (0/1, score > 0), "probability" (0/1, p > 0.5),
    # "classes" (argmax) or "regression" (no accuracy).
    kind: str

    def check_outputs(self, outputs: np.ndarray) -> None:
        """What the loss itself checks of the model's outputs, on a compiled replay's arrays.

        The eager loss raises on a probability outside [0, 1]; a compiled replay computes
        on without asking, so its outputs are checked here, with the loss's own message.
        """
        if self.kind == "probability":
            bad = outputs[~((outputs >= 0.0) & (outputs <= 1.0))]
            if bad.size:
                losses._probability("binary_cross_entropy", float(bad.flat[0]))


TASKS: dict[str, Task] = {
    "hinge": Task(losses.hinge, "sign"),
    "perceptron_criterion": Task(losses.perceptron_criterion, "sign"),
    "binary_cross_entropy_with_logits": Task(losses.binary_cross_entropy_with_logits, "binary"),
    "binary_cross_entropy": Task(losses.binary_cross_entropy, "probability"),
    "cross_entropy": Task(losses.cross_entropy, "classes"),
    "mse": Task(losses.mse, "regression"),
}


def task(function: str, loss: str | LossFunction) -> Task | None:
    """The named loss's task; None for a loss function of the user's."""
    if callable(loss):
        return None
    found = TASKS.get(loss) if isinstance(loss, str) else None
    if found is None:
        raise ValueError(
            f"{function}(loss): unknown loss {loss!r:.60}; valid: {', '.join(TASKS)} or a function"
        )
    return found


def loss_value(function: str, objective: Any) -> Value:
    """The loss function's result, which must be a ``Value`` to differentiate."""
    if not isinstance(objective, Value):
        raise TypeError(
            f"{function}(loss): the loss function returned a {type(objective).__name__}, "
            f"expected a Value (compose it from the predictions, which are Values)"
        )
    return objective


def two_classes(function: str, argument: str, y: np.ndarray) -> tuple[float, float]:
    """The (negative, positive) label values of two-class labels ``y``, by the module's rule.

    Example:
        >>> two_classes("fit", "y", np.array([0, 0, 0]))
        (0.0, 1.0)
        >>> two_classes("fit", "y", np.array([-1, -1]))
        (-1.0, 1.0)
        >>> two_classes("fit", "y", np.array([2, 5, 5]))
        (2.0, 5.0)
    """
    present = {float(v) for v in np.unique(y)}
    if present <= {0.0, 1.0}:
        return 0.0, 1.0
    if present <= {-1.0, 1.0}:
        return -1.0, 1.0
    shown = sorted(present)[:6]
    if len(present) > 2:
        raise ValueError(f"{function}({argument}): this loss needs two classes, got labels {shown}")
    if present == {-1.0, 0.0}:
        raise ValueError(
            f"{function}({argument}): labels {shown} are ambiguous: -1 and 0 both read as the "
            f"negative class (labels are 0/1 or -1/+1); relabel the positive class as 1"
        )
    if len(present) == 1:
        raise ValueError(
            f"{function}({argument}): every label is {shown[0]:g}, one class whose side "
            f"cannot be read from its value; use 0/1 or -1/+1 labels"
        )
    negative, positive = sorted(present)
    return negative, positive


@dataclass(frozen=True)
class Labels:
    """Targets in the form a loss wants, and predictions back to the user's labels.

    Attributes:
        kind: the task's kind ("regression" for a custom loss).
        negative, positive: the label values of the two classes (two-class kinds).
        classes: the number of classes of ``cross_entropy`` (the model's outputs).
    """

    kind: str
    negative: float = 0.0
    positive: float = 1.0
    classes: int = 0

    @classmethod
    def read(cls, function: str, argument: str, kind: str, y: np.ndarray, outputs: int) -> Labels:
        """The labels of ``y`` for a model with ``outputs`` outputs (the module's rule)."""
        if kind in TWO_CLASS_KINDS:
            negative, positive = two_classes(function, argument, y)
            return cls(kind, negative, positive)
        if kind == "classes":
            if y.size and int(y.max()) >= outputs:
                raise ValueError(
                    f"{function}({argument}): class index {int(y.max())}, but the model has "
                    f"{outputs} outputs (classes 0 to {outputs - 1})"
                )
            return cls(kind, classes=outputs)
        return cls(kind)

    def targets(self, y: np.ndarray) -> list[Any]:
        """Each label as the loss's target: +-1, 0.0/1.0, a class index, or as given."""
        values = y.tolist()
        if self.kind == "sign":
            return [1 if v == self.positive else -1 for v in values]
        if self.kind in TWO_CLASS_KINDS:
            return [1.0 if v == self.positive else 0.0 for v in values]
        return values

    def target_columns(self, y: np.ndarray) -> list[np.ndarray]:
        """Targets as input columns of a compiled loss: one-hot columns for classes."""
        if self.kind == "classes":
            return [(y == k).astype(float) for k in range(self.classes)]
        return [np.asarray(self.targets(y), dtype=float)]

    def accuracy(self, scores: np.ndarray, y: np.ndarray) -> float | None:
        """The share of samples whose predicted class is ``y``; ``scores`` is (n,) or (n, k)."""
        if self.kind == "regression":
            return None
        if self.kind == "classes":
            predicted = np.argmax(scores, axis=1)
        else:
            # Strictly above: a probability of exactly 0.5 (a score of exactly 0) is the
            # negative class, as the perceptron's own rule (w.x + c > 0) has it. One source
            # article writes ">= 0.5 is class 1"; the two differ only at exactly 0.5.
            threshold = 0.5 if self.kind == "probability" else 0.0
            flat = scores.reshape(len(y))
            predicted = np.where(flat > threshold, self.positive, self.negative)
        return float(np.mean(predicted == y))
