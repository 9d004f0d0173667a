"""``Value``: a scalar that records the operations applied to it into a graph.

A node holds only references from output to inputs (``parents``), a reference to its op
entry and two floats: no closures and no back-references, so reference counting frees a
dropped graph at once, with no cyclic garbage collection.
"""

from __future__ import annotations

import functools
import math
import numbers
import operator
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, NamedTuple

from autograd import ops
from autograd.custom import ClosureOp, CustomOp
from autograd.ops import Op


class Scope:
    """A named region of graph construction (a Neuron, a Layer), nested in ``parent``.

    Every node created inside ``with scope(name):`` records the innermost scope, so a
    drawing can cluster a layer's nodes without knowing anything about ``nn``.
    Each ``with`` block makes a new ``Scope``: two blocks with one name are two clusters.
    """

    __slots__ = ("_node_tags", "name", "parent")

    def __init__(self, name: str, parent: Scope | None = None) -> None:
        self.name = name
        self.parent = parent
        self._node_tags = (self, False)

    @property
    def path(self) -> tuple[str, ...]:
        """Names from the outermost scope to this one."""
        names: list[str] = []
        node: Scope | None = self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return tuple(reversed(names))

    def __repr__(self) -> str:
        return f"Scope({'/'.join(self.path)!r})"


class _State(NamedTuple):
    grad_enabled: bool
    scope: Scope | None


# None stands for the default state (recording, no scope), the fast path of every op.
_STATE: ContextVar[_State | None] = ContextVar("chainrule_state", default=None)


def _current() -> _State:
    return _STATE.get() or _State(True, None)


@contextmanager
def scope(name: str | Scope) -> Iterator[Scope]:
    """Tag every node created inside the block with a new :class:`Scope` called ``name``.

    Passing a :class:`Scope` (one that an earlier block yielded) re-enters it instead: a
    module creates its scope once, with its parameters inside, and re-enters it on every
    call, so a drawing shows one cluster per module.

    Example:
        >>> with scope("neuron") as s:
        ...     y = Value(2.0) * 3
        >>> with scope(s):
        ...     z = y + 1
        >>> y.scope is s, z.scope is s, s.path
        (True, True, ('neuron',))
    """
    state = _current()
    new = name if isinstance(name, Scope) else Scope(str(name), state.scope)
    token = _STATE.set(_State(state.grad_enabled, new))
    try:
        yield new
    finally:
        _STATE.reset(token)


@contextmanager
def no_grad() -> Iterator[None]:
    """Inside the block, operations record no graph: every result is a leaf.

    Example:
        >>> x = Value(2.0)
        >>> with no_grad():
        ...     y = x * x
        >>> y.data, y.op, y.parents
        (4.0, None, ())
    """
    state = _current()
    token = _STATE.set(_State(False, state.scope))
    try:
        yield
    finally:
        _STATE.reset(token)


def is_grad_enabled() -> bool:
    """False inside :func:`no_grad`."""
    return _current().grad_enabled


def _as_number(x: Any) -> float | None:
    if type(x) is float:
        return x
    if isinstance(x, numbers.Real):  # int, bool, fractions, numpy integer and float scalars
        try:
            number = float(x)
        except OverflowError:
            number = math.inf
        # A huge int raises, a numpy longdouble past the float range becomes inf: both are
        # refused (an infinite x itself is fine).
        if number in (math.inf, -math.inf) and abs(x) != math.inf:
            raise ValueError(f"{type(x).__name__} {x!r:.40} is too large for a float")
        return number
    return None


_new_node = object.__new__


def _scope_tags(s: Scope | None) -> tuple[Scope, bool] | None:
    return None if s is None else s._node_tags


def _record(op: Op, first: Value, second: Value | None, data: float) -> Value:
    """Create the node for ``op`` applied to ``first`` (and ``second``) with output ``data``."""
    node = _new_node(Value)
    node.data = data
    node.grad = 0.0
    node.label = ""
    node._operation = op
    node._first = first
    node._second = second
    node._tags = None
    if _STATE.get() is not None:  # inside scope() or no_grad(): the uncommon case
        _apply_state(node)
    return node


