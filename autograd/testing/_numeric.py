"""Finite differences that tell a wrong derivative from a kink or rounding noise.

A derivative is called wrong only when *no* honest estimate supports it: for each of
several step sizes, the central difference and both one-sided differences are computed,
each with its own error bound (truncation and rounding). At a kink the one-sided slopes
differ, and any of them (or their mean, PyTorch's convention at a tie) is accepted; a
value outside all of them is a bug. Near a domain border, a step that leaves the domain
is dropped and the other side is used.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

_ULP = 2.220446049250313e-16


@dataclass(frozen=True)
class Estimate:
    """What finite differences say about one derivative.

    Attributes:
        numeric: the best single estimate (central difference at the first usable step).
        supported: whether the analytic value agrees with some estimate.
        usable: False when no step could be evaluated (outside the domain, overflow).
    """

    numeric: float
    supported: bool
    usable: bool


def _safe(f: Callable[[float], float], x: float) -> float | None:
    try:
        y = float(f(x))
    except (ArithmeticError, ValueError, TypeError):
        return None
    return y if math.isfinite(y) else None


def _jumps(f: Callable[[float], float], x: float, centre: float) -> bool:
    """Whether ``f`` jumps at ``x``: its change does not shrink with the step."""
    h = 1e-7 * max(abs(x), 1.0)
    for side in (1.0, -1.0):
        near, far = _safe(f, x + side * h), _safe(f, x + side * 1000.0 * h)
        if near is None or far is None:
            continue
        small, large = abs(near - centre), abs(far - centre)
        if small > 1e-9 * (1.0 + abs(centre)) and small > 0.5 * large:
            return True
    return False


def _steps(x: float) -> list[float]:
    scale = abs(x)
    # relative steps, and a much smaller one for functions that oscillate at large |x|
    # (sin at 1e6 turns within a relative step of 1e-6)
    steps = [1e-6 * max(scale, 1.0), 1e-4 * max(scale, 1.0), 1e-10 * max(scale, 1.0)]
    if 0.0 < scale < 1.0:
        steps.append(1e-6 * scale)  # tiny inputs next to a border (log near 0)
    return [h for h in steps if x + h != x and x - h != x]  # no step below the float grid


def judge(
    f: Callable[[float], float], x: float, analytic: float, atol: float, rtol: float
) -> Estimate:
    """Whether ``analytic`` is an honest derivative of ``f`` at ``x``.

    Example:
        >>> judge(abs, 0.0, 1.0, 1e-6, 1e-4).supported  # the right-hand slope at a kink
        True
        >>> judge(abs, 0.0, 3.0, 1e-6, 1e-4).supported
        False
        >>> round(judge(math.exp, 1.0, 2.0, 1e-6, 1e-4).numeric, 6)
        2.718282
    """
    centre = _safe(f, x)
    best: float | None = None
    if centre is None or not math.isfinite(analytic) or _jumps(f, x, centre):
        # undefined here (outside the domain, overflow, a jump in f): no honest estimate;
        # a non-finite analytic value is the engine's domain error, not a wrong number
        return Estimate(math.nan, True, False)
    for h in _steps(x):
        points = {k: _safe(f, x + k * h) for k in (-2, -1, 1, 2)}
        size = max([abs(centre)] + [abs(v) for v in points.values() if v is not None])
        rounding = 16.0 * _ULP * size / h
        candidates: list[float] = []
        if points[1] is not None and points[-1] is not None:
            candidates.append((points[1] - points[-1]) / (2.0 * h))
        # second-order one-sided differences: exact on a straight piece, so at a kink each
        # side's slope is measured without the other side's bend
        for sign in (1, -1):
            near, far = points[sign], points[2 * sign]
            if near is not None and far is not None:
                candidates.append(sign * (-3.0 * centre + 4.0 * near - far) / (2.0 * h))
        if candidates and best is None:
            best = candidates[0]
        if not math.isfinite(analytic):
            continue
        for estimate in candidates:
            if abs(analytic - estimate) <= atol + rtol * abs(estimate) + rounding:
                return Estimate(estimate, True, True)
    if best is None:
        return Estimate(math.nan, True, False)
    return Estimate(best, False, True)
