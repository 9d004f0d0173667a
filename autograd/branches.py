"""Branch recording: the outcome of each comparison or ``bool()`` of a Value, while traced.

Python branches on comparisons of Values (``x if x > 0 else -x``), and compiled code
replays the branch the trace took for every input; ``compile(verify=True)`` records the
outcomes here to tell when a call takes another branch than the trace did.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_BRANCHES: ContextVar[list[bool] | None] = ContextVar("chainrule_branches", default=None)


@contextmanager
def recording_branches() -> Iterator[list[bool]]:
    """Inside the block, collect the outcome of each comparison or ``bool()`` of a Value.

    Example:
        >>> from autograd import Value
        >>> x = Value(2.0)
        >>> with recording_branches() as outcomes:
        ...     y = x if x > 0 else -x
        ...     z = x < 1
        >>> outcomes
        [True, False]
    """
    outcomes: list[bool] = []
    token = _BRANCHES.set(outcomes)
    try:
        yield outcomes
    finally:
        _BRANCHES.reset(token)


def branch(outcome: bool) -> bool:
    """Record ``outcome`` if a block of :func:`recording_branches` is open; return it."""
    log = _BRANCHES.get()
    if log is not None:
        log.append(outcome)
    return outcome


def tracing() -> bool:
    """Whether ``compile`` is tracing: a library function then builds the graph for all data."""
    return _BRANCHES.get() is not None
