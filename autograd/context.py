"""The state of graph construction: recording on or off (``no_grad``) and the current scope.

The state lives in a context variable, so it applies to the thread (and the asyncio task)
that entered a block and to no other. ``None`` stands for the default state (recording, no
scope): the one check every new node makes is then a single ``get()``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import NamedTuple


class Scope:
    """A named region of graph construction (a Neuron, a Layer), nested in ``parent``.

    Every node created inside ``with scope(name):`` records the innermost scope, so a
    drawing can cluster a layer's nodes without knowing anything about ``nn``.
    Each ``with`` block makes a new ``Scope``: two blocks with one name are two clusters.
    """

    __slots__ = ("_node_tags", "name", "parent")

    def __init__(self, name: str, parent: Scope | None = None) -> None:
        self.name = name
        self.parent = parent
        self._node_tags = (self, False)

    @property
    def path(self) -> tuple[str, ...]:
        """Names from the outermost scope to this one."""
        names: list[str] = []
        node: Scope | None = self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return tuple(reversed(names))

    def __repr__(self) -> str:
        return f"Scope({'/'.join(self.path)!r})"


class _State(NamedTuple):
    grad_enabled: bool
    scope: Scope | None


# None stands for the default state (recording, no scope), the fast path of every op.
STATE: ContextVar[_State | None] = ContextVar("chainrule_state", default=None)


def current() -> _State:
    """The state in force: recording or not, and the innermost scope."""
    return STATE.get() or _State(True, None)


@contextmanager
def scope(name: str | Scope) -> Iterator[Scope]:
    """Tag every node created inside the block with a new :class:`Scope` called ``name``.

    Passing a :class:`Scope` (one that an earlier block yielded) re-enters it instead: a
    module creates its scope once, with its parameters inside, and re-enters it on every
    call, so a drawing shows one cluster per module.

    Example:
        >>> from autograd import Value
        >>> with scope("neuron") as s:
        ...     y = Value(2.0) * 3
        >>> with scope(s):
        ...     z = y + 1
        >>> y.scope is s, z.scope is s, s.path
        (True, True, ('neuron',))
    """
    state = current()
    new = name if isinstance(name, Scope) else Scope(str(name), state.scope)
    token = STATE.set(_State(state.grad_enabled, new))
    try:
        yield new
    finally:
        STATE.reset(token)


@contextmanager
def no_grad() -> Iterator[None]:
    """Inside the block, operations record no graph: every result is a leaf.

    Example:
        >>> from autograd import Value
        >>> x = Value(2.0)
        >>> with no_grad():
        ...     y = x * x
        >>> y.data, y.op, y.parents
        (4.0, None, ())
    """
    state = current()
    token = STATE.set(_State(False, state.scope))
    try:
        yield
    finally:
        STATE.reset(token)


def is_grad_enabled() -> bool:
    """False inside :func:`no_grad`."""
    return current().grad_enabled


def scope_tags(s: Scope | None) -> tuple[Scope, bool] | None:
    """The ``(scope, is_parameter)`` pair a node created in ``s`` stores (shared, not new)."""
    return None if s is None else s._node_tags
