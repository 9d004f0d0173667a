"""One point per op of the table, inside its domain and away from its kinks.

For tests that need one call of every op (the expression language, the command line),
not a distribution (hypothesis strategies draw those, see ``autograd.strategies``).
"""

from autograd import Op

CANDIDATES = (0.7, 1.3, -0.6, 2.1, -1.7)


def example_operands(op: Op) -> list[float]:
    """A number per operand slot (two groups for a variadic op), each slot a different one.

    Example: ``pow`` gets x = 0.7, y = 1.3; ``max`` gets two different numbers (no tie).
    """
    slots = []
    for slot, (interval, kinks) in enumerate(zip(op.domain, op.kinks, strict=True)):
        rotated = CANDIDATES[slot:] + CANDIDATES[:slot]
        slots.append(next(c for c in rotated if c in interval and c not in kinks))
    if op.variadic:  # two groups, the second with other numbers
        slots += [x + 0.25 for x in slots]
    return slots
