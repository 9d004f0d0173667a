"""User-defined operations: the one place where custom backward code lives.

chainrule's own ops are entries of the op table (:mod:`autograd.ops`): data that the
engine, ``grad``, ``compile``, the tests and ``viz`` all read. A learner's own operation
comes in one of two shapes, and its node carries a :class:`CustomOp` instead of a table
entry, so every part of the library can tell it apart (``Value.is_custom``):

- micrograd's: ``out = Value(t, (x,), "tanh")`` then ``out._backward = fn``, a closure
  that adds into its parents' ``.grad`` (:class:`ClosureOp`);
- PyTorch's and MiniTorch's: a subclass of :class:`autograd.Function` with ``forward``
  and ``backward`` (see :mod:`autograd.function`).

Both take part in ``backward()``, ``grad()`` (first order), drawings and the stepper.
What they cannot do says so: ``compile`` cannot generate code for user code, and a
closure computes floats, so no higher-order gradient passes through it.

A closure refers to its own node (micrograd's ``_backward`` reads ``out.grad``), so a
graph with closure nodes holds reference cycles and is freed by the cyclic garbage
collector, as micrograd's graphs are; graphs of table ops stay cycle-free.
"""

from __future__ import annotations

from collections.abc import Callable
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from autograd.value import Value

# Symbols a drawing writes between two operands ("a + b") rather than as a call.
_INFIX = frozenset({"+", "-", "*", "/", "**", "@", "%", "//"})


class CustomOp:
    """The op of one user-defined node: its display name and how its backward runs.

    Engine code treats it like a variadic table op (parents stored as one tuple, one
    ``vjp`` call per node); one object belongs to one node.

    Attributes:
        name: what the node's ``_op`` shows ("tanh", or the Function's class name).
        symbol: the same text, for drawings.
        notation: "infix" for an operator symbol between two operands, else "call".
        kind: "micrograd closure" or "Function", for messages.
    """

    __slots__ = ("name", "notation", "symbol")

    kind = "custom op"
    variadic = True  # parents are kept as one tuple, like the table's variadic ops
    constants: MappingProxyType[int, float] = MappingProxyType({})
    domain_text = ""

    def __init__(self, name: str, arity: int) -> None:
        self.name = name
        self.symbol = name
        self.notation = "infix" if arity == 2 and name in _INFIX else "call"

    @property
    def base(self) -> CustomOp:
        """Itself: a custom op is not derived from a table entry."""
        return self

    @property
    def inputs(self) -> tuple[str, ...]:
        """One operand name, as a variadic op's group."""
        return ("x",)

    def slot_names(self, count: int) -> tuple[str, ...]:
        """``x0, x1, ...`` for ``count`` parents."""
        return tuple(f"x{i}" for i in range(count))

    def operands(self, values: tuple[Any, ...]) -> tuple[Any, ...]:
        """The parents themselves: a custom op folds no numbers."""
        return values

    def input_error(
        self, error: Exception, values: tuple[float, ...], *, derivative: bool = False
    ) -> Exception:
        """An exception of the same type as ``error`` naming this op and its inputs."""
        shown = ", ".join(f"x{i}={v!r}" for i, v in enumerate(values))
        where = "backward" if derivative else "forward"
        return type(error)(f"{self.describe()}: {where} failed at {shown}: {error}")

    def describe(self) -> str:
        """The node as messages name it: ``custom op 'tanh' (a micrograd closure)``."""
        return f"custom op {self.name!r} ({self.kind})"

    def unsupported(self, what: str, alternative: str) -> str:
        """The message for something this node cannot do."""
        return f"{what}: the node {self.describe()} cannot take part: {alternative}"

    # --- implemented by each kind --------------------------------------------------------
    def vjp(self, upstream: float, *values: float) -> Any:
        """Add this node's chain rule to its parents, as ``backward`` calls it."""
        raise NotImplementedError

    def partials(self, node: Value) -> tuple[float, ...]:
        """The local partial d node / d parent for each parent (a float each)."""
        raise NotImplementedError

    def contributions(self, node: Value, upstream: Any, create_graph: bool) -> list[Any]:
        """``upstream x local partial`` for each parent, without touching any ``.grad``."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"


def _nothing() -> None:
    """The default ``_backward`` (micrograd's): a node nobody gave a backward passes nothing on."""


class ClosureOp(CustomOp):
    """micrograd's custom op: a closure ``fn()`` that adds ``local x out.grad`` to parents.

    Example:
        >>> import math
        >>> from autograd import Value
        >>> x = Value(0.5, "x")
        >>> t = math.tanh(x.data)
        >>> out = Value(t, (x,), "tanh")
        >>> def _backward():
        ...     x.grad += (1 - t**2) * out.grad
        >>> out._backward = _backward
        >>> out.backward()
        >>> out._op, out.is_custom, round(x.grad, 6)
        ('tanh', True, 0.786448)
    """

    __slots__ = ("backward_function",)

    kind = "a micrograd-style _backward closure"

    def __init__(self, name: str, arity: int) -> None:
        super().__init__(name, arity)
        self.backward_function: Callable[[], Any] = _nothing

    def vjp(self, upstream: float, *values: float) -> tuple[()]:
        """Run the closure; it adds into the parents' ``.grad`` itself."""
        # The closure reads its node's .grad (the engine has set it to `upstream`) and adds
        # into the parents' .grad itself: nothing is left for the engine to add.
        self.backward_function()
        return ()

    def partials(self, node: Value) -> tuple[float, ...]:
        """Probe the closure: with ``node.grad = 1`` and parents at 0, what it adds.

        Every ``.grad`` it touches is restored afterwards. The closure must be linear in
        ``node.grad`` (the chain rule is); a parent listed twice gets the sum of both
        slots in its first slot and 0.0 in the other.
        """
        parents = node.parents
        distinct = list(dict.fromkeys(parents))
        saved = [(p, p.grad) for p in distinct]
        saved_own = node.grad
        try:
            for p in distinct:
                p.grad = 0.0
            node.grad = 1.0
            self.backward_function()
            found = {p: float(p.grad) for p in distinct}
        finally:
            for p, g in saved:
                p.grad = g
            node.grad = saved_own
        return tuple([found.pop(p, 0.0) for p in parents])

    def contributions(self, node: Value, upstream: Any, create_graph: bool) -> list[Any]:
        """Upstream times the probed partials; no higher order (the closure computes floats)."""
        if create_graph:
            raise TypeError(
                self.unsupported(
                    "grad(create_graph=True)",
                    "a _backward closure computes floats, so no higher-order gradient can "
                    "pass through it; write the op as an autograd.Function whose backward "
                    "computes with the Values it receives, or with chainrule's own ops",
                )
            )
        return [float(upstream) * partial for partial in self.partials(node)]
