"""Toy data sets: shapes, dtypes, balance, determinism, geometry, exact tables, bad arguments."""

from __future__ import annotations

import importlib.metadata
import importlib.resources
import math
import tomllib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nn.datasets import (
    GATE_NAMES,
    load_digits,
    logic_gate_table,
    make_blobs,
    make_circles,
    make_digits,
    make_moons,
    make_spiral,
    make_xor,
    umbrella,
)

# Every random generator with the arguments that make it valid; n_samples is passed apart.
GENERATORS = [
    pytest.param(make_moons, {}, 2, id="moons"),
    pytest.param(make_circles, {}, 2, id="circles"),
    pytest.param(make_blobs, {}, 3, id="blobs"),  # scikit-learn's default: 3 centres
    pytest.param(make_blobs, {"centers": 2}, 2, id="blobs-2"),
    pytest.param(make_blobs, {"centers": 3}, 3, id="blobs-3"),
    pytest.param(make_spiral, {}, 2, id="spiral"),
    pytest.param(make_spiral, {"n_classes": 5}, 5, id="spiral-5"),
    pytest.param(make_xor, {}, 2, id="xor"),
]


# --- shapes, dtypes, balance, determinism -------------------------------------------------


@pytest.mark.parametrize(("generator", "kwargs", "n_classes"), GENERATORS)
@pytest.mark.parametrize("n_samples", [1, 2, 7, 100])
def test_shape_dtype_and_labels(generator, kwargs, n_classes, n_samples):
    X, y = generator(n_samples, seed=0, **kwargs)
    assert X.shape == (n_samples, 2)
    assert X.dtype == np.float64
    assert y.shape == (n_samples,)
    assert y.dtype == np.int64
    assert set(y.tolist()) <= set(range(n_classes))
    assert np.all(np.isfinite(X))


@pytest.mark.parametrize(("generator", "kwargs", "n_classes"), GENERATORS)
@given(n_samples=st.integers(1, 300), seed=st.integers(0, 2**32))
def test_labels_are_balanced(generator, kwargs, n_classes, n_samples, seed):
    _, y = generator(n_samples, seed=seed, **kwargs)
    counts = np.bincount(y, minlength=n_classes)
    assert counts.sum() == n_samples
    assert counts.max() - counts.min() <= 1


def test_moons_and_circles_split_half_and_rest():
    for generator in (make_moons, make_circles):
        _, y = generator(7, seed=0, shuffle=False)
        assert y.tolist() == [0, 0, 0, 1, 1, 1, 1]


def test_blobs_and_spiral_give_the_remainder_to_the_first_classes():
    for generator, kwargs in ((make_blobs, {"centers": 3}), (make_spiral, {"n_classes": 3})):
        _, y = generator(8, seed=0, shuffle=False, **kwargs)
        assert y.tolist() == [0, 0, 0, 1, 1, 1, 2, 2]


def test_xor_puts_the_remainder_on_the_first_corners():
    X, y = make_xor(7, noise=0.0, shuffle=False)
    assert X.tolist() == [[0, 0], [0, 0], [0, 1], [0, 1], [1, 0], [1, 0], [1, 1]]
    assert y.tolist() == [0, 0, 1, 1, 1, 1, 0]


@pytest.mark.parametrize(("generator", "kwargs", "n_classes"), GENERATORS)
def test_same_seed_same_data_other_seed_other_data(generator, kwargs, n_classes):
    X1, y1 = generator(50, seed=123, **kwargs)
    X2, y2 = generator(50, seed=123, **kwargs)
    X3, _ = generator(50, seed=124, **kwargs)
    assert np.array_equal(X1, X2)
    assert np.array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


@pytest.mark.parametrize(("generator", "kwargs", "n_classes"), GENERATORS)
def test_a_generator_seed_is_used_and_advanced(generator, kwargs, n_classes):
    rng = np.random.default_rng(7)
    first, _ = generator(30, seed=rng, **kwargs)
    second, _ = generator(30, seed=rng, **kwargs)
    again, _ = generator(30, seed=np.random.default_rng(7), **kwargs)
    assert np.array_equal(first, again)
    assert not np.array_equal(first, second)


@pytest.mark.parametrize(("generator", "kwargs", "n_classes"), GENERATORS)
def test_numpy_integer_seed_equals_int_seed(generator, kwargs, n_classes):
    X1, _ = generator(20, seed=np.int64(5), **kwargs)
    X2, _ = generator(20, seed=5, **kwargs)
    assert np.array_equal(X1, X2)


