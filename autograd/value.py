"""``Value``: a scalar that records the operations applied to it into a graph.

A node holds only references from output to inputs (``parents``), a reference to its op
entry and two floats: no closures and no back-references, so reference counting frees a
dropped graph at once, with no cyclic garbage collection.

This module holds the class with its arithmetic, whose methods :mod:`autograd.builder`
generates from the op table (with :func:`record`, the one template that makes a node).
Its neighbours each do one job: :mod:`autograd.context`
(``no_grad``, ``scope``), :mod:`autograd.coercion` (numbers in), :mod:`autograd.branches`
(comparisons recorded for ``compile``), :mod:`autograd.micrograd` (``_prev``, ``_op``,
``_backward``), :mod:`autograd.pickling` and :mod:`autograd.notebook` (Jupyter).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from itertools import repeat
from operator import attrgetter
from typing import Any

from autograd import ops
from autograd.backward import backward as _backward_pass
from autograd.builder import binary_method, bind, record, unary_method
from autograd.coercion import NumberLike, as_number, flag, is_array
from autograd.context import STATE, Scope, is_grad_enabled, no_grad, scope, scope_tags
from autograd.custom import ClosureOp, CustomOp
from autograd.micrograd import MicrogradSurface
from autograd.notebook import NotebookDisplay
from autograd.ops import Op
from autograd.pickling import Picklable

__all__ = [
    "Scope",
    "Value",
    "apply",
    "apply_unary",
    "as_number",
    "is_grad_enabled",
    "no_grad",
    "record",
    "scope",
]

_state = STATE.get  # bound once, as in the builder
_data = attrgetter("data")


@functools.cache
def _cached_unary_method(op: Op) -> Callable[[Value], Value]:
    return unary_method(op)


def apply_unary(op: Op, x: Value) -> Value:
    """``op`` (a one-input table op) applied to the Value ``x``, as ``x.tanh()`` does."""
    return _cached_unary_method(op)(x)


@functools.cache
def _cached_binary_method(op: Op, reflected: bool) -> Callable[[Value, Any], Value]:
    return binary_method(op, reflected)


def apply(op: Op | str, *operands: Value | float) -> Value:
    """Apply an op of the table (or its name) to Values and numbers, as ``Value``'s methods do.

    Example:
        >>> apply("mul", Value(3.0), 2).data
        6.0
    """
    entry = ops.OPS.get(op) if isinstance(op, str) else op
    if not isinstance(entry, Op):
        raise ValueError(f"apply: unknown op {op!r:.40}; known: {', '.join(ops.OPS)}")
    if entry.variadic:
        return _variadic(entry, operands)
    if len(operands) != entry.arity:
        raise TypeError(f"{entry.name}: takes {entry.arity} operands, got {len(operands)}")
    first = operands[0]
    if entry.arity == 1:
        if not isinstance(first, Value):
            raise TypeError(f"{entry.name}: expected a Value, got {type(first).__name__}")
        return apply_unary(entry, first)
    second = operands[1]
    if isinstance(first, Value):
        result = _cached_binary_method(entry, False)(first, second)
    elif isinstance(second, Value):
        result = _cached_binary_method(entry, True)(second, first)
    else:
        result = NotImplemented
    if result is NotImplemented:
        for name, operand in zip(entry.inputs, operands, strict=True):
            if not isinstance(operand, Value) and as_number(operand, entry.name) is None:
                raise TypeError(
                    f"{entry.name}: {name} must be a number or a Value, "
                    f"got {type(operand).__name__}"
                )
        raise TypeError(f"{entry.name}: needs at least one Value operand, got two numbers")
    return result


def _variadic(op: Op, operands: tuple[Any, ...]) -> Value:
    """Apply a variadic op: its parents are stored as one tuple in ``_first``.

    A variadic op folds no numbers (its slots are not fixed): a number operand becomes a
    leaf, as in micrograd, marked as a :class:`Constant` so that drawings show it as one.
    """
    count = len(operands)
    if count == 0 or count % op.arity:
        raise TypeError(
            f"{op.name}: takes a positive multiple of {op.arity} operands "
            f"({', '.join(op.inputs)} per group), got {count}"
        )
    # map() runs the checks and reads in C: a neuron's dot has dozens of operands.
    if not all(map(isinstance, operands, repeat(Value))):
        parents = []
        for name, operand in zip(op.slot_names(count), operands, strict=True):
            number = operand if isinstance(operand, Value) else as_number(operand, op.name)
            if number is None:
                raise TypeError(
                    f"{op.name}: {name} must be a number or a Value, got {type(operand).__name__}"
                )
            parents.append(number if isinstance(number, Value) else Constant(number))
        operands = tuple(parents)
    return variadic_node(op, operands)


def variadic_node(op: Op, operands: tuple[Value, ...]) -> Value:
    """The node of the variadic ``op`` on ``operands``, Values already checked (``dot``'s)."""
    values = list(map(_data, operands))
    try:
        out = op.fwd(*values)
    except (ArithmeticError, ValueError) as error:
        raise op.input_error(error, tuple(values)) from None
    return record(op, operands, None, out)  # type: ignore[arg-type]


class Value(NumberLike, MicrogradSurface, Picklable, NotebookDisplay):
    """A scalar node of the computation graph.

    ``Value(data, label)``; micrograd's ``Value(data, _children, _op, label)`` (positional
    or by keyword) makes a user-defined op's node instead: assign its ``_backward`` next
    (see :mod:`autograd.custom`).

    Args:
        data: the value; an int, a float or a numpy scalar, stored as a Python float.
        label: a free name shown by visualisation.
        parameter: mark the value as a trainable parameter (``nn`` does this).
        _children: micrograd's: the inputs of a user-defined op.
        _op: micrograd's: the user-defined op's name, shown by ``_op`` and drawings.

    A Value acts as a number where Python expects one (``float(v)``, ``f"{v:.3f}"``,
    ``v < 0``, ``math.exp(v)``), is equal and hashed by identity, and takes extra attributes
    (``p.m = 0.0``).

    Example:
        >>> x, y, w = Value(2.0, "x"), Value(3.0, "y"), Value(4.0, "w")
        >>> z = (x + y) * w
        >>> z.backward()
        >>> z.data, x.grad, y.grad, w.grad
        (20.0, 4.0, 4.0, 5.0)
    """

    # Parents live in two slots, not a tuple: most ops have one or two operands, and a
    # tuple per node would double the allocations (and the garbage collector's work).
    # A variadic op's node (dot, sum) keeps its tuple of parents in `_first` instead.
    # `__dict__` serves code that hangs its own data on a Value (an optimizer's `p.m`, a
    # drawing's `n._vis_color`). CPython 3.11 gives each node a values array for it: 152 B
    # per op node instead of 120, and about 60 ns per node of a graph kept alive (its
    # allocation and the collector's visits). Kept: the only other way to take unknown
    # attributes is a Python `__setattr__`, which makes every attribute store a call.
    __slots__ = (
        "__dict__",
        "__weakref__",
        "_first",
        "_operation",
        "_second",
        "_tags",
        "data",
        "grad",
        "label",
    )

    # Makes numpy hand `ndarray_or_scalar * value` to Value.__rmul__ instead of
    # building an object array.
    __array_ufunc__ = None

    data: float
    grad: float
    label: str

    # micrograd's parameter order, (data, _children, _op, label), all with plain defaults
    # (the fastest call for the many leaves a model creates); a str in second place is
    # chainrule's positional label: Value(2.0, "x").
    def __init__(
        self,
        data: Any,
        _children: str | Iterable[Value] = "",
        _op: str = "",
        label: str = "",
        parameter: bool = False,
    ) -> None:
        if type(data) is not float:
            # A leaf's data is a number, not an array: even a 0-d one is refused here
            # (`float(a)` says what is meant), though operators take it as its number.
            number = None if is_array(data) else as_number(data, "Value(data)")
            if number is None:
                raise TypeError(
                    f"Value(data): expected a real number (int, float or numpy scalar), "
                    f"got {type(data).__name__}: {data!r:.60}"
                )
            data = number
        if _children.__class__ is not str or _children or _op:  # not Value(1.5): rarer
            self._init_rare(data, _children, _op, label, parameter)
            return
        if type(label) is not str and not isinstance(label, str):
            raise TypeError(f"Value(label): expected a str, got {type(label).__name__}")
        self.data = data
        self.grad = 0.0
        self.label = label
        self._operation: Op | CustomOp | None = None
        self._first: Value | tuple[Value, ...] | None = None
        self._second: Value | None = None
        state = _state()
        if state is None and parameter is False:  # the common case, kept cheap: many leaves
            self._tags = None
        else:
            parameter = flag("Value", "parameter", parameter)
            scope_ = None if state is None else state.scope
            self._tags = (scope_, True) if parameter else scope_tags(scope_)

    def _init_rare(
        self, data: float, children: Any, name: str, label: Any, parameter: bool
    ) -> None:
        """``Value(2.0, "x")``, or micrograd's ``Value(data, (a, b), "+")``: a custom op."""
        if children.__class__ is str:
            if children:  # Value(2.0, "x")
                if label:
                    raise TypeError("Value(): the label is given twice (by position and name)")
                label = children
            children = ()
        elif not isinstance(children, tuple | list | set | frozenset):
            raise TypeError(
                f"Value(label): expected a str (or micrograd's _children, a tuple of Values), "
                f"got {type(children).__name__}: {children!r:.60}"
            )
        Value.__init__(self, data, "", "", label, parameter)
        if children or name:  # micrograd's Value(data, (a, b), "+"): a user-defined op
            self._become_custom(children, name)

    def _become_custom(self, children: Iterable[Value], name: str) -> None:
        """Make this node micrograd's custom op: its parents are ``children``, its op ``name``."""
        if isinstance(children, Value) or not isinstance(children, Iterable):
            raise TypeError(
                f"Value(_children): expected a tuple of Values, got {type(children).__name__}"
            )
        parents = tuple(children)
        for index, parent in enumerate(parents):
            if not isinstance(parent, Value):
                raise TypeError(
                    f"Value(_children): item {index} is a {type(parent).__name__}, "
                    f"expected a Value (a label is a str)"
                )
        if not isinstance(name, str):
            raise TypeError(f"Value(_op): expected a str, got {type(name).__name__}")
        if not parents:
            raise ValueError(
                f"Value(_op={name!r}): a custom op needs its inputs as _children; "
                f"a Value without them is a leaf"
            )
        if not is_grad_enabled():
            return  # under no_grad, every result is a leaf
        self._operation = ClosureOp(name or "?", len(parents))
        self._first = parents
        self._second = None

    # --- the public graph -------------------------------------------------------------
    @property
    def op(self) -> Op | CustomOp | None:
        """The :class:`~autograd.ops.Op` that produced this value; ``None`` for a leaf.

        A user-defined operation's node holds a :class:`~autograd.custom.CustomOp`.
        """
        return self._operation

    @property
    def is_custom(self) -> bool:
        """True for the node of a user-defined operation (micrograd closure or Function)."""
        return isinstance(self._operation, CustomOp)

    @property
    def parents(self) -> tuple[Value, ...]:
        """The input Values in operand order (``a + a`` lists ``a`` twice)."""
        first, second = self._first, self._second
        if first is None:
            return ()
        if second is not None:
            return (first, second)
        return first if first.__class__ is tuple else (first,)

    @property
    def scope(self) -> Scope | None:
        """The innermost :func:`scope` this node was created in, if any."""
        return None if self._tags is None else self._tags[0]

    @property
    def is_constant(self) -> bool:
        """True for a number an op turned into a leaf (``total([x, 1])``): not an input.

        Example:
            >>> from autograd import total
            >>> [v.is_constant for v in total([Value(2.0), 1]).parents]
            [False, True]
        """
        return False

    @property
    def is_parameter(self) -> bool:
        """True for values marked as trainable parameters."""
        return self._tags is not None and self._tags[1]

    @is_parameter.setter
    def is_parameter(self, marked: bool) -> None:
        marked = flag("Value.is_parameter", "value", marked)
        self._tags = (self.scope, True) if marked else scope_tags(self.scope)

    def __repr__(self) -> str:
        extra = f", label={self.label!r}" if self.label else ""
        if self._operation is not None:
            extra += f", op={self._operation.name!r}"
        if self.is_parameter:
            extra += ", parameter=True"
        return f"Value(data={self.data!r}, grad={self.grad!r}{extra})"

    # --- arithmetic: one line per op, each built from its table entry ------------------
    __add__ = binary_method(ops.ADD, name="__add__")
    __radd__ = binary_method(ops.ADD, True, name="__radd__")
    __sub__ = binary_method(ops.SUB, name="__sub__")
    __rsub__ = binary_method(ops.SUB, True, name="__rsub__")
    __mul__ = binary_method(ops.MUL, name="__mul__")
    __rmul__ = binary_method(ops.MUL, True, name="__rmul__")
    __truediv__ = binary_method(ops.DIV, name="__truediv__")
    __rtruediv__ = binary_method(ops.DIV, True, name="__rtruediv__")
    __pow__ = binary_method(ops.POW, name="__pow__")
    __rpow__ = binary_method(ops.POW, True, name="__rpow__")
    __neg__ = unary_method(ops.NEG, name="__neg__")
    __abs__ = unary_method(ops.ABS, name="__abs__")

    # --- functions ----------------------------------------------------------------------
    exp = unary_method(ops.EXP, "e ** self.")

    log = unary_method(ops.LOG, "Natural logarithm; ``ValueError`` for self <= 0.")

    sqrt = unary_method(
        ops.SQRT, "Square root; ``ValueError`` for self < 0 (and for its derivative at 0)."
    )

    sin = unary_method(ops.SIN, "Sine (radians); NaN at ±inf, as ``torch.sin``.")

    cos = unary_method(ops.COS, "Cosine (radians); NaN at ±inf, as ``torch.cos``.")

    tanh = unary_method(ops.TANH, "Hyperbolic tangent.")

    sigmoid = unary_method(
        ops.SIGMOID, "The logistic function 1 / (1 + e ** -self), without overflow."
    )

    relu = unary_method(ops.RELU, "max(self, 0), with derivative 0 at 0.")

    def leaky_relu(self, slope: Value | float = 0.01) -> Value:
        """Self if self > 0 else slope * self; derivative ``slope`` at 0.

        A ``Value`` slope receives a gradient too (PReLU).
        """
        return apply(ops.LEAKY_RELU, self, slope)

    def elu(self, alpha: Value | float = 1.0) -> Value:
        """Self if self > 0 else alpha * (e ** self - 1); a ``Value`` alpha is learnable."""
        return apply(ops.ELU, self, alpha)

    def maximum(self, other: Value | float) -> Value:
        """The larger of self and other; at a tie each receives half the gradient."""
        return apply(ops.MAX, self, other)

    selu = unary_method(
        ops.SELU, "SELU with lambda = 1.0507009873554805 and alpha = 1.6732632423543772."
    )

    softplus = unary_method(ops.SOFTPLUS, "log(1 + e ** self), without overflow.")

    # --- graph operations ---------------------------------------------------------------
    def backward(self, gradient: float = 1.0) -> None:
        """Propagate ``d self / d node`` into ``.grad`` of every node that reaches ``self``.

        Intermediate gradients are recomputed on each call; leaf gradients accumulate
        across calls, as in PyTorch.
        """
        _backward_pass(self, gradient)

    def detach(self) -> Value:
        """A new leaf with the same data and label, cut off from this graph."""
        return Value(self.data, self.label)


bind(Value)


class Constant(Value):
    """A Python number given to a variadic op (``total``, ``dot``): a leaf that is no input.

    Binary ops fold a number into the op (``x * 2``); a variadic op has no fixed slots, so
    the number becomes this leaf. It computes as any Value; drawings show it as a constant
    (its number, no gradient), since nobody asked for its gradient.
    """

    __slots__ = ()

    @property
    def is_constant(self) -> bool:
        """Always True: see :attr:`Value.is_constant`."""
        return True
