"""Small 2-D toy data sets for classifiers, and the exact truth tables of the source articles.

The random generators return ``(X, y)``: ``X`` a float64 array of shape ``(n_samples, 2)``,
``y`` an int64 array of class labels ``0, 1, ...``. Each takes ``seed``: an int (the same
int always gives the same data) or a ``numpy.random.Generator`` (which is advanced, so
successive calls differ).

``make_moons``, ``make_circles`` and ``make_blobs`` are also scikit-learn's: they take its
keywords and defaults, and with ``random_state=`` (an int or a ``numpy.random.RandomState``)
or with no seed at all (numpy's global random state, which ``np.random.seed`` seeds) they
follow its documented algorithm step for step, so they return exactly its points:
``make_moons(n_samples=100, noise=0.1, random_state=1337)`` is scikit-learn's data set.

The tables (:func:`logic_gate_table`, :func:`umbrella`) are exact: int64 arrays of 0/1 in
truth-table order, inputs counting up in binary. :func:`load_digits` reads real data: the
UCI handwritten digits, shipped with the package (CC BY 4.0).

The package has four rooms: :mod:`nn.datasets.generators` (moons, circles, blobs, spiral,
XOR), :mod:`nn.datasets.digits` (generated and real digits), :mod:`nn.datasets.tables`
(truth tables) and :mod:`nn.datasets.sources` (the random sources and checks they share).

Example:
    >>> X, y = make_moons(6, noise=0.0, seed=0, shuffle=False)
    >>> X.shape, X.dtype, y.tolist()
    ((6, 2), dtype('float64'), [0, 0, 0, 1, 1, 1])
"""

from nn.datasets.digits import Bunch, load_digits, make_digits
from nn.datasets.generators import make_blobs, make_circles, make_moons, make_spiral, make_xor

# The type aliases, importable from here as before the split (not in __all__).
from nn.datasets.sources import Dataset as Dataset
from nn.datasets.sources import RandomState as RandomState
from nn.datasets.sources import Seed as Seed
from nn.datasets.tables import GATE_NAMES, logic_gate_table, umbrella

__all__ = [
    "GATE_NAMES",
    "Bunch",
    "load_digits",
    "logic_gate_table",
    "make_blobs",
    "make_circles",
    "make_digits",
    "make_moons",
    "make_spiral",
    "make_xor",
    "umbrella",
]
