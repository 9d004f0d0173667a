"""The graph's order: every node that reaches a root, inputs before outputs.

Nothing here recurses over the graph: the sort keeps its own stack, so a chain of a
million operations needs no more Python stack than a chain of three. It reads only the
node's fields (``_operation``, ``_first``, ``_second``), so every floor of the engine can
use it, ``Value`` itself included (pickling walks the graph).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from autograd.value import Value


def topological_order(root: Value) -> list[Value]:
    """Every node that reaches ``root`` (``root`` included), inputs before outputs.

    The order is deterministic: a depth-first walk over ``parents`` in operand order.

    Example:
        >>> from autograd import Value
        >>> x = Value(2.0, "x")
        >>> y = x * x + x
        >>> [n.label or n.op.name for n in topological_order(y)]
        ['x', 'mul', 'add']
    """
    return walk(root, with_leaves=True)


def walk(root: Value, with_leaves: bool) -> list[Value]:
    """The topological order, with or without the leaves.

    Without leaves it is what backward needs (a leaf only receives, it never passes a
    gradient on), and much shorter for a graph with many inputs.
    """
    order: list[Value] = []
    if root._operation is None:
        return [root] if with_leaves else order
    visited: set[Value] = set()
    # An explicit stack, not recursion. A node is pushed, then a None marker, then its
    # parents still to visit; popping the marker means all its parents are done: emit it.
    stack: list[Value | None] = [root]
    pop, push, emit, mark = stack.pop, stack.append, order.append, visited.add
    while stack:
        node = pop()
        if node is None:
            emit(pop())  # type: ignore[arg-type]
            continue
        if node in visited:
            continue
        mark(node)
        if node._operation is None:  # a leaf: nothing to walk
            emit(node)
            continue
        push(node)
        push(None)
        first = node._first  # never None for a node with an op
        if first.__class__ is tuple:  # a variadic node (dot, sum): many parents
            for parent in reversed(first):
                if (with_leaves or parent._operation is not None) and parent not in visited:
                    push(parent)
            continue
        # Second before first, so that the first operand's subgraph comes first in order.
        second = node._second
        if (
            second is not None
            and (with_leaves or second._operation is not None)
            and second not in visited
        ):
            push(second)
        if (with_leaves or first._operation is not None) and first not in visited:
            push(first)
    return order
