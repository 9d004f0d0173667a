"""One seeded bug: the wrong code, the right code, and how to tell them apart."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from autograd import Interval, Op, Value, apply, grad

REALS = Interval()
GRID = (0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 1.7, -1.3, 3.0, -3.0, 25.0, -25.0, 40.0, -40.0)


@dataclass(frozen=True)
class Bug:
    """A wrong derivative and its truth.

    Attributes:
        name: unique, ``family/base/mutation``.
        family: "op", "Function" or "closure".
        kind: the kind of mistake ("sign", "forgets grad_output", "= for +=", ...).
        target: what ``check_gradients`` is given (an Op, a Function subclass or a function).
        truth: the correct counterpart, same signature.
        domains: per input, where it is defined.
        guilty: the name a message must contain (the op, Function or closure name).
    """

    name: str
    family: str
    kind: str
    target: Any
    truth: Any
    domains: tuple[Interval, ...]
    guilty: str
    extra: dict[str, Any] = field(default_factory=dict)

    def call(self, which: Any) -> Callable[..., Any]:
        """The target or truth as a function of its inputs."""
        if isinstance(which, Op):
            return lambda *xs: apply(which, *xs)
        if isinstance(which, type):
            return which.apply
        return which


def _points(domains: Sequence[Interval]) -> list[tuple[float, ...]]:
    axes = [[x for x in GRID if x in d] for d in domains]
    return list(itertools.product(*axes))


def _observe(f: Callable[..., Any], shape: str, point: tuple[float, ...]) -> list[float] | None:
    """Leaf gradients by backward() (and second derivatives when available) in a shape."""
    leaves = [Value(x) for x in point]
    try:
        if shape == "direct":
            out = f(*leaves)
        elif shape == "reuse":
            out = f(*[leaves[0]] * len(leaves))
        elif shape == "fan-out":
            out = f(*leaves) * leaves[0]
        else:  # "number j"
            j = int(shape.split()[1])
            out = f(*[x.data if i == j else x for i, x in enumerate(leaves)])
        if not isinstance(out, Value) or not math.isfinite(out.data):
            return None
        out.backward()
    except (ArithmeticError, ValueError, TypeError):
        return None
    seen = [leaf.grad for leaf in leaves]
    try:
        leaves2 = [Value(x) for x in point]
        out2 = f(*leaves2) if shape == "direct" else None
        if out2 is not None:
            firsts = grad(out2, leaves2, create_graph=True)
            for g in firsts:
                seen += grad(g, leaves2) if isinstance(g, Value) else [0.0] * len(leaves2)
    except (ArithmeticError, ValueError, TypeError):
        pass
    return seen


def differs(bug: Bug) -> str | None:
    """Where the bug's derivatives differ from the truth's ("shape at point"), or None."""
    shapes = ["direct", "fan-out"]
    if len(bug.domains) >= 2:
        shapes += ["reuse", *(f"number {j}" for j in range(len(bug.domains)))]
    wrong, right = bug.call(bug.target), bug.call(bug.truth)
    for shape in shapes:
        for point in _points(bug.domains):
            a, b = _observe(wrong, shape, point), _observe(right, shape, point)
            if a is None or b is None:
                continue
            for u, v in zip(a, b, strict=False):
                if math.isfinite(v) and not math.isclose(u, v, rel_tol=1e-6, abs_tol=1e-9):
                    return f"{shape} at {point}: {u!r} instead of {v!r}"
    return None
