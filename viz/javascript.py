"""The op table's formulas as JavaScript: what the playground's page compiles and runs.

Every formula of the op table is a function of a *math space* ``m``; called with
:class:`Js` operands and :class:`JavaScriptSpace`, it writes a JavaScript expression
instead of computing a number, the way the engine's float kernels are written from the
same formulas. The page substitutes a node's operands into these templates, so its
forward and backward passes are the engine's formulas, in JavaScript's float64.
"""

from __future__ import annotations

import math
from typing import Any

from autograd import TABLE

Number = int | float


def _text(value: Js | Number) -> str:
    """JavaScript source of an expression or a number (``repr``: the shortest round trip)."""
    if isinstance(value, Js):
        return value.text
    number = float(value)
    if math.isnan(number):
        return "nan"
    if math.isinf(number):
        return "inf" if number > 0 else "(-inf)"
    return f"({number!r})" if number < 0 else repr(number)


class Js:
    """A JavaScript expression that the op table's formulas build with ``+ - * / **``.

    Example:
        >>> (Js("$0") * Js("$1") + 1).text
        '(($0 * $1) + 1.0)'
    """

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def _binary(self, symbol: str, left: Js | Number, right: Js | Number) -> Js:
        return Js(f"({_text(left)} {symbol} {_text(right)})")

    def __add__(self, other: Js | Number) -> Js:
        return self._binary("+", self, other)

    def __radd__(self, other: Number) -> Js:
        return self._binary("+", other, self)

    def __sub__(self, other: Js | Number) -> Js:
        return self._binary("-", self, other)

    def __rsub__(self, other: Number) -> Js:
        return self._binary("-", other, self)

    def __mul__(self, other: Js | Number) -> Js:
        return self._binary("*", self, other)

    def __rmul__(self, other: Number) -> Js:
        return self._binary("*", other, self)

    def __truediv__(self, other: Js | Number) -> Js:
        return self._binary("/", self, other)

    def __rtruediv__(self, other: Number) -> Js:
        return self._binary("/", other, self)

    def __pow__(self, other: Js | Number) -> Js:
        return Js(f"_pow({_text(self)}, {_text(other)})")

    def __rpow__(self, other: Number) -> Js:
        return Js(f"_pow({_text(other)}, {_text(self)})")

    def __neg__(self) -> Js:
        return Js(f"(-{self.text})")


class JavaScriptSpace:
    """The math space that writes JavaScript: the op table's formulas for the page.

    A function of the registry (``m.exp(x)``) becomes a call of its helper (``_exp(x)``),
    which ``playground_engine.js`` defines with the registry's edge rules; ``select``
    becomes a conditional expression with the float kernels' NaN case.

    Example:
        >>> JavaScriptSpace().select(Js("$0"), 1.0, 0.0).text
        '($0 > 0.0 ? 1.0 : $0 <= 0.0 ? 0.0 : nan)'
    """

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return lambda *args: Js(f"_{name}({', '.join(_text(a) for a in args)})")

    def select(self, x: Js, positive: Any, otherwise: Any) -> Js:
        """``positive`` where x > 0, ``otherwise`` where x <= 0, NaN where x is NaN."""
        yes, no = (_text(b() if callable(b) else b) for b in (positive, otherwise))
        condition = _text(x)
        return Js(f"({condition} > 0.0 ? {yes} : {condition} <= 0.0 ? {no} : nan)")

    def positive(self, alpha: Js, value: Js | Number) -> Js:
        """``value``, and an error where alpha <= 0 (ELU's parameter)."""
        return Js(f"_positive({_text(alpha)}, {_text(value)})")


def op_templates() -> dict[str, dict[str, Any]]:
    """Every op of the table as JavaScript expression templates, for the page's compiler.

    Operand ``k`` is written ``$k`` and the op's output ``$out``; a variadic op's templates
    are one group's term and partials (the page sums them over the groups).

    Example:
        >>> ops = op_templates()
        >>> ops["tanh"]["forward"], ops["tanh"]["partials"]
        ('_tanh($0)', ['(1.0 - ($out * $out))'])
        >>> ops["mul"]["partials"]
        ['$1', '$0']
    """
    space = JavaScriptSpace()
    templates = {}
    for op in TABLE:
        args = [Js(f"${k}") for k in range(len(op.inputs))]
        out = Js("$out")
        templates[op.name] = {
            "forward": _text(op.forward(space, *args)),
            "partials": [_text(p(space, *args, out)) for p in op.partials],
            "variadic": op.variadic,
        }
    return templates
