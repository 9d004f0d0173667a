"""``fit``: the training loop.

It supports validation, early stopping, a convergence threshold, L2 regularisation,
learning-rate decay, random restarts and a progress bar.
"""

from __future__ import annotations

import contextlib
import math
import random
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograd import Value, compile, no_grad
from nn import checks, losses, optim
from nn.dropout import Dropout
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
    "adamw": optim.AdamW,
    "rmsprop": optim.RMSprop,
}


@dataclass
class History:
    """What :func:`fit` measured, one entry per epoch run.

    Attributes:
        loss: the training objective (data loss + L2 penalty), averaged over the epoch's
            batches, measured during the epoch (before each batch's update).
        accuracy: training accuracy from the same forward passes (None for regression);
            for a model with dropout, from a forward pass in evaluation mode after the
            epoch (the training passes drop units at random).
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

    def __init__(self, kind: str, y: np.ndarray, function: str = "fit") -> None:
        self.kind = kind
        self.classes = sorted(set(y.tolist())) if kind != "regression" else []
        if kind in {"sign", "binary", "probability"} and len(self.classes) > 2:
            raise ValueError(
                f"{function}(y): this loss needs two classes, got labels {self.classes[:6]}"
            )

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
            # Strictly above: a probability of exactly 0.5 (a score of exactly 0) is class 0,
            # as the perceptron's own rule (w.x + c > 0) has it. One source article writes
            # ">= 0.5 is class 1"; the two differ only at exactly 0.5.
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


def _model(function: str, model: Any) -> Module:
    if not isinstance(model, Module):
        raise TypeError(
            f"{function}(model): expected an nn model (a Module such as MLP, Layer or Neuron), "
            f"got {type(model).__name__}"
        )
    return model


def _rows(function: str, name: str, X: Any, model: Module) -> list[list[float]]:
    """Samples as float rows, as many features as the model takes."""
    rows = checks.samples(function, name, X)
    nin = getattr(model, "nin", None)
    if isinstance(nin, int) and len(rows[0]) != nin:
        raise ValueError(
            f"{function}({name}): the model takes {nin} inputs, but the samples have "
            f"{len(rows[0])} features"
        )
    return rows


def _targets(function: str, name: str, y: Any, count: int, task: _Task | None) -> np.ndarray:
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


def _check_outputs(function: str, model: Module, row: list[float], task: _Task | None) -> None:
    """One sample through the model (no graph): its outputs must suit the loss."""
    if task is None:
        return
    with evaluation_mode(model), no_grad():  # a dropout mask is not drawn for a check
        out = model(row)  # type: ignore[operator]
    if task.kind == "classes":
        if not (isinstance(out, list) and len(out) >= 2):
            raise ValueError(
                f"{function}(loss): cross_entropy needs a model with one output per class "
                f"(at least 2); this model returns {_shape(out)}"
            )
    elif not isinstance(out, Value):
        raise ValueError(
            f"{function}(loss): {task.loss.__name__} needs a model with one output; "
            f"this model returns {_shape(out)}"
        )


def _shape(out: Any) -> str:
    return f"{len(out)} outputs" if isinstance(out, list) else f"a {type(out).__name__}"


def _show_progress(progress: bool) -> bool:
    # A bar in a terminal or a Jupyter kernel; none when output goes to a file or a pipe.
    if not progress:
        return False
    return _in_jupyter_kernel() or sys.stderr.isatty()


def _in_jupyter_kernel() -> bool:
    # A running kernel, not merely an imported ipykernel (a test runner or nbclient imports
    # it too): IPython's shell in a kernel holds the kernel object.
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return getattr(shell, "kernel", None) is not None


def _check_optimizer(
    choice: Any, model: Module, lr: float | None, weight_decay: float, restarts: int
) -> None:
    if isinstance(choice, optim.Optimizer):
        owned = {id(p) for p in model.parameters()}
        if not any(id(p) in owned for p in choice.params):
            raise ValueError(
                "fit(optimizer): none of its parameters belongs to the model (was it built "
                "on another model's parameters?); build it with model.parameters()"
            )
        for name, value, default in (("lr", lr, None), ("weight_decay", weight_decay, 0.0)):
            if value != default:
                raise ValueError(
                    f"fit({name}): set {name} on the optimizer instance, not on fit "
                    f"(fit's {name} applies to a named optimizer only)"
                )
        if restarts > 1:
            raise ValueError(
                "fit(restarts): restarts > 1 needs a named optimizer (a fresh one per restart)"
            )
    elif not (isinstance(choice, str) and choice in OPTIMIZERS):
        raise ValueError(
            f"fit(optimizer): unknown optimizer {choice!r:.60}; "
            f"valid: {', '.join(OPTIMIZERS)} or an nn.optim optimizer"
        )
    if restarts > 1 and type(model).reset_parameters is Module.reset_parameters:
        raise ValueError(
            f"fit(restarts): {type(model).__name__} cannot draw new weights "
            f"(no reset_parameters); use restarts=1"
        )


def _optimizer(
    choice: str | optim.Optimizer, model: Module, lr: float | None, weight_decay: float
) -> optim.Optimizer:
    if isinstance(choice, optim.Optimizer):
        return choice
    cls = OPTIMIZERS[choice]
    options: dict[str, Any] = {"weight_decay": weight_decay}
    if lr is not None:
        options["lr"] = lr
    elif cls is optim.SGD:
        options["lr"] = 0.1
    return cls(model.parameters(), **options)


def has_dropout(model: Module) -> bool:
    """Whether ``model`` holds a :class:`~nn.dropout.Dropout` that drops anything (p > 0)."""
    return any(isinstance(m, Dropout) and m.p > 0.0 for m in model.modules())


def _check_no_dropout_if_compiled(model: Module, compiled: bool) -> None:
    if compiled and has_dropout(model):
        raise ValueError(
            "fit: compiled=True cannot train a model with dropout (a trace would replay the "
            "one random mask drawn while tracing); use compiled=False"
        )


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


def evaluate(
    model: Module, X: Any, y: Any, loss: str | LossFunction = "hinge"
) -> tuple[float, float | None]:
    """Loss and accuracy of ``model`` on ``(X, y)``, without recording a graph.

    The model runs in evaluation mode (dropout off); its modes are restored afterwards.

    Example:
        >>> from nn import MLP
        >>> model = MLP(1, [1], seed=0)
        >>> model.layers[0].neurons[0].w[0].data = 1.0
        >>> evaluate(model, [[2.0], [-1.0]], [1, -1])
        (0.0, 1.0)
    """
    _model("evaluate", model)
    task = _task("evaluate", loss)
    rows = _rows("evaluate", "X", X, model)
    targets = _targets("evaluate", "y", y, len(rows), task)
    _check_outputs("evaluate", model, rows[0], task)
    labels = _Labels(task.kind if task else "regression", targets, "evaluate")
    function = task.loss if task else loss
    return _evaluate(model, _Samples(rows, targets), function, labels)  # type: ignore[arg-type]


def _task(function: str, loss: str | LossFunction) -> _Task | None:
    if callable(loss):
        return None
    task = TASKS.get(loss) if isinstance(loss, str) else None
    if task is None:
        raise ValueError(
            f"{function}(loss): unknown loss {loss!r:.60}; valid: {', '.join(TASKS)} or a function"
        )
    return task


def _loss_value(function: str, loss: Any, objective: Any) -> Value:
    if not isinstance(objective, Value):
        raise TypeError(
            f"{function}(loss): the loss function returned a {type(objective).__name__}, "
            f"expected a Value (compose it from the predictions, which are Values)"
        )
    return objective


def _evaluate(
    model: Module, samples: _Samples, function: LossFunction, labels: _Labels
) -> tuple[float, float | None]:
    with evaluation_mode(model), no_grad():
        outputs = [model(row) for row in samples.rows]  # type: ignore[operator]
        value = _loss_value("evaluate", function, function(outputs, labels.targets(samples.y)))
    return value.data, labels.accuracy(_scores(outputs), samples.y)


# What each of fit's options accepts: one table, checked before anything else happens.
FIT_OPTIONS: dict[str, checks.Check] = {
    "lr": checks.optional(checks.positive),
    "epochs": checks.count,
    "batch_size": checks.optional(checks.count),
    "l2": checks.non_negative,
    "weight_decay": checks.non_negative,
    "lr_decay": checks.one_of(None, "linear"),
    "validation_split": checks.below_one,
    "early_stopping": checks.optional(checks.count),
    "tol": checks.optional(checks.non_negative),
    "restarts": checks.count,
    "seed": checks.seed,
    "progress": checks.flag,
    "compiled": checks.flag,
}


class _Diverged(Exception):  # noqa: N818 - internal signal, turned into fit's ValueError
    """Training produced a non-finite loss or parameter."""


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
        optimizer: "sgd", "adam", "adamw", "rmsprop" or an ``nn.optim`` optimizer instance.
        lr: learning rate for a named optimizer (default: SGD 0.1, else its own default).
        epochs: the most epochs to run (an epoch is one pass over the training data).
        batch_size: samples per step; None trains on the whole set at once (full batch).
        l2: L2 regularisation strength, added to the loss as ``l2 * Σ p²``.
        weight_decay: L2 through a named optimizer's ``weight_decay`` instead (for
            "adamw", its decoupled decay; 0.0 by default here, as for every name).
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
            Not with dropout (a trace would freeze one random mask): a ``ValueError``.

    Training runs in training mode (``model.train()``: dropout drops units); validation
    and the accuracy of a model with dropout are measured in evaluation mode; the model
    is left in evaluation mode (``model.eval()``), ready for ``predict``.

    Returns:
        The :class:`History` of the run that was kept.

    Raises:
        TypeError: an argument of the wrong type (each option is checked by
            :data:`FIT_OPTIONS`), a model that is not a ``Module``, a custom loss that
            does not return a ``Value``. Nothing has changed.
        ValueError: a bad value (non-finite or mislabelled data, a negative ``l2``, ...),
            nothing changed; or training diverged (the loss or a weight became inf or
            NaN), and the weights fit started from are back in place.

    Example:
        >>> from nn import MLP, datasets
        >>> X, y = datasets.logic_gate_table("and")
        >>> model = MLP(2, [1], seed=1)
        >>> history = fit(model, X, y, lr=0.5, epochs=50, progress=False)
        >>> history.accuracy[-1]
        1.0
    """
    options = checks.each(
        "fit",
        FIT_OPTIONS,
        {
            "lr": lr, "epochs": epochs, "batch_size": batch_size, "l2": l2,
            "weight_decay": weight_decay, "lr_decay": lr_decay,
            "validation_split": validation_split, "early_stopping": early_stopping, "tol": tol,
            "restarts": restarts, "seed": seed, "progress": progress, "compiled": compiled,
        },
    )  # fmt: skip
    l2, seed = options["l2"], options["seed"]
    _model("fit", model)
    _check_no_dropout_if_compiled(model, compiled)
    task = _task("fit", loss)
    rows = _rows("fit", "X", X, model)
    labels_all = _targets("fit", "y", y, len(rows), task)
    _check_optimizer(optimizer, model, lr, options["weight_decay"], restarts)
    if validation_data is not None and validation_split:
        raise ValueError("fit(validation_data): give validation_split or validation_data, not both")
    train, val = _split(
        model,
        task,
        rows,
        labels_all,
        validation_split=validation_split,
        validation_data=validation_data,
    )
    if early_stopping is not None and not val.rows:
        raise ValueError(
            "fit(early_stopping): needs validation data (validation_split or validation_data)"
        )
    _check_outputs("fit", model, rows[0], task)

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
    initial = model.state_dict()
    try:
        history = _restarts(
            loop,
            model,
            optimizer=optimizer,
            lr=lr,
            weight_decay=options["weight_decay"],
            lr_decay=lr_decay,
            seed=seed,
        )
    except _Diverged as diverged:
        model.load_state_dict(initial)
        rate = f"lr={lr}" if lr is not None else "the learning rate"
        raise ValueError(
            f"fit: training diverged: {diverged}; the model's weights are restored to where "
            f"fit started (try a smaller {rate}, or scale the inputs)"
        ) from None
    return history


