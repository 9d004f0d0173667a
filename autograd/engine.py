"""Gradients of any order (``grad``), and a node's local partials and operands.

The topological order (:mod:`autograd.graph`) and ``backward`` (:mod:`autograd.backward`)
live a floor below ``Value``, which calls them; they are exported here too.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, overload

from autograd.backward import backward, backward_step, derivative_error
from autograd.coercion import flag
from autograd.custom import CustomOp
from autograd.elementary import FUNCTIONS
from autograd.graph import topological_order, walk
from autograd.ops import OPS, function_op
from autograd.powlog import pow_corner_op, powlog_op
from autograd.value import Value, apply, apply_unary

__all__ = [
    "VALUE_SPACE",
    "backward",
    "backward_step",
    "grad",
    "local_partials",
    "operands",
    "topological_order",
]


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
        raise derivative_error(op, node, error) from None


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
    A function resolves through the op of its name, else through its registry row
    (:mod:`autograd.elementary`): a piecewise constant one gives a number, any other
    gets an op made from its registered derivative (:func:`autograd.ops.function_op`).
    """

    def __getattr__(self, name: str) -> Any:
        op = OPS.get(name)
        row = FUNCTIONS.get(name)
        if op is None or op.arity != 1 or op.variadic:
            if row is None:
                raise AttributeError(f"the math space has no function {name!r}")
            if row.constant:
                floats = row.floats

                def constant(*args: Value | float) -> float:
                    return floats(*[self._data(a) for a in args])

                setattr(self, name, constant)
                return constant
            op = function_op(name)
        fwd = op.fwd

        def function(x: Value | float) -> Value | float:
            return apply_unary(op, x) if isinstance(x, Value) else fwd(float(x))

        setattr(self, name, function)
        return function

    @staticmethod
    def _data(x: Value | float) -> float:
        return x.data if isinstance(x, Value) else float(x)

    def maximum(self, x: Value | float, y: Value | float) -> Value | float:
        if isinstance(x, Value) or isinstance(y, Value):
            return apply(OPS["max"], x, y)
        return OPS["max"].fwd(float(x), float(y))

    def select(self, x: Value | float, positive: Any, otherwise: Any) -> Any:
        data = self._data(x)
        if math.isnan(data):  # NaN takes neither branch: NaN, as in the float kernels
            return data
        chosen = positive if data > 0.0 else otherwise
        return chosen() if callable(chosen) else chosen

    def positive(self, alpha: Value | float, value: Any) -> Any:
        # Forward values are computed by the float kernels, which check the domain.
        return value

    def pow_corner(self, x: Any, y: Any) -> Any:
        """0; with a Value operand a node of :func:`~autograd.powlog.pow_corner_op`."""
        if not isinstance(x, Value) and not isinstance(y, Value):
            return 0.0
        return apply(pow_corner_op(), x, y)

    def powlog(self, x: Any, y: Any, k: float, power: Any = None) -> Any:
        """``x ** y * log(x) ** k`` as a node of :func:`~autograd.powlog.powlog_op` (pow for k = 0).

        ``power`` (x ** y, which the float kernels reuse) is not needed here: the node
        computes its value, and its derivatives are the family's own.
        """
        if not isinstance(x, Value) and not isinstance(y, Value):
            return FUNCTIONS["powlog"].floats(float(x), float(y), float(k))
        if k == 0.0:
            return x**y
        return apply(powlog_op(int(k)), x, y)


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
    create_graph = flag("grad", "create_graph", create_graph)
    single = isinstance(inputs, Value)
    wanted = _checked_inputs(inputs)
    order = walk(output, with_leaves=False)
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
            raise derivative_error(op, node, error) from None
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
