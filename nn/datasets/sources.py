"""The random sources and shared steps behind every data set generator in ``nn.datasets``.

Two random sources: chainrule's own (``seed``: an int or a ``numpy.random.Generator``) and
scikit-learn's (``random_state``: an int, a ``numpy.random.RandomState`` or None for numpy's
global state), each with the order of steps its data sets follow. The checks name the
generator and the argument they reject.

Example:
    >>> split(7, 3), class_labels([2, 1]).tolist()
    ([3, 2, 2], [0, 0, 1])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from nn.checks import count, flag, non_negative

__all__ = [
    "Dataset",
    "RandomState",
    "Seed",
    "class_labels",
    "counts",
    "finish",
    "finish_as_sklearn",
    "flag",
    "generator",
    "legacy_state",
    "noise_or_none",
    "split",
    "two_sizes",
]

Seed = int | np.integer | np.random.Generator | None
RandomState = int | np.integer | np.random.RandomState | None
Dataset = tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]


def generator(function: str, seed: Seed) -> np.random.Generator:
    """Chainrule's random source: ``seed`` itself if a Generator, else a new one from it."""
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


def legacy_state(function: str, seed: Seed, random_state: RandomState) -> Any:
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


def noise_or_none(function: str, noise: float | None) -> float | None:
    """scikit-learn's ``noise``: None (no noise drawn at all) or a number >= 0."""
    return None if noise is None else non_negative(function, "noise", noise)


def finish_as_sklearn(
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


def counts(function: str, n_samples: object, expected: str) -> list[int] | None:
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


def two_sizes(function: str, n_samples: object) -> list[int]:
    """The sizes of the outer and inner class: ``n_samples`` halved (outer ``n // 2``) or a pair."""
    pair = counts(function, n_samples, "a pair (outer, inner)")
    if pair is None:
        total = count(function, "n_samples", n_samples)
        return [total // 2, total - total // 2]
    if len(pair) != 2:
        raise ValueError(
            f"{function}(n_samples): expected an int or a pair (outer, inner), "
            f"got {len(pair)} counts: {n_samples!r:.60}"
        )
    return pair


def split(n_samples: int, n_groups: int) -> list[int]:
    """Group sizes as equal as possible, the first groups taking the remainder."""
    base, extra = divmod(n_samples, n_groups)
    return [base + (group < extra) for group in range(n_groups)]


def finish(
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


def class_labels(sizes: Sequence[int]) -> npt.NDArray[np.int64]:
    """Labels 0, 1, ... repeated ``sizes[0]``, ``sizes[1]``, ... times."""
    return np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)
