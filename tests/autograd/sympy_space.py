"""The op table's math space over sympy: the independent symbolic oracle.

Every function is the sympy definition of its row in the registry
(:mod:`autograd.elementary`); sympy differentiates the forward formula itself, and the tests
compare that with the table's partials. Only the two control-flow helpers are written here.
"""

import functools

import sympy

from autograd.elementary import FUNCTIONS


class SympySpace:
    """The registry's functions as sympy; ``select`` is a Piecewise taking ``otherwise`` at 0."""

    def __getattr__(self, name):
        row = FUNCTIONS.get(name)
        if row is None:
            raise AttributeError(f"the sympy space has no function {name!r}")
        return functools.partial(row.sympy, sympy)

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
