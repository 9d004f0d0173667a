"""micrograd's names on ``Value``: ``_prev``, ``_op`` and ``_backward``.

The lecture steps backward by hand (``y._backward()``) and reads ``_prev`` and ``_op``;
micrograd's way to add an op is to assign ``_backward``. These names are kept as a
mixin, apart from the engine's own graph (``parents``, ``op``).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from autograd import ops
from autograd.backward import backward_step
from autograd.custom import ClosureOp

if TYPE_CHECKING:
    from autograd.value import Value


def _exponent_text(exponent: float) -> str:
    # micrograd formats the exponent as Python wrote it: x**2 is "**2", not "**2.0".
    if math.isfinite(exponent) and exponent.is_integer():
        return str(int(exponent))
    return repr(exponent)


class MicrogradSurface:
    """micrograd's attribute names, for a class that has ``Value``'s fields."""

    __slots__ = ()

    @property
    def _prev(self) -> set[Value]:
        """The parents as micrograd keeps them: a new set (``parents`` keeps order)."""
        return set(self.parents)

    @property
    def _op(self) -> str:
        """The op as micrograd's text: ``'+'``, ``'*'``, ``'**2'``, ``'tanh'``; ``''`` for a leaf.

        Example:
            >>> from autograd import Value
            >>> x = Value(3.0)
            >>> [v._op for v in (x, x + x, x * 2, x**2, x.relu(), x.tanh(), x.exp())]
            ['', '+', '*', '**2', 'ReLU', 'tanh', 'exp']
        """
        op = self._operation
        if op is None:
            return ""
        if op.base is ops.POW and 1 in op.constants:  # micrograd writes f"**{exponent}"
            return f"**{_exponent_text(op.constants[1])}"
        return op.symbol

    @property
    def _backward(self) -> Callable[[], None]:
        """Apply this node's local chain rule once: add ``grad x local partial`` to parents.

        What ``backward()`` does at this node, as micrograd's ``_backward``; a leaf's does
        nothing. Assigning a function makes this node a user-defined op whose backward is
        that function (micrograd's way to add an op; see :mod:`autograd.custom`).

        Example:
            >>> from autograd import Value
            >>> x, w = Value(2.0), Value(-3.0)
            >>> y = x * w
            >>> y.grad = 1.0
            >>> y._backward()
            >>> x.grad, w.grad
            (-3.0, 2.0)
        """
        op = self._operation
        if isinstance(op, ClosureOp):
            return op.backward_function
        return functools.partial(backward_step, self)

    @_backward.setter
    def _backward(self, function: Callable[[], Any]) -> None:
        if not callable(function):
            raise TypeError(f"Value._backward: expected a function, got {type(function).__name__}")
        op = self._operation
        if not isinstance(op, ClosureOp):
            if op is None:
                raise ValueError(
                    "Value._backward: a leaf has no inputs to pass gradients to; create the "
                    "node with its inputs, Value(data, (a, b), 'op'), then assign _backward"
                )
            # An engine node whose backward the user replaces becomes a user-defined op.
            name = self._op
            parents = self.parents
            op = ClosureOp(name, len(parents))
            self._operation, self._first, self._second = op, parents, None
        op.backward_function = function
