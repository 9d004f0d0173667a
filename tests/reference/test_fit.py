"""``fit`` against a hand-written PyTorch training loop, live, eager and compiled.

For every named loss and optimizer (SGD, SGD with momentum, Adam, AdamW, RMSprop, with
``weight_decay`` and ``l2`` where fit offers them), the same MLP is built in torch
(float64) with the chainrule model's initial weights, trained on the same batches in the
same order (fit's order: ``np.random.default_rng(seed).permutation`` each epoch when the
batches are smaller than the data), and compared epoch by epoch: the loss fit reports
(each batch's objective before its update, weighted by the batch's size), the accuracy
from the same forward passes, and the final weights.

The torch loop writes the labels' meaning out by hand (0 or -1 is the negative class, 1
the positive one; a class index for cross_entropy), so a label rule that trained the
wrong class would show here. Data: moons (an uneven last batch), digits
(``MLP(64, [32, 10])``, a subset), saturated sigmoids (inputs at ±40), labels of one class,
and labels missing a class of the model's outputs.

One stated difference: binary_cross_entropy's gradient. PyTorch's backward divides by
max(p (1 - p), 1e-12); chainrule differentiates its clamped formula exactly (see
tests/reference/test_losses.py). The torch loop therefore steps on the gradient of
``-(t log(max(p, e^-100)) + (1 - t) log(max(1 - p, e^-100)))``, and checks that its value
is ``F.binary_cross_entropy``'s at every step.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest

from nn import MLP, datasets, fit, optim

TWO_CLASS = ("hinge", "perceptron_criterion", "binary_cross_entropy_with_logits",
             "binary_cross_entropy")  # fmt: skip
LOSSES = (*TWO_CLASS, "cross_entropy", "mse")


@dataclass(frozen=True)
class Optimizer:
    """One optimizer setting: fit's arguments, and the same optimizer in torch."""

    name: str
    fit_options: dict[str, Any]
    torch: Callable[[Any, list[Any]], Any]  # (torch, params) -> torch.optim optimizer
    instance: Callable[[MLP], optim.Optimizer] | None = None  # an optimizer fit is given


OPTIMIZERS = [
    Optimizer("sgd", {"optimizer": "sgd", "lr": 0.1}, lambda t, p: t.optim.SGD(p, lr=0.1)),
    Optimizer("sgd-weight_decay", {"optimizer": "sgd", "lr": 0.1, "weight_decay": 0.05},
              lambda t, p: t.optim.SGD(p, lr=0.1, weight_decay=0.05)),
    Optimizer("sgd-l2", {"optimizer": "sgd", "lr": 0.1, "l2": 0.01},
              lambda t, p: t.optim.SGD(p, lr=0.1)),
    Optimizer("sgd-momentum", {}, lambda t, p: t.optim.SGD(p, lr=0.05, momentum=0.9),
              lambda m: optim.SGD(m.parameters(), lr=0.05, momentum=0.9)),
    Optimizer("adam", {"optimizer": "adam", "lr": 0.02},
              lambda t, p: t.optim.Adam(p, lr=0.02)),
    Optimizer("adam-weight_decay", {"optimizer": "adam", "lr": 0.02, "weight_decay": 0.05},
              lambda t, p: t.optim.Adam(p, lr=0.02, weight_decay=0.05)),
    Optimizer("adamw", {"optimizer": "adamw", "lr": 0.02, "weight_decay": 0.1},
              lambda t, p: t.optim.AdamW(p, lr=0.02, weight_decay=0.1)),
    Optimizer("rmsprop", {"optimizer": "rmsprop", "lr": 0.01},
              lambda t, p: t.optim.RMSprop(p, lr=0.01)),
    Optimizer("rmsprop-weight_decay", {"optimizer": "rmsprop", "lr": 0.01, "weight_decay": 0.05},
              lambda t, p: t.optim.RMSprop(p, lr=0.01, weight_decay=0.05)),
]  # fmt: skip
BY_NAME = {o.name: o for o in OPTIMIZERS}


@dataclass
class Case:
    """One training problem: the model, the data and fit's batch options."""

    sizes: list[int]
    X: np.ndarray
    y: np.ndarray
    activation: str = "tanh"
    output_activation: str = "linear"
    epochs: int = 3
    batch_size: int | None = 10
    seed: int = 5
    weights: Callable[[MLP], None] | None = None  # set the initial weights by hand
    extra: dict[str, Any] = field(default_factory=dict)


def _moons() -> tuple[np.ndarray, np.ndarray]:
    return datasets.make_moons(24, noise=0.15, seed=3)  # batches of 10: 10, 10, 4


