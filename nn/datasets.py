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

Example:
    >>> X, y = make_moons(6, noise=0.0, seed=0, shuffle=False)
    >>> X.shape, X.dtype, y.tolist()
    ((6, 2), dtype('float64'), [0, 0, 0, 1, 1, 1])
"""

from __future__ import annotations

import gzip
from collections.abc import Sequence
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

from nn.checks import count, non_negative, real

__all__ = [
    "GATE_NAMES",
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

Seed = int | np.integer | np.random.Generator | None
RandomState = int | np.integer | np.random.RandomState | None
Dataset = tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]


# --- argument checks ---------------------------------------------------------------------
def _rng(function: str, seed: Seed) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None:
        return np.random.default_rng()
    # bool is an int subclass, but seed=True is far more likely a mistake than a seed.
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise TypeError(
            f"{function}(seed): expected an int, None or a numpy.random.Generator, "
            f"got {type(seed).__name__}: {seed!r:.60}"
        )
    if seed < 0:
        raise ValueError(f"{function}(seed): expected a non-negative int, got {seed}")
    return np.random.default_rng(int(seed))


def _random_state(function: str, seed: Seed, random_state: RandomState) -> Any:
    """scikit-learn's random source, or None when ``seed`` asks for chainrule's own.

    An int becomes ``numpy.random.RandomState(int)``; None is numpy's global random state
    (the module's functions draw from it, so ``np.random.seed`` seeds it), as in
    scikit-learn's ``check_random_state``.
    """
    if seed is not None:
        if random_state is not None:
            raise TypeError(f"{function}: pass seed or random_state, not both")
        return None
    if random_state is None:
        return np.random  # the legacy global RandomState, through its module functions
    if isinstance(random_state, np.random.RandomState):
        return random_state
    if isinstance(random_state, bool) or not isinstance(random_state, int | np.integer):
        raise TypeError(
            f"{function}(random_state): expected an int, None or a numpy.random.RandomState, "
            f"got {type(random_state).__name__}: {random_state!r:.60}"
        )
    if not 0 <= random_state < 2**32:
        raise ValueError(
            f"{function}(random_state): expected an int in [0, 2**32), got {random_state}"
        )
    return np.random.RandomState(int(random_state))


def _noise(function: str, noise: float | None) -> float | None:
    return None if noise is None else non_negative(function, "noise", noise)


def _sklearn_finish(
    points: npt.NDArray[np.float64],
    labels: npt.NDArray[np.int64],
    noise: float | None,
    shuffle: bool,
    random_state: Any,
) -> Dataset:
    """scikit-learn's order: shuffle the rows first (an index permutation), then add noise."""
    if shuffle:
        order = np.arange(len(labels))
        random_state.shuffle(order)
        points, labels = points[order], labels[order]
    if noise is not None:
        points = points + random_state.normal(scale=noise, size=points.shape)
    return (
        np.ascontiguousarray(points, dtype=np.float64),
        np.ascontiguousarray(labels, dtype=np.int64),
    )


def _flag(function: str, name: str, value: object) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{function}({name}): expected a bool, got {type(value).__name__}")
    return bool(value)


def _counts(function: str, n_samples: object, expected: str) -> list[int] | None:
    """``n_samples`` as counts per class (a tuple, list or 1-D array), checked; None for an int.

    Each count must be an int >= 0 and their sum >= 1, as an int ``n_samples`` must be.
    """
    if isinstance(n_samples, bool | str | bytes) or not isinstance(
        n_samples, Sequence | np.ndarray
    ):
        return None  # an int, or a bad type that count() names
    if isinstance(n_samples, np.ndarray) and n_samples.ndim != 1:
        raise ValueError(
            f"{function}(n_samples): expected an int or {expected}, "
            f"got an array of shape {n_samples.shape}"
        )
    values = list(n_samples)
    if not values:
        raise ValueError(f"{function}(n_samples): expected an int or {expected}, got no counts")
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            raise TypeError(
                f"{function}(n_samples): expected {expected} of ints, "
                f"got {type(value).__name__}: {value!r:.60}"
            )
        if value < 0:
            raise ValueError(
                f"{function}(n_samples): expected counts >= 0, got {value} in {n_samples!r:.60}"
            )
    if sum(values) < 1:
        raise ValueError(
            f"{function}(n_samples): expected counts adding up to >= 1, got {n_samples!r:.60}"
        )
    return [int(value) for value in values]


def _two_sizes(function: str, n_samples: object) -> list[int]:
    """The sizes of the outer and inner class: ``n_samples`` halved (outer ``n // 2``) or a pair."""
    pair = _counts(function, n_samples, "a pair (outer, inner)")
    if pair is None:
        total = count(function, "n_samples", n_samples)
        return [total // 2, total - total // 2]
    if len(pair) != 2:
        raise ValueError(
            f"{function}(n_samples): expected an int or a pair (outer, inner), "
            f"got {len(pair)} counts: {n_samples!r:.60}"
        )
    return pair


# --- shared steps ------------------------------------------------------------------------
def _split(n_samples: int, n_groups: int) -> list[int]:
    """Group sizes as equal as possible, the first groups taking the remainder."""
    base, extra = divmod(n_samples, n_groups)
    return [base + (group < extra) for group in range(n_groups)]


def _finish(
    points: npt.NDArray[np.float64],
    labels: npt.NDArray[np.int64],
    noise: float,
    shuffle: bool,
    rng: np.random.Generator,
) -> Dataset:
    """Add Gaussian noise of standard deviation ``noise`` and optionally shuffle rows."""
    if noise > 0.0:
        points = points + rng.normal(scale=noise, size=points.shape)
    if shuffle:
        order = rng.permutation(len(labels))
        points, labels = points[order], labels[order]
    return (
        np.ascontiguousarray(points, dtype=np.float64),
        np.ascontiguousarray(labels, dtype=np.int64),
    )


def _labels(sizes: Sequence[int]) -> npt.NDArray[np.int64]:
    return np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)


# --- random generators -------------------------------------------------------------------
def make_moons(
    n_samples: int | tuple[int, int] = 100,
    noise: float | None = None,
    seed: Seed = None,
    *,
    shuffle: bool = True,
    random_state: RandomState = None,
) -> Dataset:
    """Two interleaving half circles: a classic set no straight line separates.

    The outer moon (label 0) is ``(cos t, sin t)``, the inner moon (label 1) is
    ``(1 - cos t, 1 - sin t - 0.5)``, with ``t`` evenly spaced over ``[0, pi]``; the outer
    moon gets ``n_samples // 2`` points, the inner one the rest (or, as in scikit-learn,
    ``n_samples=(outer, inner)`` gives the two counts). Gaussian noise of standard
    deviation ``noise`` is then added to every coordinate. Without ``seed``, this is
    scikit-learn's ``make_moons`` point for point (rows shuffled, then noise added).

    Args:
        n_samples: number of points, >= 1; or a pair ``(outer, inner)`` of counts >= 0
            (at least one point in all).
        noise: standard deviation of the Gaussian noise, >= 0; None for none.
        seed: an int or a ``numpy.random.Generator``: chainrule's own random stream.
        shuffle: shuffle the rows (otherwise label 0 comes first).
        random_state: scikit-learn's: an int, a ``numpy.random.RandomState``, or None
            for numpy's global random state.

    Returns:
        ``(X, y)``: float64 points of shape ``(n_samples, 2)`` and int64 labels 0/1.

    Raises:
        TypeError: an argument of the wrong type, or both ``seed`` and ``random_state``.
        ValueError: ``n_samples < 1``, a pair with a negative count or not two counts,
            ``noise < 0`` or a negative seed.

    Example:
        >>> X, y = make_moons(4, shuffle=False)
        >>> X.round(6).tolist(), y.tolist()
        ([[1.0, 0.0], [-1.0, 0.0], [0.0, 0.5], [2.0, 0.5]], [0, 0, 1, 1])
        >>> X, y = make_moons(n_samples=100, noise=0.1, random_state=1337)
        >>> X[0].round(4).tolist(), y[:5].tolist()
        ([1.1221, 0.0815], [0, 0, 1, 0, 1])
        >>> make_moons(n_samples=(3, 1), shuffle=False)[1].tolist()
        [0, 0, 0, 1]
    """
    sizes = _two_sizes("make_moons", n_samples)
    noise = _noise("make_moons", noise)
    shuffle = _flag("make_moons", "shuffle", shuffle)
    sklearn_rng = _random_state("make_moons", seed, random_state)
    t_outer = np.linspace(0.0, np.pi, sizes[0])
    t_inner = np.linspace(0.0, np.pi, sizes[1])
    outer = np.column_stack([np.cos(t_outer), np.sin(t_outer)])
    inner = np.column_stack([1.0 - np.cos(t_inner), 1.0 - np.sin(t_inner) - 0.5])
    points, labels = np.vstack([outer, inner]), _labels(sizes)
    if sklearn_rng is not None:
        return _sklearn_finish(points, labels, noise, shuffle, sklearn_rng)
    return _finish(points, labels, noise or 0.0, shuffle, _rng("make_moons", seed))


def make_circles(  # noqa: PLR0913 - scikit-learn's argument list, so calls port unchanged
    n_samples: int | tuple[int, int] = 100,
    noise: float | None = None,
    factor: float = 0.8,
    seed: Seed = None,
    *,
    shuffle: bool = True,
    random_state: RandomState = None,
) -> Dataset:
    """A circle of radius 1 (label 0) around a circle of radius ``factor`` (label 1).

    The outer circle gets ``n_samples // 2`` points, the inner one the rest (or
    ``n_samples=(outer, inner)`` gives the two counts, as in scikit-learn), each evenly
    spaced in angle from 0 (inclusive) to 2 pi (exclusive), plus Gaussian noise. Without
    ``seed``, this is scikit-learn's ``make_circles`` point for point.

    Args:
        n_samples: number of points, >= 1; or a pair ``(outer, inner)`` of counts >= 0
            (at least one point in all).
        noise: standard deviation of the Gaussian noise, >= 0; None for none.
        factor: radius of the inner circle, strictly between 0 and 1.
        seed: an int or a ``numpy.random.Generator``: chainrule's own random stream.
        shuffle: shuffle the rows (otherwise label 0 comes first).
        random_state: scikit-learn's: an int, a ``numpy.random.RandomState``, or None
            for numpy's global random state.

    Returns:
        ``(X, y)``: float64 points of shape ``(n_samples, 2)`` and int64 labels 0/1.

    Raises:
        TypeError: an argument of the wrong type, or both ``seed`` and ``random_state``.
        ValueError: ``n_samples < 1``, a pair with a negative count or not two counts,
            ``noise < 0``, ``factor`` outside (0, 1) or a negative seed.

    Example:
        >>> X, y = make_circles(4, factor=0.5, shuffle=False)
        >>> X.round(6).tolist(), y.tolist()
        ([[1.0, 0.0], [-1.0, 0.0], [0.5, 0.0], [-0.5, 0.0]], [0, 0, 1, 1])
        >>> make_circles(n_samples=(2, 3), shuffle=False)[1].tolist()
        [0, 0, 1, 1, 1]
    """
    sizes = _two_sizes("make_circles", n_samples)
    noise = _noise("make_circles", noise)
    factor = real("make_circles", "factor", factor)
    if not 0.0 < factor < 1.0:
        raise ValueError(f"make_circles(factor): expected 0 < factor < 1, got {factor}")
    shuffle = _flag("make_circles", "shuffle", shuffle)
    sklearn_rng = _random_state("make_circles", seed, random_state)
    rings = []
    for radius, size in zip([1.0, factor], sizes, strict=True):
        angle = np.linspace(0.0, 2.0 * np.pi, size, endpoint=False)
        # cos(a) * r, in this order: scikit-learn's rounding, bit for bit.
        rings.append(np.column_stack([np.cos(angle) * radius, np.sin(angle) * radius]))
    points, labels = np.vstack(rings), _labels(sizes)
    if sklearn_rng is not None:
        return _sklearn_finish(points, labels, noise, shuffle, sklearn_rng)
    return _finish(points, labels, noise or 0.0, shuffle, _rng("make_circles", seed))


def make_blobs(  # noqa: PLR0913 - scikit-learn's argument list, so calls port unchanged
    n_samples: int | Sequence[int] = 100,
    n_features: int = 2,
    *,
    centers: int | npt.ArrayLike | None = None,
    cluster_std: float | Sequence[float] = 1.0,
    center_box: tuple[float, float] = (-10.0, 10.0),
    shuffle: bool = True,
    seed: Seed = None,
    random_state: RandomState = None,
    return_centers: bool = False,
) -> Any:
    """Isotropic Gaussian clusters, one class per centre.

    Without ``seed``, this is scikit-learn's ``make_blobs`` point for point: centres drawn
    uniformly from ``center_box``, then each cluster's points in turn, then the rows
    shuffled.

    Args:
        n_samples: number of points, >= 1, split as evenly as possible between the
            clusters (the first clusters take the remainder); or, as in scikit-learn, the
            number of points of each cluster (ints >= 0, at least one point in all): then
            ``centers`` is None (that many random centres) or has one centre per count.
        n_features: the number of coordinates of random centres, >= 1.
        centers: the number of clusters (None: 3), whose centres are then drawn uniformly
            from ``center_box`` in each coordinate; or the centres themselves, an array of
            shape ``(k, d)`` (``X`` then has ``d`` columns).
        cluster_std: the standard deviation of every cluster, or one per cluster; >= 0.
        center_box: the bounds ``(low, high)`` of random centres.
        shuffle: shuffle the rows (otherwise sorted by label).
        seed: an int or a ``numpy.random.Generator``: chainrule's own random stream.
        random_state: scikit-learn's: an int, a ``numpy.random.RandomState``, or None
            for numpy's global random state.
        return_centers: also return the centres, as a third array.

    Returns:
        ``(X, y)``: float64 points of shape ``(n_samples, d)`` and int64 labels
        ``0 .. k-1``; ``(X, y, centres)`` with ``return_centers=True``.

    Raises:
        TypeError: an argument of the wrong type.
        ValueError: ``n_samples < 1``, a negative count, counts that do not match the
            centres, no centres, badly shaped or non-finite centres, a negative or wrongly
            sized ``cluster_std`` or a negative seed.

    Example:
        >>> X, y = make_blobs(4, centers=[[0.0, 0.0], [5.0, 5.0]], cluster_std=0.0,
        ...                   shuffle=False)
        >>> X.tolist(), y.tolist()
        ([[0.0, 0.0], [0.0, 0.0], [5.0, 5.0], [5.0, 5.0]], [0, 0, 1, 1])
        >>> make_blobs([1, 3], centers=[[0.0], [1.0]], shuffle=False)[1].tolist()
        [0, 1, 1, 1]
    """
    per_centre = _counts("make_blobs", n_samples, "a sequence of counts per centre")
    if per_centre is None:
        n_samples = count("make_blobs", "n_samples", n_samples)
    n_features = count("make_blobs", "n_features", n_features)
    shuffle = _flag("make_blobs", "shuffle", shuffle)
    return_centers = _flag("make_blobs", "return_centers", return_centers)
    low, high = _box(center_box)
    sklearn_rng = _random_state("make_blobs", seed, random_state)
    rng = _rng("make_blobs", seed) if sklearn_rng is None else sklearn_rng
    if centers is None:
        centers = 3 if per_centre is None else len(per_centre)
    elif per_centre is not None and isinstance(centers, int | np.integer | bool):
        # scikit-learn: with counts per centre, the centres are None or given, not counted.
        raise ValueError(
            f"make_blobs(centers): with n_samples as counts per centre, expected None or an "
            f"array of {len(per_centre)} centres, got {centers!r:.60}"
        )
    if isinstance(centers, int | np.integer) and not isinstance(centers, bool):
        n_centers = count("make_blobs", "centers", centers)
        centres = rng.uniform(low, high, size=(n_centers, n_features))
    else:
        centres = _centres(centers)
    if per_centre is not None and len(per_centre) != len(centres):
        raise ValueError(
            f"make_blobs(centers): expected one centre per count in n_samples "
            f"({len(per_centre)}), got {len(centres)} centres"
        )
    stds = _stds(cluster_std, len(centres))
    sizes = _split(n_samples, len(centres)) if per_centre is None else per_centre
    n_samples = sum(sizes)
    labels = _labels(sizes)
    if sklearn_rng is not None:
        # scikit-learn draws each cluster's points in turn, around its centre.
        points = np.vstack(
            [
                sklearn_rng.normal(loc=centre, scale=std, size=(size, centres.shape[1]))
                for centre, std, size in zip(centres, stds, sizes, strict=True)
            ]
        )
        X, y = _sklearn_finish(points, labels, None, shuffle, sklearn_rng)
    else:
        # Each row starts at its cluster's centre; unit normals scaled per row add the spread.
        points = (
            centres[labels] + rng.normal(size=(n_samples, centres.shape[1])) * stds[labels, None]
        )
        X, y = _finish(points, labels, 0.0, shuffle, rng)
    return (X, y, centres) if return_centers else (X, y)


def _box(center_box: object) -> tuple[float, float]:
    if isinstance(center_box, str | bytes) or not isinstance(center_box, Sequence):
        raise TypeError(
            f"make_blobs(center_box): expected a pair (low, high), got {center_box!r:.60}"
        )
    if len(center_box) != 2:
        raise ValueError(
            f"make_blobs(center_box): expected a pair (low, high), got {center_box!r:.60}"
        )
    low, high = (real("make_blobs", "center_box", bound) for bound in center_box)
    if not low <= high:
        raise ValueError(f"make_blobs(center_box): expected low <= high, got {center_box!r:.60}")
    return low, high


def _centres(centers: object) -> npt.NDArray[np.float64]:
    if isinstance(centers, bool | str | bytes) or centers is None:
        raise TypeError(
            f"make_blobs(centers): expected an int or an array of shape (k, d), "
            f"got {type(centers).__name__}"
        )
    array = np.asarray(centers)
    if array.dtype.kind not in "iuf":
        raise TypeError(f"make_blobs(centers): expected numbers, got dtype {array.dtype}")
    if array.ndim != 2 or array.shape[0] < 1 or array.shape[1] < 1:
        raise ValueError(
            f"make_blobs(centers): expected an array of shape (k, d) with k, d >= 1, "
            f"got shape {array.shape}"
        )
    if not np.all(np.isfinite(array)):
        raise ValueError("make_blobs(centers): expected finite coordinates")
    return array.astype(np.float64)


def _stds(cluster_std: object, n_centers: int) -> npt.NDArray[np.float64]:
    if isinstance(cluster_std, Sequence | np.ndarray):
        stds = [non_negative("make_blobs", "cluster_std", std) for std in cluster_std]
        if len(stds) != n_centers:
            raise ValueError(
                f"make_blobs(cluster_std): expected one std per centre ({n_centers}), "
                f"got {len(stds)}"
            )
        return np.array(stds, dtype=np.float64)
    return np.full(n_centers, non_negative("make_blobs", "cluster_std", cluster_std))


# How far each spiral arm turns from its start to its end, in radians.
_SPIRAL_TURN = 4.0
# Radius where each spiral arm starts: above 0, or every arm would begin at the origin and
# the first points of different classes would coincide.
_SPIRAL_START = 0.1


def make_spiral(
    n_samples: int = 100,
    n_classes: int = 2,
    noise: float = 0.2,
    seed: Seed = None,
    *,
    shuffle: bool = True,
) -> Dataset:
    """Interleaved spiral arms, one per class: hard for a linear model, fine for an MLP.

    Arm ``k`` of ``K`` is the curve ``r (cos a, sin a)`` with radius ``r`` evenly spaced
    from 0.1 to 1 and angle ``a = 2 pi k / K + 4 r``, so the arms are rotated copies of one
    another. The noise is Gaussian, of standard deviation ``noise`` radians, added to each
    point's angle: points stay at their radius and slide along the circle, which keeps
    the arms distinguishable near the centre.

    Args:
        n_samples: number of points, >= 1, split as evenly as possible between the arms.
        n_classes: number of arms, >= 1.
        noise: standard deviation of the angular noise in radians, >= 0.
        seed: an int, None or a ``numpy.random.Generator``.
        shuffle: shuffle the rows (otherwise sorted by label).

    Returns:
        ``(X, y)``: float64 points of shape ``(n_samples, 2)`` and int64 labels
        ``0 .. n_classes-1``.

    Raises:
        TypeError: an argument of the wrong type.
        ValueError: ``n_samples < 1``, ``n_classes < 1``, ``noise < 0`` or a negative seed.

    Example:
        >>> X, y = make_spiral(6, n_classes=3, seed=0)
        >>> X.shape, sorted(y.tolist())
        ((6, 2), [0, 0, 1, 1, 2, 2])
    """
    n_samples = count("make_spiral", "n_samples", n_samples)
    n_classes = count("make_spiral", "n_classes", n_classes)
    noise = non_negative("make_spiral", "noise", noise)
    shuffle = _flag("make_spiral", "shuffle", shuffle)
    rng = _rng("make_spiral", seed)
    sizes = _split(n_samples, n_classes)
    arms = []
    for arm, size in enumerate(sizes):
        radius = np.linspace(_SPIRAL_START, 1.0, size)
        angle = 2.0 * np.pi * arm / n_classes + _SPIRAL_TURN * radius
        if noise > 0.0:
            angle = angle + rng.normal(scale=noise, size=size)
        arms.append(radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)]))
    return _finish(np.vstack(arms), _labels(sizes), 0.0, shuffle, rng)


