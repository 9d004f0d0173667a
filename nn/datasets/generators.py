"""The random 2-D (and n-D) generators: moons, circles, blobs, spiral arms, XOR corners.

``make_moons``, ``make_circles`` and ``make_blobs`` are also scikit-learn's: they take its
keywords and defaults, and with ``random_state=`` (or no seed at all) follow its algorithm
step for step, so they return exactly its points. ``make_spiral`` and ``make_xor`` are
chainrule's own. See :mod:`nn.datasets` for the conventions all of them share.

Example:
    >>> X, y = make_xor(4, noise=0.0, shuffle=False)
    >>> y.tolist()
    [0, 1, 1, 0]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from nn.checks import count, non_negative, real
from nn.datasets.sources import (
    Dataset,
    RandomState,
    Seed,
    class_labels,
    counts,
    finish,
    finish_as_sklearn,
    flag,
    generator,
    legacy_state,
    noise_or_none,
    split,
    two_sizes,
)

__all__ = ["make_blobs", "make_circles", "make_moons", "make_spiral", "make_xor"]


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
    sizes = two_sizes("make_moons", n_samples)
    noise = noise_or_none("make_moons", noise)
    shuffle = flag("make_moons", "shuffle", shuffle)
    sklearn_rng = legacy_state("make_moons", seed, random_state)
    t_outer = np.linspace(0.0, np.pi, sizes[0])
    t_inner = np.linspace(0.0, np.pi, sizes[1])
    outer = np.column_stack([np.cos(t_outer), np.sin(t_outer)])
    inner = np.column_stack([1.0 - np.cos(t_inner), 1.0 - np.sin(t_inner) - 0.5])
    points, labels = np.vstack([outer, inner]), class_labels(sizes)
    if sklearn_rng is not None:
        return finish_as_sklearn(points, labels, noise, shuffle, sklearn_rng)
    return finish(points, labels, noise or 0.0, shuffle, generator("make_moons", seed))


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
        factor: radius of the inner circle, in [0, 1) (0 puts the inner class at the origin).
        seed: an int or a ``numpy.random.Generator``: chainrule's own random stream.
        shuffle: shuffle the rows (otherwise label 0 comes first).
        random_state: scikit-learn's: an int, a ``numpy.random.RandomState``, or None
            for numpy's global random state.

    Returns:
        ``(X, y)``: float64 points of shape ``(n_samples, 2)``, int64 labels 0 (outer
        circle) and 1 (inner circle).

    Raises:
        TypeError: an argument of the wrong type, or both ``seed`` and ``random_state``.
        ValueError: ``n_samples < 1``, a pair with a negative count or not two counts,
            ``noise < 0``, ``factor`` outside [0, 1) or a negative seed.

    Example:
        >>> X, y = make_circles(4, factor=0.5, shuffle=False)
        >>> X.round(6).tolist(), y.tolist()
        ([[1.0, 0.0], [-1.0, 0.0], [0.5, 0.0], [-0.5, 0.0]], [0, 0, 1, 1])
        >>> make_circles(n_samples=(2, 3), shuffle=False)[1].tolist()
        [0, 0, 1, 1, 1]
    """
    sizes = two_sizes("make_circles", n_samples)
    noise = noise_or_none("make_circles", noise)
    factor = real("make_circles", "factor", factor)
    if not 0.0 <= factor < 1.0:
        raise ValueError(f"make_circles(factor): expected 0 <= factor < 1, got {factor}")
    shuffle = flag("make_circles", "shuffle", shuffle)
    sklearn_rng = legacy_state("make_circles", seed, random_state)
    rings = []
    for radius, size in zip([1.0, factor], sizes, strict=True):
        angle = np.linspace(0.0, 2.0 * np.pi, size, endpoint=False)
        # cos(a) * r, in this order: scikit-learn's rounding, bit for bit.
        rings.append(np.column_stack([np.cos(angle) * radius, np.sin(angle) * radius]))
    points, labels = np.vstack(rings), class_labels(sizes)
    if sklearn_rng is not None:
        return finish_as_sklearn(points, labels, noise, shuffle, sklearn_rng)
    return finish(points, labels, noise or 0.0, shuffle, generator("make_circles", seed))


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
    per_centre = counts("make_blobs", n_samples, "a sequence of counts per centre")
    if per_centre is None:
        n_samples = count("make_blobs", "n_samples", n_samples)
    n_features = count("make_blobs", "n_features", n_features)
    shuffle = flag("make_blobs", "shuffle", shuffle)
    return_centers = flag("make_blobs", "return_centers", return_centers)
    low, high = _box(center_box)
    sklearn_rng = legacy_state("make_blobs", seed, random_state)
    rng = generator("make_blobs", seed) if sklearn_rng is None else sklearn_rng
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
    sizes = split(n_samples, len(centres)) if per_centre is None else per_centre
    n_samples = sum(sizes)
    labels = class_labels(sizes)
    if sklearn_rng is not None:
        # scikit-learn draws each cluster's points in turn, around its centre.
        points = np.vstack(
            [
                sklearn_rng.normal(loc=centre, scale=std, size=(size, centres.shape[1]))
                for centre, std, size in zip(centres, stds, sizes, strict=True)
            ]
        )
        X, y = finish_as_sklearn(points, labels, None, shuffle, sklearn_rng)
    else:
        # Each row starts at its cluster's centre; unit normals scaled per row add the spread.
        points = (
            centres[labels] + rng.normal(size=(n_samples, centres.shape[1])) * stds[labels, None]
        )
        X, y = finish(points, labels, 0.0, shuffle, rng)
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
    # numpy draws low + (high - low) * u: a width beyond the float range cannot be drawn.
    if not np.isfinite(high - low):
        raise ValueError(
            f"make_blobs(center_box): high - low overflows a float, got {center_box!r:.60}"
        )
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
    shuffle = flag("make_spiral", "shuffle", shuffle)
    rng = generator("make_spiral", seed)
    sizes = split(n_samples, n_classes)
    arms = []
    for arm, size in enumerate(sizes):
        radius = np.linspace(_SPIRAL_START, 1.0, size)
        angle = 2.0 * np.pi * arm / n_classes + _SPIRAL_TURN * radius
        if noise > 0.0:
            angle = angle + rng.normal(scale=noise, size=size)
        arms.append(radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)]))
    return finish(np.vstack(arms), class_labels(sizes), 0.0, shuffle, rng)


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
    shuffle = flag("make_xor", "shuffle", shuffle)
    rng = generator("make_xor", seed)
    corners = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.int64)
    corner_of_row = class_labels(split(n_samples, 4))
    bits = corners[corner_of_row]
    labels = bits[:, 0] ^ bits[:, 1]
    return finish(bits.astype(np.float64), labels, noise, shuffle, rng)
