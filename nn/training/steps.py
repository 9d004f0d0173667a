"""One training step, two ways: eagerly through the engine, or replayed by ``compile``.

A step takes a batch of sample indices, leaves the gradient of the batch's objective
(mean loss + L2 penalty) in each parameter's ``.grad``, and returns the objective and
the model's outputs for the batch. The loop (:mod:`nn.training.loop`) does not know which
kind it runs: both give the same numbers up to rounding (tests/reference/test_fit.py
checks both against a PyTorch loop).

A compiled step traces the per-sample loss once and replays it for every sample, so
nothing in that graph may branch on ``.data``: every named loss is built from graph ops
(tests/nn/test_losses.py replays each across its switches). A custom loss or a model of
the user's may branch; :class:`CompiledStep` checks it up front against a trace at every
training sample (``compile(verify=True)``) and refuses it with a ``ValueError`` if the
graph changes.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograd import TraceError, Value, compile, no_grad
from nn import losses
from nn.layers import MLP, Layer, Neuron
from nn.training import data
from nn.training.arguments import Plan
from nn.training.tasks import loss_value

# Models whose graph is the same for every sample (built from graph ops only); any other
# model, or a custom loss, is verified against a trace per sample before a compiled fit.
_BRANCH_FREE_MODELS = (MLP, Layer, Neuron)


class EagerStep:
    """Forward each sample through the engine, then backward the batch's objective."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.targets = plan.labels.targets(plan.train.y)
        self.parameters = plan.model.parameters()
        self.dropout = data.has_dropout(plan.model)

    def batch(self, indices: np.ndarray) -> tuple[float, np.ndarray]:
        """The batch's objective and outputs; its gradient is added into the parameters'."""
        plan, rows = self.plan, self.plan.train.rows
        outputs = [plan.model(rows[i]) for i in indices]  # type: ignore[operator]
        objective = loss_value("fit", plan.function(outputs, [self.targets[i] for i in indices]))
        if plan.options["l2"]:
            objective = objective + losses.l2(self.parameters, plan.options["l2"])
        objective.backward()
        return objective.data, data.scores(outputs)

    def train_scores(self, scores: np.ndarray) -> np.ndarray:
        """The outputs accuracy is measured on: without dropout's random drops."""
        if not self.dropout:
            return scores
        with data.evaluation_mode(self.plan.model), no_grad():
            return data.scores([self.plan.model(row) for row in self.plan.train.rows])  # type: ignore[operator]

    def validate(self) -> tuple[float, float | None]:
        """Loss and accuracy on the validation samples, in evaluation mode."""
        return evaluate_samples(self.plan, self.plan.val)


