"""Handwritten digits: generated 8 x 8 images (``make_digits``), the real UCI set (``load_digits``).

Example:
    >>> X, y = make_digits(10, noise=0.0, seed=0, shuffle=False)
    >>> X.shape, y.tolist()[:3]
    ((10, 64), [0, 1, 2])
"""

from __future__ import annotations

import gzip
from importlib import resources

import numpy as np

from nn.checks import count, non_negative
from nn.datasets.sources import Dataset, Seed, class_labels, finish, flag, generator, split

__all__ = ["load_digits", "make_digits"]


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