def make_xor(
    n_samples: int = 100, noise: float = 0.1, seed: Seed = None, *, shuffle: bool = True
) -> Dataset:
    """Noisy copies of the four corners of the unit square, labelled ``x1 XOR x2``.

    The corners ``(0, 0), (0, 1), (1, 0), (1, 1)`` (labels 0, 1, 1, 0) share the points as
    evenly as possible, the first corners taking the remainder; Gaussian noise of standard
    deviation ``noise`` is added. No straight line separates the two classes.

    Args:
        n_samples: number of points, >= 1.
        noise: standard deviation of the Gaussian noise, >= 0.
        seed: an int, None or a ``numpy.random.Generator``.
        shuffle: shuffle the rows (otherwise grouped by corner, in the order above).

    Returns:
        ``(X, y)``: float64 points of shape ``(n_samples, 2)`` and int64 labels 0/1.

    Raises:
        TypeError: an argument of the wrong type.
        ValueError: ``n_samples < 1``, ``noise < 0`` or a negative seed.

    Example:
        >>> X, y = make_xor(4, noise=0.0, shuffle=False)
        >>> X.tolist(), y.tolist()
        ([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0, 1, 1, 0])
    """
    n_samples = count("make_xor", "n_samples", n_samples)
    noise = non_negative("make_xor", "noise", noise)
    shuffle = _flag("make_xor", "shuffle", shuffle)
    rng = _rng("make_xor", seed)
    corners = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.int64)
    corner_of_row = _labels(_split(n_samples, 4))
    bits = corners[corner_of_row]
    labels = bits[:, 0] ^ bits[:, 1]
    return _finish(bits.astype(np.float64), labels, noise, shuffle, rng)