class CompiledStep:
    """The per-sample loss and the model's outputs, compiled once, replayed on batches.

    The compiled function's inputs are a sample's features and its target (one-hot over
    the model's outputs for classes), so nothing about a sample is frozen at trace time;
    its outputs are the loss (differentiated) and the model's outputs (for accuracy).
    """

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        labels, function = plan.labels, plan.function
        nin = len(plan.train.rows[0])
        width = labels.classes if labels.kind == "classes" else 1
        self.parameters = plan.model.parameters()

        def sample_loss(*values: Value) -> list[Value]:
            out = plan.model(list(values[:nin]))  # type: ignore[operator]
            targets = list(values[nin:])
            target = targets if labels.kind == "classes" else targets[0]
            outputs = out if isinstance(out, list) else [out]
            return [loss_value("fit", function([out], [target])), *outputs]

        self._sample_loss = sample_loss
        self.loss = compile(sample_loss, nin + width, parameters=self.parameters)
        l2 = plan.options["l2"]
        self.penalty = (
            compile(lambda: losses.l2(self.parameters, l2), 0, parameters=self.parameters)
            if l2
            else None
        )
        self.train_args = self._arguments(plan.train)
        self.val_args = self._arguments(plan.val) if plan.val.rows else []
        try:  # traced now, so that what cannot compile is refused before anything changes
            self.loss.trace(*(v for m in self.train_args for v in np.atleast_1d(m[0]).tolist()))
        except TraceError as error:
            raise ValueError(f"fit(compiled): {error}; use compiled=False") from None
        if plan.task is None or type(plan.model) not in _BRANCH_FREE_MODELS:
            self._verify()
        if plan.task is None:
            self._check_mean()

    def _arguments(self, samples: data.Samples) -> list[np.ndarray]:
        """The compiled loss's arguments: the feature matrix, then the targets (one-hot)."""
        features = np.asarray(samples.rows, dtype=float).reshape(len(samples.rows), -1)
        targets = self.plan.labels.target_columns(samples.y)
        matrix = [np.column_stack(targets)] if len(targets) > 1 else targets
        # One matrix each (a 2-D argument supplies its columns): sliced, not stacked, per step.
        return [*([features] if features.shape[1] else []), *matrix]

    def _verify(self) -> None:
        """Trace at every training sample: a graph that changes cannot be replayed."""
        checked = compile(
            self._sample_loss, self.loss.n_inputs, parameters=self.parameters, verify=True
        )
        try:
            checked(*self.train_args)
        except TraceError as error:
            raise ValueError(
                f"fit(compiled): the loss or the model builds a different graph for different "
                f"samples (Python control flow on .data or on a comparison of Values), so one "
                f"trace cannot be replayed for all; use compiled=False ({error})"
            ) from None

    def _check_mean(self) -> None:
        """A custom loss must be the mean of its per-sample values: a replay averages them."""
        plan, per_sample = self.plan, float(np.mean(self.loss(*self.train_args)[0]))
        with no_grad():
            outputs = [plan.model(row) for row in plan.train.rows]  # type: ignore[operator]
            whole = loss_value("fit", plan.function(outputs, plan.labels.targets(plan.train.y)))
        close = math.isclose(whole.data, per_sample, rel_tol=1e-9, abs_tol=1e-12)
        if math.isfinite(whole.data) and not close:
            raise ValueError(
                f"fit(compiled): the custom loss of the whole training set is {whole.data!r}, but "
                f"the mean of its per-sample values is {per_sample!r}; a compiled fit replays "
                f"it per sample and averages, so it takes a mean over samples (divide a sum by "
                f"the count); use compiled=False"
            )

    def batch(self, indices: np.ndarray) -> tuple[float, np.ndarray]:
        """The batch's objective and outputs; its gradient is added into the parameters'."""
        # backward adds in: one array addition while the parameters are in the store the
        # compiled loss put them in, not a write per parameter.
        result = self.loss.backward(*(c[indices] for c in self.train_args), reduce="mean")
        losses_per_sample, *outputs = result
        scores = _stacked(outputs)
        if self.plan.task is not None:
            self.plan.task.check_outputs(scores)
        objective = float(np.mean(losses_per_sample))
        if self.penalty is not None:
            objective += self.penalty.backward()
        return objective, scores

    def train_scores(self, scores: np.ndarray) -> np.ndarray:
        """The outputs accuracy is measured on (a compiled model has no dropout)."""
        return scores

    def validate(self) -> tuple[float, float | None]:
        """Loss and accuracy on the validation data."""
        loss_per_sample, *outputs = self.loss(*self.val_args)
        scores = _stacked(outputs)
        if self.plan.task is not None:
            self.plan.task.check_outputs(scores)
        accuracy = self.plan.labels.accuracy(scores, self.plan.val.y)
        return float(np.mean(loss_per_sample)), accuracy


def _stacked(outputs: list[Any]) -> np.ndarray:
    """A replay's output columns as (n,) for one output, (n, k) for several."""
    return outputs[0] if len(outputs) == 1 else np.column_stack(outputs)


def evaluate_samples(plan: Any, samples: data.Samples) -> tuple[float, float | None]:
    """Loss and accuracy of ``plan.model`` on ``samples``, in evaluation mode, no graph."""
    model = plan.model
    with data.evaluation_mode(model), no_grad():
        outputs = [model(row) for row in samples.rows]  # type: ignore[operator]
        value = loss_value("evaluate", plan.function(outputs, plan.labels.targets(samples.y)))
    return value.data, plan.labels.accuracy(data.scores(outputs), samples.y)


def make_step(plan: Plan) -> EagerStep | CompiledStep:
    """The step ``plan`` asks for."""
    return CompiledStep(plan) if plan.options["compiled"] else EagerStep(plan)
