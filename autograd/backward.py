"""Backward: one step per node, adding ``upstream x local partial`` into each parent.

One loop applies each node's vector-Jacobian product (:func:`make_propagate` writes it,
with the commonest ops' products inlined from the table): :func:`backward`
runs it over the whole graph, outputs first (as autodidact's backward pass is one loop over
a topological order), and :func:`backward_step` over one node (the lecture's ``_backward``).
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from autograd.coercion import as_number
from autograd.graph import backward_order
from autograd.ops import ADD, MUL, Op
from autograd.source import FLOAT_GLOBALS, SOURCE_SPACE, Expr, source

if TYPE_CHECKING:
    from autograd.value import Value


def derivative_error(op: Any, node: Value, error: Exception) -> Exception:
    """The error for a local partial that cannot be computed, naming the op and its inputs."""
    values = tuple(p.data for p in node.parents)
    return op.input_error(error, values, derivative=True)


# The dispatch over every node, as source: each op of `inline` has its vjp written into the
# loop (for the many nodes of those ops, no kernel call and no tuple); every other node
# calls its op's `vjp` kernel. `{inline}` is one block per inlined op.
_DISPATCH = """\
def propagate(nodes):
    node = None
    try:
        for node in nodes:
            op = node._operation
            first, second = node._first, node._second
{inline}
            if second is None:
                if first.__class__ is tuple:  # variadic (dot, sum) or custom: one call
                    contributions = op.vjp(node.grad, *[p.data for p in first], node.data)
                    for parent, contribution in zip(first, contributions):
                        parent.grad += contribution
                else:
                    first.grad += op.vjp(node.grad, first.data, node.data)
            else:
                d_first, d_second = op.vjp(node.grad, first.data, second.data, node.data)
                first.grad += d_first
                second.grad += d_second
    except (ArithmeticError, ValueError) as error:
        raise derivative_error(node._operation, node, error) from None
"""


def _inlined(index: int, op: Op) -> str:
    """The block of ``_DISPATCH`` applying ``op``'s vjp, from the table's partials.

    The products are written as :func:`autograd.source.kernels` writes the vjp kernel's
    (the same formulas over the same operands: the same floats), all computed before any
    parent's gradient changes, as the kernel's tuple is.
    """
    if op.variadic or op.constants:
        raise ValueError(f"{op!r}: only a fixed-arity table op is inlined")
    parents = ("first", "second")[: op.arity]
    operands = [Expr(f"{parent}.data") for parent in parents]
    products = [
        source(Expr("g") * partial(SOURCE_SPACE, *operands, Expr("node.data")))
        for partial in op.partials
    ]
    lines = [f"if op is op_{index}:  # {op.name}, inlined", "    g = node.grad"]
    lines += [f"    d_{slot} = {product}" for slot, product in enumerate(products)]
    lines += [f"    {parent}.grad += d_{slot}" for slot, parent in enumerate(parents)]
    return "\n".join(" " * 12 + line for line in [*lines, "    continue"])


def make_propagate(inline: Sequence[Op]) -> Callable[[Iterable[Value]], None]:
    """The vjp dispatch over a walk, with the ops of ``inline`` written into its loop.

    It takes the whole walk, not one node, so that ``backward`` pays no call per node (the
    step runs once per node of every graph). A node keeps one or two parents in two slots
    (a tuple per node would double the allocations), a variadic or custom one a tuple in
    ``_first``. An error names the node's op and inputs. Which ops are inlined changes
    only the speed (a test runs every op of the table both ways).

    Example:
        >>> from autograd import Value
        >>> from autograd.ops import MUL
        >>> a, b = Value(2.0), Value(-3.0)
        >>> c = a * b
        >>> c.grad = 1.0
        >>> make_propagate([MUL])([c])
        >>> a.grad, b.grad
        (-3.0, 2.0)
    """
    namespace: dict[str, Any] = {
        **FLOAT_GLOBALS,
        "__builtins__": builtins.__dict__,
        "derivative_error": derivative_error,
        **{f"op_{index}": op for index, op in enumerate(inline)},
    }
    blocks = "\n".join(_inlined(index, op) for index, op in enumerate(inline))
    text = _DISPATCH.format(inline=blocks)
    exec(compile(text, "<chainrule backward>", "exec"), namespace)  # noqa: S102 - our source
    return namespace["propagate"]  # type: ignore[no-any-return]


# The ops of most nodes: add and mul of two Values (microgpt's step: 90 % of its nodes;
# workload B: all of them).
_propagate = make_propagate((ADD, MUL))


def backward_step(node: Value) -> None:
    """One step of :func:`backward`: add ``node.grad x local partial`` to each parent's grad.

    ``Value._backward()`` calls it, so the lecture's hand-stepped backward works; a leaf's
    step does nothing. It does not reset or set any gradient first.

    Example:
        >>> from autograd import Value
        >>> a, b = Value(2.0), Value(-3.0)
        >>> c = a * b
        >>> c.grad = 1.0
        >>> backward_step(c)
        >>> a.grad, b.grad
        (-3.0, 2.0)
    """
    if node._operation is not None:  # a leaf passes nothing on
        _propagate((node,))


def backward(root: Value, gradient: float = 1.0) -> None:
    """Set ``.grad`` of every node reaching ``root`` to d root / d node (see ``Value.backward``).

    Intermediate (non-leaf) gradients are reset first, so a repeated call recomputes them;
    leaves accumulate, as in PyTorch.

    Example:
        >>> from autograd import Value
        >>> x = Value(3.0)
        >>> backward(x * x + x)
        >>> x.grad
        7.0
    """
    if type(gradient) is not float:
        number = None if isinstance(gradient, bool) else as_number(gradient, "backward(gradient)")
        if number is None:
            raise TypeError(
                f"backward: gradient must be a real number, "
                f"got {type(gradient).__name__}: {gradient!r:.40}"
            )
        gradient = number
    order = backward_order(root)  # the op nodes, their gradients reset to 0.0
    root.grad += gradient
    _propagate(reversed(order))  # only op nodes are in the order: no leaf check there