# 8 x 8 strokes of the digits 0-9 ("#" is ink), drawn for this module.
_DIGIT_STROKES = (
    (
        "..####..",
        ".#....#.",
        ".#....#.",
        ".#....#.",
        ".#....#.",
        ".#....#.",
        ".#....#.",
        "..####..",
    ),
    (
        "...##...",
        "..###...",
        ".#.##...",
        "...##...",
        "...##...",
        "...##...",
        "...##...",
        ".######.",
    ),
    (
        "..####..",
        ".#....#.",
        "......#.",
        ".....#..",
        "....#...",
        "...#....",
        "..#.....",
        ".######.",
    ),
    (
        "..####..",
        ".#....#.",
        "......#.",
        "...###..",
        "......#.",
        "......#.",
        ".#....#.",
        "..####..",
    ),
    (
        ".....#..",
        "....##..",
        "...#.#..",
        "..#..#..",
        ".#...#..",
        ".######.",
        ".....#..",
        ".....#..",
    ),
    (
        ".######.",
        ".#......",
        ".#......",
        ".#####..",
        "......#.",
        "......#.",
        ".#....#.",
        "..####..",
    ),
    (
        "..####..",
        ".#......",
        ".#......",
        ".#####..",
        ".#....#.",
        ".#....#.",
        ".#....#.",
        "..####..",
    ),
    (
        ".######.",
        "......#.",
        ".....#..",
        "....#...",
        "...#....",
        "...#....",
        "...#....",
        "...#....",
    ),
    (
        "..####..",
        ".#....#.",
        ".#....#.",
        "..####..",
        ".#....#.",
        ".#....#.",
        ".#....#.",
        "..####..",
    ),
    (
        "..####..",
        ".#....#.",
        ".#....#.",
        ".#....#.",
        "..#####.",
        "......#.",
        "......#.",
        "..####..",
    ),
)


