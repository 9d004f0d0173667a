"""Turn op-table formulas into Python source, and that source into float kernels.

Every formula in the op table is a plain function of a *math space* ``m`` and its inputs.
Called with :class:`Expr` inputs and a :class:`SourceSpace`, a formula writes Python source
instead of computing a number. The engine compiles that source once per op into small
float functions (forward, local partials, vector-Jacobian product), so the eager engine runs
straight-line float code that was generated from the same table the tests and the symbolic
oracle read. A future graph compiler can use the same writer with another dialect.
"""

from __future__ import annotations

import functools
import math
import re
import types
from collections.abc import Callable
from typing import Any

from autograd.elementary import FUNCTIONS, ROWS

Number = int | float
Branch = "Expr | Number | Callable[[], Expr | Number]"


class Expr:
    """A fragment of Python source that supports the arithmetic operators.

    Example:
        >>> x, y = Expr("x"), Expr("y")
        >>> (x * y + 1).text
        '((x * y) + 1.0)'
    """

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return f"Expr({self.text!r})"

    def __add__(self, other: Expr | Number) -> Expr:
        return _binary("+", self, other)

    def __radd__(self, other: Number) -> Expr:
        return _binary("+", other, self)

    def __sub__(self, other: Expr | Number) -> Expr:
        return _binary("-", self, other)

    def __rsub__(self, other: Number) -> Expr:
        return _binary("-", other, self)

    def __mul__(self, other: Expr | Number) -> Expr:
        return _binary("*", self, other)

    def __rmul__(self, other: Number) -> Expr:
        return _binary("*", other, self)

    def __truediv__(self, other: Expr | Number) -> Expr:
        return _binary("/", self, other)

    def __rtruediv__(self, other: Number) -> Expr:
        return _binary("/", other, self)

    def __pow__(self, other: Expr | Number) -> Expr:
        return Expr(f"_pow({source(self)}, {source(other)})")

    def __rpow__(self, other: Number) -> Expr:
        return Expr(f"_pow({source(other)}, {source(self)})")

    def __neg__(self) -> Expr:
        return Expr(f"(-{self.text})")


def source(value: Expr | Number) -> str:
    """The source text of an expression or a number literal (``repr`` of the float)."""
    if isinstance(value, Expr):
        return value.text
    number = float(value)
    if math.isnan(number):
        return "nan"
    if math.isinf(number):
        return "inf" if number > 0 else "(-inf)"
    text = repr(number)
    return f"({text})" if text.startswith("-") else text


def _is_literal(value: Expr | Number, number: float) -> bool:
    return not isinstance(value, Expr) and float(value) == number


def _binary(symbol: str, left: Expr | Number, right: Expr | Number) -> Expr:
    # Multiplying by a literal 1 is the common case for partials such as d(x + y)/dx;
    # dropping it keeps the generated kernels (and their `.source`) short.
    if symbol == "*":
        if _is_literal(left, 1.0):
            return right if isinstance(right, Expr) else Expr(source(right))
        if _is_literal(right, 1.0):
            return left if isinstance(left, Expr) else Expr(source(left))
        if _is_literal(right, -1.0) and isinstance(left, Expr):
            return -left
    return Expr(f"({source(left)} {symbol} {source(right)})")