def _case(loss: str, data: str) -> Case:
    output = "sigmoid" if loss == "binary_cross_entropy" else "linear"
    if data == "moons":
        X, y = _moons()
        return Case([2, 6, 2 if loss == "cross_entropy" else 1], X, y, output_activation=output)
    if data == "digits":
        X, y = datasets.load_digits()
        return Case([64, 32, 10], X[:40] / 16.0, y[:40], activation="relu", epochs=2,
                    batch_size=16)  # fmt: skip
    if data == "saturated":  # sigmoid(±40) is 1.0 / 4e-18 in floats; p (1 - p) < 1e-12
        X = np.array([[40.0], [0.5], [-40.0], [-0.3], [30.0], [-29.0]])
        return Case([1, 1], X, np.array([1, 0, 0, 1, 0, 1]), output_activation=output,
                    batch_size=2, seed=1, weights=_unit_weight)  # fmt: skip
    if data in ("one-class-0", "one-class--1"):
        X, _ = _moons()
        return Case([2, 4, 1], X, np.full(len(X), 0 if data == "one-class-0" else -1),
                    output_activation=output)  # fmt: skip
    if data == "missing-class":  # three outputs, labels 0 and 1 only
        X, y = _moons()
        return Case([2, 5, 3], X, y, batch_size=None)
    raise AssertionError(data)


def _unit_weight(model: MLP) -> None:
    neuron = model.layers[0].neurons[0]
    neuron.w[0].data, neuron.b.data = 1.0, 0.0


# --- the hand-written PyTorch loop ----------------------------------------------------


def _torch_parameters(torch: Any, model: MLP) -> list[Any]:
    params = []
    for layer in model.layers:
        weights = [[w.data for w in n.w] for n in layer.neurons]
        params.append(torch.tensor(weights, requires_grad=True))
        params.append(torch.tensor([n.b.data for n in layer.neurons], requires_grad=True))
    return params


def _forward(torch: Any, params: list[Any], x: Any, case: Case) -> Any:
    activations = {"tanh": torch.tanh, "relu": torch.relu}
    h = x
    for i in range(0, len(params), 2):
        h = h @ params[i].T + params[i + 1]
        last = i == len(params) - 2
        if not last:
            h = activations[case.activation](h)
        elif case.output_activation == "sigmoid":
            h = torch.sigmoid(h)
    return h[:, 0] if h.shape[1] == 1 else h


def _torch_loss(torch: Any, loss: str, out: Any, y: np.ndarray) -> Any:
    """The loss of ``out`` for labels ``y``, with the labels' meaning written out."""
    functional = torch.nn.functional
    positive = torch.tensor((y == 1).astype(float))  # 0 and -1 are the negative class
    sign = 2.0 * positive - 1.0
    if loss == "hinge":
        return torch.relu(1.0 - sign * out).mean()
    if loss == "perceptron_criterion":
        margin = sign * out
        return -(margin * (margin <= 0)).sum() / len(out)
    if loss == "binary_cross_entropy_with_logits":
        return functional.binary_cross_entropy_with_logits(out, positive)
    if loss == "binary_cross_entropy":
        floor = math.exp(-100.0)
        value = -(
            positive * torch.log(torch.clamp(out, min=floor))
            + (1.0 - positive) * torch.log(torch.clamp(1.0 - out, min=floor))
        ).mean()
        reference = functional.binary_cross_entropy(out.detach(), positive)
        assert value.item() == pytest.approx(reference.item(), rel=1e-12, abs=1e-14)
        return value
    if loss == "cross_entropy":
        return functional.cross_entropy(out, torch.tensor(y, dtype=torch.long))
    return functional.mse_loss(out, torch.tensor(y, dtype=torch.float64))


def _torch_accuracy(loss: str, scores: np.ndarray, y: np.ndarray) -> float | None:
    if loss == "mse":
        return None
    if loss == "cross_entropy":
        return float(np.mean(np.argmax(scores, axis=1) == y))
    threshold = 0.5 if loss == "binary_cross_entropy" else 0.0
    return float(np.mean((scores > threshold) == (y == 1)))


def _torch_fit(torch: Any, model: MLP, case: Case, loss: str, setting: Optimizer) -> Any:
    params = _torch_parameters(torch, model)
    opt = setting.torch(torch, params)
    l2 = setting.fit_options.get("l2", 0.0)
    X, y = torch.tensor(case.X), case.y
    count = len(y)
    size = case.batch_size or count
    rng = np.random.default_rng(case.seed)
    losses, accuracies = [], []
    for _ in range(case.epochs):
        order = rng.permutation(count) if size < count else np.arange(count)
        total, scores = 0.0, [None] * count
        for start in range(0, count, size):
            batch = order[start : start + size]
            opt.zero_grad()
            out = _forward(torch, params, X[batch], case)
            objective = _torch_loss(torch, loss, out, y[batch])
            if l2:
                objective = objective + l2 * sum((p**2).sum() for p in params)
            objective.backward()
            opt.step()
            total += objective.item() * len(batch)
            for j, i in enumerate(batch):
                scores[i] = out[j].detach().numpy()
        losses.append(total / count)
        accuracies.append(_torch_accuracy(loss, np.array(scores), y))
    weights = [v for p in params for v in _rows_then_bias(p)]
    return losses, accuracies, weights


