"""The graph's order: every node that reaches a root, inputs before outputs.

Nothing here recurses over the graph: the sort keeps its own stack, so a chain of a
million operations needs no more Python stack than a chain of three. It reads only the
node's fields (``_operation``, ``_first``, ``_second``; ``_first`` is None for a leaf
only), so every floor of the engine can use it, ``Value`` itself included (pickling
walks the graph). :func:`backward_order` is backward's own walk: it marks nodes in their
``grad`` (which backward resets anyway) instead of a set. Both walks are one algorithm,
written once in :data:`_WALK` and generated with their own test of "visited".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

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


# The walk: an explicit stack, not recursion. A node with parents to visit is pushed,
# then a None marker, then those parents but the first, into which the walk goes on (as
# pushing and popping it would, for a fifth less time); popping the marker means all the
# node's parents are done: emit it. `{visit}` marks `node` visited, `{wanted}` says
# whether a parent (`{{0}}`) is still to visit, `{fresh}` whether a popped node is.
_WALK = """\
def walk(root, {argument}):
    {setup}
    order = []
    stack = []
    pop, push, emit = stack.pop, stack.append, order.append
    node = root  # never visited yet, here and each time the loop starts over
    while True:
{visit}
        first = node._first
        if first is None:  # a leaf (with_leaves only): nothing to walk
            emit(node)
        elif first.__class__ is tuple:  # a variadic node (dot, sum): many parents
            push(node)
            push(None)
            stack += [parent for parent in reversed(first) if {wanted_parent}]
        else:
            # Second before first, so that the first operand's subgraph comes first in order.
            second = node._second
            later = second is not None and {wanted_second}
            now = {wanted_first}
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
                emit(pop())
            elif {fresh}:
                break
        else:
            return order
"""


def _generate(argument: str, setup: str, visit: str, wanted: str, fresh: str) -> Callable[..., Any]:
    text = _WALK.format(
        argument=argument,
        setup=setup,
        visit="\n".join(" " * 8 + line for line in visit.splitlines()),
        **{f"wanted_{name}": wanted.format(name) for name in ("parent", "second", "first")},
        fresh=fresh,
    )
    namespace: dict[str, Any] = {}
    exec(compile(text, "<chainrule walk>", "exec"), {"tuple": tuple}, namespace)  # noqa: S102
    return namespace["walk"]  # type: ignore[no-any-return]


# With a set of visited nodes, and the leaves if asked.
_walk_with_set = _generate(
    "with_leaves",
    "visited = set(); mark = visited.add",
    "mark(node)",
    "({0}._operation is not None or with_leaves) and {0} not in visited",
    "node not in visited",
)
# Marking each op node by storing `seen` in its grad; None if a grad does not keep it.
_walk_marking = _generate(
    "seen",
    "pass",
    "node.grad = seen\nif node.grad is not seen:\n    return None",
    "{0}._operation is not None and {0}.grad is not seen",
    "node.grad is not seen",
)


def walk(root: Value, with_leaves: bool) -> list[Value]:
    """The topological order, with or without the leaves.

    Without leaves it is what backward needs (a leaf only receives, it never passes a
    gradient on), and much shorter for a graph with many inputs.
    """
    if root._operation is None:
        return [root] if with_leaves else []
    return _walk_with_set(root, with_leaves)  # type: ignore[no-any-return]


def backward_order(root: Value) -> list[Value]:
    """``walk(root, with_leaves=False)``, setting each node's ``grad`` to 0.0 as it goes.

    What backward needs before it propagates: the op nodes in order, their gradients
    reset. The walk marks a node visited by storing its own zero in ``grad``: a float
    object made for this walk (equal to 0.0, so a node it reaches holds the reset value
    from then on, even if the walk is interrupted), which no earlier walk's mark can be,
    since those are still alive in the grads holding them. A slot read and an identity
    test replace a set lookup, and the reset loop goes: on a microgpt step's graph the
    walk took longer than the gradients did. Leaves are never marked: their gradients
    accumulate. A node whose ``grad`` does not keep the object stored (a subclass's
    property) makes the walk start over with a set.

    Example:
        >>> from autograd import Value
        >>> x = Value(2.0)
        >>> y = x * x + x
        >>> y.grad = 5.0
        >>> [node.op.name for node in backward_order(y)], y.grad
        (['mul', 'add'], 0.0)
    """
    if root._operation is None:
        return []
    seen = float("0")  # a new object each call (a literal 0.0 would be one shared constant)
    order: list[Value] | None = _walk_marking(root, seen)
    if order is None:
        order = walk(root, with_leaves=False)
        for node in order:
            node.grad = 0.0
    return order
