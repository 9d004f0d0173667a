"""The op table's math space over sympy: the independent symbolic oracle.

The same table formulas evaluated here give sympy expressions; sympy differentiates the
forward formula itself, and the tests compare that with the table's partials.
"""

import sympy


class SympySpace:
    """exp/log/... as sympy functions; ``select`` is a Piecewise taking ``otherwise`` at 0."""

    exp = staticmethod(sympy.exp)
    log = staticmethod(sympy.log)
    sqrt = staticmethod(sympy.sqrt)
    tanh = staticmethod(sympy.tanh)
    abs = staticmethod(sympy.Abs)
    sign = staticmethod(sympy.sign)

    # d/dx Max(x, y) is Heaviside(x - y), 1/2 at a tie: the engine's convention.
    maximum = staticmethod(sympy.Max)

    @staticmethod
    def compare(x, y):
        return sympy.sign(x - y)

    @staticmethod
    def expm1(x):
        return sympy.exp(x) - 1

    @staticmethod
    def sigmoid(x):
        return 1 / (1 + sympy.exp(-x))

    @staticmethod
    def softplus(x):
        return sympy.log(1 + sympy.exp(x))

    @staticmethod
    def positive(alpha, value):
        # The domain (alpha > 0) is the engine's check; symbolically the formula is value.
        return value

    @staticmethod
    def select(x, positive, otherwise):
        # relu'(0) = 0 and friends: the x > 0 branch is strict, as in the engine.
        branches = [b() if callable(b) else b for b in (positive, otherwise)]
        return sympy.Piecewise((branches[0], x > 0), (branches[1], True))


SYMPY = SympySpace()
