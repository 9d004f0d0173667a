"""Pickling and ``copy.deepcopy`` of a graph of any depth, without recursion."""

from __future__ import annotations

import functools
import threading
from typing import TYPE_CHECKING, Any

from autograd.graph import topological_order

if TYPE_CHECKING:
    from autograd.value import Value


class Picklable:
    """``__reduce__`` and ``__setstate__`` for ``Value`` (see :meth:`__reduce__`)."""

    __slots__ = ()

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle and ``copy.deepcopy`` a graph of any depth, without recursion.

        Both recurse into an object's state, and a node's state holds its parents: a chain
        would nest one level per node and hit the recursion limit at a depth of about 1,000.
        So the node that starts a copy puts its whole graph in its state first, inputs
        before outputs (``topological_order``): each node's parents are then already copied
        when it is, and are referenced, not nested. Those nodes reduce to their own fields.
        Identity is kept: a parameter shared by a model and a graph is one object after.
        """
        cls, fields = self._reduced()
        pending = _copying.__dict__.setdefault("pending", set())
        if id(self) in pending or not self.parents:
            pending.discard(id(self))
            return (_empty_value, (cls,), (None, fields))
        ancestors = topological_order(self)[:-1]
        # Nothing else is being copied in this thread now: a stale id left by a failed copy
        # would only cost recursion, never a wrong copy, but is dropped here anyway.
        pending.clear()
        pending.update(id(node) for node in ancestors if node.parents)
        return (_empty_value, (cls,), (ancestors, fields))

    def _reduced(self) -> tuple[type, tuple[tuple[str, ...], tuple[Any, ...]]]:
        """The class a copy is made of and its fields: names and values (every slot)."""
        names = _slot_names(type(self))
        return type(self), (names, tuple([getattr(self, name) for name in names]))

    def __setstate__(self, state: tuple[Any, tuple[tuple[str, ...], tuple[Any, ...]]]) -> None:
        """Restore the fields ``__reduce__`` saved (the ancestors are restored on their own)."""
        names, values = state[1]
        for name, value in zip(names, values, strict=True):
            setattr(self, name, value)


# Nodes whose copy is in progress as part of an ancestor list, per thread (pickling in two
# threads at once is independent).
_copying = threading.local()


@functools.cache
def _slot_names(cls: type) -> tuple[str, ...]:
    """The fields a node of ``cls`` stores: every slot, and ``__dict__`` if it has one."""
    names = []
    for klass in cls.__mro__:
        slots = getattr(klass, "__slots__", ())
        names += [slots] if isinstance(slots, str) else list(slots)
    fields = [name for name in names if name not in {"__weakref__", "__dict__"}]
    if cls.__dictoffset__:  # a subclass without __slots__: its attributes live in a dict
        fields.append("__dict__")
    return tuple(dict.fromkeys(fields))


def _empty_value(cls: type[Value]) -> Value:
    """A node with no fields yet: ``__setstate__`` fills them (pickle's reconstructor)."""
    return object.__new__(cls)