@pytest.mark.parametrize(("generator", "kwargs", "n_classes"), GENERATORS)
def test_shuffle_permutes_the_unshuffled_rows(generator, kwargs, n_classes):
    X, y = generator(40, seed=3, **kwargs)
    X_sorted, y_sorted = generator(40, seed=3, shuffle=False, **kwargs)
    assert not np.array_equal(y, y_sorted)
    assert sorted(y.tolist()) == sorted(y_sorted.tolist())
    assert X.shape == X_sorted.shape


@pytest.mark.parametrize("generator", [make_moons, make_circles, make_xor])
def test_shuffle_keeps_each_point_with_its_label(generator):
    X, y = generator(40, noise=0.0, seed=3)
    X_sorted, y_sorted = generator(40, noise=0.0, seed=3, shuffle=False)
    pairs = sorted(zip(map(tuple, X.tolist()), y.tolist(), strict=True))
    assert pairs == sorted(zip(map(tuple, X_sorted.tolist()), y_sorted.tolist(), strict=True))


# --- geometry -----------------------------------------------------------------------------


def test_moons_without_noise_lie_on_the_two_arcs():
    X, y = make_moons(101, noise=0.0, seed=0)
    outer, inner = X[y == 0], X[y == 1]
    assert len(outer) == 50
    assert len(inner) == 51
    # Outer moon: unit circle around the origin, upper half.
    assert np.allclose(np.hypot(outer[:, 0], outer[:, 1]), 1.0, atol=1e-12)
    assert np.all(outer[:, 1] >= -1e-12)
    # Inner moon: unit circle around (1, 0.5), lower half.
    assert np.allclose(np.hypot(inner[:, 0] - 1.0, inner[:, 1] - 0.5), 1.0, atol=1e-12)
    assert np.all(inner[:, 1] <= 0.5 + 1e-12)
    # Both arcs are covered end to end.
    assert np.isclose(outer[:, 0].min(), -1.0)
    assert np.isclose(outer[:, 0].max(), 1.0)
    assert np.isclose(inner[:, 0].min(), 0.0)
    assert np.isclose(inner[:, 0].max(), 2.0)


def test_moons_noise_has_the_requested_spread():
    clean, _ = make_moons(4000, noise=0.0, seed=1, shuffle=False)
    noisy, _ = make_moons(4000, noise=0.3, seed=1, shuffle=False)
    assert np.std(noisy - clean) == pytest.approx(0.3, rel=0.05)


@pytest.mark.parametrize("factor", [0.1, 0.5, 0.8])
def test_circles_without_noise_have_radii_one_and_factor(factor):
    X, y = make_circles(60, noise=0.0, factor=factor, seed=0)
    radius = np.hypot(X[:, 0], X[:, 1])
    assert np.allclose(radius[y == 0], 1.0, atol=1e-12)
    assert np.allclose(radius[y == 1], factor, atol=1e-12)
    # Evenly spread over the circle: the points' mean is the centre.
    assert np.allclose(X[y == 0].mean(axis=0), 0.0, atol=1e-12)


def test_blobs_with_zero_std_sit_on_their_centres():
    centres = [[-1.0, 2.0], [3.0, 3.0], [0.0, -4.0]]
    X, y = make_blobs(10, centers=centres, cluster_std=0.0, seed=0)
    assert np.array_equal(X, np.array(centres)[y])
    assert np.bincount(y).tolist() == [4, 3, 3]


def test_blobs_spread_per_cluster():
    X, y = make_blobs(3000, centers=[[0.0, 0.0], [20.0, 0.0]], cluster_std=[0.5, 2.0], seed=0)
    assert X[y == 0].mean(axis=0) == pytest.approx([0.0, 0.0], abs=0.05)
    assert X[y == 1].mean(axis=0) == pytest.approx([20.0, 0.0], abs=0.2)
    assert X[y == 0].std(axis=0) == pytest.approx([0.5, 0.5], rel=0.1)
    assert X[y == 1].std(axis=0) == pytest.approx([2.0, 2.0], rel=0.1)


def test_blobs_random_centres_lie_in_the_box():
    X, _ = make_blobs(400, centers=4, cluster_std=0.0, seed=2)
    centres = np.unique(X, axis=0)
    assert centres.shape == (4, 2)
    assert np.all(np.abs(centres) <= 10.0)


def test_blobs_accept_centres_in_any_dimension():
    X, _ = make_blobs(5, centers=[[0.0, 1.0, 2.0]], cluster_std=0.0, seed=0)
    assert X.tolist() == [[0.0, 1.0, 2.0]] * 5


