"""Counting a graph before drawing it: the ``max_nodes`` guard and the summary's numbers.

Both walks keep their own stack (no recursion), so a chain of 100,000 operations costs
no Python stack.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from autograd import Value, topological_order


def count_nodes(root: Value, limit: int) -> int:
    """The number of Values reaching ``root`` (``root`` included), counted up to ``limit + 1``.

    The walk stops as soon as it has seen more than ``limit`` nodes, so deciding that a
    graph of a million nodes is too large to draw visits only ``limit + 1`` of them.

    Example:
        >>> x = Value(2.0)
        >>> y = x * x + x
        >>> count_nodes(y, limit=10), count_nodes(y, limit=1)
        (3, 2)
    """
    seen: set[Value] = {root}
    stack = [root]
    while stack:
        for parent in stack.pop().parents:
            if parent not in seen:
                seen.add(parent)
                if len(seen) > limit:
                    return len(seen)
                stack.append(parent)
    return len(seen)


@dataclass(frozen=True)
class GraphStats:
    """What a summary says about a graph too large to draw.

    Attributes:
        order: every node reaching the root, in topological order (inputs first).
        nodes: the number of Values (``len(order)``).
        leaves: Values without parents (inputs, parameters, ``no_grad`` results).
        parameters: Values marked ``is_parameter``.
        depth: operations on the longest path from a leaf to the root.
        op_counts: ``(op name, count)`` pairs, most frequent first, then by name.
    """

    order: list[Value]
    nodes: int
    leaves: int
    parameters: int
    depth: int
    op_counts: tuple[tuple[str, int], ...]


def graph_stats(root: Value, order: list[Value] | None = None) -> GraphStats:
    """Count the nodes, leaves, parameters, ops and the depth of the graph reaching ``root``.

    ``order`` is ``topological_order(root)`` when the caller has it already.

    Example:
        >>> x, w = Value(2.0), Value(3.0, parameter=True)
        >>> stats = graph_stats((x * w + x).tanh())
        >>> stats.nodes, stats.leaves, stats.parameters, stats.depth, stats.op_counts
        (5, 2, 1, 3, (('add', 1), ('mul', 1), ('tanh', 1)))
    """
    if order is None:
        order = topological_order(root)
    depth: dict[Value, int] = {}
    ops: Counter[str] = Counter()
    leaves = parameters = 0
    # Inputs come first in the order, so every parent's depth is known when it is needed.
    for node in order:
        parents = node.parents
        leaves += not parents
        parameters += node.is_parameter
        if node.op is None:
            depth[node] = 0
        else:
            ops[node.op.name] += 1
            depth[node] = 1 + max((depth[parent] for parent in parents), default=0)
    op_counts = tuple(sorted(ops.items(), key=lambda item: (-item[1], item[0])))
    return GraphStats(order, len(order), leaves, parameters, depth[root], op_counts)
