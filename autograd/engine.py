"""Walking the graph: topological order, backward, and gradients of any order.

Nothing here recurses over the graph: the sort keeps its own stack, so a chain of a
million operations needs no more Python stack than a chain of three.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from typing import Any, overload

from autograd.custom import CustomOp
from autograd.ops import OPS, Op
from autograd.source import _expm1
from autograd.value import Value, _as_number, _unary, apply


def topological_order(root: Value) -> list[Value]:
    """Every node that reaches ``root`` (``root`` included), inputs before outputs.

    The order is deterministic: a depth-first walk over ``parents`` in operand order.

    Example:
        >>> x = Value(2.0, "x")
        >>> y = x * x + x
        >>> [n.label or n.op.name for n in topological_order(y)]
        ['x', 'mul', 'add']
    """
    return _walk(root, with_leaves=True)


def _walk(root: Value, with_leaves: bool) -> list[Value]:
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


def _derivative_error(op: Op, node: Value, error: Exception) -> Exception:
    values = tuple(p.data for p in node.parents)
    return op.input_error(error, values, derivative=True)


def backward(root: Value, gradient: float = 1.0) -> None:
    """Set ``.grad`` of every node reaching ``root`` to d root / d node (see ``Value.backward``).

    Intermediate (non-leaf) gradients are reset first, so a repeated call recomputes them;
    leaves accumulate, as in PyTorch.
    """
    if type(gradient) is not float:
        number = None if isinstance(gradient, bool) else _as_number(gradient)
        if number is None:
            raise TypeError(
                f"backward: gradient must be a real number, "
                f"got {type(gradient).__name__}: {gradient!r:.40}"
            )
        gradient = number
    order = _walk(root, with_leaves=False)
    for node in order:
        node.grad = 0.0
    root.grad += gradient
    node = root
    try:
        for node in reversed(order):
            op = node._operation
            first, second = node._first, node._second
            if second is None:
                if first.__class__ is tuple:  # a variadic node: one kernel call for all
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
        raise _derivative_error(node._operation, node, error) from None  # type: ignore[arg-type]


def backward_step(node: Value) -> None:
    """One step of :func:`backward`: add ``node.grad x local partial`` to each parent's grad.

    ``Value._backward()`` calls it, so the lecture's hand-stepped backward works; a leaf's
    step does nothing. It does not reset or set any gradient first.

    Example:
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
    first, second = node._first, node._second
    try:
        if second is None:
            if first.__class__ is tuple:
                contributions = op.vjp(node.grad, *[p.data for p in first], node.data)
                for parent, contribution in zip(first, contributions):  # noqa: B905
                    parent.grad += contribution
            else:
                first.grad += op.vjp(node.grad, first.data, node.data)  # type: ignore[union-attr]
        else:
            d_first, d_second = op.vjp(node.grad, first.data, second.data, node.data)  # type: ignore[union-attr]
            first.grad += d_first  # type: ignore[union-attr]
            second.grad += d_second
    except (ArithmeticError, ValueError) as error:
        raise _derivative_error(op, node, error) from None  # type: ignore[arg-type]


def local_partials(node: Value) -> tuple[float, ...]:
    """The local partial derivative d node / d parent for each parent, in ``parents`` order.

    A leaf has none: the result is empty.

    Example:
        >>> x, w = Value(5.0), Value(4.0)
        >>> local_partials(x * w)
        (4.0, 5.0)
    """
    op = node._operation
    if op is None:
        return ()
    try:
        if isinstance(op, CustomOp):
            return op.partials(node)
        return op.local_partials(*(p.data for p in node.parents), node.data)
    except (ArithmeticError, ValueError) as error:
        raise _derivative_error(op, node, error) from None


def operands(node: Value) -> tuple[Value | float, ...]:
    """The operands of ``node`` in slot order: its parents, with folded numbers in place.

    Example:
        >>> x = Value(3.0)
        >>> operands(2 - x)
        (2.0, Value(data=3.0, grad=0.0))
    """
    if node._operation is None:
        return ()
    return node._operation.operands(node.parents)


