"""Model files under attack: a generator of corrupt files, bounded work, permissions.

Every corrupt file must raise ``ValueError`` from both ``nn.load`` and ``model.load``
(which accept exactly the same files), and ``model.load`` must change nothing.
"""

from __future__ import annotations

import copy
import json
import os
import stat
import threading
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import nn
from nn import MLP, Layer, Module, Neuron, datasets
from nn.module import MAX_FILE_BYTES
from nn.plotting import plot_decision_boundary

Document = dict[str, Any]


def _model() -> MLP:
    return MLP(2, [3, 1], activation="prelu", seed=0)


def _document() -> Document:
    model = _model()
    return {
        "format": "chainrule.nn",
        "version": 1,
        "architecture": model.architecture(),
        "parameters": model.state_dict(),
    }


HUGE_INT = "1" * 400  # parses as a Python int, overflows a float
DEEP = "[" * 2000 + "]" * 2000

# Values a field must not take (as JSON text). Each replaces one field at a time.
BAD_VALUES = [
    "null", "true", "false", '"x"', "[]", "{}", "[1]", "-1", "0", "2.5", HUGE_INT,
    "1e999", "-1e999", "NaN", "Infinity", "-Infinity", DEEP, "1000000000",
]  # fmt: skip


def _fields(document: Document) -> Iterator[tuple[str, ...]]:
    """Paths to the fields whose every bad value must make the file invalid."""
    yield ("format",)
    yield ("version",)
    yield ("architecture",)
    yield ("parameters",)
    for key in document["architecture"]:
        yield ("architecture", key)
    for index in range(len(document["architecture"]["nouts"])):
        yield ("architecture", "nouts", index)
    for name in list(document["parameters"])[::4]:
        yield ("parameters", name)


_MARK = "__REPLACED__"


def _replaced(document: Document, path: tuple[str, ...], text: str) -> str:
    changed = copy.deepcopy(document)
    target = changed
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = _MARK
    return json.dumps(changed, indent=1).replace(json.dumps(_MARK), text)


def _acceptable(path: tuple[str, ...], text: str) -> bool:
    """A replacement that still makes a valid file (a parameter may be any finite number)."""
    if path[0] == "parameters" and len(path) == 2:
        return text in {"-1", "0", "2.5", "1000000000"}
    # init may be None: null is its own value.
    return path == ("architecture", "init") and text == "null"