@pytest.mark.parametrize("n_classes", [1, 2, 3, 4])
def test_spiral_without_noise_lies_on_rotated_arms(n_classes):
    X, y = make_spiral(120, n_classes=n_classes, noise=0.0, seed=0)
    radius = np.hypot(X[:, 0], X[:, 1])
    assert radius.min() == pytest.approx(0.1)
    assert radius.max() == pytest.approx(1.0)
    for label, r, (a, b) in zip(y, radius, X, strict=True):
        angle = 2.0 * math.pi * label / n_classes + 4.0 * r
        assert (a, b) == pytest.approx((r * math.cos(angle), r * math.sin(angle)), abs=1e-12)


def test_spiral_noise_moves_points_along_their_circle():
    clean, _ = make_spiral(300, noise=0.0, seed=0, shuffle=False)
    noisy, _ = make_spiral(300, noise=0.5, seed=0, shuffle=False)
    assert np.allclose(np.hypot(*noisy.T), np.hypot(*clean.T), atol=1e-12)
    assert not np.allclose(noisy, clean)


def test_xor_points_are_near_their_corner_and_labelled_by_xor():
    X, y = make_xor(400, noise=0.1, seed=0)
    corner = np.rint(X).astype(int)  # noise 0.1: every point rounds to its corner
    assert set(map(tuple, corner.tolist())) == {(0, 0), (0, 1), (1, 0), (1, 1)}
    assert np.array_equal(y, corner[:, 0] ^ corner[:, 1])


# --- exact tables -------------------------------------------------------------------------

TABLES = {
    "and": [0, 0, 0, 1],
    "or": [0, 1, 1, 1],
    "nand": [1, 1, 1, 0],
    "nor": [1, 0, 0, 0],
    "xor": [0, 1, 1, 0],
}


@pytest.mark.parametrize(("name", "outputs"), TABLES.items())
def test_two_input_gate_tables(name, outputs):
    X, y = logic_gate_table(name)
    assert X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert y.tolist() == outputs
    assert X.dtype == np.int64
    assert y.dtype == np.int64


def test_not_table_has_one_input():
    X, y = logic_gate_table("not")
    assert X.tolist() == [[0], [1]]
    assert y.tolist() == [1, 0]


def test_gate_names_and_case():
    assert set(GATE_NAMES) == {*TABLES, "not"}
    assert logic_gate_table(" AND ")[1].tolist() == [0, 0, 0, 1]


def test_tables_are_fresh_copies():
    X, y = logic_gate_table("and")
    X[0, 0], y[0] = 9, 9
    assert logic_gate_table("and")[0][0, 0] == 0
    assert logic_gate_table("and")[1][0] == 0
    X, _ = umbrella()
    X[0, 0] = 9
    assert umbrella()[0][0, 0] == 0


def test_umbrella_is_the_seed_table():
    X, y = umbrella()
    assert X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert y.tolist() == [0, 0, 1, 0]
    assert y.dtype == np.int64


# --- bad arguments ------------------------------------------------------------------------

ALL = [make_moons, make_circles, make_blobs, make_spiral, make_xor]
NOISY = [make_moons, make_circles, make_spiral, make_xor]


@pytest.mark.parametrize("generator", ALL)
@pytest.mark.parametrize("n_samples", [0, -5])
def test_non_positive_n_samples(generator, n_samples):
    with pytest.raises(ValueError, match=rf"{generator.__name__}\(n_samples\).*{n_samples}"):
        generator(n_samples)


@pytest.mark.parametrize("generator", ALL)
@pytest.mark.parametrize("n_samples", [10.0, "10", True, None])
def test_non_int_n_samples(generator, n_samples):
    with pytest.raises(TypeError, match=rf"{generator.__name__}\(n_samples\)"):
        generator(n_samples)


@pytest.mark.parametrize("generator", NOISY)
def test_negative_noise(generator):
    with pytest.raises(ValueError, match=rf"{generator.__name__}\(noise\).*-0\.1"):
        generator(10, noise=-0.1)


@pytest.mark.parametrize("generator", NOISY)
@pytest.mark.parametrize(("noise", "error"), [("0.1", TypeError), (math.nan, ValueError)])
def test_bad_noise_type_or_value(generator, noise, error):
    with pytest.raises(error, match=rf"{generator.__name__}\(noise\)"):
        generator(10, noise=noise)


@pytest.mark.parametrize("factor", [1.0, -0.5, 1.5, -1e-300])
def test_circles_factor_outside_zero_to_one(factor):
    with pytest.raises(
        ValueError, match=rf"make_circles\(factor\): expected 0 <= factor < 1.*{factor}"
    ):
        make_circles(10, factor=factor)


