"""Backward: one step per node, adding ``upstream x local partial`` into each parent.

One loop applies each node's vector-Jacobian product (:func:`_propagate`): :func:`backward`
runs it over the whole graph, outputs first (as autodidact's backward pass is one loop over
a topological order), and :func:`backward_step` over one node (the lecture's ``_backward``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from autograd.coercion import as_number
from autograd.graph import walk

if TYPE_CHECKING:
    from autograd.value import Value


def derivative_error(op: Any, node: Value, error: Exception) -> Exception:
    """The error for a local partial that cannot be computed, naming the op and its inputs."""
    values = tuple(p.data for p in node.parents)
    return op.input_error(error, values, derivative=True)


def _propagate(nodes: Iterable[Value]) -> None:
    """The one vjp dispatch: for each op node, add ``grad x local partial`` into its parents.

    It takes the whole walk, not one node, so that ``backward`` pays no call per node (the
    step runs once per node of every graph: speed over a smaller function, measured with
    tests/benchmarks/bench_engine.py). A node keeps one or two parents in two slots (a
    tuple per node would double the allocations), a variadic or custom one a tuple in
    ``_first``. An error names the node's op and inputs.
    """
    node = None
    try:
        for node in nodes:
            op = node._operation
            first, second = node._first, node._second
            if second is None:
                if first.__class__ is tuple:  # variadic (dot, sum) or custom: one call
                    contributions = op.vjp(node.grad, *[p.data for p in first], node.data)
                    for parent, contribution in zip(first, contributions):  # noqa: B905
                        parent.grad += contribution
                else:
                    first.grad += op.vjp(node.grad, first.data, node.data)
            else:
                d_first, d_second = op.vjp(node.grad, first.data, second.data, node.data)
                first.grad += d_first
                second.grad += d_second
    except (ArithmeticError, ValueError) as error:
        raise derivative_error(node._operation, node, error) from None  # type: ignore[union-attr]


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
    _propagate(reversed(order))  # only op nodes are in the order: no leaf check there