def corrupt_files() -> Iterator[tuple[str, bytes]]:
    """(name, content) of files that are not valid model files."""
    document = _document()
    good = json.dumps(document, indent=1).encode()
    # Truncations: every cut of the file but the whole.
    for cut in sorted({*range(0, len(good), max(1, len(good) // 40)), len(good) - 1}):
        if good[:cut].strip() != good.strip():
            yield f"truncated at {cut}", good[:cut]
    # Wrong types, huge numbers, deep nesting, NaN and infinities, field by field.
    for path in _fields(document):
        for text in BAD_VALUES:
            if not _acceptable(path, text):
                yield (
                    f"{'/'.join(map(str, path))} = {text[:12]}",
                    _replaced(document, path, text).encode(),
                )
    # Wrong sizes: declared layers larger or smaller than the parameters present.
    for nin, nouts in ((10**9, [3, 1]), (2, [3, 10**6]), (3, [3, 1]), (2, [2, 1]), (2, [3])):
        changed = copy.deepcopy(document)
        changed["architecture"].update(nin=nin, nouts=nouts)
        yield f"sizes {nin} {nouts}", json.dumps(changed).encode()
    # Whole-file oddities.
    oddities = {
        "empty": b"",
        "null": b"null",
        "list": b"[]",
        "object": b"{}",
        "deep": DEEP.encode(),
        "deep objects": b'{"a":' * 5000 + b"1" + b"}" * 5000,
        "not UTF-8": b"\xff\xfe" + good,
        "latin-1 text": good.replace(b'"prelu"', b'"pr\xe9lu"'),
        "UTF-16": json.dumps(document).encode("utf-16"),
        "version true": good.replace(b'"version": 1', b'"version": true'),
        "version 1.0": good.replace(b'"version": 1', b'"version": 1.0'),
        "nin 2.0": good.replace(b'"nin": 2', b'"nin": 2.0'),
        "nin true": good.replace(b'"nin": 2', b'"nin": true'),
        "extra architecture key": good.replace(b'"nin": 2', b'"nin": 2, "momentum": 0.5'),
        "missing init": good.replace(b'"init": null,', b"").replace(b',\n  "init": null', b""),
        "unknown type": good.replace(b'"type": "MLP"', b'"type": "os.system"'),
        "type Layer": good.replace(b'"type": "MLP"', b'"type": "Layer"'),
        "90 bytes, nin 10**9": json.dumps(
            {
                "format": "chainrule.nn",
                "version": 1,
                "architecture": {"type": "Neuron", "nin": 10**9},
                "parameters": {},
            },
            separators=(",", ":"),
        ).encode(),
    }
    yield from oddities.items()


CORRUPT = list({content: name for name, content in reversed(list(corrupt_files()))}.items())
CORRUPT = [(name, content) for content, name in reversed(CORRUPT)]


def test_the_generator_makes_hundreds_of_distinct_files():
    assert len(CORRUPT) > 300
    assert len({content for _, content in CORRUPT}) == len(CORRUPT)


@pytest.mark.parametrize(("name", "content"), CORRUPT, ids=[name for name, _ in CORRUPT])
def test_every_corrupt_file_is_a_value_error_and_changes_nothing(tmp_path, name, content):
    path = tmp_path / "model.json"
    path.write_bytes(content)
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match="load: ") as raised:
            nn.load(path)
        # Bounded work: a file declaring a huge model must not build it first.
        assert tracemalloc.get_traced_memory()[1] < 64 * 2**20
    finally:
        tracemalloc.stop()
    assert str(path) in str(raised.value)
    model = _model()
    before = model.state_dict()
    with pytest.raises(ValueError, match="load: "):
        model.load(path)
    assert model.state_dict() == before


@pytest.mark.parametrize("change", ["", "nin", "order", "spacing", "int parameter"])
def test_nn_load_and_model_load_accept_the_same_valid_files(tmp_path, change):
    document = _document()
    if change == "order":  # key order means nothing in JSON
        document = dict(reversed(document.items()))
        document["parameters"] = dict(reversed(document["parameters"].items()))
    text = json.dumps(document, indent=None if change == "spacing" else 1)
    if change == "int parameter":
        text = text.replace('"layers.0.neurons.0.b": 0.0', '"layers.0.neurons.0.b": 3')
        document["parameters"]["layers.0.neurons.0.b"] = 3.0
    path = tmp_path / "m.json"
    path.write_text(text)
    built = nn.load(path)
    model = MLP(2, [3, 1], activation="prelu", seed=9)
    model.load(path)
    assert built.state_dict() == model.state_dict() == document["parameters"]


def _in_thread(call: Callable[[], Any]) -> BaseException | None:
    """Run ``call`` in a daemon thread; the error it raised (a hang fails the test)."""
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            call()
        except BaseException as error:
            outcome.append(error)
        else:
            outcome.append(None)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(30)
    assert outcome, "load did not return: it waits on the file"
    return outcome[0]


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "model.json"
    os.mkfifo(fifo)
    for load in (nn.load, _model().load):
        error = _in_thread(lambda load=load: load(fifo))
        assert isinstance(error, ValueError)
        assert "is not a regular file" in str(error)


@pytest.mark.parametrize("special", ["/dev/zero", "/dev/urandom", "folder"])
def test_devices_and_folders_are_refused_before_reading(tmp_path, special):
    path = tmp_path if special == "folder" else Path(special)
    if not path.exists():
        pytest.skip(f"{special} does not exist here")
    for load in (nn.load, _model().load):
        error = _in_thread(lambda load=load: load(path))
        assert isinstance(error, ValueError)
        assert "is not a regular file" in str(error)


def test_a_file_larger_than_any_model_is_refused_by_its_size(tmp_path):
    path = tmp_path / "huge.json"
    with open(path, "wb") as file:  # sparse: no disk space used
        file.truncate(MAX_FILE_BYTES + 1)
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match="more than any model file"):
            nn.load(path)
        assert tracemalloc.get_traced_memory()[1] < 2**20
    finally:
        tracemalloc.stop()


def test_a_missing_file_is_an_os_error_naming_it(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"absent\.json"):
        nn.load(tmp_path / "absent.json")


# --- the registry -----------------------------------------------------------------------
def test_a_user_class_named_like_a_chainrule_class_does_not_replace_it(tmp_path):
    path = _model().save(tmp_path / "m.json")

    class MLP(Module):  # the micrograd lecture's own MLP
        def __init__(self, nin: int, nouts: list[int]) -> None:
            self.layers = [
                Layer(n_in, n_out) for n_in, n_out in zip([nin, *nouts], nouts, strict=False)
            ]

        def named_parameters(self):
            return []

        def config(self):
            return {}

    loaded = nn.load(path)
    assert type(loaded) is nn.MLP
    assert loaded.state_dict() == _model().state_dict()
    assert nn.Module.registry["MLP"] is nn.MLP
    # The user's class saves under its full name, and loads only once registered.
    mine = MLP(2, [1])
    saved_as = mine.architecture()["type"]
    assert saved_as.startswith("tests.nn.test_model_files.")
    assert saved_as.endswith(".MLP")


def test_registering_on_purpose_makes_a_class_loadable(tmp_path):
    class Twice(Neuron):
        pass

    path = Twice(2, "tanh", seed=1).save(tmp_path / "t.json")
    with pytest.raises(ValueError, match="is not registered"):
        nn.load(path)
    assert nn.register(Twice, name="TwiceNeuron") is Twice
    try:
        path = Twice(2, "tanh", seed=1).save(tmp_path / "t.json")
        loaded = nn.load(path)
        assert type(loaded) is Twice
        assert loaded.state_dict() == Twice(2, "tanh", seed=1).state_dict()
        with pytest.raises(ValueError, match=r"'Neuron' already names nn\.layers\.Neuron"):
            nn.register(Twice, name="Neuron")
    finally:
        del nn.Module.registry["TwiceNeuron"]


# --- permissions and failures while saving ----------------------------------------------
@pytest.fixture
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.usefixtures("umask_022")
def test_saved_files_get_ordinary_permissions(tmp_path):
    model_path = _model().save(tmp_path / "m.json")
    X, y = datasets.make_moons(10, seed=0)
    plot_path = tmp_path / "boundary.png"
    plot_decision_boundary(_model().layers[0].neurons[0], X, y, plot_path, resolution=5)
    assert _mode(model_path) == 0o644
    assert _mode(plot_path) == 0o644
    os.chmod(model_path, 0o640)
    _model().save(model_path)
    assert _mode(model_path) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["boundary.png", "m.json"]


def test_a_failed_save_leaves_nothing_and_names_the_users_path(tmp_path):
    target = tmp_path / "missing folder" / "m.json"
    with pytest.raises(FileNotFoundError) as raised:
        _model().save(target)
    assert str(target) in str(raised.value)
    assert ".tmp" not in str(raised.value)
    folder = tmp_path / "a folder"
    folder.mkdir()
    with pytest.raises(IsADirectoryError) as raised:
        _model().save(folder)
    assert str(folder) in str(raised.value)
    assert ".tmp" not in str(raised.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a folder"]
    assert list(folder.iterdir()) == []


def test_a_full_disk_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    path = _model().save(tmp_path / "m.json")
    original = path.read_bytes()

    def full(*args: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError, match=r"save\(path\): No space left on device: .*m\.json"):
        MLP(2, [3, 1], activation="prelu", seed=1).save(path)
    assert path.read_bytes() == original
    assert [p.name for p in tmp_path.iterdir()] == ["m.json"]


@pytest.mark.parametrize("seed", range(4))
def test_saved_text_is_jsons_own_indented_text(tmp_path, seed):
    # The parameters are written line by line for speed: the text must stay json's own.
    model = MLP(3, [4, 2], activation="prelu", seed=seed)
    model.parameters()[seed].data = [5e-324, -0.0, 1e308, 0.1][seed]
    path = model.save(tmp_path / "m.json")
    document = {
        "format": "chainrule.nn",
        "version": 1,
        "architecture": model.architecture(),
        "parameters": model.state_dict(),
    }
    assert path.read_text() == json.dumps(document, indent=1) + "\n"
