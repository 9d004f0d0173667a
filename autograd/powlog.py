"""The ops of pow's higher derivatives: the powlog family and the corner at x = 0.

pow's y-partial is x ** y log(x), the registry's ``powlog(x, y, 1)``
(:mod:`autograd.elementary`). The family powlog(x, y, k) = x ** y log(x) ** k is closed
under both partials:

    d/dy powlog(x, y, k) = powlog(x, y, k + 1)
    d/dx powlog(x, y, k) = k powlog(x, y - 1, k - 1) + y powlog(x, y - 1, k)

with powlog(x, y, 0) = x ** y. So every derivative of pow, of any order, is a sum of
terms each computed in one step, with its limits at x = 0 (0 for y > 0) and x = inf (0
for y < 0), and an error where it is infinite. Built of ``log`` and ``*`` nodes instead,
a derivative met 1/x (inf at a subnormal x) times x ** y, and 0 * inf at x = inf.

These ops are not in the table: like :func:`autograd.ops.function_op`'s, their nodes
appear only in the graphs of partials (``grad(create_graph=True)``).
"""

from __future__ import annotations

from typing import Any

from autograd.ops import POSITIVE, REALS, REBUILT, Op

_FAMILY: dict[int, Op] = {}


def powlog_op(k: int) -> Op:
    """The op ``powlog(x, y, k) = x ** y * log(x) ** k`` for an integer k >= 1 (cached).

    Example:
        >>> import math
        >>> op = powlog_op(1)
        >>> op.fwd(2.0, 3.0) == 8.0 * math.log(2.0)
        True
        >>> op.local_partials(5e-324, 1.0, op.fwd(5e-324, 1.0))[0]  # 1 + log(5e-324)
        -743.4400719213812
    """
    op = _FAMILY.get(k)
    if op is not None:
        return op
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"powlog_op: k must be an integer >= 1, got {k!r}")
    power = float(k)

    def dx(m: Any, x: Any, y: Any, out: Any) -> Any:
        lower = m.powlog(x, y - 1.0, power - 1.0)
        # y powlog(x, y - 1, k) is 0 at y = 0, where powlog(x, -1, k) overflows for a tiny
        # x (0 * inf): there it is the same function as (y / x) * out, as in pow's
        # x-partial. For x >= 1 the product is finite (and y / x * out is 0 * inf at inf).
        same = m.select(
            m.abs(y),
            lambda: y * m.powlog(x, y - 1.0, power),
            lambda: m.select(1.0 - x, lambda: y / x * out, lambda: y * m.powlog(x, y - 1.0, power)),
        )
        return (lower if k == 1 else power * lower) + same

    op = Op(
        f"powlog{k}",
        f"powlog{k}",  # drawn as a call: powlog1(x, y)
        ("x", "y"),
        lambda m, x, y: m.powlog(x, y, power),
        (dx, lambda m, x, y, out: m.powlog(x, y, power + 1.0)),
        domain=(POSITIVE, REALS),
        domain_text="x ** y log(x) ** k: x > 0, or x = 0 with y > 0; its x-partial at x = 0 "
        "only for y > 1",
    )
    REBUILT[op] = (powlog_op, (k,))
    _FAMILY[k] = op
    return op


def pow_corner_op() -> Op:
    """The op ``pow_corner(x, y)``: 0, with x-partial 0 and no y-partial (an error).

    pow's partials at x = 0 have a value there for y = 0 and y = 1 (0, and 1 =
    d(x ** 1)/dx), but no derivative: d2(x ** y)/dx dy = x ** (y - 1) (1 + y log(x)) is
    infinite. Each such partial adds ``pow_corner`` with the other input second, so that
    a second-order ``grad`` raises "derivative undefined" naming it, instead of
    differentiating the first-order convention (a number). With that input a number
    (``x ** 1.0``, or x = 0 held fixed) there is no node, and nothing raises:
    d2(x ** 1)/dx2 = 0, d2(0 ** y)/dy2 = 0.

    Example:
        >>> pow_corner_op().local_partials(0.0, 1.0, 0.0)
        Traceback (most recent call last):
        ...
        ZeroDivisionError: float division by zero
    """
    return _CORNER


_CORNER = Op(
    "pow_corner",
    "pow_corner",
    ("x", "y"),
    lambda m, x, y: m.pow_corner(x, y),
    # 0 / 0: a ZeroDivisionError in floats and on Values, NaN in numpy (the replay's check).
    (lambda m, x, y, out: 0.0, lambda m, x, y, out: 0.0 / out),
    domain_text="the partials of x ** y at x = 0 for 0 <= y <= 1 have no derivative: "
    "x ** (y - 1) (1 + y log(x)) is infinite there",
)
REBUILT[_CORNER] = (pow_corner_op, ())