def make_digits(
    n_samples: int = 500, noise: float = 0.15, seed: Seed = None, *, shuffle: bool = True
) -> Dataset:
    """Small 8 x 8 images of the digits 0-9, generated (a tiny stand-in for MNIST).

    The images are *generated* from one hand-drawn stroke pattern per digit, not written by
    people: use :func:`load_digits` for real handwriting. Each image is one digit's
    strokes, shifted by up to one pixel in each direction, with Gaussian pixel noise of
    standard deviation ``noise``, clipped to [0, 1]. The digits share the samples as evenly
    as possible.

    Args:
        n_samples: number of images, >= 1.
        noise: standard deviation of the pixel noise, >= 0.
        seed: an int, None or a ``numpy.random.Generator``.
        shuffle: shuffle the rows (otherwise grouped by digit).

    Returns:
        ``(X, y)``: float64 pixels of shape ``(n_samples, 64)`` (row by row) and int64
        labels 0-9.

    Example:
        >>> X, y = make_digits(10, noise=0.0, seed=0, shuffle=False)
        >>> X.shape, y.tolist()
        ((10, 64), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    """
    n_samples = count("make_digits", "n_samples", n_samples)
    noise = non_negative("make_digits", "noise", noise)
    shuffle = _flag("make_digits", "shuffle", shuffle)
    rng = _rng("make_digits", seed)
    strokes = np.array(
        [[[c == "#" for c in row] for row in digit] for digit in _DIGIT_STROKES], dtype=np.float64
    )
    labels = _labels(_split(n_samples, 10))
    shifts = rng.integers(-1, 2, size=(n_samples, 2))
    images = np.stack(
        [
            np.roll(strokes[k], tuple(shift), axis=(0, 1))
            for k, shift in zip(labels, shifts, strict=True)
        ]
    )
    if noise > 0.0:
        images = np.clip(images + rng.normal(scale=noise, size=images.shape), 0.0, 1.0)
    return _finish(images.reshape(n_samples, 64), labels, 0.0, shuffle, rng)


