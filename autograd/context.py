"""The state of graph construction: recording on or off (``no_grad``) and the current scope.

The state lives in a context variable, so it applies to the thread (and the asyncio task)
that entered a block and to no other. ``None`` stands for the default state (recording, no
scope): the one check every new node makes is then a single ``get()``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from contextlib import ContextDecorator
from contextvars import ContextVar, Token
from typing import Any, NamedTuple


class _State(NamedTuple):
    grad_enabled: bool
    scope: Scope | None
    # While compile traces: every node made, in the order made (the order eager code ran).
    created: list[Any] | None = None


_CREATED = itertools.count()


class Scope:
    """A named region of graph construction (a Neuron, a Layer), nested in ``parent``.

    Every node created inside ``with scope(name):`` records the innermost scope, so a
    drawing can cluster a layer's nodes without knowing anything about ``nn``.
    Each ``with`` block makes a new ``Scope``: two blocks with one name are two clusters.
    """

    __slots__ = ("_entered", "_node_tags", "name", "order", "parent")

    def __init__(self, name: str, parent: Scope | None = None) -> None:
        self.name = name
        self.parent = parent
        # Creation order, process-wide: drawings put sibling scopes in this order.
        self.order = next(_CREATED)
        self._node_tags = (self, False)
        self._entered = _State(True, self)  # the state inside it, in the common case

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


# None stands for the default state (recording, no scope), the fast path of every op.
STATE: ContextVar[_State | None] = ContextVar("chainrule_state", default=None)


_DEFAULT = _State(True, None)


def current() -> _State:
    """The state in force: recording or not, and the innermost scope."""
    return STATE.get() or _DEFAULT


class _Block(ContextDecorator):
    """The ``with`` block of :func:`scope`, :func:`no_grad` and :func:`recording_creation`.

    ``enter(state, argument)`` gives the block's state and what ``as`` receives. A class,
    not ``contextlib.contextmanager``: every neuron's call enters a scope, and a
    generator-based block cost 2.6 us (now under 1). Like one, it decorates functions too.
    """

    def __init__(self, enter: Callable[[_State, Any], tuple[_State, Any]], argument: Any) -> None:
        self._enter = enter
        self._argument = argument
        self._tokens: list[Token[_State | None]] = []

    def __enter__(self) -> Any:
        state, result = self._enter(STATE.get() or _DEFAULT, self._argument)
        self._tokens.append(STATE.set(state))
        return result

    def __exit__(self, *exc_info: object) -> None:
        STATE.reset(self._tokens.pop())

    def _recreate_cm(self) -> _Block:  # ContextDecorator: a fresh block per decorated call
        return _Block(self._enter, self._argument)


def _enter_scope(state: _State, name: str | Scope) -> tuple[_State, Scope]:
    new = name if isinstance(name, Scope) else Scope(str(name), state.scope)
    if state.grad_enabled and state.created is None:
        return new._entered, new
    return _State(state.grad_enabled, new, state.created), new


def scope(name: str | Scope) -> _Block:
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
    return _Block(_enter_scope, name)


def _enter_no_grad(state: _State, _: None) -> tuple[_State, None]:
    return _State(False, state.scope, state.created), None


def no_grad() -> _Block:
    """Inside the block, operations record no graph: every result is a leaf.

    Example:
        >>> from autograd import Value
        >>> x = Value(2.0)
        >>> with no_grad():
        ...     y = x * x
        >>> y.data, y.op, y.parents
        (4.0, None, ())
    """
    return _Block(_enter_no_grad, None)


def _enter_recording(state: _State, _: None) -> tuple[_State, list[Any]]:
    created: list[Any] = []
    return _State(state.grad_enabled, state.scope, created), created


def recording_creation() -> _Block:
    """Inside the block, every node made is appended to the yielded list, in order.

    ``compile`` traces under it: replaying the trace op by op in this order raises the
    error eager code raises first (a topological order may reach another failing op first).
    """
    return _Block(_enter_recording, None)


def is_grad_enabled() -> bool:
    """False inside :func:`no_grad`."""
    return current().grad_enabled


def scope_tags(s: Scope | None) -> tuple[Scope, bool] | None:
    """The ``(scope, is_parameter)`` pair a node created in ``s`` stores (shared, not new)."""
    return None if s is None else s._node_tags
