"""``autograd.Function``: a user-defined operation in PyTorch's and MiniTorch's shape.

Subclass :class:`Function`, write ``forward(ctx, *inputs)`` and ``backward(ctx,
grad_output)`` as static methods, and call ``MyFn.apply(*inputs)``::

    class Cube(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.data ** 3

        @staticmethod
        def backward(ctx, grad_output):
            (x,) = ctx.saved_values
            return grad_output * 3 * x**2

- ``forward`` runs under :func:`~autograd.no_grad` and receives the inputs as they were
  passed (Values, or numbers). It returns a number or a Value (whose ``data`` is used).
  A Value behaves as a number (``math.exp(x)``, ``x > 0``), so MiniTorch's float code
  runs unchanged.
- ``backward`` returns one gradient per input of ``forward`` (a single one for one
  input); ``None`` means 0. Gradients for number inputs are ignored.
- ``ctx.save_for_backward(*values)`` keeps what backward needs; ``ctx.saved_values``
  (MiniTorch's name; ``ctx.saved_tensors`` is PyTorch's) gives it back. Saving the value
  ``forward`` returned gives backward the output node. Any other attribute may be set on
  ``ctx`` too (``ctx.t = t``). ``ctx.mark_non_differentiable(out)`` makes the output a
  leaf that takes no gradient, as PyTorch's does.

Higher order (as PyTorch's ``create_graph=True``): ``backward()`` and first-order
``grad`` call ``backward`` under ``no_grad`` with a float ``grad_output``. With
``grad(..., create_graph=True)`` it is called while recording, with ``grad_output`` a
``Value`` and the saved inputs being the graph's own nodes: whatever ``backward``
computes with Value operations is differentiated again; whatever it computes from floats
(``math.cos(x)``, ``x.data``) is a constant to the next derivative, exactly as in PyTorch.
``gradcheck(..., order=2)`` tells the two apart. A ``backward`` that returns a plain
number for a Value ``grad_output`` has dropped it, and is an error.

``compile`` cannot generate code for a Function (its backward is Python code, not a table
entry) and says so.
"""

from __future__ import annotations

import weakref
from typing import Any, ClassVar

from autograd.coercion import as_number
from autograd.context import is_grad_enabled, no_grad
from autograd.custom import CustomOp
from autograd.value import Value, record


class _Output:
    """Stands in for the output node among the saved values (the node does not exist yet)."""


_OUTPUT = _Output()


class Context:
    """What ``forward`` leaves for ``backward``: saved values and any attribute set on it.

    Attributes:
        needs_input_grad: per input of ``forward``, whether it is a ``Value``.
    """

    def __init__(self, needs_input_grad: tuple[bool, ...] = ()) -> None:
        self.needs_input_grad = needs_input_grad
        self._saved: tuple[Any, ...] = ()
        self._output: weakref.ref[Value] | None = None
        self._constants: tuple[Any, ...] = ()

    def mark_non_differentiable(self, *outputs: Any) -> None:
        """Mark the value ``forward`` returns as taking no gradient (PyTorch's name).

        ``apply`` then returns a leaf: gradients stop there (an argmax, a rounding), and
        ``backward`` is never called for it.
        """
        if not outputs:
            raise TypeError("mark_non_differentiable: takes forward's outputs, got none")
        self._constants = outputs

    def save_for_backward(self, *values: Any) -> None:
        """Keep ``values`` (Values or numbers) for ``backward``; replaces earlier ones."""
        self._saved = values

    @property
    def saved_values(self) -> tuple[Any, ...]:
        """The saved values, in order (MiniTorch's name)."""
        output = self._output() if self._output is not None else None
        return tuple(output if item is _OUTPUT else item for item in self._saved)

    @property
    def saved_tensors(self) -> tuple[Any, ...]:
        """The saved values (PyTorch's name)."""
        return self.saved_values


