"""Backward: one step per node, adding ``upstream x local partial`` into each parent.

:func:`backward_step` is the one place where a node's vector-Jacobian product is applied;
:func:`backward` walks the graph once, outputs first, and takes that step at each node (as
autodidact's backward pass is one loop over a topological order).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from autograd.coercion import as_number
from autograd.graph import walk

if TYPE_CHECKING:
    from autograd.value import Value


def derivative_error(op: Any, node: Value, error: Exception) -> Exception:
    """The error for a local partial that cannot be computed, naming the op and its inputs."""
    values = tuple(p.data for p in node.parents)
    return op.input_error(error, values, derivative=True)


def _step(node: Value, op: Any) -> None:
    # The one vjp dispatch. A node keeps one or two parents in two slots (a tuple per node
    # would double the allocations), and a variadic node its tuple in `_first`.
    first, second = node._first, node._second
    if second is None:
        if first.__class__ is tuple:  # variadic (dot, sum) or custom: one call for all
            contributions = op.vjp(node.grad, *[p.data for p in first], node.data)
            for parent, contribution in zip(first, contributions):  # noqa: B905
                parent.grad += contribution
        else:
            first.grad += op.vjp(node.grad, first.data, node.data)  # type: ignore[union-attr]
    else:
        d_first, d_second = op.vjp(node.grad, first.data, second.data, node.data)  # type: ignore[union-attr]
        first.grad += d_first  # type: ignore[union-attr]
        second.grad += d_second


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
    op = node._operation
    if op is None:
        return
    try:
        _step(node, op)
    except (ArithmeticError, ValueError) as error:
        raise derivative_error(op, node, error) from None


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
        number = None if isinstance(gradient, bool) else as_number(gradient)
        if number is None:
            raise TypeError(
                f"backward: gradient must be a real number, "
                f"got {type(gradient).__name__}: {gradient!r:.40}"
            )
        gradient = number
    order = walk(root, with_leaves=False)
    for node in order:
        node.grad = 0.0
    root.grad += gradient
    node = root
    step = _step  # a local: looked up once, not once per node
    try:
        # Only op nodes are in the order (a leaf passes nothing on): no None check here.
        for node in reversed(order):
            step(node, node._operation)
    except (ArithmeticError, ValueError) as error:
        raise derivative_error(node._operation, node, error) from None