def _restarts(  # noqa: PLR0913 - the parts of fit's arguments a run needs
    loop: _Loop,
    model: Module,
    *,
    optimizer: str | optim.Optimizer,
    lr: float | None,
    weight_decay: float,
    lr_decay: str | None,
    seed: int | None,
) -> History:
    """Train ``loop.restarts`` times, each from different weights; keep the best run."""
    init_rng = random.Random(seed)  # noqa: S311 - weight initialisation, not cryptography
    starts = {tuple(p.data for p in model.parameters())}
    best: tuple[History, dict[str, float]] | None = None
    scores = []
    model.train()
    for restart in range(loop.restarts):
        if restart:
            _redraw(model, init_rng, starts)
        opt = _optimizer(optimizer, model, lr, weight_decay)
        steps = loop.epochs * math.ceil(len(loop.train.rows) / loop.size)
        history = loop.run(opt, optim.LinearDecay(opt, steps) if lr_decay else None, restart)
        scores.append(history.score())
        if best is None or scores[-1] < best[0].score():
            best = (history, model.state_dict())
    model.eval()  # trained: evaluation mode, ready to predict (PyTorch users call eval())
    history, state = best  # type: ignore[misc]
    model.load_state_dict(state)
    history.restart_losses = scores
    return history


def _redraw(model: Module, rng: random.Random, starts: set[tuple[float, ...]]) -> None:
    """New initial weights that no earlier run started from.

    A restart is meant to try another starting point. With ``fit(seed=s)`` on a model built
    with ``seed=s`` the first redraw reproduces the constructor's weights, so it is drawn
    again (the generator has moved on).
    """
    for _ in range(8):
        model.reset_parameters(rng)
        start = tuple(p.data for p in model.parameters())
        if start not in starts:
            starts.add(start)
            return
    raise ValueError(
        f"fit(restarts): {type(model).__name__}.reset_parameters keeps drawing the same "
        f"weights, so restarts would repeat one run"
    )


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
            return [_loss_value("fit", function, function([out], [target])), *outputs]

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