class FunctionOp(CustomOp):
    """The op of one ``Function.apply`` node: the Function class, its context, its slots.

    ``inputs`` are ``apply``'s arguments as given (Values and the rest), so that the
    node's forward can be re-run on other numbers (``autograd.testing`` does).
    """

    __slots__ = ("ctx", "function", "inputs", "slots")

    kind = "an autograd.Function"

    def __init__(
        self,
        function: type[Function],
        ctx: Context,
        slots: tuple[int, ...],
        inputs: tuple[Any, ...] = (),
    ) -> None:
        super().__init__(function.symbol or function.__name__, len(slots))
        self.function = function
        self.ctx = ctx
        self.inputs = inputs
        self.slots = slots  # the positions of the Value inputs among forward's arguments

    def _gradients(self, upstream: Any) -> list[Any]:
        """Call backward and pick the gradient of each Value input, checked."""
        name = self.function.__name__
        result = self.function.backward(self.ctx, upstream)
        if not isinstance(result, tuple | list):
            result = (result,)
        expected = len(self.ctx.needs_input_grad)
        if len(result) != expected:
            raise TypeError(
                f"{name}.backward: returned {len(result)} gradient(s) for the {expected} "
                f"input(s) of forward"
            )
        gradients = []
        for slot in self.slots:
            g = result[slot]
            if g is None:
                g = 0.0
            elif not isinstance(g, Value):
                number = as_number(g, f"{name}.backward")
                if number is None:
                    raise TypeError(
                        f"{name}.backward: the gradient of input {slot} must be a number, a "
                        f"Value or None, got {type(g).__name__}: {g!r:.60}"
                    )
                g = number
            gradients.append(g)
        return gradients

    def vjp(self, upstream: float, *values: float) -> list[float]:
        """Call backward under ``no_grad`` with a float ``grad_output``: floats out."""
        with no_grad():
            return [float(g) for g in self._gradients(upstream)]

    def partials(self, node: Value) -> tuple[float, ...]:
        """Backward with ``grad_output = 1``."""
        return tuple(self.vjp(1.0))

    def contributions(self, node: Value, upstream: Any, create_graph: bool) -> list[Any]:
        """Backward's gradients; with ``create_graph``, called recording, on Values."""
        if not create_graph:
            return self.vjp(float(upstream))
        if not isinstance(upstream, Value):  # the output itself: d out / d out = 1
            upstream = Value(float(upstream))
        gradients = self._gradients(upstream)
        for slot, g in zip(self.slots, gradients, strict=True):
            if not isinstance(g, Value) and g != 0.0:
                raise TypeError(
                    f"grad(create_graph=True): {self.function.__name__}.backward returned the "
                    f"number {g!r} for input {slot}, dropping grad_output (a Value here); "
                    f"compute the gradient from grad_output and ctx.saved_values with Value "
                    f"operations so it can be differentiated again"
                )
        return gradients


class Function:
    """Base class of user-defined operations with ``forward`` and ``backward``.

    Example:
        >>> from autograd import Value, gradcheck
        >>> class Square(Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         ctx.save_for_backward(x)
        ...         return x.data * x.data
        ...     @staticmethod
        ...     def backward(ctx, grad_output):
        ...         (x,) = ctx.saved_values
        ...         return 2.0 * x * grad_output
        >>> x = Value(3.0, "x")
        >>> y = Square.apply(x)
        >>> y.backward()
        >>> y.data, x.grad, y._op, y.is_custom
        (9.0, 6.0, 'Square', True)
        >>> gradcheck(lambda v: Square.apply(v), [1.5], order=2)
        True
    """

    #: Shown by drawings and ``_op`` (the class name unless set).
    symbol: ClassVar[str | None] = None

    @staticmethod
    def forward(ctx: Context, *inputs: Any) -> Any:
        """The op's value; runs under ``no_grad``. Override it."""
        raise NotImplementedError("Function.forward: override it in your subclass")

    @staticmethod
    def backward(ctx: Context, grad_output: Any) -> Any:
        """``grad_output x`` the local partial for each input of forward. Override it."""
        raise NotImplementedError("Function.backward: override it in your subclass")

    @classmethod
    def apply(cls, *inputs: Any) -> Value:
        """Run ``forward`` on ``inputs`` and record one node whose backward is ``backward``.

        Returns:
            The output Value: a node of the graph when any input is a Value (and
            recording is on), otherwise a leaf.
        """
        if cls.forward is Function.forward or cls.backward is Function.backward:
            raise TypeError(f"{cls.__name__}.apply: define both forward and backward")
        needs = tuple(isinstance(x, Value) for x in inputs)
        ctx = Context(needs)
        recording = is_grad_enabled()
        with no_grad():
            result = cls.forward(ctx, *inputs)
        data = result.data if isinstance(result, Value) else as_number(result, cls.__name__)
        if data is None:
            raise TypeError(
                f"{cls.__name__}.forward: must return a number or a Value, "
                f"got {type(result).__name__}: {result!r:.60}"
            )
        slots = tuple(i for i, needed in enumerate(needs) if needed)
        if ctx._constants and not any(item is result for item in ctx._constants):
            raise TypeError(
                f"{cls.__name__}.forward: mark_non_differentiable takes the value forward "
                f"returns, not an input or another value"
            )
        if not slots or not recording or ctx._constants:
            return Value(data)
        op = FunctionOp(cls, ctx, slots, inputs)
        parents = tuple(inputs[i] for i in slots)
        out = record(op, parents, None, data)  # type: ignore[arg-type]
        if isinstance(result, Value) and any(item is result for item in ctx._saved):
            # backward gets the output node itself; a weak reference keeps the graph
            # free of cycles (node -> op -> ctx -/-> node).
            ctx._saved = tuple(_OUTPUT if item is result else item for item in ctx._saved)
            ctx._output = weakref.ref(out)
        return out
