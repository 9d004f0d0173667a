"""Handwritten digits: generated 8 x 8 images (``make_digits``), the real UCI set (``load_digits``).

Example:
    >>> X, y = make_digits(10, noise=0.0, seed=0, shuffle=False)
    >>> X.shape, y.tolist()[:3]
    ((10, 64), [0, 1, 2])
"""

from __future__ import annotations

import gzip
from importlib import resources
from typing import Any

import numpy as np

from nn.checks import count, non_negative
from nn.datasets.sources import Dataset, Seed, class_labels, finish, flag, generator, split

__all__ = ["Bunch", "load_digits", "make_digits"]


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
    shuffle = flag("make_digits", "shuffle", shuffle)
    rng = generator("make_digits", seed)
    strokes = np.array(
        [[[c == "#" for c in row] for row in digit] for digit in _DIGIT_STROKES], dtype=np.float64
    )
    labels = class_labels(split(n_samples, 10))
    shifts = rng.integers(-1, 2, size=(n_samples, 2))
    images = np.stack(
        [
            np.roll(strokes[k], tuple(shift), axis=(0, 1))
            for k, shift in zip(labels, shifts, strict=True)
        ]
    )
    if noise > 0.0:
        images = np.clip(images + rng.normal(scale=noise, size=images.shape), 0.0, 1.0)
    return finish(images.reshape(n_samples, 64), labels, 0.0, shuffle, rng)


_DIGITS_FILE = "data/digits.csv.gz"


class Bunch(dict):
    """A dict whose keys are also attributes, as scikit-learn's: ``d.data is d["data"]``.

    Example:
        >>> d = Bunch(data=[1, 2])
        >>> d.data, d["data"], sorted(d)
        ([1, 2], [1, 2], ['data'])
    """

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(f"Bunch has no key {name!r}; it has {sorted(self)}") from None

    def __setattr__(self, name: str, value: Any) -> None:
        self[name] = value

    def __dir__(self) -> list[str]:
        return [*super().__dir__(), *self]


def load_digits(
    *, n_class: int = 10, return_X_y: bool = True, as_frame: bool = False
) -> Dataset | Bunch:
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

    scikit-learn's keywords are accepted, with one deliberate difference: the default is
    ``return_X_y=True`` (chainrule always returned ``(X, y)``); ``return_X_y=False`` gives
    scikit-learn's fields in a :class:`Bunch`. ``as_frame=True`` is refused: chainrule
    does not use pandas.

    Args:
        n_class: keep the digits ``0 .. n_class - 1`` only, an int in [1, 10].
        return_X_y: return ``(X, y)``; False for a :class:`Bunch`.
        as_frame: only False (pandas frames are not made here).

    Returns:
        ``(X, y)``: float64 pixels of shape ``(n, 64)`` (each image row by row, values
        0-16) and int64 labels of shape ``(n,)``, n = 1,797 for all ten digits. Or a
        :class:`Bunch` with ``data`` (X), ``target`` (y), ``images`` (X as ``(n, 8, 8)``),
        ``feature_names`` (``"pixel_<row>_<column>"``), ``target_names`` (0-9),
        ``frame`` (None) and ``DESCR``.

    Raises:
        TypeError: an argument of the wrong type.
        ValueError: ``n_class`` outside [1, 10], or ``as_frame=True``.

    Example:
        >>> X, y = load_digits()
        >>> X.shape, y.shape, float(X.min()), float(X.max()), sorted(set(y.tolist()))
        ((1797, 64), (1797,), 0.0, 16.0, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
        >>> digits = load_digits(n_class=2, return_X_y=False)
        >>> digits.images.shape, digits.feature_names[9], digits.target[:4].tolist()
        ((360, 8, 8), 'pixel_1_1', [0, 1, 0, 1])
    """
    n_class = count("load_digits", "n_class", n_class)
    if n_class > 10:
        raise ValueError(f"load_digits(n_class): expected an int in [1, 10], got {n_class}")
    return_X_y = flag("load_digits", "return_X_y", return_X_y)
    if flag("load_digits", "as_frame", as_frame):
        raise ValueError(
            "load_digits(as_frame): chainrule returns numpy arrays and does not use pandas; "
            "got as_frame=True (pandas.DataFrame(X) makes a frame)"
        )
    # importlib.resources finds the file inside an installed wheel as well as a checkout.
    resource = resources.files("nn").joinpath(_DIGITS_FILE)
    with resource.open("rb") as compressed, gzip.open(compressed, "rt") as text:
        table = np.loadtxt(text, delimiter=",", comments="#", dtype=np.int64)
    keep = table[:, 64] < n_class
    X = np.ascontiguousarray(table[keep, :64], dtype=np.float64)
    y = np.ascontiguousarray(table[keep, 64], dtype=np.int64)
    if return_X_y:
        return X, y
    return Bunch(
        data=X,
        target=y,
        frame=None,
        feature_names=[f"pixel_{row}_{column}" for row in range(8) for column in range(8)],
        target_names=np.arange(10),
        images=X.reshape(-1, 8, 8),
        DESCR=_DESCRIPTION,
    )


_DESCRIPTION = """UCI handwritten digits (optdigits.tes), shipped with chainrule.

1,797 images of 8 x 8 pixels, each an integer 0-16 counting the "on" pixels of a 4 x 4
block of a 32 x 32 bitmap; 10 classes (the digits 0-9), about 180 images each; 13 writers.
E. Alpaydin, C. Kaynak (1998), UCI Machine Learning Repository,
https://doi.org/10.24432/C50P49, CC BY 4.0.
"""