# --- real data ---------------------------------------------------------------------------
_DIGITS_FILE = "data/digits.csv.gz"


def load_digits() -> Dataset:
    """The real UCI handwritten digits: 1,797 images of 8 x 8 pixels, labels 0-9.

    Each pixel is an integer 0-16: the number of "on" pixels in a 4 x 4 block of a 32 x 32
    bitmap of a digit written by one of 13 people. The data ships with chainrule
    (``nn/data/digits.csv.gz``, 54 kB) and is read from the installed package, so no
    network or other library is needed. It is the test file ``optdigits.tes`` of
    *Optical Recognition of Handwritten Digits* (E. Alpaydin, C. Kaynak, 1998), UCI
    Machine Learning Repository, https://doi.org/10.24432/C50P49, licensed CC BY 4.0
    (https://creativecommons.org/licenses/by/4.0/); scikit-learn bundles the same images
    as ``sklearn.datasets.load_digits``. ``nn/data/README.md`` gives the details.

    Rows are in the file's order (not shuffled): split with your own seeded permutation.
    Divide ``X`` by 16 for pixels in [0, 1].

    Returns:
        ``(X, y)``: float64 pixels of shape ``(1797, 64)`` (each image row by row, values
        0-16) and int64 labels 0-9 of shape ``(1797,)``.

    Example:
        >>> X, y = load_digits()
        >>> X.shape, y.shape, float(X.min()), float(X.max()), sorted(set(y.tolist()))
        ((1797, 64), (1797,), 0.0, 16.0, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    """
    # importlib.resources finds the file inside an installed wheel as well as a checkout.
    resource = resources.files("nn").joinpath(_DIGITS_FILE)
    with resource.open("rb") as compressed, gzip.open(compressed, "rt") as text:
        table = np.loadtxt(text, delimiter=",", comments="#", dtype=np.int64)
    return (
        np.ascontiguousarray(table[:, :64], dtype=np.float64),
        np.ascontiguousarray(table[:, 64], dtype=np.int64),
    )


