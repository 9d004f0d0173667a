"""``fit``: the training loop.

It supports validation, early stopping, a convergence threshold, L2 regularisation,
learning-rate decay, random restarts and a progress bar.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograd import Value, compile, no_grad
from nn import losses, optim
from nn.layers import rng_from
from nn.module import Module

LossFunction = Callable[[list[Any], list[Any]], Value]


@dataclass(frozen=True)
class _Task:
    """How a named loss reads its targets and turns a prediction into a class."""

    loss: LossFunction
    # "sign" (targets +-1), "binary" (0/1, score > 0), "probability" (0/1, p > 0.5),
    # "classes" (argmax) or "regression" (no accuracy).
    kind: str


TASKS: dict[str, _Task] = {
    "hinge": _Task(losses.hinge, "sign"),
    "perceptron_criterion": _Task(losses.perceptron_criterion, "sign"),
    "binary_cross_entropy_with_logits": _Task(losses.binary_cross_entropy_with_logits, "binary"),
    "binary_cross_entropy": _Task(losses.binary_cross_entropy, "probability"),
    "cross_entropy": _Task(losses.cross_entropy, "classes"),
    "mse": _Task(losses.mse, "regression"),
}

OPTIMIZERS: dict[str, type[optim.Optimizer]] = {
    "sgd": optim.SGD,
    "adam": optim.Adam,
    "rmsprop": optim.RMSprop,
}


@dataclass
class History:
    """What :func:`fit` measured, one entry per epoch run.

    Attributes:
        loss: the training objective (data loss + L2 penalty), averaged over the epoch's
            batches, measured during the epoch (before each batch's update).
        accuracy: training accuracy from the same forward passes (None for regression).
        val_loss, val_accuracy: on the validation data after the epoch (empty without it).
        best_epoch: the epoch whose weights the model holds at the end (early stopping
            restores them); the last epoch otherwise.
        stopped_early: validation loss stopped improving for ``early_stopping`` epochs.
        converged: the loss changed by less than ``tol`` between two epochs.
        restart_losses: the final loss of each random restart (the best one is kept).
    """

    loss: list[float] = field(default_factory=list)
    accuracy: list[float | None] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float | None] = field(default_factory=list)
    best_epoch: int = 0
    stopped_early: bool = False
    converged: bool = False
    restart_losses: list[float] = field(default_factory=list)

    @property
    def epochs(self) -> int:
        """Number of epochs run."""
        return len(self.loss)

    def score(self) -> float:
        """The loss that ranks restarts: best validation loss, else the final training loss."""
        return self.val_loss[self.best_epoch] if self.val_loss else self.loss[-1]

    def __repr__(self) -> str:
        """A one-line summary: first and last values, not every epoch's.

        Example:
            >>> History(loss=[0.9, 0.5, 0.25], accuracy=[0.5, 0.75, 1.0], best_epoch=2)
            History(3 epochs, loss 0.9 -> 0.25, accuracy 0.5 -> 1, best epoch 2)
        """
        parts = [f"{self.epochs} epoch{'s' if self.epochs != 1 else ''}"]
        for name, series in (
            ("loss", self.loss),
            ("accuracy", self.accuracy),
            ("val_loss", self.val_loss),
            ("val_accuracy", self.val_accuracy),
        ):
            if series and series[0] is not None:
                parts.append(f"{name} {series[0]:.4g} -> {series[-1]:.4g}")
        if self.epochs:
            parts.append(f"best epoch {self.best_epoch}")
        parts += [flag for flag in ("stopped_early", "converged") if getattr(self, flag)]
        if self.restart_losses:
            parts.append(f"{len(self.restart_losses)} restarts")
        return f"History({', '.join(parts)})"


class _Labels:
    """Targets in the form a loss wants, and predictions back to the user's labels."""

    def __init__(self, kind: str, y: np.ndarray) -> None:
        self.kind = kind
        self.classes = sorted(set(y.tolist())) if kind != "regression" else []
        if kind in {"sign", "binary", "probability"} and len(self.classes) > 2:
            raise ValueError(f"fit: this loss needs two classes, got labels {self.classes[:6]}")

    def targets(self, y: np.ndarray) -> list[Any]:
        values = y.tolist()
        if self.kind == "sign":
            positive = self.classes[-1]
            return [1 if v == positive else -1 for v in values]
        if self.kind in {"binary", "probability"} and self.classes:
            positive = self.classes[-1]
            return [1.0 if v == positive else 0.0 for v in values]
        return values

    def accuracy(self, scores: np.ndarray, y: np.ndarray) -> float | None:
        """The share of samples whose predicted class is ``y``; ``scores`` is (n,) or (n, k)."""
        if self.kind == "regression":
            return None
        if self.kind == "classes":
            predicted = np.argmax(scores, axis=1)
        else:
            threshold = 0.5 if self.kind == "probability" else 0.0
            flat = scores.reshape(len(y))
            predicted = np.where(flat > threshold, self.classes[-1], self.classes[0])
        return float(np.mean(predicted == y))

    def target_columns(self, y: np.ndarray, width: int) -> list[np.ndarray]:
        """Targets as input columns of a compiled loss: one-hot columns for classes."""
        if self.kind == "classes":
            return [(y == k).astype(float) for k in range(width)]
        return [np.asarray(self.targets(y), dtype=float)]


def _scores(outputs: list[Any]) -> np.ndarray:
    """Model outputs (Values, or lists of Values) as an (n,) or (n, k) array of floats."""
    return np.array(
        [[o.data for o in out] if isinstance(out, list) else out.data for out in outputs]
    )


def _rows(name: str, X: Any) -> list[list[float]]:
    array = np.asarray(X, dtype=float)
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2 or len(array) == 0:
        raise ValueError(
            f"{name}: X must be a non-empty 2-D array of samples, got shape {array.shape}"
        )
    if not np.isfinite(array).all():
        raise ValueError(f"{name}: X holds a nan or infinite value")
    return array.tolist()


def _show_progress(progress: bool) -> bool:
    # A bar in a terminal or a Jupyter kernel; none when output goes to a file or a pipe.
    if not progress:
        return False
    return "ipykernel" in sys.modules or sys.stderr.isatty()


def _optimizer(
    choice: str | optim.Optimizer, model: Module, lr: float | None, weight_decay: float
) -> optim.Optimizer:
    if isinstance(choice, optim.Optimizer):
        return choice
    cls = OPTIMIZERS.get(choice) if isinstance(choice, str) else None
    if cls is None:
        raise ValueError(f"fit: unknown optimizer {choice!r}; valid: {', '.join(OPTIMIZERS)}")
    options: dict[str, Any] = {"weight_decay": weight_decay}
    if lr is not None:
        options["lr"] = lr
    elif cls is optim.SGD:
        options["lr"] = 0.1
    return cls(model.parameters(), **options)


def evaluate(
    model: Module, X: Any, y: Any, loss: str | LossFunction = "hinge"
) -> tuple[float, float | None]:
    """Loss and accuracy of ``model`` on ``(X, y)``, without recording a graph.

    Example:
        >>> from nn import MLP
        >>> model = MLP(1, [1], seed=0)
        >>> model.layers[0].neurons[0].w[0].data = 1.0
        >>> evaluate(model, [[2.0], [-1.0]], [1, -1])
        (0.0, 1.0)
    """
    task = _task(loss)
    labels = _Labels(task.kind if task else "regression", np.asarray(y))
    function = task.loss if task else loss
    return _evaluate(model, _Samples(_rows("evaluate", X), np.asarray(y)), function, labels)  # type: ignore[arg-type]


def _task(loss: str | LossFunction) -> _Task | None:
    if callable(loss):
        return None
    task = TASKS.get(loss) if isinstance(loss, str) else None
    if task is None:
        raise ValueError(f"fit: unknown loss {loss!r}; valid: {', '.join(TASKS)} or a function")
    return task


def _evaluate(
    model: Module, samples: _Samples, function: LossFunction, labels: _Labels
) -> tuple[float, float | None]:
    with no_grad():
        outputs = [model(row) for row in samples.rows]  # type: ignore[operator]
        value = function(outputs, labels.targets(samples.y))
    return value.data, labels.accuracy(_scores(outputs), samples.y)


def fit(  # noqa: PLR0913 - keyword options, as Keras and skorch users expect
    model: Module,
    X: Any,
    y: Any,
    *,
    loss: str | LossFunction = "hinge",
    optimizer: str | optim.Optimizer = "sgd",
    lr: float | None = None,
    epochs: int = 100,
    batch_size: int | None = None,
    l2: float = 0.0,
    weight_decay: float = 0.0,
    lr_decay: str | None = None,
    validation_split: float = 0.0,
    validation_data: tuple[Any, Any] | None = None,
    early_stopping: int | None = None,
    tol: float | None = None,
    restarts: int = 1,
    seed: int | None = None,
    progress: bool = True,
    compiled: bool = False,
) -> History:
    """Train ``model`` on samples ``X`` (n x nin) with labels or targets ``y``.

    Each step: zero the gradients, forward a batch, loss (+ ``l2`` * Σ p²), backward,
    optimizer step (and a learning-rate decay step).

    Args:
        model: an ``nn`` model (``MLP``, ``Layer``, ``Neuron``) returning one output per
            sample (or a list of class scores for ``cross_entropy``).
        X: samples, an array or a list of lists.
        y: labels: two classes for ``hinge``, ``perceptron_criterion`` and the binary
            cross-entropies (any two values, e.g. 0/1 or -1/+1: the larger one is the
            positive class); class indices for ``cross_entropy``; numbers for ``mse``.
        loss: a name from :data:`TASKS` or a function ``(predictions, targets) -> Value``
            (then targets are passed as given and no accuracy is measured).
        optimizer: "sgd", "adam", "rmsprop" or an ``nn.optim`` optimizer instance.
        lr: learning rate for a named optimizer (default: SGD 0.1, else its own default).
        epochs: the most epochs to run (an epoch is one pass over the training data).
        batch_size: samples per step; None trains on the whole set at once (full batch).
        l2: L2 regularisation strength, added to the loss as ``l2 * Σ p²``.
        weight_decay: L2 through a named optimizer's ``weight_decay`` instead.
        lr_decay: "linear" decays the rate linearly to 0.1 of its start over all steps
            (micrograd's demo schedule); None keeps it constant.
        validation_split: the fraction of samples, taken from the end of ``X``, held out
            for validation.
        validation_data: ``(X_val, y_val)`` instead of a split.
        early_stopping: stop after this many epochs without a lower validation loss, and
            restore the weights of the best epoch (needs validation data).
        tol: convergence threshold: stop when the training loss changes by less than this.
        restarts: train this many times from fresh random weights and keep the best
            (lowest validation loss, else training loss); needs a named optimizer.
        seed: seeds batch shuffling and the restarts' initialisations.
        progress: show a progress bar (tqdm: terminal or Jupyter; never when output is
            not a terminal).
        compiled: trace the per-sample loss once with ``autograd.compile`` and replay it
            on numpy batches (much faster; the same numbers up to rounding). The model
            must not branch on ``.data`` in Python; a custom loss must accept Value targets.

    Returns:
        The :class:`History` of the run that was kept.

    Example:
        >>> from nn import MLP, datasets
        >>> X, y = datasets.logic_gate_table("and")
        >>> model = MLP(2, [1], seed=1)
        >>> history = fit(model, X, y, lr=0.5, epochs=50, progress=False)
        >>> history.accuracy[-1]
        1.0
    """
    task = _task(loss)
    rows = _rows("fit", X)
    labels_all = np.asarray(y)
    if labels_all.shape[:1] != (len(rows),):
        raise ValueError(f"fit: {len(rows)} samples but y has shape {labels_all.shape}")
    for name, value in (("epochs", epochs), ("restarts", restarts)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"fit: {name} must be a positive int, got {value!r}")
    if batch_size is not None and (not isinstance(batch_size, int) or batch_size < 1):
        raise ValueError(f"fit: batch_size must be a positive int or None, got {batch_size!r}")
    if not 0.0 <= validation_split < 1.0:
        raise ValueError(f"fit: validation_split must be in [0, 1), got {validation_split!r}")
    if lr_decay not in (None, "linear"):
        raise ValueError(f"fit: lr_decay must be None or 'linear', got {lr_decay!r}")
    if restarts > 1 and not isinstance(optimizer, str):
        raise ValueError("fit: restarts > 1 needs a named optimizer (a fresh one per restart)")

    train, val = _split(rows, labels_all, validation_split, validation_data)
    if early_stopping is not None and not val.rows:
        raise ValueError("fit: early_stopping needs validation_split or validation_data")

    labels = _Labels(task.kind if task else "regression", labels_all)
    size = batch_size or len(train.rows)
    loop = _Loop(
        model=model,
        function=task.loss if task else loss,  # type: ignore[arg-type]
        labels=labels,
        train=train,
        targets=labels.targets(train.y),
        val=val,
        epochs=epochs,
        size=size,
        l2=l2,
        early_stopping=early_stopping,
        tol=tol,
        shuffler=np.random.default_rng(seed),
        progress=progress,
        restarts=restarts,
        compiled=_CompiledLoss(
            model, task=task, loss=loss, labels=labels, train=train, val=val, l2=l2
        )
        if compiled
        else None,
    )
    init_rng = rng_from(seed)
    best: tuple[History, dict[str, float]] | None = None
    scores = []
    for restart in range(restarts):
        if restart:
            model.reset_parameters(init_rng)
        opt = _optimizer(optimizer, model, lr, weight_decay)
        steps = epochs * math.ceil(len(train.rows) / size)
        history = loop.run(opt, optim.LinearDecay(opt, steps) if lr_decay else None, restart)
        scores.append(history.score())
        if best is None or scores[-1] < best[0].score():
            best = (history, model.state_dict())
    history, state = best  # type: ignore[misc]
    model.load_state_dict(state)
    history.restart_losses = scores
    return history


class _CompiledLoss:
    """The per-sample loss and the model's outputs, compiled once, replayed on batches.

    The compiled function's inputs are a sample's features and its target (one-hot for
    classes), so nothing about a sample is frozen at trace time; its outputs are the loss
    (differentiated) and the model's outputs (for accuracy).
    """

    def __init__(  # noqa: PLR0913 - what fit knows about the run
        self,
        model: Module,
        *,
        task: _Task | None,
        loss: str | LossFunction,
        labels: _Labels,
        train: _Samples,
        val: _Samples,
        l2: float,
    ) -> None:
        if task is not None and task.kind == "sign" and loss == "perceptron_criterion":
            raise ValueError(
                "fit: perceptron_criterion picks samples by their score; use compiled=False"
            )
        function: LossFunction = task.loss if task else loss  # type: ignore[assignment]
        nin = len(train.rows[0])
        width = len(labels.classes) if labels.kind == "classes" else 1
        if labels.kind == "classes":
            width = max(width, int(max(labels.classes)) + 1)
        self.parameters = model.parameters()

        def sample_loss(*values: Value) -> list[Value]:
            out = model(list(values[:nin]))  # type: ignore[operator]
            targets = list(values[nin:])
            target = targets if labels.kind == "classes" else targets[0]
            outputs = out if isinstance(out, list) else [out]
            return [function([out], [target]), *outputs]

        self.loss = compile(sample_loss, nin + width, parameters=self.parameters)
        self.penalty = (
            compile(lambda: losses.l2(self.parameters, l2), 0, parameters=self.parameters)
            if l2
            else None
        )
        self.train_columns = self._columns(train, labels, width)
        self.val_columns = self._columns(val, labels, width) if val.rows else []

    @staticmethod
    def _columns(samples: _Samples, labels: _Labels, width: int) -> list[np.ndarray]:
        features = np.asarray(samples.rows, dtype=float)
        return [*features.T.copy(), *labels.target_columns(samples.y, width)]

    def evaluate(self, labels: _Labels, y: np.ndarray) -> tuple[float, float | None]:
        """Loss and accuracy on the validation columns."""
        loss_per_sample, *outputs = self.loss(*self.val_columns)
        return float(np.mean(loss_per_sample)), labels.accuracy(np.column_stack(outputs), y)


@dataclass(frozen=True)
class _Samples:
    rows: list[list[float]]
    y: np.ndarray


def _split(
    rows: list[list[float]],
    y: np.ndarray,
    validation_split: float,
    validation_data: tuple[Any, Any] | None,
) -> tuple[_Samples, _Samples]:
    """Training and validation samples: given, or the last ``validation_split`` of them."""
    if validation_data is not None:
        val = _Samples(
            _rows("fit validation_data", validation_data[0]), np.asarray(validation_data[1])
        )
        if len(val.rows) != len(val.y):
            raise ValueError(
                f"fit: validation_data has {len(val.rows)} samples, {len(val.y)} labels"
            )
        return _Samples(rows, y), val
    if validation_split > 0.0:
        held = max(1, round(len(rows) * validation_split))
        if held >= len(rows):
            raise ValueError("fit: validation_split leaves no training samples")
        return _Samples(rows[:-held], y[:-held]), _Samples(rows[-held:], y[-held:])
    return _Samples(rows, y), _Samples([], y[:0])


@dataclass
class _Loop:
    """Everything one training run needs; :meth:`run` is called once per restart."""

    model: Module
    function: LossFunction
    labels: _Labels
    train: _Samples
    targets: list[Any]
    val: _Samples
    epochs: int
    size: int
    l2: float
    early_stopping: int | None
    tol: float | None
    shuffler: np.random.Generator
    progress: bool
    restarts: int
    compiled: _CompiledLoss | None = None

    def run(self, opt: optim.Optimizer, schedule: optim.Scheduler | None, restart: int) -> History:
        """Train from the model's current weights; returns the run's history."""
        from tqdm.auto import tqdm  # noqa: PLC0415 - only fit needs it, and it is slow to import

        history = History()
        best_val, best_state, stale = math.inf, self.model.state_dict(), 0
        description = f"restart {restart + 1}/{self.restarts}" if self.restarts > 1 else "training"
        show = _show_progress(self.progress)
        bar = tqdm(range(self.epochs), desc=description, disable=not show, leave=True)
        for epoch in bar:
            (self._epoch if self.compiled is None else self._compiled_epoch)(opt, schedule, history)
            postfix = {"loss": f"{history.loss[-1]:.4f}"}
            if history.accuracy[-1] is not None:
                postfix["acc"] = f"{history.accuracy[-1]:.3f}"
            history.best_epoch = epoch
            if self.val.rows:
                val_loss = self._validate(history)
                postfix["val_loss"] = f"{val_loss:.4f}"
                if val_loss < best_val:
                    best_val, best_state, stale = val_loss, self.model.state_dict(), 0
                else:
                    stale += 1
                    if self.early_stopping is not None:
                        history.best_epoch = epoch - stale
            bar.set_postfix(postfix)
            if self.early_stopping is not None and stale >= self.early_stopping:
                history.stopped_early = True
                break
            if (
                self.tol is not None
                and epoch
                and abs(history.loss[-1] - history.loss[-2]) < self.tol
            ):
                history.converged = True
                break
        bar.close()
        if self.early_stopping is not None:
            self.model.load_state_dict(best_state)
        return history

    def _epoch(
        self, opt: optim.Optimizer, schedule: optim.Scheduler | None, history: History
    ) -> None:
        rows, count = self.train.rows, len(self.train.rows)
        order = self.shuffler.permutation(count) if self.size < count else range(count)
        params = self.model.parameters()
        total, outputs_by_index = 0.0, {}
        for start in range(0, count, self.size):
            batch = list(order[start : start + self.size])
            opt.zero_grad()
            outputs = [self.model(rows[i]) for i in batch]  # type: ignore[operator]
            objective = self.function(outputs, [self.targets[i] for i in batch])
            if self.l2:
                objective = objective + losses.l2(params, self.l2)
            objective.backward()
            opt.step()
            if schedule is not None:
                schedule.step()
            total += objective.data * len(batch)
            outputs_by_index.update(zip(batch, outputs, strict=True))
        history.loss.append(total / count)
        ordered = [outputs_by_index[i] for i in range(count)]
        history.accuracy.append(self.labels.accuracy(_scores(ordered), self.train.y))

    def _validate(self, history: History) -> float:
        """Record the validation loss and accuracy after an epoch; return the loss."""
        if self.compiled is None:
            val_loss, val_accuracy = _evaluate(self.model, self.val, self.function, self.labels)
        else:
            val_loss, val_accuracy = self.compiled.evaluate(self.labels, self.val.y)
        history.val_loss.append(val_loss)
        history.val_accuracy.append(val_accuracy)
        return val_loss

    def _compiled_epoch(
        self, opt: optim.Optimizer, schedule: optim.Scheduler | None, history: History
    ) -> None:
        replay = self.compiled
        count = len(self.train.rows)
        order = self.shuffler.permutation(count) if self.size < count else np.arange(count)
        total, scores = 0.0, [None] * count
        for start in range(0, count, self.size):
            batch = order[start : start + self.size]
            result = replay.loss.grad(*(c[batch] for c in replay.train_columns), reduce="mean")
            losses_per_sample, *outputs = result.output
            grads = result.parameters
            objective = float(np.mean(losses_per_sample))
            if replay.penalty is not None:
                penalty = replay.penalty.grad()
                grads = [g + h for g, h in zip(grads, penalty.parameters, strict=True)]
                objective += penalty.output
            for p, g in zip(replay.parameters, grads, strict=True):
                p.grad = g
            opt.step()
            if schedule is not None:
                schedule.step()
            total += objective * len(batch)
            for j, i in enumerate(batch):
                scores[i] = [o[j] for o in outputs]
        history.loss.append(total / count)
        history.accuracy.append(self.labels.accuracy(np.array(scores), self.train.y))


def predict(model: Module, X: Any) -> list[Any]:
    """The model's output data for each sample (a float, or a list for several outputs).

    Example:
        >>> from nn import Neuron
        >>> n = Neuron(1, "linear", seed=0)
        >>> n.w[0].data = 2.0
        >>> predict(n, [[1.0], [3.0]])
        [2.0, 6.0]
    """
    with no_grad():
        outputs = [model(row) for row in _rows("predict", X)]  # type: ignore[operator]
    return [[o.data for o in out] if isinstance(out, list) else out.data for out in outputs]