def _rows_then_bias(p: Any) -> list[float]:
    return p.detach().flatten().tolist()


def _chainrule_weights(model: MLP) -> list[float]:
    # In the torch order: each layer's weight matrix row by row, then its biases.
    out = []
    for layer in model.layers:
        out += [w.data for n in layer.neurons for w in n.w]
        out += [n.b.data for n in layer.neurons]
    return out


def _compare(torch: Any, loss: str, data: str, setting: Optimizer, compiled: bool) -> None:
    case = _case(loss, data)
    model = MLP(case.sizes[0], case.sizes[1:], activation=case.activation,
                output_activation=case.output_activation, seed=11)  # fmt: skip
    if case.weights is not None:
        case.weights(model)
    expected_loss, expected_accuracy, expected_weights = _torch_fit(
        torch, model, case, loss, setting
    )
    options = dict(setting.fit_options)
    if setting.instance is not None:
        options["optimizer"] = setting.instance(model)
    history = fit(model, case.X, case.y, loss=loss, epochs=case.epochs,
                  batch_size=case.batch_size, seed=case.seed, progress=False,
                  compiled=compiled, **options)  # fmt: skip
    where = f"{loss} on {data} with {setting.name}, {'compiled' if compiled else 'eager'}"
    # BCE's -log(1 - p) at a saturated sigmoid magnifies an ulp of p by 1 / (1 - p), 1e13
    # at z = 30: a compiled replay's numpy sigmoid (exp(-logaddexp(0, -z))) and the float
    # kernel (1 / (1 + e^-z)) may round p differently, so there the loss agrees to 1e-3
    # (2^-52 / (1 - p) per sample); the weights, whose gradients are well conditioned,
    # still agree to 1e-8.
    ill_conditioned = compiled and data == "saturated" and loss == "binary_cross_entropy"
    tolerance = 1e-3 if ill_conditioned else 1e-12
    assert history.loss == pytest.approx(expected_loss, rel=1e-9, abs=tolerance), where
    assert history.accuracy == expected_accuracy, where
    assert _chainrule_weights(model) == pytest.approx(expected_weights, rel=1e-8, abs=1e-11), where


MATRIX = [(loss, o.name) for loss in LOSSES for o in OPTIMIZERS]
SPECIAL = [
    ("cross_entropy", "digits", "adam"),
    ("cross_entropy", "digits", "sgd-momentum"),
    ("binary_cross_entropy", "saturated", "sgd"),
    ("binary_cross_entropy", "saturated", "adam"),
    ("binary_cross_entropy_with_logits", "saturated", "sgd"),
    ("hinge", "saturated", "rmsprop"),
    *[(loss, "one-class-0", "sgd") for loss in TWO_CLASS],
    *[(loss, "one-class--1", "adam") for loss in TWO_CLASS],
    ("cross_entropy", "missing-class", "sgd"),
    ("cross_entropy", "missing-class", "adamw"),
]


@pytest.mark.parametrize("compiled", [False, True], ids=["eager", "compiled"])
@pytest.mark.parametrize(("loss", "setting"), MATRIX, ids=[f"{a}-{b}" for a, b in MATRIX])
def test_fit_on_moons_equals_a_torch_loop(torch, loss, setting, compiled):
    _compare(torch, loss, "moons", BY_NAME[setting], compiled)


@pytest.mark.parametrize("compiled", [False, True], ids=["eager", "compiled"])
@pytest.mark.parametrize(
    ("loss", "data", "setting"), SPECIAL, ids=[f"{a}-{b}-{c}" for a, b, c in SPECIAL]
)
def test_fit_on_awkward_data_equals_a_torch_loop(torch, loss, data, setting, compiled):
    _compare(torch, loss, data, BY_NAME[setting], compiled)


def test_the_saturated_case_saturates():
    # The data is what it claims: p (1 - p) < 1e-12 at ±40, where PyTorch's BCE backward
    # and chainrule's differ, and sigmoid(40) is exactly 1.0.
    p = 1.0 / (1.0 + math.exp(-40.0))
    assert p == 1.0
    assert 1.0 / (1.0 + math.exp(29.0)) * (1.0 - 1.0 / (1.0 + math.exp(29.0))) < 1e-12
