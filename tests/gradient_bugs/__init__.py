"""A corpus of seeded derivative bugs, each paired with the correct code it mutates.

Three families, each generated or written in its own module:

- :mod:`.op_mutants`: copies of op-table entries with one partial replaced (sign, factor,
  constant offset, wrong operand, wrong only at a kink, only for negative inputs, only
  for large |x|) and table ops wrapped in a Function whose backward is right in value but
  computes floats (wrong only in second order). The library is never edited.
- :mod:`.function_bugs`: ``autograd.Function`` subclasses with a wrong ``backward``.
- :mod:`.closure_bugs`: micrograd-style ``_backward`` closures gone wrong.

``corpus()`` lists them all; ``tests/autograd/test_testing.py`` checks that each bug is
real (differs from its truth somewhere) and that ``check_gradients`` finds a sample;
``tests/benchmarks/bench_gradcheck.py`` runs the whole corpus.
"""

from __future__ import annotations

from tests.gradient_bugs.bug import Bug
from tests.gradient_bugs.closure_bugs import closure_bugs
from tests.gradient_bugs.function_bugs import function_bugs
from tests.gradient_bugs.op_mutants import op_mutants


def corpus() -> list[Bug]:
    """Every seeded bug, in a fixed order, with unique names."""
    bugs = [*op_mutants(), *function_bugs(), *closure_bugs()]
    names = [b.name for b in bugs]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise ValueError(f"corpus: duplicate bug names {sorted(duplicates)}")
    return bugs


__all__ = ["Bug", "corpus"]