def _split(  # noqa: PLR0913 - the data and the two ways to hold some out
    model: Module,
    task: _Task | None,
    rows: list[list[float]],
    y: np.ndarray,
    *,
    validation_split: float,
    validation_data: Any,
) -> tuple[_Samples, _Samples]:
    """Training and validation samples: given, or the last ``validation_split`` of them."""
    if validation_data is not None:
        if isinstance(validation_data, str | bytes) or not (
            isinstance(validation_data, tuple | list) and len(validation_data) == 2
        ):
            raise TypeError(
                f"fit(validation_data): expected a pair (X_val, y_val), got "
                f"{type(validation_data).__name__}"
                + (
                    f" of length {len(validation_data)}"
                    if hasattr(validation_data, "__len__")
                    else ""
                )
            )
        val_rows = _rows("fit", "validation_data", validation_data[0], model)
        if len(val_rows[0]) != len(rows[0]):
            raise ValueError(
                f"fit(validation_data): X_val has {len(val_rows[0])} features, X has {len(rows[0])}"
            )
        val_y = _targets("fit", "validation_data", validation_data[1], len(val_rows), task)
        return _Samples(rows, y), _Samples(val_rows, val_y)
    if validation_split > 0.0:
        held = max(1, round(len(rows) * validation_split))
        if held >= len(rows):
            raise ValueError("fit(validation_split): leaves no training samples")
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
            objective = _loss_value(
                "fit", self.function, self.function(outputs, [self.targets[i] for i in batch])
            )
            _finite(objective.data, history, start, self.size)
            if self.l2:
                objective = objective + losses.l2(params, self.l2)
            objective.backward()
            opt.step()
            if schedule is not None:
                schedule.step()
            total += objective.data * len(batch)
            outputs_by_index.update(zip(batch, outputs, strict=True))
        _finite_parameters(params, history)
        history.loss.append(total / count)
        if has_dropout(self.model):  # the training passes dropped units: measure without
            with evaluation_mode(self.model), no_grad():
                ordered = [self.model(row) for row in rows]  # type: ignore[operator]
        else:
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
            _finite(objective, history, start, self.size)
            for p, g in zip(replay.parameters, grads, strict=True):
                p.grad = g
            opt.step()
            if schedule is not None:
                schedule.step()
            total += objective * len(batch)
            for j, i in enumerate(batch):
                scores[i] = [o[j] for o in outputs]
        _finite_parameters(replay.parameters, history)
        history.loss.append(total / count)
        history.accuracy.append(self.labels.accuracy(np.array(scores), self.train.y))


def _finite(loss: float, history: History, start: int, size: int) -> None:
    if not math.isfinite(loss):
        raise _Diverged(
            f"the loss became {loss} at epoch {history.epochs + 1}, step {start // size + 1}"
        )


def _finite_parameters(params: list[Value], history: History) -> None:
    if not all(math.isfinite(p.data) for p in params):
        raise _Diverged(f"a parameter became inf or nan in epoch {history.epochs + 1}")


def predict(model: Module, X: Any) -> list[Any]:
    """The model's output data for each sample (a float, or a list for several outputs).

    The model runs in evaluation mode (dropout off); its modes are restored afterwards.

    Example:
        >>> from nn import Neuron
        >>> n = Neuron(1, "linear", seed=0)
        >>> n.w[0].data = 2.0
        >>> predict(n, [[1.0], [3.0]])
        [2.0, 6.0]
    """
    rows = _rows("predict", "X", X, _model("predict", model))
    with evaluation_mode(model), no_grad():
        outputs = [model(row) for row in rows]  # type: ignore[operator]
    return [[o.data for o in out] if isinstance(out, list) else out.data for out in outputs]