def _apply_state(node: Value) -> None:
    """Tag a new node with the current scope; under ``no_grad``, make it a leaf."""
    state = _current()
    node._tags = _scope_tags(state.scope)
    if not state.grad_enabled:
        node._operation = node._first = node._second = None


def _unary(op: Op, x: Value) -> Value:
    data = x.data
    try:
        out = op.fwd(data)
    except (ArithmeticError, ValueError) as error:
        raise op.input_error(error, (data,)) from None
    node = _new_node(Value)  # _record, inlined: this runs for every tanh, relu, exp
    node.data = out
    node.grad = 0.0
    node.label = ""
    node._operation = op
    node._first = x
    node._second = None
    node._tags = None
    if _STATE.get() is not None:
        _apply_state(node)
    return node


def _unary_method(op: Op, doc: str = "") -> Callable[[Value], Value]:
    def method(self: Value) -> Value:
        return _unary(op, self)

    method.__name__ = method.__qualname__ = op.name
    method.__doc__ = doc or f"The op {op.name!r} applied to self."
    return method


def _binary_method(op: Op, reflected: bool = False) -> Callable[[Value, Any], Value]:
    """The method applying ``op`` to ``(self, other)``, or to ``(other, self)`` if reflected.

    A number operand is folded into the op (see ``Op.fold``) instead of becoming a node.
    This runs for every arithmetic operation, so it is written for speed: one frame
    (the node is built here, not by a call to ``_record``), and a per-slot cache from
    number to folded op.
    """
    fwd = op.fwd
    slot = 0 if reflected else 1
    folds = op.fold_cache(slot)
    new_node, state = _new_node, _STATE  # closure cells: faster than module globals

    def method(self: Value, other: Any) -> Value:
        if isinstance(other, Value):
            if reflected:
                x, y = other, self
            else:
                x, y = self, other
            a, b = x.data, y.data
            try:
                out = fwd(a, b)
            except (ArithmeticError, ValueError) as error:
                raise op.input_error(error, (a, b)) from None
            node = new_node(Value)
            node.data = out
            node.grad = 0.0
            node.label = ""
            node._operation = op
            node._first = x
            node._second = y
            node._tags = None
            if state.get() is not None:
                _apply_state(node)
            return node
        number = other if type(other) is float else _as_number(other)
        if number is None:
            return NotImplemented
        folded = folds.get(number) or op.fold(slot, number)
        data = self.data
        try:
            out = folded.fwd(data)
        except (ArithmeticError, ValueError) as error:
            raise folded.input_error(error, (data,)) from None
        node = new_node(Value)
        node.data = out
        node.grad = 0.0
        node.label = ""
        node._operation = folded
        node._first = self
        node._second = None
        node._tags = None
        if state.get() is not None:
            _apply_state(node)
        return node

    return method


@functools.cache
def _cached_binary_method(op: Op, reflected: bool) -> Callable[[Value, Any], Value]:
    return _binary_method(op, reflected)


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
        return _unary(entry, first)
    second = operands[1]
    if isinstance(first, Value):
        result = _cached_binary_method(entry, False)(first, second)
    elif isinstance(second, Value):
        result = _cached_binary_method(entry, True)(second, first)
    else:
        result = NotImplemented
    if result is NotImplemented:
        for name, operand in zip(entry.inputs, operands, strict=True):
            if not isinstance(operand, Value) and _as_number(operand) is None:
                raise TypeError(
                    f"{entry.name}: {name} must be a number or a Value, "
                    f"got {type(operand).__name__}"
                )
        raise TypeError(f"{entry.name}: needs at least one Value operand, got two numbers")
    return result


