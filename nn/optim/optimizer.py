"""The shared part of every optimizer: the parameter list, one ``step`` over arrays, state dicts.

When the parameters' numbers live in one intact :class:`autograd.ParameterStore` (a
compiled loss's ``backward`` puts them there at its first call), a step hands the store's
two float64 arrays with the optimizer's state (arrays too) to the optimizer's update rule
and writes the result into the data array in place, with no pass over the Values.
Otherwise (eager training, where a stored Value's property would slow every read of
``.data``) the step reads each parameter into arrays and writes each back: the same rule,
on the same arrays. The rule is written once, over arrays, whatever the number of
parameters: a single parameter is an array of length one. So there is no second path whose
numbers could drift.

Example:
    One parameter or a thousand, the same rule: each parameter's numbers depend only on
    its own data, gradient and state.

    >>> from autograd import Value
    >>> from nn.optim import RMSprop
    >>> alone, crowd = [Value(1.0)], [Value(1.0) for _ in range(1000)]
    >>> for params in (alone, crowd):
    ...     for p in params:
    ...         p.grad = 0.5
    ...     RMSprop(params, lr=0.1).step()
    >>> alone[0].data == crowd[0].data == crowd[-1].data
    True
"""

from __future__ import annotations

import importlib
import numbers
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from operator import attrgetter
from typing import Any, ClassVar

import numpy as np

from autograd import ParameterStore, Value

__all__ = ["Optimizer"]

Array = np.ndarray


def _parameters(owner: str, params: Iterable[Value]) -> list[Value]:
    if isinstance(params, Value):
        raise TypeError(f"{owner}(params): expected an iterable of Values, got one Value")
    try:
        items = list(params)
    except TypeError:
        raise TypeError(
            f"{owner}(params): expected an iterable of Values, got {type(params).__name__}"
        ) from None
    if not items:
        raise ValueError(f"{owner}(params): expected at least one parameter, got none")
    seen: set[int] = set()
    for index, item in enumerate(items):
        if not isinstance(item, Value):
            raise TypeError(
                f"{owner}(params): item {index} is a {type(item).__name__}, expected a Value"
            )
        # By identity: a parameter listed twice would be updated twice per step.
        if id(item) in seen:
            raise ValueError(f"{owner}(params): item {index} ({item!r:.60}) is listed twice")
        seen.add(id(item))
    return items


class _Params(list):  # type: ignore[type-arg]
    """``optimizer.params``: a list that counts its changes (``changes``).

    A step finds where the parameters' numbers live once and reuses the answer while the
    list is unchanged: without the count, ``optimizer.params[0] = v`` would leave the step
    updating the Value that was there before, silently.
    """

    changes = 0


def _counting(name: str) -> Any:
    method = getattr(list, name)

    def changed(self: _Params, *args: Any, **kwargs: Any) -> Any:
        self.changes += 1
        return method(self, *args, **kwargs)

    changed.__name__ = name
    return changed


for _name in ("__setitem__", "__delitem__", "__iadd__", "__imul__", "append", "extend",
              "insert", "pop", "remove", "clear", "sort", "reverse"):  # fmt: skip
    setattr(_Params, _name, _counting(_name))


def _state_array(owner: str, name: str, value: object, size: int) -> Array:
    """A per-parameter state list (or array) as a float64 array, checked before any change."""
    if isinstance(value, str | bytes) or not isinstance(value, Sequence | np.ndarray):
        raise TypeError(f"{owner}: {name} must be a list of floats")
    if len(value) != size:
        raise ValueError(f"{owner}: {name} has {len(value)} entries for {size} parameters")
    return np.array([_state_float(owner, name, v) for v in value], dtype=float)


def _buffer(name: str) -> property:
    """``optimizer.<name>``: a per-parameter state read as a list and set from one."""

    def read(self: Optimizer) -> list[float]:
        return self._state[name].tolist()  # type: ignore[no-any-return]

    def write(self: Optimizer, value: Sequence[float]) -> None:
        owner = f"{type(self).__name__}.{name}"
        self._state[name] = _state_array(owner, name, value, len(self.params))

    return property(read, write, doc=f"The per-parameter ``{name}``, a list of floats.")


