"""micrograd-style ``_backward`` closures gone wrong, each beside its correct twin.

An op here is a function of Values that builds ``Value(data, parents, name)`` and
assigns ``out._backward``, as in micrograd's engine and a learner's own code.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from autograd import Interval, Value
from tests.gradient_bugs.bug import REALS, Bug

Rule = Callable[..., None]


def _unary(name: str, f: Callable[[float], float], df: Callable[[float, float], float],
           mistake: str = "") -> Callable[[Value], Value]:  # fmt: skip
    """A one-input closure op; ``mistake`` picks a wrong backward ("" is correct)."""

    def op(x: Value) -> Value:
        out = Value(f(x.data), (x,), name)

        def _backward() -> None:
            local = df(x.data, out.data)
            if mistake == "= for +=":
                x.grad = local * out.grad
            elif mistake == "missing out.grad":
                x.grad += local
            elif mistake == "sign":
                x.grad -= local * out.grad
            elif mistake == "output for input":
                x.grad += df(out.data, f(out.data)) * out.grad
            else:
                x.grad += local * out.grad

        out._backward = _backward
        return out

    op.__name__ = name
    return op


def _binary(name: str, f: Callable[[float, float], float],
            dx: Callable[[float, float], float], dy: Callable[[float, float], float],
            mistake: str = "") -> Callable[[Value, Value], Value]:  # fmt: skip
    """A two-input closure op; ``mistake`` picks a wrong backward ("" is correct)."""

    def op(a: Value, b: Value) -> Value:
        out = Value(f(a.data, b.data), (a, b), name)

        def _backward() -> None:
            ga, gb = dx(a.data, b.data), dy(a.data, b.data)
            if mistake == "= for +=":
                a.grad = ga * out.grad
                b.grad = gb * out.grad
            elif mistake == "missing out.grad":
                a.grad += ga
                b.grad += gb
            elif mistake == "wrong under reuse":
                # sets the gradient of a value that is both inputs only once
                if a is b:
                    a.grad += ga * out.grad
                else:
                    a.grad += ga * out.grad
                    b.grad += gb * out.grad
            elif mistake == "second = for +=":
                a.grad += ga * out.grad
                b.grad = gb * out.grad
            elif mistake == "swapped":
                a.grad += gb * out.grad
                b.grad += ga * out.grad
            else:
                a.grad += ga * out.grad
                b.grad += gb * out.grad

        out._backward = _backward
        return out

    op.__name__ = name
    return op


def _sigmoid(x: float) -> float:
    return 0.5 * (1.0 + math.tanh(0.5 * x))


UNARY: dict[str, tuple[Any, Any, Interval]] = {
    "tanh": (math.tanh, lambda x, t: 1.0 - t * t, REALS),
    "exp": (math.exp, lambda x, e: e, REALS),
    "sigmoid": (_sigmoid, lambda x, s: s * (1.0 - s), REALS),
    "square": (lambda x: x * x, lambda x, o: 2.0 * x, REALS),
    "cube": (lambda x: x**3, lambda x, o: 3.0 * x * x, REALS),
}
BINARY: dict[str, tuple[Any, Any, Any]] = {
    "mul": (lambda a, b: a * b, lambda a, b: b, lambda a, b: a),
    "add": (lambda a, b: a + b, lambda a, b: 1.0, lambda a, b: 1.0),
    "sub": (lambda a, b: a - b, lambda a, b: 1.0, lambda a, b: -1.0),
    "wsum": (lambda a, b: 2.0 * a + 3.0 * b, lambda a, b: 2.0, lambda a, b: 3.0),
}
UNARY_MISTAKES = ("= for +=", "missing out.grad", "sign", "output for input")
BINARY_MISTAKES = ("= for +=", "missing out.grad", "wrong under reuse", "second = for +=",
                   "swapped")  # fmt: skip


def correct_closures() -> list[tuple[Callable[..., Value], tuple[Interval, ...]]]:
    """The correct twins with their domains: no false alarm is allowed on any of them."""
    found = [(_unary(n, f, d), (dom,)) for n, (f, d, dom) in UNARY.items()]
    found += [(_binary(n, f, a, b), (REALS, REALS)) for n, (f, a, b) in BINARY.items()]
    return found


def closure_bugs() -> list[Bug]:
    """Every wrong-closure bug."""
    bugs = [
        Bug(f"closure/{name}/{mistake}", "closure", mistake, _unary(name, f, d, mistake),
            _unary(name, f, d), (dom,), name)
        for name, (f, d, dom) in UNARY.items()
        for mistake in UNARY_MISTAKES
    ]  # fmt: skip
    for name, (f, a, b) in BINARY.items():
        for mistake in BINARY_MISTAKES:
            if mistake == "swapped" and name in ("add",):
                continue  # equal partials: swapping changes nothing
            bugs.append(Bug(f"closure/{name}/{mistake}", "closure", mistake,
                            _binary(name, f, a, b, mistake), _binary(name, f, a, b),
                            (REALS, REALS), name))  # fmt: skip
    return bugs


__all__ = ["closure_bugs", "correct_closures"]