def _variadic(op: Op, operands: tuple[Any, ...]) -> Value:
    """Apply a variadic op: its parents are stored as one tuple in ``_first``.

    A variadic op folds no numbers (its slots are not fixed): a number operand becomes a
    leaf, as in micrograd.
    """
    count = len(operands)
    if count == 0 or count % op.arity:
        raise TypeError(
            f"{op.name}: takes a positive multiple of {op.arity} operands "
            f"({', '.join(op.inputs)} per group), got {count}"
        )
    if not all(isinstance(operand, Value) for operand in operands):
        parents = []
        for name, operand in zip(op.slot_names(count), operands, strict=True):
            number = operand if isinstance(operand, Value) else _as_number(operand)
            if number is None:
                raise TypeError(
                    f"{op.name}: {name} must be a number or a Value, got {type(operand).__name__}"
                )
            parents.append(number if isinstance(number, Value) else Value(number))
        operands = tuple(parents)
    values = [operand.data for operand in operands]
    try:
        out = op.fwd(*values)
    except (ArithmeticError, ValueError) as error:
        raise op.input_error(error, tuple(values)) from None
    return _record(op, operands, None, out)  # type: ignore[arg-type]


def _exponent_text(exponent: float) -> str:
    # micrograd formats the exponent as Python wrote it: x**2 is "**2", not "**2.0".
    if math.isfinite(exponent) and exponent.is_integer():
        return str(int(exponent))
    return repr(exponent)


def _backward_step(node: Value) -> None:
    from autograd.engine import backward_step  # noqa: PLC0415 - engine imports this module

    backward_step(node)


# While compile(verify=True) traces a function, the outcome of every comparison and bool()
# of a Value is appended here: Python branches on them, and the compiled code would replay
# the traced branch for every input.
_BRANCHES: ContextVar[list[bool] | None] = ContextVar("chainrule_branches", default=None)


@contextmanager
def recording_branches() -> Iterator[list[bool]]:
    """Inside the block, collect the outcome of each comparison or ``bool()`` of a Value.

    ``compile`` traces with it, so that ``verify=True`` can tell when a call takes another
    branch than the trace did.

    Example:
        >>> x = Value(2.0)
        >>> with recording_branches() as outcomes:
        ...     y = x if x > 0 else -x
        ...     z = x < 1
        >>> outcomes
        [True, False]
    """
    outcomes: list[bool] = []
    token = _BRANCHES.set(outcomes)
    try:
        yield outcomes
    finally:
        _BRANCHES.reset(token)


def _branch(outcome: bool) -> bool:
    log = _BRANCHES.get()
    if log is not None:
        log.append(outcome)
    return outcome


def _comparison(name: str, compare: Callable[[float, float], bool]) -> Callable[[Value, Any], Any]:
    def method(self: Value, other: Any) -> Any:
        if isinstance(other, Value):
            number: float | None = other.data
        else:
            number = other if type(other) is float else _as_number(other)
            if number is None:
                return NotImplemented
        return _branch(compare(self.data, number))

    method.__name__ = method.__qualname__ = name
    method.__doc__ = (
        f"Compare ``.data`` with a Value's or a number's (``{name}``): a plain ``bool``."
    )
    return method