class SourceSpace:
    """The math space whose functions write Python source for float kernels.

    ``m.exp(x)`` returns the expression ``_exp(x)``: every function of the registry
    (:mod:`autograd.elementary`) by its helper name, bound in :data:`FLOAT_GLOBALS`.
    """

    def __getattr__(self, name: str) -> Callable[..., Expr]:
        row = FUNCTIONS.get(name)
        if row is None:
            raise AttributeError(f"the math space has no function {name!r}")
        return lambda *args: Expr(f"{row.helper}({', '.join(source(a) for a in args)})")

    def select(self, x: Expr, positive: Branch, otherwise: Branch) -> Expr:
        """``positive`` where x > 0, ``otherwise`` where x <= 0, NaN where x is NaN.

        A branch may be a thunk. NaN is neither > 0 nor <= 0: it takes neither branch
        and the result is NaN, so relu(nan) and relu'(nan) are NaN (PyTorch: relu'(nan) = 1).
        """
        # A conditional expression evaluates only the branch it takes, so the branch for
        # x <= 0 (say expm1(x) in ELU) never runs, and never overflows, for a large x.
        # The second test costs nothing for x > 0, and one comparison for x <= 0.
        yes, no = (source(b() if callable(b) else b) for b in (positive, otherwise))
        condition = source(x)
        return Expr(f"({yes} if {condition} > 0.0 else {no} if {condition} <= 0.0 else nan)")

    def powlog(
        self, x: Expr | Number, y: Expr | Number, k: float, power: Expr | None = None
    ) -> Expr:
        """``x ** y * log(x) ** k`` (the registry's ``powlog``); ``power`` is ``x ** y`` if known.

        With the power at hand (pow's own y-partial, k = 1) the kernel multiplies it by
        ``log(x)`` in place, with no call, as the registry's helper does (0 where the power
        is 0); otherwise it calls the helper.
        """
        if power is None or k != 1.0:
            return Expr(f"_powlog({source(x)}, {source(y)}, {source(k)})")
        p, base = source(power), source(x)
        # `p or`: a nonzero power (every common case) costs no second test; x < 0 takes
        # the log, whose domain error says y has no derivative there ((-inf) ** -1 = -0.0).
        return Expr(f"({p} * _log({base}) if {p} or {base} < 0.0 else {p})")

    def positive(self, alpha: Expr, value: Expr | Number) -> Expr:
        """``value``, and a domain error (``ValueError``) where alpha <= 0.

        A NaN alpha is no domain error: it reaches the result only through ``value``.
        An op whose parameter must be positive (ELU's alpha) wraps its forward formula in
        this, whatever branch the input takes.
        """
        return Expr(f"_positive({source(alpha)}, {source(value)})")


SOURCE_SPACE = SourceSpace()


class NumpySourceSpace(SourceSpace):
    """The math space that writes source for numpy arrays (a batch of samples at once).

    The same helper names are bound to numpy functions (:func:`numpy_globals`); only
    ``select`` differs: a conditional expression cannot branch per element, so it becomes
    ``_select`` (two ``numpy.where``), which evaluates both branches (the caller silences
    their warnings), and ``positive`` marks a bad alpha with NaN for the caller to find.
    """

    def select(self, x: Expr, positive: Branch, otherwise: Branch) -> Expr:
        """``positive`` where x > 0, ``otherwise`` where x <= 0, NaN where x is NaN."""
        yes, no = (source(b() if callable(b) else b) for b in (positive, otherwise))
        return Expr(f"_select({source(x)}, {yes}, {no})")

    def powlog(
        self, x: Expr | Number, y: Expr | Number, k: float, power: Expr | None = None
    ) -> Expr:
        """As :meth:`SourceSpace.powlog`, per element: ``_select`` in place of ``if``."""
        if power is None or k != 1.0:
            return super().powlog(x, y, k)
        p, base = source(power), source(x)
        product = f"{p} * _log({base})"
        return Expr(f"_select(abs({p}), {product}, _select(-{base}, {product}, {p}))")


NUMPY_SOURCE_SPACE = NumpySourceSpace()


def _positive(alpha: float, value: float) -> float:
    if alpha <= 0.0:  # not for nan: a NaN alpha reaches the result only through value
        raise ValueError("alpha must be > 0")
    return value


FLOAT_GLOBALS: dict[str, Any] = {
    # The few builtins kernels use; the loops of variadic ops need the last five.
    "__builtins__": {"abs": abs, "iter": iter, "zip": zip, "sum": sum, "tuple": tuple},
    "inf": math.inf,
    "nan": math.nan,
    **{row.helper: row.floats for row in ROWS},
    "_positive": _positive,
}


def numpy_globals() -> dict[str, Any]:
    """The helpers of :class:`NumpySourceSpace` source, bound to numpy (imported here)."""
    import numpy as np  # noqa: PLC0415 - the engine itself needs only the standard library

    def select(x: Any, positive: Any, otherwise: Any) -> Any:
        # NaN is neither > 0 nor <= 0: the third case keeps it (x itself), as in the float
        # kernels' conditional expression. One where, and a second only if there is a NaN
        # (half the time of two nested wheres, on a layer's matrix).
        result = np.where(x > 0.0, positive, otherwise)
        nan = np.isnan(x)
        return np.where(nan, x, result) if nan.any() else result

    def positive(alpha: Any, value: Any) -> Any:
        # alpha <= 0 becomes NaN: the replay's check finds the sample and the engine's
        # kernels raise the domain error for it.
        return np.where(alpha <= 0.0, math.nan, value)

    return {
        "__builtins__": {"abs": abs},
        "inf": math.inf,
        "nan": math.nan,
        **{row.helper: functools.partial(row.numpy, np) for row in ROWS},
        "_select": select,
        "_positive": positive,
    }