def test_circles_factor_zero_puts_the_inner_class_at_the_origin():
    # Valid in scikit-learn (factor in [0, 1)): a ring around a point.
    X, y = make_circles(8, factor=0.0, shuffle=False)
    assert np.array_equal(np.abs(X[y == 1]), np.zeros((4, 2)))
    assert np.allclose(np.hypot(*X[y == 0].T), 1.0)


@pytest.mark.parametrize("generator", ALL)
@pytest.mark.parametrize("seed", [1.5, "1", True, np.random.RandomState(0)])
def test_bad_seed_type(generator, seed):
    with pytest.raises(TypeError, match=rf"{generator.__name__}\(seed\)"):
        generator(10, seed=seed)


@pytest.mark.parametrize("generator", ALL)
def test_negative_seed(generator):
    with pytest.raises(ValueError, match=rf"{generator.__name__}\(seed\).*-1"):
        generator(10, seed=-1)


@pytest.mark.parametrize("generator", ALL)
def test_non_bool_shuffle(generator):
    with pytest.raises(TypeError, match=rf"{generator.__name__}\(shuffle\)"):
        generator(10, shuffle="yes")


def test_spiral_bad_class_count():
    with pytest.raises(ValueError, match=r"make_spiral\(n_classes\).*0"):
        make_spiral(10, n_classes=0)
    with pytest.raises(TypeError, match=r"make_spiral\(n_classes\)"):
        make_spiral(10, n_classes=2.0)


@pytest.mark.parametrize(
    ("centers", "error", "pattern"),
    [
        (0, ValueError, r"make_blobs\(centers\).*0"),
        ([], ValueError, r"make_blobs\(centers\).*shape"),
        ([1.0, 2.0], ValueError, r"make_blobs\(centers\).*shape \(2,\)"),
        ([[0.0, math.inf]], ValueError, r"make_blobs\(centers\).*finite"),
        ([["a", "b"]], TypeError, r"make_blobs\(centers\).*dtype"),
        ("ab", TypeError, r"make_blobs\(centers\)"),
    ],
)
def test_blobs_bad_centres(centers, error, pattern):
    with pytest.raises(error, match=pattern):
        make_blobs(10, centers=centers)


@pytest.mark.parametrize(
    ("cluster_std", "error", "pattern"),
    [
        (-1.0, ValueError, r"make_blobs\(cluster_std\).*-1\.0"),
        ([1.0, -0.5], ValueError, r"make_blobs\(cluster_std\).*-0\.5"),
        ([1.0, 1.0, 1.0], ValueError, r"make_blobs\(cluster_std\).*one std per centre \(2\)"),
        ("1", TypeError, r"make_blobs\(cluster_std\)"),
    ],
)
def test_blobs_bad_std(cluster_std, error, pattern):
    with pytest.raises(error, match=pattern):
        make_blobs(10, centers=2, cluster_std=cluster_std)


def test_unknown_gate_lists_the_valid_names():
    with pytest.raises(ValueError, match=r"'xnor'.*and, or, nand, nor, xor, not"):
        logic_gate_table("xnor")


def test_gate_name_must_be_a_string():
    with pytest.raises(TypeError, match=r"logic_gate_table\(name\).*int"):
        logic_gate_table(1)


def test_make_digits_images_are_shifted_strokes():
    X, y = make_digits(30, noise=0.0, seed=0, shuffle=False)
    assert X.shape == (30, 64)
    assert X.dtype == np.float64
    assert y.tolist() == [k for k in range(10) for _ in range(3)]
    assert set(np.unique(X)) <= {0.0, 1.0}
    ink = X.reshape(30, 8, 8).sum(axis=(1, 2))
    assert ink[0] == ink[1] == ink[2]  # a shift moves the ink, never adds or removes it
    assert all(10 <= count <= 30 for count in ink)


def test_make_digits_noise_seed_and_errors():
    a, b = make_digits(50, seed=3), make_digits(50, seed=3)
    assert np.array_equal(a[0], b[0])
    assert np.array_equal(a[1], b[1])
    assert a[0].min() >= 0.0
    assert a[0].max() <= 1.0
    assert np.bincount(a[1]).tolist() == [5] * 10
    with pytest.raises(ValueError, match=r"make_digits\(n_samples\)"):
        make_digits(0)
    with pytest.raises(ValueError, match=r"make_digits\(noise\)"):
        make_digits(10, noise=-1.0)


# --- the real digits ----------------------------------------------------------------------

