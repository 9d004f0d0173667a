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

import json
import math
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

from autograd import Value

FORMAT = "chainrule.nn"
VERSION = 1


class Module:
    """Base class of models: a subclass lists its parameters and its architecture.

    Subclasses implement :meth:`named_parameters` (deterministic order) and
    :meth:`config` (the keyword arguments that rebuild the same architecture), and may
    implement :meth:`reset_parameters`. Every subclass is registered by class name, so
    :func:`load` can rebuild it.
    """

    registry: ClassVar[dict[str, type[Module]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        Module.registry[cls.__name__] = cls

    def named_parameters(self) -> list[tuple[str, Value]]:
        """``(name, parameter)`` pairs in a fixed order (micrograd's order for MLPs)."""
        raise NotImplementedError(f"{type(self).__name__} must define named_parameters()")

    def config(self) -> dict[str, Any]:
        """The constructor's keyword arguments that rebuild this architecture."""
        raise NotImplementedError(f"{type(self).__name__} must define config()")

    def parameters(self) -> list[Value]:
        """Every trainable ``Value``, in the order of :meth:`named_parameters`."""
        return [p for _, p in self.named_parameters()]

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
        if not isinstance(mode, bool):
            raise TypeError(f"train: mode must be a bool, got {type(mode).__name__}")
        for module in self.modules():
            module.training = mode
        return self

    def eval(self) -> Module:
        """Put this module and all inside it in evaluation mode: ``train(False)``."""
        return self.train(False)

    def architecture(self) -> dict[str, Any]:
        """``config()`` with the class name under ``"type"``: what a saved file records."""
        return {"type": type(self).__name__, **self.config()}

    def state_dict(self) -> dict[str, float]:
        """Parameter name to value, in parameter order."""
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Set every parameter from ``state``; checks everything before changing anything.

        Raises:
            ValueError: a missing or unexpected key, or a value that is not a finite number.
        """
        named = self.named_parameters()
        values = _checked_state(state, [name for name, _ in named], type(self).__name__)
        for (_, p), value in zip(named, values, strict=True):
            p.data = value

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the architecture and parameters to ``path`` as JSON, atomically.

        The file is written to a temporary file in the same folder and renamed over
        ``path``: a crash leaves either the old file or the new one, never half of one.
        """
        document = {
            "format": FORMAT,
            "version": VERSION,
            "architecture": self.architecture(),
            "parameters": self.state_dict(),
        }
        for name, value in document["parameters"].items():
            if not math.isfinite(value):
                raise ValueError(f"save: parameter {name} is {value}; only finite values save")
        return write_atomically(path, json.dumps(document, indent=1) + "\n")

    def load(self, path: str | os.PathLike[str]) -> None:
        """Load parameters saved by :meth:`save` into this model (same architecture)."""
        document = read_model_file(path)
        if document["architecture"] != self.architecture():
            raise ValueError(
                f"load: {path} holds {document['architecture']}, "
                f"but this model is {self.architecture()}"
            )
        try:
            self.load_state_dict(document["parameters"])
        except ValueError as error:
            raise ValueError(f"load: {path}: {error}") from None

    def reset_parameters(self, seed: Any = None) -> None:
        """Draw fresh initial parameters (used by ``fit(..., restarts=k)``)."""
        raise NotImplementedError(f"{type(self).__name__} cannot reset its parameters")


def _checked_state(state: Mapping[str, Any], names: list[str], owner: str) -> list[float]:
    if not isinstance(state, Mapping):
        raise ValueError(f"{owner}: parameters must be a mapping, got {type(state).__name__}")
    missing = [n for n in names if n not in state]
    unexpected = [k for k in state if k not in set(names)]
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
        if not math.isfinite(value):
            raise ValueError(f"{owner}: parameter {name} must be finite, got {value}")
        values.append(float(value))
    return values


def write_atomically(path: str | os.PathLike[str], text: str | bytes) -> Path:
    """Write ``text`` to ``path`` through a temporary file in the same folder and a rename."""
    target = Path(path)
    data = text.encode() if isinstance(text, str) else text
    handle, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number JSON allows")


def read_model_file(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read and check a file written by :meth:`Module.save` (not yet its parameters)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"load: {path} is not a text file") from None
    try:
        document = json.loads(text, parse_constant=_reject_constant)
    except ValueError as error:
        raise ValueError(f"load: {path} is not valid JSON: {error}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError(f"load: {path} is not a chainrule model file (no format {FORMAT!r})")
    if document.get("version") != VERSION:
        raise ValueError(f"load: {path} has version {document.get('version')!r}; expected 1")
    architecture = document.get("architecture")
    if not isinstance(architecture, dict) or architecture.get("type") not in Module.registry:
        raise ValueError(
            f"load: {path}: architecture must name one of {', '.join(sorted(Module.registry))}"
        )
    if "parameters" not in document:
        raise ValueError(f"load: {path} has no parameters")
    return document


def load(path: str | os.PathLike[str]) -> Module:
    """Build the model saved in ``path`` (by :meth:`Module.save`) with its parameters.

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
    architecture = dict(document["architecture"])
    cls = Module.registry[architecture.pop("type")]
    try:
        model = cls(**architecture)
    except (TypeError, ValueError) as error:
        raise ValueError(f"load: {path}: bad architecture: {error}") from None
    try:
        model.load_state_dict(document["parameters"])
    except ValueError as error:
        raise ValueError(f"load: {path}: {error}") from None
    return model