def _state_float(owner: str, name: str, value: object) -> float:
    # Not checks.real: a state entry may be +-inf or nan, as a huge gradient leaves it, and
    # an optimizer must take back the state it gave.
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{owner}: {name} must be a list of floats, got {type(value).__name__}: {value!r:.60}"
        )
    return float(value)


_DATA, _GRAD = attrgetter("data"), attrgetter("grad")


class Optimizer(ABC):
    """The shared part of the optimizers: the parameter list, ``step``, ``zero_grad``, state.

    A subclass validates and stores its hyperparameters in ``_configure``, lists them in
    ``_HYPERPARAMETERS``, names its per-parameter state lists in ``_BUFFERS`` and its step
    counters in ``_COUNTERS``, and writes its update rule once, in ``_update``, over arrays.
    ``lr`` is a plain attribute so that schedules can change it.

    Args:
        params: the parameters to update, an iterable of distinct ``Value`` objects.

    Example:
        >>> from autograd import Value
        >>> from nn.optim import SGD
        >>> w = Value(1.0, parameter=True)
        >>> w.grad = 2.0
        >>> optimizer = SGD([w], lr=0.5)
        >>> optimizer.step()
        >>> optimizer.zero_grad()
        >>> w.data, w.grad
        (0.0, 0.0)
    """

    _HYPERPARAMETERS: ClassVar[tuple[str, ...]] = ()
    # Per-parameter state: lists of floats aligned with params (arrays inside _update).
    _BUFFERS: ClassVar[tuple[str, ...]] = ()
    # Whole-optimizer counters (ints), such as Adam's number of steps.
    _COUNTERS: ClassVar[tuple[str, ...]] = ()

    lr: float
    weight_decay: float

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # Buffers are arrays inside (the rule's operands); users read and set lists.
        for name in cls.__dict__.get("_BUFFERS", ()):
            setattr(cls, name, _buffer(name))

    def __init__(self, params: Iterable[Value]) -> None:
        self.params = params  # type: ignore[assignment]
        self._state: dict[str, Array] = {name: np.zeros(len(self.params)) for name in self._BUFFERS}
        for name in self._COUNTERS:
            setattr(self, name, 0)

    @abstractmethod
    def _configure(self, **hyperparameters: Any) -> None:
        """Validate the hyperparameters and store them as attributes."""

    @abstractmethod
    def _update(self, data: Array, grad: Array, state: dict[str, Array]) -> Array:
        """The update rule: the new weights from the weights and gradients, as arrays.

        ``state`` maps each name of ``_BUFFERS`` to its array; the rule replaces the
        entries with their new values (and advances ``_COUNTERS`` on ``self``).
        """

    def _l2(self, grad: Array, data: Array) -> Array:
        """The gradient with L2 weight decay folded in, as PyTorch applies it.

        Skipped at 0, so that an infinite weight stays +-inf rather than turning nan.
        """
        if self.weight_decay:
            return grad + self.weight_decay * data
        return grad

    @property
    def params(self) -> list[Value]:
        """The parameters, a list (checked when set: distinct Values, at least one)."""
        return self._params

    @params.setter
    def params(self, params: Iterable[Value]) -> None:
        self._params = _Params(_parameters(type(self).__name__, params))
        # Where the parameters are: (store epoch, the list's changes, (store, indices) or
        # None), found again when either moves.
        self._located: tuple[int, int, Any] = (-1, 0, None)

    def _stored(self) -> tuple[ParameterStore, Any] | None:
        """The intact store holding every parameter, and where they are in its arrays."""
        params, now = self._params, ParameterStore.epoch()
        when, changes, located = self._located
        if when != now or changes != params.changes:
            located = ParameterStore.locate(params)
            if located is not None:  # the whole array (a view) in the store's own order
                located = (located[0], slice(None) if located[1] is None else located[1])
            self._located = (now, params.changes, located)
        return located  # type: ignore[no-any-return]

    def step(self) -> None:
        """Update every parameter's ``data`` from its ``grad``, by the optimizer's rule."""
        located = self._stored()
        if located is None:
            size = len(self.params)
            data = np.fromiter(map(_DATA, self.params), float, size)
            grad = np.fromiter(map(_GRAD, self.params), float, size)
        else:
            store, where = located
            data, grad = store.data[where], store.grad[where]
        state = dict(self._state)
        # An overflow to inf or a nan raises numpy's RuntimeWarning: worth seeing, not hiding.
        new = self._update(data, grad, state)  # a new array: the rule never writes its input
        self._state = state
        if located is None:
            for p, value in zip(self.params, new.tolist(), strict=True):
                p.data = value
        else:
            store.data[where] = new

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0.0 (``backward`` adds to it).

        Example:
            >>> from autograd import Value
            >>> from nn.optim import SGD
            >>> w = Value(1.0)
            >>> w.grad = 5.0
            >>> SGD([w], lr=0.1).zero_grad()
            >>> w.grad
            0.0
        """
        located = self._stored()
        if located is not None:
            store, where = located
            store.grad[where] = 0.0
            return
        for p in self.params:
            p.grad = 0.0

    def state_dict(self) -> dict[str, Any]:
        """The hyperparameters and per-parameter state, copied (parameter values excluded).

        Example:
            >>> from autograd import Value
            >>> from nn.optim import SGD
            >>> SGD([Value(1.0)], lr=0.1, momentum=0.9).state_dict()
            {'lr': 0.1, 'momentum': 0.9, 'weight_decay': 0.0, 'deltas': [0.0]}
        """
        state = {name: getattr(self, name) for name in self._HYPERPARAMETERS}
        for name in self._BUFFERS:
            state[name] = list(getattr(self, name))
        for name in self._COUNTERS:
            state[name] = getattr(self, name)
        return state

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Restore what :meth:`state_dict` returned, for an optimizer over as many parameters.

        Raises:
            TypeError: ``state`` is not a mapping, or holds values of the wrong type.
            ValueError: missing or unexpected keys, bad hyperparameters, state lists of the
                wrong length.

        Example:
            >>> from autograd import Value
            >>> from nn.optim import SGD
            >>> saved = SGD([Value(1.0)], lr=0.1, momentum=0.9)
            >>> saved.deltas = [-0.25]
            >>> restored = SGD([Value(1.0)], lr=1.0)
            >>> restored.load_state_dict(saved.state_dict())
            >>> restored.lr, restored.momentum, restored.deltas
            (0.1, 0.9, [-0.25])
        """
        owner = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state, Mapping):
            raise TypeError(f"{owner}: expected a mapping, got {type(state).__name__}")
        expected = {*self._HYPERPARAMETERS, *self._BUFFERS, *self._COUNTERS}
        if set(state) != expected:
            missing, unexpected = sorted(expected - set(state)), sorted(set(state) - expected)
            raise ValueError(f"{owner}: missing keys {missing}, unexpected keys {unexpected}")
        restored: dict[str, Any] = {}
        for name in self._BUFFERS:
            restored[name] = _state_array(owner, name, state[name], len(self.params))
        for name in self._COUNTERS:
            value = state[name]
            if isinstance(value, bool) or not isinstance(value, numbers.Integral):
                raise TypeError(f"{owner}: {name} must be an int, got {value!r:.60}")
            if value < 0:
                raise ValueError(f"{owner}: {name} must be >= 0, got {value}")
            restored[name] = int(value)
        # Validate everything before changing anything, so a bad dict leaves self intact.
        saved = {name: getattr(self, name) for name in self._HYPERPARAMETERS}
        try:
            self._configure(**{name: state[name] for name in self._HYPERPARAMETERS})
        except (TypeError, ValueError) as error:
            for name, value in saved.items():
                setattr(self, name, value)
            raise type(error)(f"{owner}: {error}") from None
        for name, value in restored.items():
            setattr(self, name, value)

    def to_torch(self, net: Any, model: Any) -> Any:
        """A ``torch.optim`` optimizer over ``net`` with this state (``nn.optim.torch_bridge``)."""
        return importlib.import_module("nn.optim.torch_bridge").to_torch(self, net, model)

    @classmethod
    def from_torch(cls, torch_optimizer: Any, model: Any) -> Optimizer:
        """This optimizer over ``model`` with a ``torch.optim`` one's state (same module)."""
        return importlib.import_module("nn.optim.torch_bridge").from_torch(
            cls, torch_optimizer, model
        )

    def __repr__(self) -> str:
        settings = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._HYPERPARAMETERS)
        return f"{type(self).__name__}({len(self.params)} parameters, {settings})"
