"""Module state, JSON save/load: round trips, atomic writes, and bad files changing nothing."""

import json
import math
import os

import pytest

import nn
from autograd import Value
from nn import MLP, Layer, Neuron


def test_round_trip_is_exact(tmp_path):
    model = MLP(2, [4, 3, 1], activation="prelu", seed=0)
    path = model.save(tmp_path / "model.json")
    copy = nn.load(path)
    assert isinstance(copy, MLP)
    assert copy.architecture() == model.architecture()
    assert copy.state_dict() == model.state_dict()
    assert copy([0.3, -0.2]).data == model([0.3, -0.2]).data
    other = MLP(2, [4, 3, 1], activation="prelu", seed=1)
    other.load(path)
    assert other.state_dict() == model.state_dict()


def test_file_is_readable_json_with_the_architecture(tmp_path):
    path = Neuron(2, "tanh", seed=0).save(tmp_path / "neuron.json")
    document = json.loads(path.read_text())
    assert document["format"] == "chainrule.nn"
    assert document["architecture"] == {
        "type": "Neuron",
        "nin": 2,
        "activation": "tanh",
        "init": None,
    }
    assert list(document["parameters"]) == ["w.0", "w.1", "b"]


def test_layer_round_trip(tmp_path):
    layer = Layer(3, 2, "softmax", seed=4)
    assert nn.load(layer.save(tmp_path / "layer.json")).state_dict() == layer.state_dict()


def test_save_leaves_no_temporary_file_and_replaces_atomically(tmp_path, monkeypatch):
    model = MLP(2, [2, 1], seed=0)
    path = model.save(tmp_path / "m.json")
    original = path.read_text()
    assert os.listdir(tmp_path) == ["m.json"]

    def crash(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    model.reset_parameters(1)
    with pytest.raises(OSError, match=r"save\(path\): cannot write .*m\.json: disk full"):
        model.save(path)
    assert path.read_text() == original
    assert os.listdir(tmp_path) == ["m.json"]


def test_save_refuses_non_finite_parameters(tmp_path):
    model = MLP(2, [1], seed=0)
    model.parameters()[0].data = float("nan")
    with pytest.raises(ValueError, match=r"save: parameter layers.0.neurons.0.w.0 is nan"):
        model.save(tmp_path / "m.json")
    assert not (tmp_path / "m.json").exists()


def _saved(tmp_path):
    model = MLP(2, [2, 1], seed=0)
    path = model.save(tmp_path / "m.json")
    return path, json.loads(path.read_text())


def _corrupt(document, change):
    change(document)
    return json.dumps(document)


BAD_FILES = {
    "invalid JSON": (lambda doc: "{not json", "is not valid JSON"),
    "not a model": (lambda doc: json.dumps([1, 2]), "is not a chainrule model file"),
    "wrong version": (
        lambda doc: _corrupt(doc, lambda d: d.update(version=7)),
        "has version 7",
    ),
    "unknown type": (
        lambda doc: _corrupt(doc, lambda d: d["architecture"].update(type="os.system")),
        "model type 'os.system' is not registered|but this model is",
    ),
    "wrong shape": (
        lambda doc: _corrupt(doc, lambda d: d["architecture"].update(nouts=[3, 1])),
        "but this model is",
    ),
    "missing key": (
        lambda doc: _corrupt(doc, lambda d: d["parameters"].pop("layers.1.neurons.0.b")),
        "missing layers.1.neurons.0.b|declares 9 parameters, the file holds 8",
    ),
    "extra key": (
        lambda doc: _corrupt(doc, lambda d: d["parameters"].update(extra=1.0)),
        "unexpected extra",
    ),
    "non-number": (
        lambda doc: _corrupt(doc, lambda d: d["parameters"].update({"layers.1.neurons.0.b": "1"})),
        "layers.1.neurons.0.b must be a number",
    ),
    "boolean": (
        lambda doc: _corrupt(doc, lambda d: d["parameters"].update({"layers.0.neurons.0.b": True})),
        "must be a number",
    ),
    "NaN literal": (
        lambda doc: json.dumps(doc).replace(
            '"layers.0.neurons.0.b": 0.0', '"layers.0.neurons.0.b": NaN'
        ),
        "not valid JSON",
    ),
    "overflowing number": (
        lambda doc: json.dumps(doc).replace(
            '"layers.0.neurons.0.b": 0.0', '"layers.0.neurons.0.b": 1e999'
        ),
        "must be finite",
    ),
    "no parameters": (
        lambda doc: _corrupt(doc, lambda d: d.pop("parameters")),
        "has no parameters",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_bad_files_raise_and_change_nothing(tmp_path, case):
    path, document = _saved(tmp_path)
    make, message = BAD_FILES[case]
    path.write_text(make(document))
    model = MLP(2, [2, 1], seed=5)
    before = model.state_dict()
    with pytest.raises(ValueError, match=message):
        model.load(path)
    assert model.state_dict() == before
    if case != "wrong shape":  # a different shape is a valid file for nn.load
        with pytest.raises(ValueError, match=message.split(" but")[0]):
            nn.load(path)


def test_load_state_dict_checks_everything_first():
    model = MLP(2, [2, 1], seed=0)
    state = model.state_dict()
    before = dict(state)
    state = dict.fromkeys(state, 9.0)
    state["layers.1.neurons.0.b"] = "bad"
    with pytest.raises(ValueError, match="must be a number"):
        model.load_state_dict(state)
    assert model.state_dict() == before


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        nn.load(tmp_path / "absent.json")


def test_zero_grad():
    model = MLP(2, [3, 1], seed=0)
    model([1.0, 2.0]).backward()
    assert any(p.grad for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


class _Tied(nn.Module):
    """y = w * tanh(w * x + b): one weight used (and listed) twice, as tied weights are."""

    def __init__(self) -> None:
        self.w, self.b = Value(0.7, parameter=True), Value(-0.2, parameter=True)

    def named_parameters(self):
        return [("encoder.w", self.w), ("b", self.b), ("decoder.w", self.w)]

    def config(self):
        return {}

    def __call__(self, x):
        return self.w * (self.w * x[0] + self.b).tanh()


def _tied_loss(w: float, b: float, X, y) -> float:
    return sum((w * math.tanh(w * x[0] + b) - t) ** 2 for x, t in zip(X, y, strict=True)) / len(y)


def test_a_shared_parameter_is_listed_once_and_trained_once():
    # As PyTorch's Module.parameters(): a shared parameter appears once (its first place).
    model = _Tied()
    assert model.parameters() == [model.w, model.b]
    X, y = [[0.5], [-1.0], [2.0]], [0.3, -0.4, 0.9]
    w0, b0, lr, h = model.w.data, model.b.data, 0.1, 1e-6
    nn.fit(
        model,
        X,
        y,
        loss="mse",
        optimizer=nn.optim.SGD(model.parameters(), lr=lr),
        epochs=1,
        batch_size=3,
        progress=False,
    )
    # one plain step on the full gradient (central differences: the oracle) of the shared w
    dw = (_tied_loss(w0 + h, b0, X, y) - _tied_loss(w0 - h, b0, X, y)) / (2 * h)
    db = (_tied_loss(w0, b0 + h, X, y) - _tied_loss(w0, b0 - h, X, y)) / (2 * h)
    assert model.w.data == pytest.approx(w0 - lr * dw, rel=1e-6)
    assert model.b.data == pytest.approx(b0 - lr * db, rel=1e-6)
