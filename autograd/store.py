"""``ParameterStore``: the numbers of many parameter Values in two float64 arrays.

A model's parameters are thousands of Values, and every whole-model job (an optimizer's
step, ``zero_grad``, a compiled call reading the weights, its ``backward`` adding the
gradients) was a Python pass over them. A store keeps their ``data`` and ``grad`` in two
numpy arrays instead, and each Value reads and writes its entry of them live: the Values
stay the public face, with a plain Value's behaviour, and those jobs become one numpy
operation each.

Adopting a Value switches its class to :class:`StoredValue` (a ``Value`` subclass with the
same memory layout, so the switch is an assignment to ``__class__``) whose ``data`` and
``grad`` are properties on the arrays; its entry (store and index) lives in its
``__dict__``. A Value is in one store at a time: a second store adopting it takes it over
with its current numbers, and the first one is then no longer :attr:`~ParameterStore.intact`
(its :attr:`~ParameterStore.generation` has moved), so its users fall back to the
per-Value path, which is always correct.

Example:
    >>> from autograd import Value
    >>> w, b = Value(2.0, "w"), Value(0.5, "b")
    >>> store = ParameterStore([w, b])
    >>> store.data.tolist()
    [2.0, 0.5]
    >>> w.data = 3.0; b.grad += 1.0
    >>> store.data.tolist(), store.grad.tolist()
    ([3.0, 0.5], [0.0, 1.0])
    >>> store.data *= 2.0
    >>> w.data, isinstance(w, Value)
    (6.0, True)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from autograd.coercion import as_number, is_array
from autograd.value import Value

__all__ = ["ParameterStore", "StoredValue"]

# Bumped by every adoption: a cached answer of `ParameterStore.locate` is valid while the
# epoch it was computed at is the current one (nothing else moves a Value between stores).
_epoch = 0

# The keys of a stored Value's __dict__ that point at its entry (dropped by pickling).
_STORE, _INDEX = "_store", "_store_index"


def _number(field: str, value: Any) -> float:
    """``value`` as the float a store's array holds; a clear error for anything else."""
    number = (
        None if isinstance(value, Value) or is_array(value) else as_number(value, f"Value.{field}")
    )
    if number is None:
        raise TypeError(
            f"Value.{field}: expected a real number (int, float or numpy scalar), "
            f"got {type(value).__name__}: {value!r:.60}"
        )
    return number


def _field(name: str, which: int) -> property:
    """The property ``name`` of a stored Value: entry ``_store_index`` of a store's array.

    It reads the array through a memoryview (``_views[which]``): indexing one gives a
    Python float directly, the fastest live read measured (an ndarray index gives a numpy
    scalar, ``.item`` costs a call).
    """

    def read(self: StoredValue) -> float:
        return self._store._views[which][self._store_index]  # type: ignore[no-any-return]

    def write(self: StoredValue, value: Any) -> None:
        if value.__class__ is not float:
            value = _number(name, value)
        self._store._views[which][self._store_index] = value

    return property(read, write, doc=f"The {name}, read from and written to the store.")


class StoredValue(Value):
    """A ``Value`` whose ``data`` and ``grad`` live in a :class:`ParameterStore`'s arrays.

    It is made only by adoption (``ParameterStore(values)``), never called. It computes,
    draws and prints as a plain Value; pickling and ``copy`` give back a plain Value with
    the current numbers. Assigning something that is not a real number to ``data`` or
    ``grad`` raises ``TypeError`` (the array holds floats: an int becomes a float).
    """

    __slots__ = ()

    data = _field("data", 0)
    grad = _field("grad", 1)

    def _reduced(self) -> tuple[type, tuple[tuple[str, ...], tuple[Any, ...]]]:
        """A plain Value's class and fields, with the current numbers (see ``Picklable``)."""
        names, values = super()._reduced()[1]
        fields = dict(zip(names, values, strict=True))
        extra = {k: v for k, v in fields["__dict__"].items() if k not in (_STORE, _INDEX)}
        fields["__dict__"] = extra
        return Value, (tuple(fields), tuple(fields.values()))


_STORABLE = (Value, StoredValue)


def _array(name: str, which: int) -> property:
    """The property ``name`` of a store: its array, which may be changed in place only."""

    def read(self: ParameterStore) -> Any:
        return self._arrays[which]

    def write(self: ParameterStore, array: Any) -> None:
        # `store.grad += g` assigns the array back to itself: that is all a setter allows,
        # since the Values read this very array.
        if array is not self._arrays[which]:
            raise AttributeError(
                f"ParameterStore.{name}: the Values read this array, so it cannot be "
                f"replaced; write into it instead (store.{name}[...] = new)"
            )

    return property(read, write, doc=f"The ``{name}`` of every parameter: a float64 array.")