def compile_function(
    name: str, params: list[str], body: str, setup: str = ""
) -> tuple[Callable[..., Any], str]:
    """Compile ``def name(params): [setup;] return body`` against :data:`FLOAT_GLOBALS`.

    The body comes from the op table (our own formulas), never from user text.
    """
    first = f"    {setup}\n" if setup else ""
    text = f"def {name}({', '.join(params)}):\n{first}    return {body}\n"
    namespace: dict[str, Any] = {}
    exec(compile(text, f"<chainrule kernel {name}>", "exec"), FLOAT_GLOBALS, namespace)  # noqa: S102
    return namespace[name], text


Kernels = tuple[Callable[..., Any], Callable[..., Any], Callable[..., Any], str]


def _tuple_source(items: list[str]) -> str:
    return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"


def forward_source(op: Any) -> str:
    """The source of ``op``'s forward formula over its input names (``(x * y)``)."""
    return source(op.forward(SOURCE_SPACE, *(Expr(n) for n in op.inputs)))


def kernels(op: Any, constant_slot: int | None) -> Kernels:
    """Generate an op's float kernels: forward, local partials, vector-Jacobian product.

    Parameters are the op's input names, plus ``out`` (the op's output) and ``g`` (the
    upstream gradient). A folded constant is the last parameter, its default set per
    number by :func:`with_constant`: one code object per slot, and a plain Python call
    (through a ``functools.partial``, chain A's backward step took 179, not 148 ns).
    """
    names = list(op.inputs)
    args = [Expr(n) for n in names]
    out = Expr("out")
    forward = forward_source(op)
    partial_exprs = [p(SOURCE_SPACE, *args, out) for p in op.partials]
    partials = [source(p) for p in partial_exprs]
    live = [i for i in range(len(names)) if i != constant_slot]
    # The default is a placeholder: with_constant gives each folded number its own.
    lead = [] if constant_slot is None else [f"{names[constant_slot]}=0.0"]
    values = [names[i] for i in live]
    tag = "" if constant_slot is None else f"_c{constant_slot}"
    products = [source(Expr("g") * partial_exprs[i]) for i in live]
    vjp_body = products[0] if len(products) == 1 else _tuple_source(products)
    fwd, fwd_text = compile_function(f"{op.name}_forward{tag}", values + lead, forward)
    loc, loc_text = compile_function(
        f"{op.name}_partials{tag}",
        [*values, "out", *lead],
        _tuple_source([partials[i] for i in live]),
    )
    vjp, vjp_text = compile_function(f"{op.name}_vjp{tag}", ["g", *values, "out", *lead], vjp_body)
    return fwd, loc, vjp, fwd_text + loc_text + vjp_text


def with_constant(kernel: Callable[..., Any], value: float) -> Callable[..., Any]:
    """The folded-constant ``kernel`` (from :func:`kernels`) with its constant set to ``value``."""
    return types.FunctionType(
        kernel.__code__, kernel.__globals__, kernel.__name__, (value,), kernel.__closure__
    )


def variadic_kernels(op: Any, constant_slot: None) -> Kernels:
    """Float kernels of a variadic op: loops over the groups of a flat operand tuple.

    Signatures match the fixed-arity kernels: ``fwd(*operands)``,
    ``local_partials(*operands, out)`` and ``vjp(g, *operands, out)``.
    """
    names = list(op.inputs)
    args = [Expr(n) for n in names]
    term = source(op.forward(SOURCE_SPACE, *args))
    partial_exprs = [p(SOURCE_SPACE, *args, Expr("out")) for p in op.partials]
    partials = [source(p) for p in partial_exprs]
    if any(re.search(r"\bout\b", text) for text in partials):
        raise ValueError(f"op {op.name!r}: a variadic op's partials must not use out")
    products = [source(Expr("g") * p) for p in partial_exprs]
    # zip(it, it) walks a flat tuple two at a time: the groups (w0, x0), (w1, x1), ...
    group = ", ".join(names) + ("," if len(names) == 1 else "")
    loop = f"for {group} in zip({', '.join(['it'] * len(names))})"
    fwd, fwd_text = compile_function(
        f"{op.name}_forward", ["*v"], f"sum([{term} {loop}])", setup="it = iter(v)"
    )
    setup = "it = iter(v[:-1])"
    each = _tuple_source(partials)
    loc, loc_text = compile_function(
        f"{op.name}_partials", ["*v"], f"tuple([c {loop} for c in {each}])", setup
    )
    vjp, vjp_text = compile_function(
        f"{op.name}_vjp", ["g", "*v"], f"[c {loop} for c in {_tuple_source(products)}]", setup
    )
    return fwd, loc, vjp, fwd_text + loc_text + vjp_text
