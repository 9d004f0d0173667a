"""``Module``: parameters, gradients reset, state and JSON save/load shared by every model.

A saved model is one readable JSON file::

    {"format": "chainrule.nn", "version": 1,
     "architecture": {"type": "MLP", "nin": 2, "nouts": [16, 16, 1], ...},
     "parameters": {"layers.0.neurons.0.w.0": 0.4117..., ...}}

``nn.load(path)`` rebuilds the model from ``architecture``; ``model.load(path)`` loads
into an existing model. Both check the whole file first, so a bad file changes nothing.
Floats are written with ``repr`` precision, so a round trip is exact.
"""

from __future__ import annotations

import importlib
import json
import math
import os
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from autograd import Value, write_atomically
from nn import checks

FORMAT = "chainrule.nn"
VERSION = 1

MAX_FILE_BYTES = 256 * 2**20
"""The largest model file :func:`load` reads (256 MiB, about 5 million parameters).

A file is refused by its size before it is read: a pure-Python model of that many
parameters already needs gigabytes of memory, so nothing larger can be a real model.
"""

ModuleType = TypeVar("ModuleType", bound="type[Module]")


class Module:
    """Base class of models: a subclass lists its parameters and its architecture.

    Subclasses implement :meth:`named_parameters` (deterministic order) and
    :meth:`config` (the keyword arguments that rebuild the same architecture), and may
    implement :meth:`reset_parameters` and :meth:`parameter_count`. chainrule's own models
    are registered by class name, so :func:`load` can rebuild them; a class of yours is
    loadable once you :func:`register` it (a class merely *named* ``MLP`` never replaces
    chainrule's).
    """

    registry: ClassVar[dict[str, type[Module]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # Only the package's own classes register themselves: a user's class that happens
        # to share a name (the micrograd lecture defines its own MLP) must not shadow them.
        if cls.__module__ == "nn" or cls.__module__.startswith("nn."):
            _register(cls, cls.__name__)

    @classmethod
    def parameter_count(cls, config: Mapping[str, Any]) -> int | None:
        """How many parameters ``cls(**config)`` has, computed without building it.

        :func:`load` compares it with the parameters a file holds before it builds
        anything, so a tiny file cannot declare a huge model. None means unknown (the
        model is then built first).
        """
        return None

    def named_parameters(self) -> list[tuple[str, Value]]:
        """``(name, parameter)`` pairs in a fixed order (micrograd's order for MLPs)."""
        raise NotImplementedError(f"{type(self).__name__} must define named_parameters()")

    def config(self) -> dict[str, Any]:
        """The constructor's keyword arguments that rebuild this architecture."""
        raise NotImplementedError(f"{type(self).__name__} must define config()")

    def parameters(self) -> list[Value]:
        """Every trainable ``Value`` once, in the order of :meth:`named_parameters`.

        A parameter listed twice (a weight shared by two parts) appears once, at its first
        place, as in PyTorch: an optimizer steps it once, on the gradient of both uses.
        """
        return list(dict.fromkeys(p for _, p in self.named_parameters()))

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0.0 (gradients accumulate across backward)."""
        for p in self.parameters():
            p.grad = 0.0

    # Training mode, PyTorch's convention: a new model is in training mode; only stochastic
    # parts (Dropout) behave differently in the two modes.
    training: bool = True

    def children(self) -> list[Module]:
        """The modules this one holds directly: attributes that are modules or lists of them.

        Found from the instance's attributes (in the order they were set), so a model made
        of ``nn`` parts needs no registration for :meth:`train` and :meth:`eval` to reach
        them.
        """
        found: list[Module] = []
        for value in vars(self).values():
            if isinstance(value, Module):
                found.append(value)
            elif isinstance(value, list | tuple):
                found.extend(item for item in value if isinstance(item, Module))
        return found

    def modules(self) -> list[Module]:
        """This module and every module inside it, parents before children, each once."""
        ordered: list[Module] = []
        seen: set[int] = set()  # a module shared by two parents (or a cycle) is listed once
        stack: list[Module] = [self]
        while stack:  # an explicit stack, like the engine's graph walks
            module = stack.pop()
            if id(module) in seen:
                continue
            seen.add(id(module))
            ordered.append(module)
            stack.extend(reversed(module.children()))
        return ordered

    def train(self, mode: bool = True) -> Module:
        """Put this module and all inside it in training mode (``mode=False``: evaluation).

        In training mode a ``Dropout`` drops units at random; in evaluation mode it passes
        its inputs through. ``fit`` trains in training mode and evaluates in evaluation
        mode. Returns the module, as PyTorch does.

        Example:
            >>> from nn import MLP
            >>> model = MLP(2, [4, 1], dropout=0.5, seed=0)
            >>> model.eval().training, model.dropouts[0].training
            (False, False)
            >>> model.train().dropouts[0].training
            True
        """
        mode = checks.flag("train", "mode", mode)
        for module in self.modules():
            module.training = mode
        return self

    def eval(self) -> Module:
        """Put this module and all inside it in evaluation mode: ``train(False)``."""
        return self.train(False)

    def to_torch(self, dtype: Any = None) -> Any:
        """This model as a ``torch.nn.Module`` with the same weights (see ``nn.torch_bridge``)."""
        return importlib.import_module("nn.torch_bridge").to_torch(self, dtype=dtype)

    def architecture(self) -> dict[str, Any]:
        """``config()`` with the model's type under ``"type"``: what a saved file records.

        The type is the registered name (``"MLP"``), or ``module.ClassName`` for a class
        that is not registered, so that no file names a class it does not hold.
        """
        cls = type(self)
        name = cls.__dict__.get("_registered_name") or f"{cls.__module__}.{cls.__qualname__}"
        return {"type": name, **self.config()}

    def state_dict(self) -> dict[str, float]:
        """Parameter name to value, in parameter order."""
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Set every parameter from ``state``; checks everything before changing anything.

        Raises:
            TypeError: ``state`` is not a mapping.
            ValueError: a missing or unexpected key, or a value that is not a finite number.
        """
        owner = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state, Mapping):
            raise TypeError(f"{owner}(state): expected a mapping, got {type(state).__name__}")
        named = self.named_parameters()
        values = _checked_state(state, [name for name, _ in named], owner)
        for (_, p), value in zip(named, values, strict=True):
            p.data = value

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the architecture and parameters to ``path`` as JSON, atomically.

        The file is written to a temporary file in the same folder and renamed over
        ``path``: a crash leaves either the old file or the new one, never half of one.
        A new file gets the usual permissions (0644 under umask 022); a replaced file
        keeps its mode.
        """
        target = checks.path("save", "path", path)
        document = {
            "format": FORMAT,
            "version": VERSION,
            "architecture": self.architecture(),
            "parameters": self.state_dict(),
        }
        for name, value in document["parameters"].items():
            if not math.isfinite(value):
                raise ValueError(f"save: parameter {name} is {value}; only finite values save")
        return write_atomically(target, _document_text(document), "save")

    def load(self, path: str | os.PathLike[str]) -> None:
        """Load parameters saved by :meth:`save` into this model (same architecture).

        Accepts exactly the files :func:`load` accepts for this architecture; on any
        error (a ``ValueError`` for a bad file) the model is unchanged.
        """
        document = read_model_file(path)
        if _canonical(document["architecture"]) != _canonical(self.architecture()):
            raise ValueError(
                f"load: {path} holds {_canonical(document['architecture']):.200}, "
                f"but this model is {_canonical(self.architecture()):.200}"
            )
        _assign_parameters(self, path, document)

    def reset_parameters(self, seed: Any = None) -> None:
        """Draw fresh initial parameters (used by ``fit(..., restarts=k)``)."""
        raise NotImplementedError(f"{type(self).__name__} cannot reset its parameters")


def _document_text(document: dict[str, Any]) -> str:
    """``json.dumps(document, indent=1)``, with the parameters written by the C encoder.

    With ``indent`` json falls back to its pure-Python encoder, which made saving a
    million parameters take many seconds; the parameters are one flat object, so they
    are written line by line instead (the same text).
    """
    head = {key: value for key, value in document.items() if key != "parameters"}
    text = json.dumps(head, indent=1)[: -len("\n}")]
    quote = json.encoder.encode_basestring_ascii  # what json.dumps does to a str, in C
    lines = ",\n".join(f"  {quote(k)}: {v!r}" for k, v in document["parameters"].items())
    body = f"{{\n{lines}\n }}" if lines else "{}"
    return f'{text},\n "parameters": {body}\n}}\n'


def _register(cls: type[Module], name: str) -> None:
    existing = Module.registry.get(name)
    # Re-running a notebook cell defines the class again: same module and name, replaced.
    if existing is not None and (existing.__module__, existing.__qualname__) != (
        cls.__module__,
        cls.__qualname__,
    ):
        raise ValueError(
            f"register(name): {name!r} already names {existing.__module__}."
            f"{existing.__qualname__}; register {cls.__qualname__} under another name"
        )
    Module.registry[name] = cls
    cls._registered_name = name  # type: ignore[attr-defined]


def register(cls: ModuleType, name: str | None = None) -> ModuleType:
    """Make a ``Module`` subclass of yours loadable by :func:`load` (usable as a decorator).

    Args:
        cls: the class; it must rebuild from ``cls(**model.config())``.
        name: the ``"type"`` its files record (default: the class name). A name that
            already belongs to another class (chainrule's ``MLP``) is refused.

    Returns:
        ``cls``, so ``@register`` works above a class statement.

    Example:
        >>> from nn import Neuron
        >>> @register
        ... class Doubled(Neuron):
        ...     pass
        >>> Doubled(2).architecture()["type"]
        'Doubled'
    """
    if not (isinstance(cls, type) and issubclass(cls, Module)):
        raise TypeError(f"register(cls): expected a Module subclass, got {cls!r:.60}")
    _register(cls, checks.text("register", "name", cls.__name__ if name is None else name))
    return cls


def _canonical(architecture: Any) -> str:
    # JSON text with sorted keys: 2 and 2.0, or 1 and true, differ here, as they do for
    # the constructors, so model.load and nn.load accept the same files.
    return json.dumps(architecture, sort_keys=True)


def _checked_state(state: Mapping[str, Any], names: list[str], owner: str) -> list[float]:
    known = set(names)  # one set: checking each key against a list made loading quadratic
    missing = [n for n in names if n not in state]
    unexpected = [k for k in state if k not in known]
    if missing or unexpected:
        raise ValueError(
            f"{owner}: parameters do not match the model"
            + (f"; missing {', '.join(missing[:5])}" if missing else "")
            + (f"; unexpected {', '.join(map(str, unexpected[:5]))}" if unexpected else "")
        )
    values = []
    for name in names:
        value = state[name]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{owner}: parameter {name} must be a number, got {value!r:.40}")
        try:
            number = float(value)
        except OverflowError:  # an int beyond the float range
            raise ValueError(f"{owner}: parameter {name} is too large for a float") from None
        if not math.isfinite(number):
            raise ValueError(f"{owner}: parameter {name} must be finite, got {value}")
        values.append(number)
    return values


def _assign_parameters(model: Module, path: Any, document: dict[str, Any]) -> None:
    """Set ``model``'s parameters from a checked file's, all checked before any is set."""
    named = model.named_parameters()
    try:
        values = _checked_state(document["parameters"], [n for n, _ in named], "load")
    except ValueError as error:
        raise ValueError(f"load: {path}: {str(error).removeprefix('load: ')}") from None
    for (_, p), value in zip(named, values, strict=True):
        p.data = value


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number JSON allows")


def _read_bounded(path: Path) -> bytes:
    """The bytes of a regular file of at most ``MAX_FILE_BYTES``, checked before reading."""
    # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    handle = os.open(path, flags)
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            raise ValueError(f"load: {path} is not a regular file")
        if info.st_size > MAX_FILE_BYTES:
            raise ValueError(
                f"load: {path} is {info.st_size:,} bytes, more than any model file "
                f"(nn.module.MAX_FILE_BYTES = {MAX_FILE_BYTES:,})"
            )
        chunks, size = [], 0
        while chunk := os.read(handle, min(1 << 24, MAX_FILE_BYTES + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_FILE_BYTES:  # it grew while being read
                raise ValueError(f"load: {path} is more than {MAX_FILE_BYTES:,} bytes")
        return b"".join(chunks)
    finally:
        os.close(handle)


def read_model_file(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read and check a file written by :meth:`Module.save` (not yet its parameters).

    Raises:
        TypeError: ``path`` is not a path.
        OSError: the file cannot be opened (``FileNotFoundError``, ...).
        ValueError: anything wrong with the file itself.
    """
    where = checks.path("load", "path", path)
    try:
        text = _read_bounded(where).decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"load: {path} is not a UTF-8 text file") from None
    try:
        document = json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        raise ValueError(f"load: {path} is not a model file: JSON nested too deeply") from None
    except ValueError as error:
        raise ValueError(f"load: {path} is not valid JSON: {error}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError(f"load: {path} is not a chainrule model file (no format {FORMAT!r})")
    version = document.get("version")
    if type(version) is not int or version != VERSION:  # true == 1, but is no version
        raise ValueError(f"load: {path} has version {version!r:.40}; expected {VERSION}")
    architecture = document.get("architecture")
    if not isinstance(architecture, dict) or not isinstance(architecture.get("type"), str):
        raise ValueError(f"load: {path}: architecture must be an object with a type name")
    if "parameters" not in document:
        raise ValueError(f"load: {path} has no parameters")
    if not isinstance(document["parameters"], dict):
        raise ValueError(f"load: {path}: parameters must be an object of name: number")
    return document


def load(path: str | os.PathLike[str]) -> Module:
    """Build the model saved in ``path`` (by :meth:`Module.save`) with its parameters.

    The declared architecture is checked against the parameters present before anything
    is built, so the work is bounded by the file's size.

    Example:
        >>> import tempfile, pathlib
        >>> from nn import MLP
        >>> model = MLP(2, [3, 1], seed=0)
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = model.save(pathlib.Path(folder) / "model.json")
        ...     copy = load(path)
        >>> copy.state_dict() == model.state_dict()
        True
    """
    document = read_model_file(path)
    architecture = document["architecture"]
    name = architecture["type"]
    cls = Module.registry.get(name)
    if cls is None:
        raise ValueError(
            f"load: {path}: model type {name!r:.80} is not registered; known: "
            f"{', '.join(sorted(Module.registry))} (a class of yours: nn.register(cls))"
        )
    config = {key: value for key, value in architecture.items() if key != "type"}
    try:
        declared = cls.parameter_count(config)
        # More parameters declared than present: refused before building. Fewer: building
        # is bounded by the file, and the parameter check then names what is extra.
        if declared is not None and declared > len(document["parameters"]):
            raise ValueError(
                f"it declares {declared:,} parameters, the file holds "
                f"{len(document['parameters']):,}"
            )
        model = cls(**config)
    except (TypeError, ValueError) as error:
        raise ValueError(f"load: {path}: bad architecture: {error}") from None
    if _canonical(model.architecture()) != _canonical(architecture):
        raise ValueError(
            f"load: {path}: bad architecture: {_canonical(architecture):.200} rebuilds as "
            f"{_canonical(model.architecture()):.200}"
        )
    _assign_parameters(model, path, document)
    return model
