"""pickle and copy.deepcopy of every nn model, and training that continues identically.

The tests unpickle only bytes they pickled themselves (ruff's S301 is about untrusted data).
"""

from __future__ import annotations

import copy
import pickle
from typing import Any

import pytest

from nn import ACTIVATIONS, MLP, Layer, Neuron, Perceptron, datasets, fit, logic_gate, optim


def _unpickled(value: object) -> Any:
    return pickle.loads(pickle.dumps(value))  # noqa: S301 - our own bytes


COPIERS = [pytest.param(_unpickled, id="pickle"), pytest.param(copy.deepcopy, id="deepcopy")]


def _models() -> list[Any]:
    models: list[Any] = []
    for name in ACTIVATIONS:
        if name == "softmax":
            models += [MLP(2, [3, 3], output_activation="softmax", seed=0), Layer(2, 3, name)]
        else:
            models += [MLP(2, [3, 1], activation=name, seed=0), Neuron(2, name, seed=0)]
    return models


@pytest.mark.parametrize("copier", COPIERS)
@pytest.mark.parametrize("model", _models(), ids=repr)
def test_every_model_copies_and_computes_the_same(model, copier):
    copied = copier(model)
    assert type(copied) is type(model)
    assert copied.state_dict() == model.state_dict()
    assert copied.architecture() == model.architecture()
    assert not {id(p) for p in copied.parameters()} & {id(p) for p in model.parameters()}
    out, copied_out = model([0.3, -0.2]), copied([0.3, -0.2])
    outs = out if isinstance(out, list) else [out]
    copied_outs = copied_out if isinstance(copied_out, list) else [copied_out]
    assert [o.data for o in copied_outs] == [o.data for o in outs]
    outs[0].backward()
    copied_outs[0].backward()
    assert [p.grad for p in copied.parameters()] == [p.grad for p in model.parameters()]


@pytest.mark.parametrize("copier", COPIERS)
def test_perceptrons_copy(copier):
    p = Perceptron(2, weights=[0.5, -1.0], bias=0.25)
    assert repr(copier(p)) == repr(p)
    gate = copier(logic_gate("nand"))
    assert [gate(a, b) for a in (0, 1) for b in (0, 1)] == [1, 1, 1, 0]


@pytest.mark.parametrize("optimizer", ["sgd", "adam", "rmsprop"])
def test_a_checkpoint_continues_training_identically(optimizer):
    # joblib's pattern: pickle the model and its optimizer together, train both further.
    X, y = datasets.make_moons(30, noise=0.1, seed=0)
    model = MLP(2, [6, 1], activation="prelu", seed=0)
    kinds = {"sgd": optim.SGD, "adam": optim.Adam, "rmsprop": optim.RMSprop}
    opt = kinds[optimizer](model.parameters(), lr=0.05)
    fit(model, X, y, optimizer=opt, epochs=3, progress=False)
    restored_model, restored_opt = _unpickled((model, opt))
    shared = zip(restored_opt.params, restored_model.parameters(), strict=True)
    assert all(a is b for a, b in shared)  # the same Values
    first = fit(model, X, y, optimizer=opt, epochs=4, batch_size=8, seed=1, progress=False)
    second = fit(restored_model, X, y, optimizer=restored_opt, epochs=4, batch_size=8, seed=1,
                 progress=False)  # fmt: skip
    assert second.loss == first.loss
    assert restored_model.state_dict() == model.state_dict()
    assert restored_opt.state_dict() == opt.state_dict()


def test_a_model_and_its_graph_copy_together():
    model = MLP(2, [3, 1], seed=0)
    loss = (model([1.0, 2.0]) - 1.0) ** 2
    copied_model, copied_loss = copy.deepcopy((model, loss))
    copied_loss.backward()
    loss.backward()
    assert [p.grad for p in copied_model.parameters()] == [p.grad for p in model.parameters()]
