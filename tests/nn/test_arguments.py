"""Every public ``nn`` entry point against a table of bad arguments.

Each case must raise the expected ``TypeError`` or ``ValueError`` (never an ``IndexError``,
``AttributeError`` or ``unhashable type`` from deep inside), with a message that names the
function and the argument, and must change nothing: the model's weights, the optimizer's
state and the folder stay as they were.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest

import nn
from autograd import Value
from nn import MLP, Layer, Neuron, Perceptron, ThresholdNeuron, datasets, losses, optim
from nn.activations import activation, init_bound
from nn.plotting import decision_scores, plot_decision_boundary
from nn.training import evaluate, fit, predict

NAN, INF = math.nan, math.inf


@dataclass
class Context:
    """What a case may use: fresh for every case, compared before and after."""

    folder: Any
    model: MLP = field(default_factory=lambda: MLP(2, [3, 1], seed=0))
    classifier: MLP = field(default_factory=lambda: MLP(2, [3, 2], seed=0))
    X: np.ndarray = field(default_factory=lambda: datasets.make_moons(12, seed=0)[0])
    y: np.ndarray = field(default_factory=lambda: datasets.make_moons(12, seed=0)[1])

    def __post_init__(self) -> None:
        self.optimizer = optim.SGD(self.model.parameters(), lr=0.1, momentum=0.5)

    def fit(self, **options: Any) -> Any:
        arguments = {"model": self.model, "X": self.X, "y": self.y, "progress": False}
        arguments.update(options)
        return fit(arguments.pop("model"), arguments.pop("X"), arguments.pop("y"), **arguments)

    def snapshot(self) -> tuple[Any, ...]:
        return (
            self.model.state_dict(),
            self.classifier.state_dict(),
            self.optimizer.state_dict(),
            sorted(p.name for p in self.folder.iterdir()),
        )


def float_loss(predictions: list[Value], targets: list[float]) -> float:
    return sum(p.data for p in predictions)


T, V = TypeError, ValueError

# (function named in the message, argument named in the message, error, call)
CASES: list[tuple[str, str, type[Exception], Any]] = [
    # --- fit: data
    ("fit", "y", V, lambda c: c.fit(y=np.where(c.y == 1, NAN, 0.0))),
    ("fit", "y", V, lambda c: c.fit(y=np.column_stack([c.y, c.y]))),
    ("fit", "y", T, lambda c: c.fit(y=["a"] * 12)),
    ("fit", "y", V, lambda c: c.fit(y=c.y[:5])),
    ("fit", "y", V, lambda c: c.fit(loss="mse", y=np.full(12, INF))),
    ("fit", "y", V, lambda c: c.fit(y=np.arange(12) % 3)),
    ("fit", "X", V, lambda c: c.fit(X=[[1.0, 2.0], [3.0]], y=[1, 0])),
    ("fit", "X", T, lambda c: c.fit(X=[["1", "2"], ["3", "4"]], y=[1, 0])),
    ("fit", "X", T, lambda c: c.fit(X="abc", y=[1, 0, 1])),
    ("fit", "X", V, lambda c: c.fit(X=np.zeros((12, 3)))),
    ("fit", "X", V, lambda c: c.fit(X=np.zeros((0, 2)), y=[])),
    ("fit", "X", V, lambda c: c.fit(X=np.full((12, 2), NAN))),
    ("fit", "X", T, lambda c: c.fit(X=[[None, 1.0]] * 12)),
    # --- fit: options
    ("fit", "l2", V, lambda c: c.fit(l2=-1)),
    ("fit", "l2", V, lambda c: c.fit(l2=NAN)),
    ("fit", "l2", V, lambda c: c.fit(l2=INF)),
    ("fit", "l2", T, lambda c: c.fit(l2="0.1")),
    ("fit", "lr", V, lambda c: c.fit(lr=0)),
    ("fit", "lr", V, lambda c: c.fit(lr=NAN)),
    ("fit", "lr", V, lambda c: c.fit(lr=INF)),
    ("fit", "lr", T, lambda c: c.fit(lr=True)),
    ("fit", "lr", V, lambda c: c.fit(lr=1e300, epochs=3)),
    ("fit", "lr", V, lambda c: c.fit(lr=1e300, epochs=3, compiled=True)),
    ("fit", "lr", V, lambda c: c.fit(optimizer=c.optimizer, lr=0.5)),
    ("fit", "weight_decay", V, lambda c: c.fit(weight_decay=-1)),
    ("fit", "weight_decay", V, lambda c: c.fit(optimizer=c.optimizer, weight_decay=0.1)),
    ("fit", "epochs", V, lambda c: c.fit(epochs=0)),
    ("fit", "epochs", T, lambda c: c.fit(epochs=2.5)),
    ("fit", "epochs", T, lambda c: c.fit(epochs="10")),
    ("fit", "batch_size", T, lambda c: c.fit(batch_size=True)),
    ("fit", "batch_size", V, lambda c: c.fit(batch_size=0)),
    ("fit", "batch_size", T, lambda c: c.fit(batch_size=2.0)),
    ("fit", "early_stopping", V, lambda c: c.fit(early_stopping=0, validation_split=0.25)),
    ("fit", "early_stopping", T, lambda c: c.fit(early_stopping="3", validation_split=0.25)),
    ("fit", "early_stopping", V, lambda c: c.fit(early_stopping=3)),
    ("fit", "validation_split", V, lambda c: c.fit(validation_split=-0.1)),
    ("fit", "validation_split", V, lambda c: c.fit(validation_split=1.0)),
    ("fit", "validation_split", V, lambda c: c.fit(validation_split=NAN)),
    ("fit", "validation_split", T, lambda c: c.fit(validation_split="0.2")),
    ("fit", "validation_split", V, lambda c: c.fit(validation_split=0.99)),
    ("fit", "validation_data", T, lambda c: c.fit(validation_data=(c.X,))),
    ("fit", "validation_data", T, lambda c: c.fit(validation_data=5)),
    ("fit", "validation_data", V, lambda c: c.fit(validation_data=(c.X, c.y[:3]))),
    ("fit", "validation_data", V, lambda c: c.fit(validation_data=(c.X[:, :1], c.y))),
    ("fit", "validation_data", V, lambda c: c.fit(validation_data=(c.X, c.y * NAN))),
    # labels that only the validation data gets wrong are validation_data's, not y's
    (
        "fit",
        "validation_data",
        V,
        lambda c: c.fit(model=c.classifier, loss="cross_entropy", validation_data=(c.X, c.y * 5)),
    ),
    ("fit", "validation_data", V, lambda c: c.fit(validation_data=(c.X, c.y + 1))),
    ("fit", "validation_data", V, lambda c: c.fit(validation_data=(c.X, c.y - 1))),
    ("fit", "y", V, lambda c: c.fit(y=np.arange(12) % 3, validation_data=(c.X, c.y))),
    (
        "fit",
        "validation_data",
        V,
        lambda c: c.fit(validation_data=(c.X, c.y), validation_split=0.2),
    ),
    ("fit", "tol", V, lambda c: c.fit(tol=-1)),
    ("fit", "tol", T, lambda c: c.fit(tol="small")),
    ("fit", "restarts", V, lambda c: c.fit(restarts=0)),
    ("fit", "restarts", T, lambda c: c.fit(restarts=True)),
    ("fit", "restarts", V, lambda c: c.fit(restarts=2, optimizer=c.optimizer)),
    ("fit", "seed", T, lambda c: c.fit(seed="a")),
    ("fit", "seed", V, lambda c: c.fit(seed=-1)),
    ("fit", "seed", T, lambda c: c.fit(seed=1.5)),
    ("fit", "progress", T, lambda c: c.fit(progress="no")),
    ("fit", "compiled", T, lambda c: c.fit(compiled="yes")),
    ("fit", "lr_decay", V, lambda c: c.fit(lr_decay="Linear")),
    ("fit", "lr_decay", V, lambda c: c.fit(lr_decay=True)),
    ("fit", "loss", V, lambda c: c.fit(loss="l1")),
    ("fit", "loss", V, lambda c: c.fit(loss=["hinge"])),
    ("fit", "loss", T, lambda c: c.fit(loss=float_loss)),
    ("fit", "loss", T, lambda c: c.fit(loss=float_loss, compiled=True)),
    ("fit", "loss", V, lambda c: c.fit(loss="cross_entropy")),
    ("fit", "loss", V, lambda c: c.fit(model=c.classifier, loss="hinge")),
    ("fit", "y", V, lambda c: c.fit(model=c.classifier, loss="cross_entropy", y=2 * c.y - 1)),
    (
        "fit",
        "y",
        V,
        lambda c: c.fit(model=c.classifier, loss="cross_entropy", y=2 * c.y - 1, compiled=True),
    ),
    ("fit", "y", V, lambda c: c.fit(model=c.classifier, loss="cross_entropy", y=c.y + 0.5)),
    ("fit", "optimizer", V, lambda c: c.fit(optimizer="SGD")),
    ("fit", "optimizer", V, lambda c: c.fit(optimizer=None)),
    (
        "fit",
        "optimizer",
        V,
        lambda c: c.fit(optimizer=optim.SGD(MLP(2, [3, 1], seed=0).parameters(), lr=0.1)),
    ),
    ("fit", "model", T, lambda c: c.fit(model=lambda row: Value(row[0]))),
    ("fit", "model", T, lambda c: c.fit(model=None)),
    # --- predict, evaluate
    ("predict", "model", T, lambda c: predict(c.model.parameters, c.X)),
    ("predict", "X", T, lambda c: predict(c.model, [["a", "b"]])),
    ("predict", "X", V, lambda c: predict(c.model, np.zeros((3, 5)))),
    ("predict", "X", V, lambda c: predict(c.model, [[1.0, 2.0], [1.0]])),
    ("evaluate", "y", V, lambda c: evaluate(c.model, c.X, c.y * NAN)),
    ("evaluate", "y", V, lambda c: evaluate(c.model, c.X, c.y[:2])),
    ("evaluate", "loss", V, lambda c: evaluate(c.model, c.X, c.y, loss="accuracy")),
    ("evaluate", "loss", T, lambda c: evaluate(c.model, c.X, c.y, loss=float_loss)),
    ("evaluate", "model", T, lambda c: evaluate("MLP", c.X, c.y)),
    # --- optimizers
    ("SGD", "lr", T, lambda c: optim.SGD(c.model.parameters(), lr="0.1")),
    ("SGD", "lr", V, lambda c: optim.SGD(c.model.parameters(), lr=NAN)),
    ("SGD", "lr", V, lambda c: optim.SGD(c.model.parameters(), lr=-1)),
    ("SGD", "lr", T, lambda c: optim.SGD(c.model.parameters(), lr=True)),
    ("SGD", "momentum", V, lambda c: optim.SGD(c.model.parameters(), lr=0.1, momentum=1.0)),
    ("SGD", "weight_decay", V, lambda c: optim.SGD(c.model.parameters(), 0.1, weight_decay=-1)),
    ("SGD", "params", V, lambda c: optim.SGD([], lr=0.1)),
    ("SGD", "params", T, lambda c: optim.SGD([1.0], lr=0.1)),
    ("SGD", "params", T, lambda c: optim.SGD(c.model, lr=0.1)),
    ("SGD", "params", T, lambda c: optim.SGD(Value(1.0), lr=0.1)),
    ("SGD", "params", V, lambda c: optim.SGD(c.model.parameters() * 2, lr=0.1)),
    ("Adam", "betas", T, lambda c: optim.Adam(c.model.parameters(), betas=(0.9,))),
    ("Adam", "betas", T, lambda c: optim.Adam(c.model.parameters(), betas="ab")),
    ("Adam", "beta1", V, lambda c: optim.Adam(c.model.parameters(), betas=(1.0, 0.9))),
    ("Adam", "eps", V, lambda c: optim.Adam(c.model.parameters(), eps=0)),
    ("AdamW", "lr", V, lambda c: optim.AdamW(c.model.parameters(), lr=-1.0)),
    ("AdamW", "betas", T, lambda c: optim.AdamW(c.model.parameters(), betas=(0.9,))),
    ("AdamW", "eps", V, lambda c: optim.AdamW(c.model.parameters(), eps=0)),
    ("AdamW", "weight_decay", V, lambda c: optim.AdamW(c.model.parameters(), weight_decay=NAN)),
    ("RMSprop", "alpha", V, lambda c: optim.RMSprop(c.model.parameters(), alpha=1.0)),
    ("RMSprop", "momentum", T, lambda c: optim.RMSprop(c.model.parameters(), momentum=None)),
    ("SGD.load_state_dict", "mapping", T, lambda c: c.optimizer.load_state_dict([1])),
    (
        "SGD.load_state_dict",
        "lr",
        V,
        lambda c: c.optimizer.load_state_dict({**c.optimizer.state_dict(), "lr": -1.0}),
    ),
    (
        "SGD.load_state_dict",
        "deltas",
        V,
        lambda c: c.optimizer.load_state_dict({**c.optimizer.state_dict(), "deltas": [0.0]}),
    ),
    # --- schedulers
    ("LinearDecay", "total_steps", V, lambda c: optim.LinearDecay(c.optimizer, 0)),
    ("LinearDecay", "total_steps", T, lambda c: optim.LinearDecay(c.optimizer, 2.5)),
    ("LinearDecay", "end_factor", V, lambda c: optim.LinearDecay(c.optimizer, 5, end_factor=2)),
    ("LinearDecay", "optimizer", T, lambda c: optim.LinearDecay("sgd", 5)),
    ("StepDecay", "step_size", V, lambda c: optim.StepDecay(c.optimizer, 0)),
    ("StepDecay", "gamma", V, lambda c: optim.StepDecay(c.optimizer, 2, gamma=0)),
    ("ExponentialDecay", "gamma", V, lambda c: optim.ExponentialDecay(c.optimizer, 2.0)),
    ("ExponentialDecay", "gamma", V, lambda c: optim.ExponentialDecay(c.optimizer, NAN)),
    # --- datasets
    ("make_moons", "n_samples", V, lambda c: datasets.make_moons(0)),
    ("make_moons", "n_samples", T, lambda c: datasets.make_moons("10")),
    ("make_moons", "noise", V, lambda c: datasets.make_moons(10, noise=-1)),
    ("make_moons", "noise", V, lambda c: datasets.make_moons(10, noise=NAN)),
    ("make_moons", "seed", V, lambda c: datasets.make_moons(10, seed=-1)),
    ("make_moons", "seed", T, lambda c: datasets.make_moons(10, seed="a")),
    ("make_moons", "shuffle", T, lambda c: datasets.make_moons(10, shuffle="yes")),
    ("make_moons", "n_samples", V, lambda c: datasets.make_moons((-1, 3))),
    ("make_moons", "n_samples", V, lambda c: datasets.make_moons((1, 2, 3))),
    ("make_moons", "n_samples", V, lambda c: datasets.make_moons((0, 0))),
    ("make_moons", "n_samples", T, lambda c: datasets.make_moons((2.0, 3))),
    ("make_circles", "n_samples", V, lambda c: datasets.make_circles((4, -2))),
    ("make_circles", "n_samples", V, lambda c: datasets.make_circles((5,))),
    ("make_circles", "n_samples", V, lambda c: datasets.make_circles(np.ones((2, 2), int))),
    ("make_circles", "n_samples", T, lambda c: datasets.make_circles((3, "4"))),
    ("make_circles", "factor", V, lambda c: datasets.make_circles(10, factor=1.0)),
    ("make_blobs", "n_samples", V, lambda c: datasets.make_blobs([2, -1])),
    ("make_blobs", "n_samples", V, lambda c: datasets.make_blobs([])),
    ("make_blobs", "n_samples", T, lambda c: datasets.make_blobs([2, 1.5])),
    ("make_blobs", "n_samples", T, lambda c: datasets.make_blobs([True, 2])),
    ("make_blobs", "centers", V, lambda c: datasets.make_blobs([2, 3], centers=2)),
    ("make_blobs", "centers", V, lambda c: datasets.make_blobs([2, 3], centers=[[0.0, 0.0]])),
    ("make_blobs", "centers", V, lambda c: datasets.make_blobs(10, centers=0)),
    ("make_blobs", "centers", V, lambda c: datasets.make_blobs(10, centers=[[NAN, 0.0]])),
    ("make_blobs", "centers", T, lambda c: datasets.make_blobs(10, centers="two")),
    ("make_blobs", "cluster_std", V, lambda c: datasets.make_blobs(10, cluster_std=-1)),
    ("make_spiral", "n_classes", V, lambda c: datasets.make_spiral(10, n_classes=0)),
    ("make_xor", "noise", V, lambda c: datasets.make_xor(10, noise=INF)),
    ("make_digits", "n_samples", T, lambda c: datasets.make_digits(True)),
    ("logic_gate_table", "name", V, lambda c: datasets.logic_gate_table("xnor")),
    ("logic_gate_table", "name", T, lambda c: datasets.logic_gate_table(5)),
    # --- layers
    ("Neuron", "nin", V, lambda c: Neuron(0)),
    ("Neuron", "nin", T, lambda c: Neuron(True)),
    ("Neuron", "nin", T, lambda c: Neuron(2.0)),
    ("Neuron", "nin", T, lambda c: Neuron("2")),
    ("Neuron", "activation", V, lambda c: Neuron(2, "RELU")),
    ("Neuron", "activation", T, lambda c: Neuron(2, 5)),
    ("Neuron", "activation", V, lambda c: Neuron(2, "softmax")),
    ("Neuron", "init", V, lambda c: Neuron(2, init="glorot")),
    ("Dropout", "p", V, lambda c: nn.Dropout(1.5)),
    ("Dropout", "p", V, lambda c: nn.Dropout(NAN)),
    ("Dropout", "p", T, lambda c: nn.Dropout("a")),
    ("Dropout", "seed", T, lambda c: nn.Dropout(0.5, seed="a")),
    ("Dropout", "seed", V, lambda c: nn.Dropout(0.5, seed=-1)),
    ("Neuron", "seed", T, lambda c: Neuron(2, seed="a")),
    ("Neuron", "seed", V, lambda c: Neuron(2, seed=-1)),
    ("Neuron", "fan_out", V, lambda c: Neuron(2, fan_out=0)),
    ("Neuron", "name", T, lambda c: Neuron(2, name=5)),
    ("Neuron", "x", T, lambda c: Neuron(2, seed=0)(5)),
    ("Neuron", "inputs", V, lambda c: Neuron(2, seed=0)([1.0])),
    ("Layer", "nout", V, lambda c: Layer(2, 0)),
    ("Layer", "activation", V, lambda c: Layer(2, 2, "soft_max")),
    ("MLP", "nouts", V, lambda c: MLP(2, [])),
    ("MLP", "nouts", T, lambda c: MLP(2, 3)),
    ("MLP", "nouts", T, lambda c: MLP(2, "16")),
    ("MLP", "nouts", T, lambda c: MLP(2, [2, "a"])),
    ("MLP", "activation", V, lambda c: MLP(2, [2], activation="softmax")),
    ("MLP", "output_activation", V, lambda c: MLP(2, [2], output_activation="argmax")),
    ("MLP", "x", T, lambda c: c.model(None)),
    ("MLP.reset_parameters", "seed", T, lambda c: c.model.reset_parameters("a")),
    ("MLP.reset_parameters", "seed", V, lambda c: c.model.reset_parameters(-5)),
    ("MLP.load_state_dict", "state", T, lambda c: c.model.load_state_dict([("w", 1.0)])),
    ("MLP.load_state_dict", "parameters", V, lambda c: c.model.load_state_dict({"w": 1.0})),
    # --- losses
    ("mse", "targets", V, lambda c: losses.mse([Value(1.0)], [1.0, 2.0])),
    ("mse", "targets", T, lambda c: losses.mse([Value(1.0)], ["a"])),
    ("mse", "prediction", V, lambda c: losses.mse([], [])),
    ("hinge", "targets", V, lambda c: losses.hinge([Value(1.0)], [0])),
    ("hinge", "targets", V, lambda c: losses.hinge([Value(1.0)], [NAN])),
    ("binary_cross_entropy", "probabilities", V, lambda c: losses.binary_cross_entropy([1.5], [1])),
    ("binary_cross_entropy", "targets", V, lambda c: losses.binary_cross_entropy([0.5], [2])),
    (
        "binary_cross_entropy_with_logits",
        "targets",
        V,
        lambda c: losses.binary_cross_entropy_with_logits([0.5], [NAN]),
    ),
    ("cross_entropy", "target", V, lambda c: losses.cross_entropy([[0.0, 0.0]], [5])),
    ("cross_entropy", "target", V, lambda c: losses.cross_entropy([0.0, 0.0], -1)),
    ("cross_entropy", "logits", V, lambda c: losses.cross_entropy([0.0], 0)),
    ("perceptron_criterion", "targets", V, lambda c: losses.perceptron_criterion([1.0], [0.5])),
    # every loss: NaN, inf, bool and non-integral values where a label or index belongs
    ("mse", "targets", V, lambda c: losses.mse([Value(1.0)], [NAN])),
    ("mse", "targets", V, lambda c: losses.mse([Value(1.0)], [INF])),
    ("mse", "targets", T, lambda c: losses.mse([Value(1.0)], [True])),
    ("mse", "predictions", T, lambda c: losses.mse(["a"], [1.0])),
    ("mse", "predictions", T, lambda c: losses.mse([True], [1.0])),
    ("hinge", "targets", V, lambda c: losses.hinge([Value(1.0)], [INF])),
    ("hinge", "targets", V, lambda c: losses.hinge([Value(1.0)], [1.5])),
    ("hinge", "targets", T, lambda c: losses.hinge([Value(1.0)], [True])),
    ("hinge", "scores", T, lambda c: losses.hinge([None], [1])),
    ("perceptron_criterion", "targets", V, lambda c: losses.perceptron_criterion([1.0], [NAN])),
    ("perceptron_criterion", "targets", V, lambda c: losses.perceptron_criterion([1.0], [-INF])),
    ("perceptron_criterion", "targets", T, lambda c: losses.perceptron_criterion([1.0], [False])),
    ("perceptron_criterion", "scores", T, lambda c: losses.perceptron_criterion(["1"], [1])),
    (
        "perceptron_criterion",
        "reduction",
        V,
        lambda c: losses.perceptron_criterion([1.0], [1], reduction="avg"),
    ),
    ("binary_cross_entropy", "probabilities", V, lambda c: losses.binary_cross_entropy([NAN], [1])),
    ("binary_cross_entropy", "probabilities", V, lambda c: losses.binary_cross_entropy([INF], [1])),
    (
        "binary_cross_entropy",
        "probabilities",
        V,
        lambda c: losses.binary_cross_entropy([-0.1], [0]),
    ),
    (
        "binary_cross_entropy",
        "probabilities",
        T,
        lambda c: losses.binary_cross_entropy([True], [1]),
    ),
    ("binary_cross_entropy", "targets", V, lambda c: losses.binary_cross_entropy([0.5], [NAN])),
    ("binary_cross_entropy", "targets", V, lambda c: losses.binary_cross_entropy([0.5], [-INF])),
    ("binary_cross_entropy", "targets", T, lambda c: losses.binary_cross_entropy([0.5], [True])),
    (
        "binary_cross_entropy_with_logits",
        "targets",
        V,
        lambda c: losses.binary_cross_entropy_with_logits([0.5], [INF]),
    ),
    (
        "binary_cross_entropy_with_logits",
        "targets",
        V,
        lambda c: losses.binary_cross_entropy_with_logits([0.5], [-1]),
    ),
    (
        "binary_cross_entropy_with_logits",
        "targets",
        T,
        lambda c: losses.binary_cross_entropy_with_logits([0.5], [False]),
    ),
    (
        "binary_cross_entropy_with_logits",
        "logits",
        T,
        lambda c: losses.binary_cross_entropy_with_logits(["0.5"], [1]),
    ),
    ("cross_entropy", "target", V, lambda c: losses.cross_entropy([0.0, 0.0], NAN)),
    ("cross_entropy", "target", V, lambda c: losses.cross_entropy([0.0, 0.0], INF)),
    ("cross_entropy", "target", V, lambda c: losses.cross_entropy([0.0, 0.0], 1.5)),
    ("cross_entropy", "target", V, lambda c: losses.cross_entropy([[0.0, 0.0]], [NAN])),
    ("cross_entropy", "target", T, lambda c: losses.cross_entropy([0.0, 0.0], True)),
    ("cross_entropy", "target", T, lambda c: losses.cross_entropy([0.0, 0.0], "1")),
    ("cross_entropy", "target", V, lambda c: losses.cross_entropy([0.0, 0.0], [0.5, NAN])),
    ("cross_entropy", "target", V, lambda c: losses.cross_entropy([0.0, 0.0], [1.0])),
    ("cross_entropy", "targets", V, lambda c: losses.cross_entropy([[0.0, 0.0]], [0, 1])),
    ("cross_entropy", "logits", T, lambda c: losses.cross_entropy(3.0, 0)),
    ("cross_entropy", "logits", T, lambda c: losses.cross_entropy(["a", "b"], 0)),
    ("l2", "strength", V, lambda c: losses.l2(c.model.parameters(), NAN)),
    ("l2", "strength", V, lambda c: losses.l2(c.model.parameters(), INF)),
    ("l2", "strength", T, lambda c: losses.l2(c.model.parameters(), True)),
    ("l2", "parameters", V, lambda c: losses.l2([])),
    ("l2", "strength", V, lambda c: losses.l2(c.model.parameters(), -1)),
    ("l2", "strength", T, lambda c: losses.l2(c.model.parameters(), "a")),
    # --- perceptrons
    ("Perceptron", "nin", V, lambda c: Perceptron(0)),
    ("Perceptron", "lr", V, lambda c: Perceptron(2, lr=0)),
    ("Perceptron", "weights", V, lambda c: Perceptron(2, weights=[1.0])),
    ("Perceptron.fit", "x", T, lambda c: Perceptron(2).fit([["a", "b"]], [1])),
    ("Perceptron.fit", "y", V, lambda c: Perceptron(2).fit([[0, 1]], [NAN])),
    ("Perceptron.fit", "epochs", V, lambda c: Perceptron(2).fit([[0, 1]], [1], epochs=0)),
    ("Perceptron.predict", "x", V, lambda c: Perceptron(2).predict([[0, 1, 2]])),
    ("ThresholdNeuron", "weights", V, lambda c: ThresholdNeuron([], 1.0)),
    ("ThresholdNeuron", "threshold", V, lambda c: ThresholdNeuron([1.0], NAN)),
    ("logic_gate", "name", V, lambda c: nn.logic_gate("xor")),
    ("logic_gate", "name", T, lambda c: nn.logic_gate(3)),
    # --- save and load
    ("save", "path", T, lambda c: c.model.save(5)),
    ("save", "path", V, lambda c: c.model.save("")),
    ("save", "path", V, lambda c: c.model.save(str(c.folder / "a\0b.json"))),
    ("save", "path", T, lambda c: c.model.save(b"m.json")),
    ("load", "path", T, lambda c: nn.load(None)),
    ("load", "path", T, lambda c: c.model.load(3.5)),
    ("register", "cls", T, lambda c: nn.register(int)),
    ("from_torch", "module", T, lambda c: nn.from_torch(None)),
    ("from_torch", "module", T, lambda c: nn.from_torch(c.model)),
    ("register", "name", V, lambda c: nn.register(type("Mine", (nn.Module,), {}), name="MLP")),
    # --- plotting
    (
        "plot_decision_boundary",
        "resolution",
        V,
        lambda c: plot_decision_boundary(c.model, c.X, c.y, resolution=1),
    ),
    (
        "plot_decision_boundary",
        "resolution",
        T,
        lambda c: plot_decision_boundary(c.model, c.X, c.y, resolution="a"),
    ),
    (
        "plot_decision_boundary",
        "X",
        V,
        lambda c: plot_decision_boundary(c.model, np.zeros((3, 3)), [0, 1, 0]),
    ),
    ("plot_decision_boundary", "y", V, lambda c: plot_decision_boundary(c.model, c.X, c.y[:3])),
    ("plot_decision_boundary", "path", T, lambda c: plot_decision_boundary(c.model, c.X, c.y, 5)),
    (
        "plot_decision_boundary",
        "title",
        T,
        lambda c: plot_decision_boundary(c.model, c.X, c.y, title=5),
    ),
    ("plot_decision_boundary", "model", T, lambda c: plot_decision_boundary(None, c.X, c.y)),
    ("decision_scores", "margin", V, lambda c: decision_scores(c.model, c.X, margin=NAN)),
    ("decision_scores", "resolution", T, lambda c: decision_scores(c.model, c.X, resolution=2.5)),
    # --- activations
    ("activation", "name", V, lambda c: activation("gelu")),
    ("init_bound", "scheme", V, lambda c: init_bound("glorot", 2, 1)),
]


def _case_id(case: tuple[str, str, type[Exception], Any]) -> str:
    return f"{case[0]}({case[1]})"


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_bad_argument_is_refused_by_name_and_changes_nothing(tmp_path, case):
    function, argument, error, call = case
    context = Context(tmp_path)
    before = context.snapshot()
    with pytest.raises(Exception) as raised:  # noqa: PT011 - the type is checked exactly below
        call(context)
    assert type(raised.value) is error or (
        isinstance(raised.value, error) and type(raised.value).__module__ != "builtins"
    ), f"{type(raised.value).__name__}: {raised.value}"
    message = str(raised.value)
    assert function.split(".")[-1] in message, message
    assert argument in message, message
    assert context.snapshot() == before


def test_the_table_covers_every_public_function():
    # A new public function of nn must get its bad values here too.
    named = {function.split(".")[0] for function, *_ in CASES}
    public = {
        "fit", "predict", "evaluate", "SGD", "Adam", "AdamW", "RMSprop", "LinearDecay", "StepDecay",
        "ExponentialDecay", "make_moons", "make_circles", "make_blobs", "make_spiral",
        "make_xor", "make_digits", "logic_gate_table", "Neuron", "Layer", "MLP", "mse",
        "hinge", "binary_cross_entropy", "binary_cross_entropy_with_logits", "cross_entropy",
        "perceptron_criterion", "l2", "Perceptron", "ThresholdNeuron", "logic_gate", "save",
        "load", "register", "plot_decision_boundary", "decision_scores", "activation",
        "init_bound", "from_torch",
    }  # fmt: skip
    assert public <= named
    exported = {name for name in nn.__all__ if callable(getattr(nn, name))}
    for module in (nn.optim, nn.datasets, nn.losses):
        exported |= {
            n for n in dir(module) if not n.startswith("_") and callable(getattr(module, n))
        }
    untested = exported - named - {
        "ACTIVATIONS", "History", "Module", "ConvergenceWarning", "Optimizer", "Scheduler",
        "umbrella", "Value", "Any", "Sequence", "Iterable", "Mapping", "ClassVar", "ABC",
        "abstractmethod", "count", "fraction", "non_negative", "positive", "real", "dot",
        "log_softmax", "total", "annotations", "npt", "np", "Dataset", "checks", "load_digits",
        "attrgetter", "Bunch",
    }  # fmt: skip
    assert not untested, untested