# The first image of the UCI file (a zero), as the repository and scikit-learn list it.
FIRST_DIGIT = [
    [0, 0, 5, 13, 9, 1, 0, 0],
    [0, 0, 13, 15, 10, 15, 5, 0],
    [0, 3, 15, 2, 0, 11, 8, 0],
    [0, 4, 12, 0, 0, 8, 8, 0],
    [0, 5, 8, 0, 0, 9, 8, 0],
    [0, 4, 11, 0, 1, 12, 7, 0],
    [0, 2, 14, 5, 10, 12, 0, 0],
    [0, 0, 6, 13, 10, 0, 0, 0],
]


def test_load_digits_is_the_uci_set():
    X, y = load_digits()
    assert X.shape == (1797, 64)
    assert y.shape == (1797,)
    assert X.dtype == np.float64
    assert y.dtype == np.int64
    assert X.flags.c_contiguous
    assert X.min() == 0.0
    assert X.max() == 16.0
    assert np.array_equal(X, np.round(X))  # pixel counts are whole numbers
    assert np.bincount(y).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    assert X.sum() == 561718.0
    assert X[0].reshape(8, 8).astype(int).tolist() == FIRST_DIGIT
    assert y[:10].tolist() == list(range(10))
    assert y[-5:].tolist() == [9, 0, 8, 9, 8]
    # The 4x4 blocks of the 32x32 bitmaps: the border columns are nearly always empty.
    assert X.reshape(-1, 8, 8)[:, :, 0].mean() < 0.1


def test_load_digits_returns_fresh_arrays():
    X, y = load_digits()
    X[:] = -1.0
    y[:] = -1
    again, labels = load_digits()
    assert again.min() == 0.0
    assert labels.min() == 0


@pytest.mark.parametrize("n_class", [1, 2, 5, 10])
def test_load_digits_keeps_the_first_n_classes_in_file_order(n_class):
    X_all, y_all = load_digits()
    X, y = load_digits(n_class=n_class, return_X_y=True)
    keep = y_all < n_class
    assert np.array_equal(X, X_all[keep])
    assert np.array_equal(y, y_all[keep])
    assert sorted(set(y.tolist())) == list(range(n_class))


def test_load_digits_bunch_holds_the_same_arrays():
    X, y = load_digits()
    digits = load_digits(return_X_y=False)
    assert np.array_equal(digits.data, X)
    assert np.array_equal(digits["target"], y)
    assert digits.images.shape == (1797, 8, 8)
    assert np.array_equal(digits.images[5], X[5].reshape(8, 8))
    assert digits.feature_names[:2] == ["pixel_0_0", "pixel_0_1"]
    assert len(digits.feature_names) == 64
    assert digits.target_names.tolist() == list(range(10))
    assert digits.frame is None
    assert "10.24432/C50P49" in digits.DESCR
    with pytest.raises(AttributeError, match=r"Bunch has no key 'targets'"):
        _ = digits.targets


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"n_class": 0}, ValueError, r"load_digits\(n_class\).*0"),
        ({"n_class": 11}, ValueError, r"load_digits\(n_class\).*\[1, 10\].*11"),
        ({"n_class": 2.0}, TypeError, r"load_digits\(n_class\)"),
        ({"return_X_y": 1}, TypeError, r"load_digits\(return_X_y\)"),
        ({"as_frame": True}, ValueError, r"load_digits\(as_frame\).*pandas"),
        ({"as_frame": "no"}, TypeError, r"load_digits\(as_frame\)"),
    ],
)
def test_load_digits_rejects_bad_arguments(kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        load_digits(**kwargs)


def test_blobs_box_too_wide_for_a_float_is_named():
    with pytest.raises(ValueError, match=r"make_blobs\(center_box\): high - low overflows"):
        make_blobs(10, center_box=(-1e308, 1e308), random_state=0)


def test_digits_file_ships_with_the_package():
    # Found through importlib.resources, as load_digits finds it in an installed wheel.
    folder = importlib.resources.files("nn").joinpath("data")
    assert folder.joinpath("digits.csv.gz").is_file()
    note = folder.joinpath("README.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in note
    assert "10.24432/C50P49" in note
    # pyproject declares both files as package data, so `pip install .` copies them.
    root = Path(__file__).resolve().parents[2]
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    assert set(config["tool"]["setuptools"]["package-data"]["nn"]) == {
        "data/digits.csv.gz",
        "data/README.md",
    }
    # A non-editable install (CI's `pip install ".[dev]"`) lists them among its files.
    try:
        installed = {str(f) for f in importlib.metadata.files("chainrule") or []}
    except importlib.metadata.PackageNotFoundError:
        installed = set()
    if "nn/datasets/__init__.py" in installed:
        assert {"nn/data/digits.csv.gz", "nn/data/README.md"} <= installed