class ParameterStore:
    """Two float64 arrays holding the ``data`` and ``grad`` of ``params``, read live.

    Args:
        params: distinct Values of class ``Value`` itself (a subclass may override what
            a store would replace, so it is refused: see :meth:`storable`).

    Raises:
        TypeError: an item is not a Value, is of a subclass, or holds a ``data`` or
            ``grad`` that is not a real number.
        ValueError: a Value is listed twice.

    Attributes:
        params: the adopted Values, in array order (a tuple).
        data: the float64 array of their ``data`` (change it in place only).
        grad: the float64 array of their ``grad`` (change it in place only).

    Example:
        A second store takes a Value over; the first knows it is no longer intact:

        >>> from autograd import Value
        >>> a, b = Value(1.0), Value(2.0)
        >>> first = ParameterStore([a, b])
        >>> second = ParameterStore([b])
        >>> first.intact, second.intact, b.data, second.data.tolist()
        (False, True, 2.0, [2.0])
    """

    def __init__(self, params: Iterable[Value]) -> None:
        import numpy as np  # noqa: PLC0415 - autograd imports numpy only where arrays are made

        global _epoch  # noqa: PLW0603 - the one counter every cached location checks
        items = list(params)
        seen: set[int] = set()
        for index, item in enumerate(items):
            if type(item) not in _STORABLE:
                raise TypeError(
                    f"ParameterStore(params): item {index} is a {type(item).__name__}, "
                    f"expected a Value (not a subclass of it)"
                )
            if id(item) in seen:
                raise ValueError(f"ParameterStore(params): item {index} is listed twice")
            seen.add(id(item))
        # Every number is read (and checked) before any Value changes class.
        data = np.array([_number("data", p.data) for p in items], dtype=float)
        grad = np.array([_number("grad", p.grad) for p in items], dtype=float)
        self._arrays = (data, grad)
        self._views = (memoryview(data), memoryview(grad))
        self.params: tuple[Value, ...] = tuple(items)
        self._generation = 0
        _epoch += 1
        losers = set()
        for index, p in enumerate(items):
            fields = p.__dict__
            owner = fields.get(_STORE) if type(p) is StoredValue else None
            if owner is not None:
                losers.add(owner)
            p.__class__ = StoredValue
            fields[_STORE] = self
            fields[_INDEX] = index
        for owner in losers:
            owner._generation += 1

    data = _array("data", 0)
    grad = _array("grad", 1)

    @property
    def generation(self) -> int:
        """How many times another store took some of these Values over (0: never)."""
        return self._generation

    @property
    def intact(self) -> bool:
        """True while every Value of :attr:`params` still reads and writes this store."""
        return self._generation == 0

    def __len__(self) -> int:
        return len(self.params)

    def __repr__(self) -> str:
        state = "intact" if self.intact else f"taken over {self._generation} time(s)"
        return f"ParameterStore({len(self.params)} parameters, {state})"

    def __reduce__(self) -> tuple[Any, ...]:
        # A copy of a store adopts the copies of its Values (they are plain after a copy).
        return (ParameterStore, (list(self.params),))

    @staticmethod
    def epoch() -> int:
        """A counter that changes whenever any store adopts Values (see :meth:`locate`)."""
        return _epoch

    @staticmethod
    def storable(value: object) -> bool:
        """True if ``value`` can be adopted: a ``Value`` of that very class (or stored).

        Example:
            >>> from autograd import Value
            >>> ParameterStore.storable(Value(1.0)), ParameterStore.storable(1.0)
            (True, False)
        """
        return type(value) in _STORABLE

    @staticmethod
    def locate(values: Sequence[Value]) -> tuple[ParameterStore, Any] | None:
        """The intact store holding every one of ``values``, with their indices in it.

        Returns ``(store, None)`` when ``values`` are the store's parameters in its order
        (``store.data`` is their vector), ``(store, indices)`` (an int array) when they are
        some of them, and None when they are not all in one intact store. The answer
        holds until :func:`epoch` changes.

        Example:
            >>> from autograd import Value
            >>> a, b = Value(1.0), Value(2.0)
            >>> store = ParameterStore([a, b])
            >>> ParameterStore.locate([b])[1].tolist(), ParameterStore.locate([a, b])[1]
            ([1], None)
        """
        if not values or type(values[0]) is not StoredValue:
            return None
        store = values[0]._store
        if not store.intact:
            return None
        indices = []
        for value in values:
            if type(value) is not StoredValue or value._store is not store:
                return None
            indices.append(value._store_index)
        if len(indices) == len(store.params) and indices == list(range(len(indices))):
            return store, None
        import numpy as np  # noqa: PLC0415 - a store exists, so numpy is imported

        return store, np.array(indices, dtype=np.intp)