# --- exact tables ------------------------------------------------------------------------
_TWO_INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.int64)

_GATE_OUTPUTS: dict[str, list[int]] = {
    "and": [0, 0, 0, 1],
    "or": [0, 1, 1, 1],
    "nand": [1, 1, 1, 0],
    "nor": [1, 0, 0, 0],
    "xor": [0, 1, 1, 0],
    "not": [1, 0],
}

#: The gate names :func:`logic_gate_table` knows.
GATE_NAMES: tuple[str, ...] = tuple(_GATE_OUTPUTS)


def logic_gate_table(name: str) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The truth table of a logic gate as ``(X, y)`` int64 arrays of 0/1.

    Rows are in truth-table order, ``(0, 0), (0, 1), (1, 0), (1, 1)``; ``"not"`` has one
    input, so its ``X`` is ``[[0], [1]]``.

    Args:
        name: one of ``"and"``, ``"or"``, ``"nand"``, ``"nor"``, ``"xor"``, ``"not"``
            (case-insensitive).

    Returns:
        ``(X, y)`` with ``X`` of shape ``(4, 2)`` (``(2, 1)`` for NOT) and ``y`` the outputs.

    Raises:
        TypeError: ``name`` is not a str.
        ValueError: an unknown gate; the message lists the known ones.

    Example:
        >>> X, y = logic_gate_table("xor")
        >>> X.tolist(), y.tolist()
        ([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0])
    """
    if not isinstance(name, str):
        raise TypeError(f"logic_gate_table(name): expected a str, got {type(name).__name__}")
    key = name.strip().lower()
    if key not in _GATE_OUTPUTS:
        raise ValueError(
            f"logic_gate_table(name): unknown gate {name!r}; expected one of "
            f"{', '.join(GATE_NAMES)}"
        )
    inputs = np.array([[0], [1]], dtype=np.int64) if key == "not" else _TWO_INPUTS.copy()
    return inputs, np.array(_GATE_OUTPUTS[key], dtype=np.int64)


def umbrella() -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The source articles' "do I need an umbrella?" table.

    ``x1`` = it is raining, ``x2`` = I have a car; take an umbrella only when it rains and
    there is no car: ``y = x1 AND NOT x2``. Unlike XOR it is linearly separable, so a single
    perceptron learns it.

    Returns:
        ``(X, y)`` int64 arrays: ``X`` of shape ``(4, 2)`` in truth-table order, ``y`` 0/1.

    Example:
        >>> X, y = umbrella()
        >>> X.tolist(), y.tolist()
        ([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 0, 1, 0])
    """
    return _TWO_INPUTS.copy(), np.array([0, 0, 1, 0], dtype=np.int64)
