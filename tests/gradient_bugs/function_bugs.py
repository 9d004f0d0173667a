"""Hand-written wrong ``autograd.Function.backward``s, each beside its correct twin.

Each base operation is written once as a correct Function; each bug is a subclass that
overrides ``backward`` only (the class name says the base and the mistake).
"""

from __future__ import annotations

import math
from typing import Any

from autograd import Context, Function, Interval, Value
from tests.gradient_bugs.bug import REALS, Bug

POSITIVE = Interval(0.0)


def _data(x: Any) -> float:
    return x.data if isinstance(x, Value) else float(x)


class Cube(Function):
    """x ** 3."""

    @staticmethod
    def forward(ctx: Context, x: Any) -> float:
        ctx.save_for_backward(x)
        return _data(x) ** 3

    @staticmethod
    def backward(ctx: Context, grad_output: Any) -> Any:
        (x,) = ctx.saved_values
        return grad_output * 3.0 * x * x


class Sin(Function):
    """sin(x); backward through Values so that second order is right too."""

    @staticmethod
    def forward(ctx: Context, x: Any) -> float:
        ctx.save_for_backward(x)
        return math.sin(_data(x))

    @staticmethod
    def backward(ctx: Context, grad_output: Any) -> Any:
        (x,) = ctx.saved_values
        # cos(x) = sin(x + pi/2), written with Sin itself so create_graph sees it
        return grad_output * Sin.apply(x + math.pi / 2) if isinstance(x, Value) else (
            grad_output * math.cos(x))  # fmt: skip


class Exp(Function):
    """e ** x, saving its own output."""

    @staticmethod
    def forward(ctx: Context, x: Any) -> Value:
        out = Value(math.exp(_data(x)))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Context, grad_output: Any) -> Any:
        (out,) = ctx.saved_values
        return grad_output * out


class Mul(Function):
    """x * y."""

    @staticmethod
    def forward(ctx: Context, x: Any, y: Any) -> float:
        ctx.save_for_backward(x, y)
        return _data(x) * _data(y)

    @staticmethod
    def backward(ctx: Context, grad_output: Any) -> Any:
        x, y = ctx.saved_values
        return grad_output * y, grad_output * x


class Hypot(Function):
    """sqrt(x**2 + y**2 + 1): smooth everywhere."""

    @staticmethod
    def forward(ctx: Context, x: Any, y: Any) -> float:
        ctx.save_for_backward(x, y)
        return math.sqrt(_data(x) ** 2 + _data(y) ** 2 + 1.0)

    @staticmethod
    def backward(ctx: Context, grad_output: Any) -> Any:
        x, y = ctx.saved_values
        r = (x * x + y * y + 1.0) ** 0.5
        return grad_output * x / r, grad_output * y / r


class Scale(Function):
    """x * c, c usually a number (a Value is accepted too)."""

    @staticmethod
    def forward(ctx: Context, x: Any, c: Any) -> float:
        ctx.save_for_backward(x, c)
        return _data(x) * _data(c)

    @staticmethod
    def backward(ctx: Context, grad_output: Any) -> Any:
        x, c = ctx.saved_values
        return grad_output * c, grad_output * x


class SoftClip(Function):
    """x where |x| <= 1, else sign(x) * (1 + log|x|): a C1 function with two pieces."""

    @staticmethod
    def forward(ctx: Context, x: Any) -> float:
        ctx.save_for_backward(x)
        v = _data(x)
        return v if abs(v) <= 1.0 else math.copysign(1.0 + math.log(abs(v)), v)

    @staticmethod
    def backward(ctx: Context, grad_output: Any) -> Any:
        (x,) = ctx.saved_values
        return grad_output * (1.0 if abs(_data(x)) <= 1.0 else 1.0 / abs(x))


CORRECT: tuple[type[Function], ...] = (Cube, Sin, Exp, Mul, Hypot, Scale, SoftClip)
"""The correct twins: no false alarm is allowed on any of them."""


def _bug(base: type[Function], mistake: str, backward: Any) -> type[Function]:
    name = f"{base.__name__}_{mistake.replace(' ', '_').replace('-', '_')}"
    return type(name, (base,), {"backward": staticmethod(backward), "__doc__": mistake})


def _unary_bugs(base: type[Function]) -> dict[str, Any]:
    true = base.backward

    def forgets(ctx: Context, g: Any) -> Any:
        return true(ctx, 1.0)

    def forward_value(ctx: Context, g: Any) -> Any:
        (x,) = ctx.saved_values
        return g * base.forward(Context((True,)), _data(x))

    def output_for_input(ctx: Context, g: Any) -> Any:
        # the derivative formula evaluated at the output instead of the input
        (x,) = ctx.saved_values
        inner = Context((True,))
        y = base.forward(inner, _data(x))
        inner2 = Context((True,))
        base.forward(inner2, _data(y))
        return true(inner2, g)

    def subdomain(ctx: Context, g: Any) -> Any:
        (x,) = ctx.saved_values
        right = true(ctx, g)
        # the saved value is the input (the output for Exp): wrong where it is below 0.4
        return right if _data(x) > 0.4 else -right + g

    def plus_one(ctx: Context, g: Any) -> Any:
        return true(ctx, g) + g

    return {"forgets grad_output": forgets, "returns the forward value": forward_value,
            "uses the output for the input": output_for_input,
            "wrong on a subdomain": subdomain, "off by grad_output": plus_one}  # fmt: skip


def _binary_bugs(base: type[Function]) -> dict[str, Any]:
    true = base.backward

    def swaps(ctx: Context, g: Any) -> Any:
        a, b = true(ctx, g)
        return b, a

    def forgets(ctx: Context, g: Any) -> Any:
        a, b = true(ctx, 1.0)
        return a, b

    def second_lost(ctx: Context, g: Any) -> Any:
        a, _ = true(ctx, g)
        return a, None

    def number_input(ctx: Context, g: Any) -> Any:
        # wrong only when an input is a plain number (needs_input_grad says which)
        a, b = true(ctx, g)
        if not all(ctx.needs_input_grad):
            return 2.0 * a if ctx.needs_input_grad[0] else a, 2.0 * b
        return a, b

    def subdomain(ctx: Context, g: Any) -> Any:
        x, _ = ctx.saved_values
        a, b = true(ctx, g)
        return (a, b) if _data(x) >= 0 else (a * 2.0, b)

    return {"swaps the gradients": swaps, "forgets grad_output": forgets,
            "drops the second gradient": second_lost,
            "wrong when an input is a number": number_input,
            "wrong for negative x": subdomain}  # fmt: skip


def function_bugs() -> list[Bug]:
    """Every wrong-backward bug, built from the correct twins."""
    bugs = []
    for base in CORRECT:
        arity = 1 if base in (Cube, Sin, Exp, SoftClip) else 2
        mistakes = _unary_bugs(base) if arity == 1 else _binary_bugs(base)
        for mistake, backward in mistakes.items():
            wrong = _bug(base, mistake, backward)
            bugs.append(Bug(f"Function/{base.__name__}/{mistake}", "Function", mistake,
                            wrong, base, (REALS,) * arity, wrong.__name__))  # fmt: skip
    return bugs


__all__ = ["CORRECT", "function_bugs"]
