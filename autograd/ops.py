"""The op table: every primitive operation of the engine, declared once.

Each :class:`Op` holds its name, display symbol, input names, forward formula, one local
partial derivative per input, its domain and its kinks. Formulas are written against a
*math space* ``m`` passed in, so the same entry

- compiles to float kernels for the eager engine (:mod:`autograd.source`),
- builds differentiable ``Value`` expressions for higher-order gradients,
- builds sympy expressions for the symbolic test oracle,
- gives hypothesis strategies the domain to draw inputs from.

A math space provides ``exp expm1 log sqrt tanh sigmoid softplus abs sign``,
``maximum(x, y)`` (NaN if either is NaN), ``compare(x, y)`` (1.0 where x > y, -1.0 where
x < y, 0.0 where x == y, infinities included, NaN if either is NaN),
``select(x, positive, otherwise)``: ``positive`` where x > 0, ``otherwise`` where x <= 0,
and NaN where x is NaN; and ``positive(alpha, value)``: ``value``, or a domain error where
alpha <= 0; ``powlog(x, y, k, power)`` is x ** y log(x) ** k (``power``: x ** y, if at
hand) and ``pow_corner(x, y)`` 0 (on Values, nodes of :mod:`autograd.powlog`). A branch
may be a thunk (a function of no arguments), which spaces that can skip a branch never
call. The arithmetic operators ``+ - * / **`` and unary ``-`` act on the
inputs directly.

At kinks every ``select`` takes the ``otherwise`` branch at x = 0, so relu'(0) = 0,
abs'(0) = 0 (through sign(0) = 0) and leaky_relu'(0) = slope, as in PyTorch; at every
order, so elu''(0) = alpha, where PyTorch's double backward takes the other side (0).
At a tie x = y, max splits the gradient evenly (1/2 each), as ``torch.maximum`` does: the
mean of the one-sided derivatives, which is also what central differences measure there.

NaN propagates: because ``select`` and ``sign`` give NaN for a NaN input in every space
(floats, Values, numpy, sympy), relu(nan), relu'(nan), abs'(nan), leaky_relu'(nan) and
(x ** 2)' at nan are all NaN, in the engine, in higher-order graphs and in compiled
replays (unlike PyTorch, whose relu'(nan) is 1 and abs'(nan) 0: tests/reference states
each difference). A formula that does not read an input (d(x * y)/dx = y) is not made NaN
by it.

Adding a primitive is one :class:`Op` entry here (with ``doc``, its README row), a one-line
``Value`` method, and a row of :mod:`autograd.elementary` for a new function.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from autograd.coercion import flag
from autograd.elementary import FUNCTIONS
from autograd.source import Kernels, kernels, variadic_kernels, with_constant

SELU_LAMBDA = 1.0507009873554805
SELU_ALPHA = 1.6732632423543772

Formula = Callable[..., Any]


@dataclass(frozen=True)
class Interval:
    """A real interval; ``low``/``high`` may be infinite. Bounds are open unless marked closed."""

    low: float = -math.inf
    high: float = math.inf
    low_closed: bool = False
    high_closed: bool = False

    def __post_init__(self) -> None:
        for name in ("low_closed", "high_closed"):
            flag("Interval", name, getattr(self, name))

    def __contains__(self, x: float) -> bool:
        above = x >= self.low if self.low_closed else x > self.low
        below = x <= self.high if self.high_closed else x < self.high
        return above and below


REALS = Interval()
POSITIVE = Interval(0.0)


class Op:
    """One primitive operation: its formulas, metadata and compiled float kernels.

    Attributes:
        name: identifier, matching Python's ``math`` module where one exists ("exp", "log").
        symbol: what a drawing shows ("*", "tanh").
        inputs: the name of each operand slot, in order ("x", "y").
        constants: operand slots filled by a number instead of a ``Value``
            (``y * 1.0001`` records ``mul`` with ``{1: 1.0001}``); empty for table entries.
        base: the table entry this op comes from (itself for a table entry).
        domain: per input, where the op is defined *and* differentiable; strategies and
            tests draw inputs from it.
        kinks: per input, points inside the domain where a derivative jumps
            (a one-sided convention applies there) or that tests should stay away from.
        domain_text: the condition named in the error for an input outside the domain.
        kink_where_equal: the derivatives jump where the two inputs are equal (max at
            x = y), a kink that ``kinks`` (fixed points per input) cannot express.
        notation: "infix" (x + y), "prefix" (-x) or "call" (tanh(x)), for printing.
        variadic: the op takes any positive number of *groups* of operands, one group
            being ``inputs`` (``dot`` takes w0, x0, w1, x1, ...), and its output is the
            sum of ``forward`` over the groups. Each group's partials are the table's
            partials of that group, so they must not use ``out`` (checked). Variadic ops
            take only ``Value`` operands. One node then replaces a whole chain of
            additions: a neuron's weighted sum is one node, not 2n.
        doc: the op's row in the README's op table: how it is written, its local
            partials, its domain and kinks, in words (the README is generated from it).
    """

    __slots__ = (
        "_folds",
        "base",
        "constants",
        "doc",
        "domain",
        "domain_text",
        "forward",
        "fwd",
        "inputs",
        "kernel_source",
        "kink_where_equal",
        "kinks",
        "local_partials",
        "name",
        "notation",
        "partials",
        "symbol",
        "variadic",
        "vjp",
    )

    def __init__(  # noqa: PLR0913 - an op is declared in one call, keywords name the rest
        self,
        name: str,
        symbol: str,
        inputs: tuple[str, ...],
        forward: Formula,
        partials: tuple[Formula, ...],
        *,
        domain: tuple[Interval, ...] | None = None,
        kinks: tuple[tuple[float, ...], ...] | None = None,
        domain_text: str = "",
        notation: str = "call",
        variadic: bool = False,
        kink_where_equal: bool = False,
        doc: tuple[str, str, str] = ("", "", ""),
    ) -> None:
        if len(partials) != len(inputs):
            raise ValueError(f"op {name!r}: one partial per input is required")
        flag("Op", "variadic", variadic), flag("Op", "kink_where_equal", kink_where_equal)
        self.name = name
        self.symbol = symbol
        self.inputs = inputs
        self.forward = forward
        self.partials = partials
        self.domain = domain or (REALS,) * len(inputs)
        self.kinks = kinks or ((),) * len(inputs)
        self.domain_text = domain_text
        self.notation = notation
        self.variadic = variadic
        self.kink_where_equal = kink_where_equal
        self.doc = doc
        self.constants: Mapping[int, float] = MappingProxyType({})
        self.base = self
        self._folds: tuple[dict[float, Op], ...] = tuple({} for _ in inputs)
        make = variadic_kernels if variadic else kernels
        self.fwd, self.local_partials, self.vjp, self.kernel_source = make(self, None)

    @property
    def arity(self) -> int:
        """Operand slots (``Value`` parents, folded constants); a variadic op's group size."""
        return len(self.inputs)

    def slot_names(self, count: int) -> tuple[str, ...]:
        """The name of each of ``count`` operand slots: ``w0, x0, w1, x1`` for ``dot``."""
        if not self.variadic:
            return self.inputs
        size = len(self.inputs)
        return tuple(f"{self.inputs[i % size]}{i // size}" for i in range(count))

    def evaluate(self, space: Any, operands: tuple[Any, ...]) -> Any:
        """The forward formula over ``operands`` (all slots, numbers included) in ``space``."""
        if not self.variadic:
            return self.forward(space, *operands)
        terms = [self.forward(space, *group) for group in self._groups(operands)]
        total = terms[0]
        for term in terms[1:]:
            total = total + term
        return total

    def slot_partials(self, space: Any, operands: tuple[Any, ...], out: Any) -> list[Any]:
        """The local partial for each operand slot that is not a folded number, in ``space``.

        ``operands`` are all slots (numbers included); ``out`` is the op's output.
        """
        if self.variadic:
            return [p(space, *g, out) for g in self._groups(operands) for p in self.partials]
        return [
            partial(space, *operands, out)
            for slot, partial in enumerate(self.partials)
            if slot not in self.constants  # never differentiate a folded number
        ]

    def _groups(self, operands: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        size = len(self.inputs)
        return [operands[i : i + size] for i in range(0, len(operands), size)]

    def __repr__(self) -> str:
        if not self.constants:
            return f"Op({self.name!r})"
        return f"Op({self.name!r}, constants={dict(self.constants)})"

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle and copy by reference: the table entry's name and the folded number.

        An op holds generated kernels, which pickle cannot store; the copy is the table's
        own entry (or its fold), so a copied graph still reads the one table.
        """
        if self.base is _FUNCTION_OPS.get(self.name):
            return (function_op, (self.name,))
        if self.base in REBUILT:
            factory, args = REBUILT[self.base]
            if not self.constants:
                return (factory, args)
            ((slot, value),) = self.constants.items()
            return (_refolded, (factory, args, slot, value))
        if OPS.get(self.base.name) is not self.base:
            raise TypeError(f"cannot pickle {self!r}: only ops of the table pickle")
        if not self.constants:
            return (_table_op, (self.name,))
        ((slot, value),) = self.constants.items()
        return (_folded_op, (self.base.name, slot, value))

    def fold(self, slot: int, value: float) -> Op:
        """This op with operand ``slot`` fixed to the number ``value`` (cached).

        Folding a number into the op, instead of wrapping it in a constant leaf, saves a
        node per operation and means no gradient is ever computed for the number (so
        ``x ** 2`` never needs ``log(x)``). The value stays visible in ``constants``.
        """
        if self.constants:
            raise ValueError(f"{self!r} already has a folded number")
        if self.variadic:
            raise ValueError(f"{self.name}: a variadic op takes no folded numbers")
        cache = self._folds[slot]
        # -0.0 == 0.0 as dict keys, yet they are different constants (1 / -0.0): a zero
        # is cached under its sign, which no number's lookup finds (Value's fast path
        # then comes here: `sum()` starts at 0, so `0 + v` is common; folding anew cost
        # microseconds a time).
        key: Any = value if value else ("zero", math.copysign(1.0, value))
        folded = cache.get(key)
        if folded is None:
            folded = self._make_folded(slot, value)
            if len(cache) >= 4096:  # bounded; nodes keep their own op
                cache.clear()
            cache[key] = folded
        return folded

    def fold_cache(self, slot: int) -> Mapping[float, Op]:
        """The cache behind :meth:`fold` for ``slot``: a fast path for ``Value`` methods."""
        return self._folds[slot]

    def _make_folded(self, slot: int, value: float) -> Op:
        made = _FOLDED_KERNELS.get((self, slot))
        if made is None:
            made = _FOLDED_KERNELS[(self, slot)] = kernels(self, slot)
        folded = object.__new__(Op)
        for attribute in Op.__slots__:
            setattr(folded, attribute, getattr(self, attribute))
        folded._folds = ()
        folded.constants = MappingProxyType({slot: value})
        folded.base = self
        fwd, loc, vjp, folded.kernel_source = made
        folded.fwd = with_constant(fwd, value)
        folded.local_partials = with_constant(loc, value)
        folded.vjp = with_constant(vjp, value)
        return folded

    def operands(self, values: tuple[Any, ...]) -> tuple[Any, ...]:
        """Insert this op's constants into ``values`` (one per ``Value`` slot), in slot order."""
        if not self.constants:
            return values
        ((slot, constant),) = self.constants.items()
        return (*values[:slot], constant, *values[slot:])

    def input_error(
        self, error: Exception, values: tuple[float, ...], *, derivative: bool = False
    ) -> Exception:
        """A clear exception, of the same type as ``error``, naming this op and its inputs.

        ``values`` are the ``Value`` operands' data; ``derivative`` says the forward value
        was fine but a local partial was not (sqrt at 0).
        """
        operands = self.operands(values)
        shown = ", ".join(
            f"{n}={v!r}" for n, v in zip(self.slot_names(len(operands)), operands, strict=True)
        )
        rule = f" ({self.domain_text})" if self.domain_text else ""
        if derivative:
            return type(error)(f"{self.name}: derivative undefined at {shown}{rule}")
        return type(error)(f"{self.name}: input outside the domain{rule}: got {shown}")


_FOLDED_KERNELS: dict[tuple[Op, int], Kernels] = {}


# fmt: off
# The formulas. `out` is the op's own output: exp' = out, tanh' = 1 - out**2.
ADD = Op("add", "+", ("x", "y"), lambda m, x, y: x + y,
         (lambda m, x, y, out: 1.0, lambda m, x, y, out: 1.0), notation="infix",
         doc=("x + y", "1, 1", ""))
SUB = Op("sub", "-", ("x", "y"), lambda m, x, y: x - y,
         (lambda m, x, y, out: 1.0, lambda m, x, y, out: -1.0), notation="infix",
         doc=("x - y", "1, -1", ""))
MUL = Op("mul", "*", ("x", "y"), lambda m, x, y: x * y,
         (lambda m, x, y, out: y, lambda m, x, y, out: x), notation="infix",
         doc=("x * y", "y, x", ""))
DIV = Op(
    "div", "/", ("x", "y"), lambda m, x, y: x / y,
    (lambda m, x, y, out: 1.0 / y, lambda m, x, y, out: -out / y),
    kinks=((), (0.0,)), domain_text="y != 0", notation="infix",
    doc=("x / y", "1/y, -out/y", "y != 0"),
)
POW = Op(
    "pow", "**", ("x", "y"), lambda m, x, y: x**y,
    # The y-partial x ** y log(x) is powlog(x, y, 1): in higher-order graphs a node whose
    # derivatives are its family's (autograd.powlog), each one term (no 1/x, inf at a
    # subnormal x; no 0 * inf at x = inf). Float kernels multiply out by log(x) in place
    # (0 where out is 0: the limit at x = inf for y < 0).
    # At x = 0 the formulas meet 0 * inf (y = 0) and 0 * log(0) (y > 0), where x ** y is
    # flat: the partials are the limits there (0, and y * 0 ** (y - 1) = 1 at y = 1), as in
    # PyTorch. Their derivatives are infinite for 0 <= y <= 1 (x ** (y - 1) (1 + y log(x))):
    # there (y = 0 and 1; 0 < y < 1 raises already) a partial adds pow_corner, 0 with no
    # derivative in the other input, so that a second-order grad raises instead of taking
    # the first-order convention (0 at y = 0) for a number; for y > 1 they are the limits,
    # 0, at every order (powlog). The branches are thunks, so that no space evaluates
    # 0 ** -1 or log(0) for the branch it does not take.
    # At y = 0 and x < 1 the x-partial is (y / x) * out, the same function: 0 for every x
    # but NaN, where y * x ** (y - 1) is 0 * inf for a tiny x (5e-324 ** -1 overflows),
    # with the same derivatives at every order (its y-derivative 1 / x, then 2 log(x) / x).
    # For x >= 1 the product is finite (and (y / x) * out would meet 0 * inf at x = inf).
    (lambda m, x, y, out: m.select(
        m.abs(x),
        lambda: m.select(
            m.abs(y),
            lambda: y * x ** (y - 1.0),
            lambda: m.select(1.0 - x, lambda: y / x * out, lambda: y * x ** (y - 1.0))),
        lambda: m.select(
            y - 1.0,
            lambda: y * x ** (y - 1.0),
            # 0 < y < 1: 0 ** (y - 1) raises (the partial itself is infinite).
            lambda: m.select(y, lambda: y * x ** (y - 1.0) + m.pow_corner(x, y),
                             lambda: m.pow_corner(x, y)))),
     # At x = 0: the limit 0, or NaN for a NaN y (select passes NaN on).
     lambda m, x, y, out: m.select(
         m.abs(x),
         lambda: m.powlog(x, y, 1.0, out),
         lambda: m.select(y, lambda: m.powlog(x, y, 1.0), lambda: m.pow_corner(y, x)))),
    domain=(POSITIVE, REALS),
    domain_text="x > 0; x < 0 only with an integer y, and y then has no derivative; "
                "x = 0 only with y >= 0",
    notation="infix",
    doc=("x ** y", "y x^(y-1), out log x", "x > 0 (x < 0 with an integer number y)"),
)
NEG = Op("neg", "-", ("x",), lambda m, x: -x, (lambda m, x, out: -1.0,), notation="prefix",
         doc=("-x", "-1", ""))
ABS = Op("abs", "abs", ("x",), lambda m, x: m.abs(x), (lambda m, x, out: m.sign(x),),
         kinks=((0.0,),),
         doc=("abs(x)", "sign(x)", "kink at 0"))
EXP = Op("exp", "exp", ("x",), lambda m, x: m.exp(x), (lambda m, x, out: out,),
         doc=("x.exp()", "out", ""))
LOG = Op("log", "log", ("x",), lambda m, x: m.log(x), (lambda m, x, out: 1.0 / x,),
         domain=(POSITIVE,), domain_text="x > 0",
         doc=("x.log()", "1/x", "x > 0"))
SQRT = Op("sqrt", "sqrt", ("x",), lambda m, x: m.sqrt(x), (lambda m, x, out: 0.5 / out,),
          domain=(POSITIVE,), domain_text="x >= 0, and x > 0 for the derivative",
          doc=("x.sqrt()", "0.5/out", "x >= 0, derivative for x > 0"))
SIN = Op("sin", "sin", ("x",), lambda m, x: m.sin(x), (lambda m, x, out: m.cos(x),),
         doc=("x.sin()", "cos(x)", "NaN at ±inf, as torch.sin"))
COS = Op("cos", "cos", ("x",), lambda m, x: m.cos(x), (lambda m, x, out: -m.sin(x),),
         doc=("x.cos()", "-sin(x)", "NaN at ±inf, as torch.cos"))
TANH = Op("tanh", "tanh", ("x",), lambda m, x: m.tanh(x), (lambda m, x, out: 1.0 - out * out,),
          doc=("x.tanh()", "1 - out²", ""))
SIGMOID = Op("sigmoid", "sigmoid", ("x",), lambda m, x: m.sigmoid(x),
             (lambda m, x, out: out * (1.0 - out),),
             doc=("x.sigmoid()", "out (1 - out)", ""))
SOFTPLUS = Op("softplus", "softplus", ("x",), lambda m, x: m.softplus(x),
              (lambda m, x, out: m.sigmoid(x),),
              doc=("x.softplus()", "sigmoid(x)", ""))
RELU = Op("relu", "ReLU", ("x",), lambda m, x: m.select(x, x, 0.0),
          (lambda m, x, out: m.select(x, 1.0, 0.0),), kinks=((0.0,),),
          doc=("x.relu()", "1 if x > 0 else 0", "kink at 0"))
LEAKY_RELU = Op(
    "leaky_relu", "LeakyReLU", ("x", "slope"), lambda m, x, a: m.select(x, x, a * x),
    (lambda m, x, a, out: m.select(x, 1.0, a), lambda m, x, a, out: m.select(x, 0.0, x)),
    kinks=((0.0,), ()),
    doc=("x.leaky_relu(slope=0.01)", "1 if x > 0 else slope; 0 if x > 0 else x", "kink at 0"),
)
ELU = Op(
    # alpha <= 0 is a domain error for any x (the positive branch would hide it).
    "elu", "ELU", ("x", "alpha"),
    lambda m, x, a: m.positive(a, m.select(x, x, a * m.expm1(x))),
    # alpha * e^x, not out + alpha: no cancellation far left, no inf - inf for a huge alpha.
    (lambda m, x, a, out: m.select(x, 1.0, a * m.exp(x)),
     lambda m, x, a, out: m.select(x, 0.0, m.expm1(x))),
    domain=(REALS, POSITIVE), kinks=((0.0,), ()), domain_text="alpha > 0",
    doc=("x.elu(alpha=1.0)",
         "1 if x > 0 else alpha e^x; 0 if x > 0 else e^x - 1",
         "alpha > 0 (else a domain error, for any x), kink at 0"),
)
SELU = Op(
    "selu", "SELU", ("x",),
    lambda m, x: SELU_LAMBDA * m.select(x, x, SELU_ALPHA * m.expm1(x)),
    # lambda * alpha * e^x, not out + lambda * alpha: that cancels to 0.0 far left (x = -40).
    (lambda m, x, out: m.select(x, SELU_LAMBDA, SELU_LAMBDA * SELU_ALPHA * m.exp(x)),),
    kinks=((0.0,),),
    doc=("x.selu()", "λ if x > 0 else out + λα", "kink at 0"),
)
MAX = Op(
    # compare, not select(x - y, ...): x - y is NaN at equal infinities (max(-inf, -inf)),
    # a tie that softmax meets with two -inf inputs. (1 +- compare) / 2 is 1, 0, or 1/2 at
    # a tie (torch.maximum's even split), and NaN if either input is NaN.
    "max", "max", ("x", "y"), lambda m, x, y: m.maximum(x, y),
    (lambda m, x, y, out: (1.0 + m.compare(x, y)) * 0.5,
     lambda m, x, y, out: (1.0 - m.compare(x, y)) * 0.5),
    kink_where_equal=True,
    doc=("x.maximum(y)",
         "1 if x > y, 0 if x < y, 1/2 at a tie (torch.maximum's split); mirrored for y",
         "kink at x = y"),
)

# Variadic: one node for a whole sum. A neuron's weighted sum is one `dot` node (and a
# loss averaged over a batch one `sum` node) instead of a chain of 2n binary nodes.
SUM = Op("sum", "Σ", ("x",), lambda m, x: x, (lambda m, x, out: 1.0,), variadic=True,
         doc=("autograd.total([x0, x1, ...])", "1 for each", "any number of operands"))
DOT = Op("dot", "dot", ("w", "x"), lambda m, w, x: w * x,
         (lambda m, w, x, out: x, lambda m, w, x, out: w), variadic=True,
         doc=("autograd.dot([w0, w1, ...], [x0, x1, ...])",
              "x_i for w_i, w_i for x_i",
              "parents w0, x0, w1, x1, ..."))

TABLE: tuple[Op, ...] = (
    ADD, SUB, MUL, DIV, POW, NEG, ABS, EXP, LOG, SQRT, SIN, COS,
    TANH, SIGMOID, SOFTPLUS, RELU, LEAKY_RELU, ELU, SELU, MAX, SUM, DOT,
)
"""Every primitive, in a fixed order (tests, strategies and docs iterate over it)."""
# fmt: on

OPS: Mapping[str, Op] = MappingProxyType({op.name: op for op in TABLE})
"""The table by name."""


def _table_op(name: str) -> Op:
    """The table entry called ``name`` (what an unpickled op is)."""
    return OPS[name]


def _folded_op(name: str, slot: int, value: float) -> Op:
    """The table entry ``name`` with ``value`` folded into ``slot`` (an unpickled fold)."""
    return OPS[name].fold(slot, value)


_FUNCTION_OPS: dict[str, Op] = {}
# Ops made outside the table (pow's partial ops, autograd.powlog): each pickles as the
# call that makes it again, (factory, args).
REBUILT: dict[Op, tuple[Callable[..., Op], tuple[Any, ...]]] = {}


def _refolded(factory: Callable[..., Op], args: tuple[Any, ...], slot: int, value: float) -> Op:
    """``factory(*args)`` with ``value`` folded into ``slot`` (an unpickled fold)."""
    return factory(*args).fold(slot, value)


def function_op(name: str) -> Op:
    """The op of a registry function that has no entry in the table (cached).

    A second-order ``grad`` differentiates the partials, and a partial may call a function
    that is no op (``expm1`` in ELU's): its node gets this op, built from the function's
    registry row (its derivative), so the table needs no entry for it.

    Example:
        >>> op = function_op("expm1")
        >>> op.fwd(1e-10), op.local_partials(0.0, 0.0)
        (1.00000000005e-10, (1.0,))
    """
    op = _FUNCTION_OPS.get(name)
    if op is None:
        row = FUNCTIONS[name]
        derivative = row.derivative
        if row.arity != 1 or derivative is None:
            raise ValueError(f"function_op: {name!r} has no derivative in the registry")
        op = Op(
            name,
            name,
            ("x",),
            lambda m, x: getattr(m, name)(x),
            (lambda m, x, out: derivative(m, x),),
        )
        _FUNCTION_OPS[name] = op
    return op
