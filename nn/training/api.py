"""The public functions of training: ``fit``, ``evaluate`` and ``predict``."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from autograd import no_grad
from nn import optim
from nn.module import Module
from nn.training import arguments, data, loop, steps
from nn.training.history import History
from nn.training.tasks import Labels, LossFunction, task


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
            cross-entropies, read by value: 0/1 or -1/+1 (0 and -1 are the negative class
            even when alone), or any two other values, the larger one positive; class
            indices 0 <= label < outputs for ``cross_entropy``; numbers for ``mse``. See
            :mod:`nn.training.tasks` for the rule.
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
            on numpy batches (much faster; the same numbers up to rounding). Every named
            loss and ``nn`` model compiles; a custom loss (which must accept Value
            targets) or model is first traced at every training sample, and a
            ``ValueError`` refuses it if its graph changes (Python control flow on
            ``.data``), or a custom loss that is no mean of per-sample losses (a sum).
            Not with dropout (a trace would freeze one random mask).

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
            NaN) or the loss refused the model's outputs mid-training, and all fit changed
            is back (weights, gradients, modes, a given optimizer's state).

    Example:
        >>> from nn import MLP, datasets
        >>> X, y = datasets.logic_gate_table("and")
        >>> model = MLP(2, [1], seed=1)
        >>> history = fit(model, X, y, lr=0.5, epochs=50, progress=False)
        >>> history.accuracy[-1]
        1.0
    """
    run = arguments.plan(
        model,
        X,
        y,
        loss=loss,
        optimizer=optimizer,
        validation_data=validation_data,
        options={
            "lr": lr, "epochs": epochs, "batch_size": batch_size, "l2": l2,
            "weight_decay": weight_decay, "lr_decay": lr_decay,
            "validation_split": validation_split, "early_stopping": early_stopping, "tol": tol,
            "restarts": restarts, "seed": seed, "progress": progress, "compiled": compiled,
        },
    )  # fmt: skip
    step = steps.make_step(run)  # a compiled step traces (and may refuse) before any change
    restore = _snapshot(run.model, run.optimizer)
    try:
        return loop.train(run, step)
    except loop.Diverged as diverged:
        restore()
        rate = f"lr={lr}" if lr is not None else "the learning rate"
        raise ValueError(
            f"fit: training diverged: {diverged}; the model's weights are restored to where "
            f"fit started (try a smaller {rate}, or scale the inputs)"
        ) from None
    except (ValueError, TypeError):  # the loss refused an output mid-training: nothing lost
        restore()
        raise


def _snapshot(model: Module, optimizer: str | optim.Optimizer) -> Callable[[], None]:
    """A function that puts back all a failed ``fit`` may have changed."""
    # Data and gradient of each Value it may step (a given optimizer's may lie outside the
    # model), each module's mode, and a given optimizer's moments, counts and decayed lr.
    given = optimizer if isinstance(optimizer, optim.Optimizer) else None
    values = list(dict.fromkeys([*model.parameters(), *(given.params if given else [])]))
    numbers, state = [(p.data, p.grad) for p in values], given and given.state_dict()
    modes = [(module, module.training) for module in model.modules()]

    def restore() -> None:
        for p, (number, gradient) in zip(values, numbers, strict=True):
            p.data, p.grad = number, gradient
        for module, mode in modes:
            module.training = mode
        if given is not None:
            given.load_state_dict(state)  # type: ignore[arg-type]

    return restore


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
    data.model("evaluate", model)
    found = task("evaluate", loss)
    rows = data.rows("evaluate", "X", X, model)
    targets = data.targets("evaluate", "y", y, len(rows), found)
    outputs = data.output_count("evaluate", model, rows[0], found)
    kind = found.kind if found else "regression"
    labels = Labels.read("evaluate", "y", kind, targets, outputs)
    function = found.loss if found else loss
    what = SimpleNamespace(model=model, function=function, labels=labels)
    return steps.evaluate_samples(what, data.Samples(rows, targets))


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
    rows = data.rows("predict", "X", X, data.model("predict", model))
    with data.evaluation_mode(model), no_grad():
        outputs = [model(row) for row in rows]  # type: ignore[operator]
    return [[o.data for o in out] if isinstance(out, list) else out.data for out in outputs]