class Value:
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
    # drawing's `n._vis_color`). Measured on CPython 3.11: 32 more bytes per node (its
    # per-object values array), 152 B per op node instead of 120, under the 300 B budget.
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
            number = _as_number(data)
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
        state = _STATE.get()
        if state is None and not parameter:  # the common case, kept cheap: many leaves
            self._tags = None
        else:
            scope_ = None if state is None else state.scope
            self._tags = (scope_, True) if parameter else _scope_tags(scope_)

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

    # --- micrograd's and the lecture's names ---------------------------------------------
    @property
    def _prev(self) -> set[Value]:
        """The parents as micrograd keeps them: a new set (``parents`` keeps order)."""
        return set(self.parents)

    @property
    def _op(self) -> str:
        """The op as micrograd's text: ``'+'``, ``'*'``, ``'**2'``, ``'tanh'``; ``''`` for a leaf.

        Example:
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
        return functools.partial(_backward_step, self)

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

    @property
    def scope(self) -> Scope | None:
        """The innermost :func:`scope` this node was created in, if any."""
        return None if self._tags is None else self._tags[0]

    @property
    def is_parameter(self) -> bool:
        """True for values marked as trainable parameters."""
        return self._tags is not None and self._tags[1]

    @is_parameter.setter
    def is_parameter(self, flag: bool) -> None:
        self._tags = (self.scope, True) if flag else _scope_tags(self.scope)

    def __repr__(self) -> str:
        extra = f", label={self.label!r}" if self.label else ""
        if self._operation is not None:
            extra += f", op={self._operation.name!r}"
        if self.is_parameter:
            extra += ", parameter=True"
        return f"Value(data={self.data!r}, grad={self.grad!r}{extra})"

    # --- Jupyter: a Value shows its graph (viz is imported only when a notebook asks) --
    def _repr_svg_(self) -> str | None:
        """The graph as SVG for Jupyter (``repr()`` stays short); None without ``viz``."""
        try:
            from viz.jupyter import value_svg  # noqa: PLC0415 - only a notebook pays for viz
        except ImportError:
            return None
        return value_svg(self)

    def _repr_html_(self) -> str | None:
        """Without a Graphviz engine, the DOT text and how to install one; else None."""
        try:
            from viz.jupyter import value_html  # noqa: PLC0415 - only a notebook pays for viz
        except ImportError:
            return None
        return value_html(self)

    # --- arithmetic: one line per op, each built from its table entry ------------------
    __add__ = _binary_method(ops.ADD)
    __radd__ = _binary_method(ops.ADD, reflected=True)
    __sub__ = _binary_method(ops.SUB)
    __rsub__ = _binary_method(ops.SUB, reflected=True)
    __mul__ = _binary_method(ops.MUL)
    __rmul__ = _binary_method(ops.MUL, reflected=True)
    __truediv__ = _binary_method(ops.DIV)
    __rtruediv__ = _binary_method(ops.DIV, reflected=True)
    __pow__ = _binary_method(ops.POW)
    __rpow__ = _binary_method(ops.POW, reflected=True)
    __neg__ = _unary_method(ops.NEG)
    __abs__ = _unary_method(ops.ABS)

    # --- functions ----------------------------------------------------------------------
    exp = _unary_method(ops.EXP, "e ** self.")

    log = _unary_method(ops.LOG, "Natural logarithm; ``ValueError`` for self <= 0.")

    sqrt = _unary_method(
        ops.SQRT, "Square root; ``ValueError`` for self < 0 (and for its derivative at 0)."
    )

    tanh = _unary_method(ops.TANH, "Hyperbolic tangent.")

    sigmoid = _unary_method(
        ops.SIGMOID, "The logistic function 1 / (1 + e ** -self), without overflow."
    )

    relu = _unary_method(ops.RELU, "max(self, 0), with derivative 0 at 0.")

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

    selu = _unary_method(
        ops.SELU, "SELU with lambda = 1.0507009873554805 and alpha = 1.6732632423543772."
    )

    softplus = _unary_method(ops.SOFTPLUS, "log(1 + e ** self), without overflow.")

    # --- a Value where Python expects a number ------------------------------------------
    # Comparisons give a bool from .data (a branch has no gradient); == and hash stay by
    # identity, since Values are dict keys and set members all through the engine.
    __lt__ = _comparison("__lt__", operator.lt)
    __le__ = _comparison("__le__", operator.le)
    __gt__ = _comparison("__gt__", operator.gt)
    __ge__ = _comparison("__ge__", operator.ge)
    __hash__ = object.__hash__

    def __bool__(self) -> bool:
        """``data != 0``, as a 0-dim tensor (recorded as a branch while ``compile`` traces)."""
        return _branch(self.data != 0.0)

    def __float__(self) -> float:
        """``.data``: ``float(v)``, and ``math.exp(v)``, ``math.isfinite(v)`` and friends."""
        return self.data

    def __int__(self) -> int:
        """``int(.data)``, truncated towards 0."""
        return int(self.data)

    def __trunc__(self) -> int:
        return math.trunc(self.data)

    def __floor__(self) -> int:
        return math.floor(self.data)

    def __ceil__(self) -> int:
        return math.ceil(self.data)

    def __round__(self, ndigits: int | None = None) -> float | int:
        """``round(.data, ndigits)``: an int without ``ndigits``, a float with it."""
        return round(self.data) if ndigits is None else round(self.data, ndigits)

    def __format__(self, spec: str) -> str:
        """``f"{v:.4f}"`` formats ``.data``; an empty spec gives ``str(v)``.

        Example:
            >>> v = Value(0.70710678, "o")
            >>> f"{v:.4f}", round(v, 2), float(v), v > 0.5
            ('0.7071', 0.71, 0.70710678, True)
        """
        return str(self) if not spec else format(self.data, spec)

    # --- graph operations ---------------------------------------------------------------
    def backward(self, gradient: float = 1.0) -> None:
        """Propagate ``d self / d node`` into ``.grad`` of every node that reaches ``self``.

        Intermediate gradients are recomputed on each call; leaf gradients accumulate
        across calls, as in PyTorch.
        """
        # engine imports this module; importing it at call time breaks the cycle.
        from autograd.engine import backward  # noqa: PLC0415

        backward(self, gradient)

    def detach(self) -> Value:
        """A new leaf with the same data and label, cut off from this graph."""
        return Value(self.data, self.label)

    # --- copy and pickle ------------------------------------------------------------------
    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle and ``copy.deepcopy`` a graph of any depth, without recursion.

        Both recurse into an object's state, and a node's state holds its parents: a chain
        would nest one level per node and hit the recursion limit at a depth of about 1,000.
        So the node that starts a copy puts its whole graph in its state first, inputs
        before outputs (``topological_order``): each node's parents are then already copied
        when it is, and are referenced, not nested. Those nodes reduce to their own fields.
        Identity is kept: a parameter shared by a model and a graph is one object after.
        """
        names = _slot_names(type(self))
        fields = (names, tuple([getattr(self, name) for name in names]))
        pending = _copying.__dict__.setdefault("pending", set())
        if id(self) in pending or not self.parents:
            pending.discard(id(self))
            return (_empty_value, (type(self),), (None, fields))
        from autograd.engine import topological_order  # noqa: PLC0415 - engine imports value

        ancestors = topological_order(self)[:-1]
        # Nothing else is being copied in this thread now: a stale id left by a failed copy
        # would only cost recursion, never a wrong copy, but is dropped here anyway.
        pending.clear()
        pending.update(id(node) for node in ancestors if node.parents)
        return (_empty_value, (type(self),), (ancestors, fields))

    def __setstate__(self, state: tuple[Any, tuple[tuple[str, ...], tuple[Any, ...]]]) -> None:
        """Restore the fields ``__reduce__`` saved (the ancestors are restored on their own)."""
        names, values = state[1]
        for name, value in zip(names, values, strict=True):
            setattr(self, name, value)


# Nodes whose copy is in progress as part of an ancestor list, per thread (pickling in two
# threads at once is independent).
_copying = threading.local()


@functools.cache
def _slot_names(cls: type) -> tuple[str, ...]:
    """The fields a node of ``cls`` stores: every slot, and ``__dict__`` if it has one."""
    names = []
    for klass in cls.__mro__:
        slots = getattr(klass, "__slots__", ())
        names += [slots] if isinstance(slots, str) else list(slots)
    fields = [name for name in names if name not in {"__weakref__", "__dict__"}]
    if cls.__dictoffset__:  # a subclass without __slots__: its attributes live in a dict
        fields.append("__dict__")
    return tuple(dict.fromkeys(fields))


def _empty_value(cls: type[Value]) -> Value:
    """A node with no fields yet: ``__setstate__`` fills them (pickle's reconstructor)."""
    return _new_node(cls)
