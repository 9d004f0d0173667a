"""``fit``'s arguments, every one checked once, up front, into a :class:`Plan`.

Nothing changes before :func:`plan` returns: a bad argument raises here, naming
``fit(argument)`` and the value, with the model and the optimizer as they were.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from nn import checks, optim
from nn.module import Module
from nn.training import data
from nn.training.tasks import Labels, LossFunction, Task, task

OPTIMIZERS: dict[str, type[optim.Optimizer]] = {
    "sgd": optim.SGD,
    "adam": optim.Adam,
    "adamw": optim.AdamW,
    "rmsprop": optim.RMSprop,
}

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


@dataclass(frozen=True)
class Plan:
    """One ``fit`` call's arguments, checked and in the form the loop uses."""

    model: Module
    task: Task | None
    function: LossFunction
    labels: Labels
    train: data.Samples
    val: data.Samples
    outputs: int
    optimizer: str | optim.Optimizer
    options: dict[str, Any]  # FIT_OPTIONS' values, checked

    @property
    def size(self) -> int:
        """Samples per step (the whole training set for full-batch training)."""
        return self.options["batch_size"] or len(self.train.rows)

    @property
    def steps(self) -> int:
        """Optimizer steps per run: what a learning-rate decay spreads over."""
        return self.options["epochs"] * math.ceil(len(self.train.rows) / self.size)

    def make_optimizer(self) -> optim.Optimizer:
        """The optimizer instance given, or a fresh named one on the model's parameters."""
        if isinstance(self.optimizer, optim.Optimizer):
            return self.optimizer
        cls = OPTIMIZERS[self.optimizer]
        settings: dict[str, Any] = {"weight_decay": self.options["weight_decay"]}
        if self.options["lr"] is not None:
            settings["lr"] = self.options["lr"]
        elif cls is optim.SGD:
            settings["lr"] = 0.1
        return cls(self.model.parameters(), **settings)


def plan(  # noqa: PLR0913 - fit's arguments, by the names fit gives them
    model: Any,
    X: Any,
    y: Any,
    *,
    loss: str | LossFunction,
    optimizer: Any,
    validation_data: Any,
    options: dict[str, Any],
) -> Plan:
    """Check every argument of ``fit``; the run they describe, or the first error."""
    options = checks.each("fit", FIT_OPTIONS, options)
    net = data.model("fit", model)
    if options["compiled"] and data.has_dropout(net):
        raise ValueError(
            "fit: compiled=True cannot train a model with dropout (a trace would replay the "
            "one random mask drawn while tracing); use compiled=False"
        )
    found = task("fit", loss)
    rows = data.rows("fit", "X", X, net)
    labels_all = data.targets("fit", "y", y, len(rows), found)
    _check_optimizer(optimizer, net, options)
    train, val = data.split(
        "fit",
        net,
        found,
        data.Samples(rows, labels_all),
        validation_split=options["validation_split"],
        validation_data=validation_data,
    )
    if options["early_stopping"] is not None and not val.rows:
        raise ValueError(
            "fit(early_stopping): needs validation data (validation_split or validation_data)"
        )
    outputs = data.output_count("fit", net, rows[0], found)
    kind = found.kind if found else "regression"
    if validation_data is None:
        labels = Labels.read("fit", "y", kind, labels_all, outputs)
    else:  # read together (y may hold one class, X_val's labels the other), blamed apart
        every_label = np.concatenate([labels_all, val.y])
        try:
            labels = Labels.read("fit", "y", kind, every_label, outputs)
        except ValueError:  # the same reads again, to name the culprit: each raises
            Labels.read("fit", "y", kind, labels_all, outputs)  # if y alone is wrong
            labels = Labels.read("fit", "validation_data", kind, every_label, outputs)
    return Plan(
        model=net,
        task=found,
        function=found.loss if found else loss,  # type: ignore[arg-type]
        labels=labels,
        train=train,
        val=val,
        outputs=outputs,
        optimizer=optimizer,
        options=options,
    )


def _check_optimizer(choice: Any, model: Module, options: dict[str, Any]) -> None:
    restarts = options["restarts"]
    if isinstance(choice, optim.Optimizer):
        owned = {id(p) for p in model.parameters()}
        if not any(id(p) in owned for p in choice.params):
            raise ValueError(
                "fit(optimizer): none of its parameters belongs to the model (was it built "
                "on another model's parameters?); build it with model.parameters()"
            )
        for name, default in (("lr", None), ("weight_decay", 0.0)):
            if options[name] != default:
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
