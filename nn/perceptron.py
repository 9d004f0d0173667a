"""The two neurons of the source articles that do not use gradients.

* :class:`ThresholdNeuron` — a McCulloch-Pitts neuron: hand-set weights and a threshold,
  no learning. :func:`logic_gate` builds the ones that compute AND, OR, NOT, NAND and NOR.
* :class:`Perceptron` — Rosenblatt's perceptron and its mistake-driven learning rule.

Both work on plain floats: their output is a step function, which has no useful
derivative, so there is nothing for ``autograd`` to do here.

Example:
    >>> logic_gate("and")(1, 1), logic_gate("and")(1, 0)
    (1, 0)
    >>> p = Perceptron(2)
    >>> p.fit([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 0, 0, 1])
    6
    >>> p.predict([[0, 0], [0, 1], [1, 0], [1, 1]])
    [0, 0, 0, 1]
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from nn.checks import count, real

__all__ = [
    "ConvergenceWarning",
    "Perceptron",
    "ThresholdNeuron",
    "logic_gate",
]


class ConvergenceWarning(UserWarning):
    """Issued when :meth:`Perceptron.fit` runs out of epochs while still making mistakes."""


# --- argument checks ---------------------------------------------------------------------
def _rows(function: str, x: npt.ArrayLike, nin: int) -> list[list[float]]:
    """``x`` as a list of ``nin``-float rows; a flat list is accepted when ``nin == 1``."""
    if isinstance(x, str | bytes):
        raise TypeError(f"{function}(x): expected numbers, got {type(x).__name__}")
    try:
        array = np.asarray(x)
    except ValueError:  # ragged lists
        raise ValueError(
            f"{function}(x): expected rows of {nin} numbers each, got rows of different lengths"
        ) from None
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{function}(x): expected numbers, got elements of dtype {array.dtype}")
    if array.ndim == 1 and nin == 1:
        array = array.reshape(-1, 1)
    if array.ndim != 2 or array.shape[1] != nin:
        expected = "(n, 1) or (n,)" if nin == 1 else f"(n, {nin})"
        raise ValueError(f"{function}(x): expected shape {expected}, got shape {array.shape}")
    if array.shape[0] == 0:
        raise ValueError(f"{function}(x): expected at least one sample, got none")
    rows: list[list[float]] = array.astype(np.float64).tolist()
    if not all(math.isfinite(v) for row in rows for v in row):
        raise ValueError(f"{function}(x): expected finite numbers, found inf or nan")
    return rows


def _signs(function: str, y: npt.ArrayLike, n: int) -> tuple[list[int], int]:
    """Labels as +1/-1 and the negative label they were written with (-1 or 0)."""
    if isinstance(y, str | bytes):
        raise TypeError(f"{function}(y): expected labels, got {type(y).__name__}")
    array = np.asarray(y)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{function}(y): expected numeric labels, got dtype {array.dtype}")
    if array.ndim != 1 or array.shape[0] != n:
        raise ValueError(
            f"{function}(y): expected {n} labels in a flat list, got shape {array.shape}"
        )
    values = array.astype(np.float64).tolist()
    unknown = sorted({v for v in values if v not in (-1.0, 0.0, 1.0)})
    if unknown:
        raise ValueError(f"{function}(y): labels must be +1/-1 or 1/0, got {unknown[:5]}")
    if -1.0 in values and 0.0 in values:
        raise ValueError(f"{function}(y): labels mix the encodings +1/-1 and 1/0 (found -1 and 0)")
    negative = 0 if 0.0 in values else -1
    return [1 if v == 1.0 else -1 for v in values], negative


# --- McCulloch-Pitts ---------------------------------------------------------------------
class ThresholdNeuron:
    """A McCulloch-Pitts neuron: fires (1) iff ``sum_i w_i x_i >= threshold``, else 0.

    The comparison is ``>=``, the usual convention for McCulloch-Pitts units (a threshold
    of 2 on two unit weights reads "at least two inputs on"). Contrast
    :class:`Perceptron`, whose rule in the source articles is a strict ``> 0``.
    The weights and threshold are set by hand; the neuron cannot learn.

    Args:
        weights: one real weight per input (at least one).
        threshold: the firing threshold.
        name: an optional name, shown by ``repr``.

    Example:
        >>> majority = ThresholdNeuron([1.0, 1.0, 1.0], threshold=2.0)
        >>> majority(1, 0, 1), majority(0, 0, 1)
        (1, 0)
    """

    def __init__(self, weights: Sequence[float], threshold: float, name: str = "") -> None:
        if isinstance(weights, str | bytes) or not isinstance(weights, Sequence | np.ndarray):
            raise TypeError(
                f"ThresholdNeuron(weights): expected a sequence of numbers, "
                f"got {type(weights).__name__}"
            )
        self.weights: list[float] = [real("ThresholdNeuron", "weights", w) for w in weights]
        if not self.weights:
            raise ValueError("ThresholdNeuron(weights): expected at least one weight, got none")
        self.threshold: float = real("ThresholdNeuron", "threshold", threshold)
        self.name: str = str(name)

    @property
    def nin(self) -> int:
        """The number of inputs."""
        return len(self.weights)

    def __call__(self, *inputs: float) -> int:
        """1 if the weighted sum of ``inputs`` reaches the threshold, else 0.

        Example:
            >>> logic_gate("or")(0, 1)
            1
        """
        if len(inputs) != self.nin:
            raise ValueError(
                f"ThresholdNeuron.__call__: expected {self.nin} inputs, got {len(inputs)}"
            )
        values = [real("ThresholdNeuron.__call__", "inputs", v) for v in inputs]
        total = math.fsum(w * v for w, v in zip(self.weights, values, strict=True))
        return int(total >= self.threshold)

    def predict(self, x: npt.ArrayLike) -> list[int]:
        """The output (0/1) for each row of ``x`` (a flat list when there is one input).

        Example:
            >>> logic_gate("nand").predict([[0, 0], [0, 1], [1, 0], [1, 1]])
            [1, 1, 1, 0]
        """
        return [self(*row) for row in _rows("ThresholdNeuron.predict", x, self.nin)]

    def __repr__(self) -> str:
        name = f", name={self.name!r}" if self.name else ""
        return f"ThresholdNeuron(weights={self.weights}, threshold={self.threshold}{name})"


# Weights and thresholds under the ">=" convention. NOT, NAND and NOR use negative
# (inhibitory) weights: the neuron fires while the inputs stay *below* a bound.
_GATES: dict[str, tuple[tuple[float, ...], float]] = {
    "and": ((1.0, 1.0), 2.0),
    "or": ((1.0, 1.0), 1.0),
    "not": ((-1.0,), 0.0),
    "nand": ((-1.0, -1.0), -1.0),
    "nor": ((-1.0, -1.0), 0.0),
}


def logic_gate(name: str) -> ThresholdNeuron:
    """A hand-wired :class:`ThresholdNeuron` computing a logic gate on 0/1 inputs.

    ============  ============  =========
    gate          weights       threshold
    ============  ============  =========
    ``"and"``     (1, 1)        2
    ``"or"``      (1, 1)        1
    ``"not"``     (-1,)         0
    ``"nand"``    (-1, -1)      -1
    ``"nor"``     (-1, -1)      0
    ============  ============  =========

    XOR is not offered: no single threshold neuron computes it (it takes two layers).

    Args:
        name: the gate, case-insensitive.

    Returns:
        A new neuron (changing its weights does not change later calls).

    Raises:
        TypeError: ``name`` is not a str.
        ValueError: an unknown gate (or ``"xor"``); the message lists the known ones.

    Example:
        >>> gate = logic_gate("and")
        >>> gate.weights, gate.threshold
        ([1.0, 1.0], 2.0)
        >>> [gate(a, b) for a in (0, 1) for b in (0, 1)]
        [0, 0, 0, 1]
    """
    if not isinstance(name, str):
        raise TypeError(f"logic_gate(name): expected a str, got {type(name).__name__}")
    key = name.strip().lower()
    if key not in _GATES:
        why = " (XOR is not linearly separable: one neuron cannot compute it)" * (key == "xor")
        raise ValueError(
            f"logic_gate(name): unknown gate {name!r}{why}; expected one of {', '.join(_GATES)}"
        )
    weights, threshold = _GATES[key]
    return ThresholdNeuron(weights, threshold, name=key)


# --- Rosenblatt --------------------------------------------------------------------------
class Perceptron:
    """Rosenblatt's perceptron: predicts +1 iff ``w . x + c > 0``, else -1.

    :meth:`fit` applies the perceptron learning rule: it visits the samples in order and
    updates only on a mistake, ``w <- w + lr * y * x`` and ``c <- c + lr * y``. On linearly
    separable data it stops after finitely many mistakes.

    Labels are +1/-1 by default. :meth:`fit` also accepts 1/0 (0 is read as -1); afterwards
    :meth:`predict` answers in the encoding the last :meth:`fit` was given. Labels that are
    all 1 keep the current encoding.

    Args:
        nin: the number of inputs (features), >= 1.
        weights: the initial weights, one per input; zeros by default (the classic choice:
            training is then deterministic and the result depends only on the data order).
        bias: the initial bias ``c`` (``-threshold``).
        lr: the learning rate ``eta`` > 0.

    Attributes:
        weights: the current weights, a list of floats.
        bias: the current bias, a float.
        converged: True iff the last :meth:`fit` ended with an epoch without mistakes.
        history: the number of mistakes in each epoch of the last :meth:`fit`.

    Example:
        The source articles' worked example: one mistake (sample 1, ``z = 0`` is not
        ``> 0``), one update, then a clean epoch.

        >>> p = Perceptron(1, weights=[0.5], bias=-1.0, lr=0.1)
        >>> p.decision_function([2, -1, 0.5])
        [0.0, -1.5, -0.75]
        >>> p.fit([2, -1, 0.5], [1, -1, -1])
        2
        >>> p.weights, p.bias, p.history, p.converged
        ([0.7], -0.9, [1, 0], True)
    """

    def __init__(
        self,
        nin: int,
        weights: Sequence[float] | None = None,
        bias: float = 0.0,
        lr: float = 1.0,
    ) -> None:
        self.nin = count("Perceptron", "nin", nin)
        if weights is None:
            self.weights: list[float] = [0.0] * self.nin
        else:
            if isinstance(weights, str | bytes) or not isinstance(weights, Sequence | np.ndarray):
                raise TypeError(
                    f"Perceptron(weights): expected a sequence of {self.nin} numbers, "
                    f"got {type(weights).__name__}"
                )
            self.weights = [real("Perceptron", "weights", w) for w in weights]
            if len(self.weights) != self.nin:
                raise ValueError(
                    f"Perceptron(weights): expected {self.nin} weights (nin), "
                    f"got {len(self.weights)}"
                )
        self.bias: float = real("Perceptron", "bias", bias)
        self.lr: float = real("Perceptron", "lr", lr)
        if self.lr <= 0.0:
            raise ValueError(f"Perceptron(lr): expected a learning rate > 0, got {self.lr}")
        self.converged: bool = False
        self.history: list[int] = []
        # The label written for the negative class in the last fit: -1 or 0.
        self._negative = -1

    def _z(self, row: list[float]) -> float:
        # Accumulated left to right and then the bias added, the order the worked example
        # writes (2*0.5 - 1), so its numbers come out exactly.
        total = 0.0
        for w, v in zip(self.weights, row, strict=True):
            total += w * v
        return total + self.bias

    def decision_function(self, x: npt.ArrayLike) -> list[float]:
        """The linear output ``z = w . x + c`` of each sample.

        Args:
            x: samples, shape ``(n, nin)``; a flat list of numbers when ``nin == 1``.

        Returns:
            One float per sample; the prediction is positive iff it is ``> 0``.

        Example:
            >>> Perceptron(2, weights=[1.0, -2.0], bias=0.5).decision_function([[1, 1]])
            [-0.5]
        """
        return [self._z(row) for row in _rows("Perceptron.decision_function", x, self.nin)]

    def predict(self, x: npt.ArrayLike) -> list[int]:
        """The predicted label of each sample: 1, or the negative label (-1, or 0 after 1/0 fit).

        Example:
            >>> Perceptron(1, weights=[1.0]).predict([2.0, -3.0, 0.0])
            [1, -1, -1]
        """
        rows = _rows("Perceptron.predict", x, self.nin)
        return [1 if self._z(row) > 0.0 else self._negative for row in rows]

    def score(self, x: npt.ArrayLike, y: npt.ArrayLike) -> float:
        """The fraction of samples whose label is predicted correctly (either encoding).

        Example:
            >>> Perceptron(1, weights=[1.0]).score([1.0, -1.0, 2.0], [1, 0, 0])
            0.6666666666666666
        """
        rows = _rows("Perceptron.score", x, self.nin)
        signs, _ = _signs("Perceptron.score", y, len(rows))
        hits = sum(
            (self._z(row) > 0.0) == (sign == 1) for row, sign in zip(rows, signs, strict=True)
        )
        return hits / len(rows)

    def fit(self, x: npt.ArrayLike, y: npt.ArrayLike, epochs: int = 100) -> int:
        """Train with the perceptron rule, starting from the current weights and bias.

        An epoch visits every sample in order; a sample is a mistake when its prediction
        differs from its label (``z > 0`` with label -1, or ``z <= 0`` with label +1), and
        each mistake updates at once. Training stops after the first epoch without a
        mistake; that clean epoch is counted, so data that is already classified right
        takes 1 epoch. If ``epochs`` run out first, ``converged`` is False and a
        :class:`ConvergenceWarning` is issued (on data that is not linearly separable,
        such as XOR, this always happens).

        Args:
            x: samples, shape ``(n, nin)``; a flat list of numbers when ``nin == 1``.
            y: labels, +1/-1 or 1/0.
            epochs: the most epochs to run, >= 1.

        Returns:
            The number of epochs run, the clean one included.

        Raises:
            TypeError: non-numeric samples or labels, or a non-int ``epochs``.
            ValueError: wrong shapes, non-finite samples, labels other than +1/-1 or 1/0.

        Example:
            >>> p = Perceptron(2)
            >>> p.fit([[0, 1], [1, 0]], [-1, 1])
            3
            >>> p.weights, p.bias, p.history
            ([1.0, -1.0], 0.0, [1, 1, 0])
        """
        rows = _rows("Perceptron.fit", x, self.nin)
        signs, negative = _signs("Perceptron.fit", y, len(rows))
        epochs = count("Perceptron.fit", "epochs", epochs)
        if -1 in signs:  # all-positive labels say nothing about the encoding
            self._negative = negative
        self.history = []
        self.converged = False
        for _ in range(epochs):
            mistakes = 0
            for row, sign in zip(rows, signs, strict=True):
                predicted = 1 if self._z(row) > 0.0 else -1
                if predicted != sign:
                    mistakes += 1
                    step = self.lr * sign
                    self.weights = [w + step * v for w, v in zip(self.weights, row, strict=True)]
                    self.bias += step
            self.history.append(mistakes)
            if mistakes == 0:
                self.converged = True
                break
        if not self.converged:
            warnings.warn(
                f"Perceptron.fit: still {self.history[-1]} mistakes after {epochs} epochs; "
                f"the data may not be linearly separable",
                ConvergenceWarning,
                stacklevel=2,
            )
        return len(self.history)

    def __repr__(self) -> str:
        return f"Perceptron(nin={self.nin}, weights={self.weights}, bias={self.bias}, lr={self.lr})"
