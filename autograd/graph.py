"""The graph's order: every node that reaches a root, inputs before outputs.

Nothing here recurses over the graph: the sort keeps its own stack, so a chain of a
million operations needs no more Python stack than a chain of three. It reads only the
node's fields (``_operation``, ``_first``, ``_second``; ``_first`` is None for a leaf
only), so every floor of the engine can use it, ``Value`` itself included (pickling
walks the graph).
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
    if root._operation is None:
        return [root] if with_leaves else []
    order: list[Value] = []
    visited: set[Value] = set()
    # An explicit stack, not recursion. A node with parents to visit is pushed, then a
    # None marker, then those parents but the first, into which the walk goes on (as
    # pushing and popping it would, for a fifth less time); popping the marker means all
    # the node's parents are done: emit it.
    stack: list[Value | None] = []
    pop, push, emit, mark = stack.pop, stack.append, order.append, visited.add
    node = root  # never visited yet, here and each time the loop starts over
    while True:
        mark(node)
        first = node._first
        if first is None:  # a leaf (with_leaves only): nothing to walk
            emit(node)
        elif first.__class__ is tuple:  # a variadic node (dot, sum): many parents
            push(node)
            push(None)
            stack += [
                parent
                for parent in reversed(first)
                if (parent._operation is not None or with_leaves) and parent not in visited
            ]
        else:
            # Second before first, so that the first operand's subgraph comes first in order.
            second = node._second
            later = (
                second is not None
                and (second._operation is not None or with_leaves)
                and second not in visited
            )
            now = (first._operation is not None or with_leaves) and first not in visited
            if now or later:
                push(node)
                push(None)
                if now and later:
                    push(second)
                node = first if now else second
                continue
            emit(node)
        while stack:  # the next node to visit, emitting every node whose parents are done
            node = pop()
            if node is None:
                emit(pop())  # type: ignore[arg-type]
            elif node not in visited:
                break
        else:
            return order