class _ValueSpace:
    """The math space over Values: table formulas evaluated here build differentiable graphs.

    Numbers stay numbers (a constant partial such as d(x + y)/dx = 1 creates no node).
    """

    def __getattr__(self, name: str) -> Any:
        op = OPS.get(name)
        if op is None or op.arity != 1:
            raise AttributeError(f"the math space has no function {name!r}")

        def apply(x: Value | float) -> Value | float:
            return _unary(op, x) if isinstance(x, Value) else op.fwd(float(x))

        setattr(self, name, apply)
        return apply

    def expm1(self, x: Value | float) -> Value | float:
        if not isinstance(x, Value):
            return _expm1(float(x))
        # Near 0, exp(x) - 1.0 cancels (expm1(-5e-324) came out 0.0, not -5e-324, and
        # -1e-10 lost six digits): there e^x - 1 = 2t / (1 - t) with t = tanh(x / 2), the
        # same function with the same derivatives. Away from 0 nothing cancels, and
        # exp(x) - 1.0 keeps the derivative e^x exact far left, where tanh saturates.
        if abs(x.data) < sys.float_info.min:  # x / 2 underflows; e^x - 1 is x to the last bit
            return x + x * x * 0.5
        if abs(x.data) < 1.0:
            t = self.tanh(x * 0.5)
            return 2.0 * t / (1.0 - t)
        return self.exp(x) - 1.0

    @staticmethod
    def _data(x: Value | float) -> float:
        return x.data if isinstance(x, Value) else float(x)

    def sign(self, x: Value | float) -> float:
        data = self._data(x)
        return 1.0 if data > 0.0 else -1.0 if data < 0.0 else 0.0 if data == 0.0 else data

    def maximum(self, x: Value | float, y: Value | float) -> Value | float:
        if isinstance(x, Value) or isinstance(y, Value):
            return apply(OPS["max"], x, y)
        return OPS["max"].fwd(float(x), float(y))

    def compare(self, x: Value | float, y: Value | float) -> float:
        # A number, like sign: the partials of max are piecewise constant.
        a, b = self._data(x), self._data(y)
        return 1.0 if a > b else -1.0 if a < b else 0.0 if a == b else math.nan

    def select(self, x: Value | float, positive: Any, otherwise: Any) -> Any:
        data = self._data(x)
        if math.isnan(data):  # NaN takes neither branch: NaN, as in the float kernels
            return data
        chosen = positive if data > 0.0 else otherwise
        return chosen() if callable(chosen) else chosen

    def positive(self, alpha: Value | float, value: Any) -> Any:
        # Forward values are computed by the float kernels, which check the domain.
        return value


VALUE_SPACE = _ValueSpace()


def _scaled(upstream: Value | float, partial: Value | float) -> Value | float:
    if not isinstance(partial, Value) and partial == 1.0:
        return upstream
    if not isinstance(upstream, Value) and upstream == 1.0:
        return partial
    return upstream * partial


def _checked_inputs(inputs: Value | Sequence[Value]) -> list[Value]:
    """``grad``'s inputs as a list of Values (one Value is a list of one), or a TypeError."""
    if isinstance(inputs, Value):
        return [inputs]
    if isinstance(inputs, str) or not isinstance(inputs, Sequence):
        raise TypeError(
            f"grad: inputs must be a Value or a sequence of Values, got {type(inputs).__name__}"
        )
    for index, x in enumerate(inputs):
        if not isinstance(x, Value):
            raise TypeError(f"grad: inputs[{index}] must be a Value, got {type(x).__name__}")
    return list(inputs)


@overload
def grad(output: Value, inputs: Value, create_graph: bool = ...) -> Any: ...
@overload
def grad(output: Value, inputs: Sequence[Value], create_graph: bool = ...) -> list[Any]: ...
def grad(output: Value, inputs: Value | Sequence[Value], create_graph: bool = False) -> Any:
    """Gradients of ``output`` with respect to ``inputs``, leaving every ``.grad`` untouched.

    Args:
        output: the Value to differentiate.
        inputs: one Value or a sequence of Values.
        create_graph: if False, the gradients are floats. If True, they are Values whose
            graphs can be differentiated again, to any order.

    A user-defined op takes part: an ``autograd.Function`` at any order (its backward is
    called with Values when ``create_graph`` is True), a micrograd ``_backward`` closure at
    first order only (a ``TypeError`` names it otherwise).

    Returns:
        One gradient per input (a single one if ``inputs`` is a single Value). An input
        that does not reach ``output`` gets 0.0.

    Example:
        >>> x = Value(2.0)
        >>> y = x ** 3
        >>> d1 = grad(y, x, create_graph=True)
        >>> d2 = grad(d1, x, create_graph=True)
        >>> d1.data, d2.data, grad(d2, x)
        (12.0, 12.0, 6.0)
    """
    if not isinstance(output, Value):
        raise TypeError(f"grad: output must be a Value, got {type(output).__name__}")
    single = isinstance(inputs, Value)
    wanted = _checked_inputs(inputs)
    order = _walk(output, with_leaves=False)
    grads: dict[Value, Any] = {output: 1.0}
    for node in reversed(order):
        op = node._operation
        upstream = grads[node]
        parents = node.parents
        try:
            if isinstance(op, CustomOp):  # user code: it knows how to run itself
                contributions = op.contributions(node, upstream, create_graph)
            elif create_graph:
                partials = op.slot_partials(VALUE_SPACE, op.operands(parents), node)
                contributions = [_scaled(upstream, partial) for partial in partials]
            else:
                contributions = op.vjp(float(upstream), *(p.data for p in parents), node.data)
                if len(parents) == 1 and not op.variadic:
                    contributions = (contributions,)
        except (ArithmeticError, ValueError) as error:
            raise _derivative_error(op, node, error) from None
        for parent, contribution in zip(parents, contributions, strict=True):
            previous = grads.get(parent)
            grads[parent] = contribution if previous is None else previous + contribution
    results = []
    for x in wanted:
        g = grads.get(x, 0.0)
        if create_graph and not isinstance(g, Value):
            g = Value(g)
        results.append(g if create_graph else float(g))
    return results[0] if single else results
