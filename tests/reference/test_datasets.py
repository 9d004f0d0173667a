"""nn.datasets against scikit-learn: make_moons, make_circles, make_blobs and load_digits.

Two kinds of checks. The first tests hold points produced once with scikit-learn 1.9 and
written here, so they run without it. The rest call scikit-learn live (the `sklearn`
fixture; they skip without it) over arguments hypothesis draws, valid and invalid: with
``random_state`` (or numpy's global state) chainrule promises scikit-learn's exact points,
and an error wherever scikit-learn raises one. The last test runs micrograd's demo
notebook with its imports switched to chainrule and checks the notebook's published losses.

Rules where chainrule deliberately differs from scikit-learn, each checked below:
- It refuses what scikit-learn accepts in these cases: an empty data set (``n_samples=0``
  or counts adding up to 0: nothing could be trained on it); ``True``/``False`` as a count
  or seed (an int subclass, but almost surely a slip); ``make_blobs(center_box=(low,
  high))`` with ``low > high`` or more than two entries; ``cluster_std`` with one standard
  deviation per feature (a 2-D array; scikit-learn documents one number per cluster).
- It accepts what scikit-learn refuses: a list or 1-D array of two counts for
  ``make_moons``/``make_circles`` ``n_samples`` (scikit-learn wants a tuple), and a list
  for ``center_box``.
- ``load_digits()`` returns ``(X, y)`` by default (``return_X_y=True``, chainrule's API
  before it took scikit-learn's keywords); ``return_X_y=False`` gives scikit-learn's
  fields; ``as_frame=True`` is refused (chainrule does not use pandas).
"""

from __future__ import annotations

import importlib
import math
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value
from nn import MLP
from nn.datasets import load_digits, make_blobs, make_circles, make_moons


def test_moons_random_state_gives_scikit_learns_points():
    X, y = make_moons(n_samples=6, noise=0.1, random_state=1337)
    expected = [
        [-0.1722627690255963, 0.59618319872606],
        [-1.0919946290642557, -0.1096584897551003],
        [0.1335572972333839, 0.9242039936769164],
        [1.011049866427426, -0.010361361025905477],
        [0.774440688535025, -0.5690818124396763],
        [1.7717828318663016, 0.5359753244226229],
    ]
    assert X.tolist() == expected
    assert y.tolist() == [1, 0, 0, 0, 1, 1]


def test_circles_random_state_gives_scikit_learns_points():
    X, y = make_circles(n_samples=5, noise=0.05, random_state=0)
    assert X.tolist() == [
        [0.848936899205287, 0.1120446599600729],
        [1.0933778995074983, -0.04886389399382055],
        [-0.9524955791237205, -0.007567860414884772],
        [-0.4051609425896778, 0.7133502481244697],
        [-0.39279782144195646, -0.6201066476794019],
    ]
    assert y.tolist() == [1, 0, 0, 1, 1]
    X, y = make_circles(n_samples=4, random_state=0)  # defaults: factor 0.8, no noise
    assert X.tolist() == [
        [0.8, 0.0],
        [-0.8, 9.797174393178826e-17],
        [-1.0, 1.2246467991473532e-16],
        [1.0, 0.0],
    ]
    assert y.tolist() == [1, 1, 0, 0]


def test_blobs_random_state_gives_scikit_learns_points_and_centres():
    X, y, centres = make_blobs(n_samples=5, random_state=42, return_centers=True)
    assert centres.tolist() == [
        [-2.50919762305275, 9.014286128198322],
        [4.639878836228101, 1.973169683940732],
        [-6.87962719115127, -6.880109593275947],
    ]
    assert X.tolist() == [
        [-0.9299848075453587, 9.78172085735123],
        [4.881841107794136, 0.05988943928293411],
        [-2.978672008987702, 9.556846171784287],
        [-8.604545023664302, -7.442397122516919],
        [4.176461143415639, 1.507439930370475],
    ]
    assert y.tolist() == [0, 1, 0, 2, 1]


def test_moons_take_a_pair_of_counts_as_scikit_learn():
    X, y = make_moons(n_samples=(4, 2), noise=0.1, random_state=7)
    assert X.tolist() == [
        [-0.9906833939020249, 0.32009147091177137],
        [1.984301134043659, 0.4709868617070834],
        [1.2025771524137034, -0.00013280504761581637],
        [-0.5476931699545258, 0.9876986386626357],
        [0.4836867925225802, 0.8326016447867433],
        [-0.0014968207048865786, 0.502139067491965],
    ]
    assert y.tolist() == [0, 1, 0, 0, 0, 1]
    X, y = make_moons(n_samples=(3, 2), shuffle=False)  # 3 on the outer moon, 2 inner
    assert X.tolist() == [
        [1.0, 0.0],
        [6.123233995736766e-17, 1.0],
        [-1.0, 1.2246467991473532e-16],
        [0.0, 0.5],
        [2.0, 0.4999999999999999],
    ]
    assert y.tolist() == [0, 0, 0, 1, 1]
    _, y = make_moons(n_samples=(0, 3), random_state=1)  # one moon may be empty
    assert y.tolist() == [1, 1, 1]


def test_circles_take_a_pair_of_counts_as_scikit_learn():
    X, y = make_circles(n_samples=(2, 3), noise=0.05, factor=0.5, random_state=3)
    assert X.tolist() == [
        [-0.24517512659639945, 0.3398380667239948],
        [-0.2638694101257202, -0.4507506508556685],
        [-1.004137074074123, -0.03135003384119224],
        [0.9978090915512036, -0.023860901517975135],
        [0.4343067623318659, 0.04423111902497923],
    ]
    assert y.tolist() == [1, 1, 0, 0, 1]
    # An even pair is the int: (n // 2, n - n // 2) is how an int splits.
    assert np.array_equal(
        make_circles((5, 5), noise=0.1, random_state=2)[0],
        make_circles(10, noise=0.1, random_state=2)[0],
    )


def test_blobs_take_counts_per_centre_as_scikit_learn():
    X, y, centres = make_blobs(n_samples=[2, 1, 3], random_state=42, return_centers=True)
    # Three random centres (one per count), drawn as with centers=3.
    assert centres.tolist() == [
        [-2.50919762305275, 9.014286128198322],
        [4.639878836228101, 1.973169683940732],
        [-6.87962719115127, -6.880109593275947],
    ]
    assert X.tolist() == [
        [-0.9299848075453587, 9.78172085735123],
        [-2.978672008987702, 9.556846171784287],
        [4.176461143415639, 1.507439930370475],
        [-8.604545023664302, -7.442397122516919],
        [-7.892458311485694, -6.565862260680673],
        [-6.6376649195852355, -8.793389837933745],
    ]
    assert y.tolist() == [0, 0, 1, 2, 2, 2]
    X, y = make_blobs(
        n_samples=(1, 3),
        centers=[[0.0, 0.0], [5.0, 5.0]],
        cluster_std=[0.5, 2.0],
        random_state=0,
    )
    assert X.tolist() == [
        [6.957475968211479, 9.481786398402916],
        [8.735115980299934, 3.045444240247178],
        [6.9001768350511785, 4.697285583404605],
        [0.882026172983832, 0.20007860418361165],
    ]
    assert y.tolist() == [1, 1, 1, 0]
    _, y = make_blobs(n_samples=np.array([0, 2]), random_state=0)  # a centre may be empty
    assert y.tolist() == [1, 1]


def test_counts_also_work_with_chainrules_seed():
    X, y = make_moons((5, 2), noise=0.1, seed=0, shuffle=False)
    assert X.shape == (7, 2)
    assert y.tolist() == [0] * 5 + [1] * 2
    X, y = make_blobs([3, 0, 2], n_features=4, seed=0, shuffle=False)
    assert X.shape == (5, 4)
    assert y.tolist() == [0, 0, 0, 2, 2]


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: make_moons((1, 2, 3)), ValueError, r"make_moons\(n_samples\).*pair"),
        (lambda: make_moons((-1, 3)), ValueError, r"make_moons\(n_samples\).*>= 0, got -1"),
        (lambda: make_circles((2, 0.5)), TypeError, r"make_circles\(n_samples\).*float"),
        (lambda: make_blobs([2, -3]), ValueError, r"make_blobs\(n_samples\).*got -3"),
        (lambda: make_blobs([2, 3], centers=3), ValueError, r"make_blobs\(centers\).*None"),
        (
            lambda: make_blobs([2, 3], centers=[[0.0, 0.0]], random_state=0),
            ValueError,
            r"make_blobs\(centers\): expected one centre per count in n_samples \(2\), got 1",
        ),
    ],
)
def test_bad_counts_are_named(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_no_seed_draws_from_numpys_global_state_as_scikit_learn():
    np.random.seed(1337)
    X, y = make_moons(n_samples=100, noise=0.1)
    assert X[:2].tolist() == [
        [1.1221146075409685, 0.08147717341718697],
        [-0.8188294130836691, 0.058790063907949996],
    ]
    assert y[:10].tolist() == [0, 0, 1, 0, 1, 1, 1, 1, 1, 0]
    again = make_moons(n_samples=100, noise=0.1, random_state=np.random.RandomState(1337))
    assert np.array_equal(X, again[0])


def test_a_random_state_object_is_advanced():
    state = np.random.RandomState(3)
    first, _ = make_circles(10, noise=0.1, random_state=state)
    second, _ = make_circles(10, noise=0.1, random_state=state)
    assert not np.array_equal(first, second)


@pytest.mark.parametrize("generator", [make_moons, make_circles, make_blobs])
def test_random_state_errors(generator):
    name = generator.__name__
    with pytest.raises(TypeError, match=rf"{name}: pass seed or random_state"):
        generator(10, seed=1, random_state=1)
    with pytest.raises(TypeError, match=rf"{name}\(random_state\)"):
        generator(10, random_state=1.5)
    with pytest.raises(ValueError, match=rf"{name}\(random_state\).*-1"):
        generator(10, random_state=-1)


def test_blobs_box_and_features_are_checked():
    with pytest.raises(ValueError, match=r"make_blobs\(center_box\)"):
        make_blobs(10, center_box=(1.0, -1.0), random_state=0)
    with pytest.raises(ValueError, match=r"make_blobs\(n_features\)"):
        make_blobs(10, n_features=0, random_state=0)
    X, _ = make_blobs(10, n_features=4, centers=2, center_box=(0.0, 1.0), random_state=0)
    assert X.shape == (10, 4)


def test_micrograds_demo_with_chainrules_imports_prints_the_published_losses():
    # micrograd's demo.ipynb, with `from autograd import Value`, `from nn import MLP` and
    # `from nn.datasets import make_moons`; micrograd's init is U(-1, 1) from `random`.
    np.random.seed(1337)
    random.seed(1337)
    X, y = make_moons(n_samples=100, noise=0.1)
    y = y * 2 - 1
    model = MLP(2, [16, 16, 1], init="uniform", seed=random)
    assert len(model.parameters()) == 337

    def loss():
        inputs = [list(map(Value, xrow)) for xrow in X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores, strict=True)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = 1e-4 * sum(p * p for p in model.parameters())
        accuracy = [(yi > 0) == (s.data > 0) for yi, s in zip(y, scores, strict=True)]
        return data_loss + reg_loss, sum(accuracy) / len(accuracy)

    printed = {}
    for k in range(100):
        total_loss, acc = loss()
        model.zero_grad()
        total_loss.backward()
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad
        printed[k] = f"step {k} loss {total_loss.data:.4f}, accuracy {acc * 100}%"
    # The notebook's output, to the 4 decimals published with it.
    assert printed[0] == "step 0 loss 0.8958, accuracy 50.0%"
    assert printed[1] == "step 1 loss 1.7236, accuracy 81.0%"
    assert printed[2] == "step 2 loss 0.7429, accuracy 77.0%"
    assert printed[10] == "step 10 loss 0.2451, accuracy 91.0%"
    assert printed[50] == "step 50 loss 0.0988, accuracy 96.0%"
    assert printed[99] == "step 99 loss 0.0110, accuracy 100.0%"


# --- live, over arguments hypothesis draws ------------------------------------------------

EXAMPLES = settings(max_examples=100, deadline=None)


def scikit(sklearn, name):
    """scikit-learn's function ``name`` from sklearn.datasets (the fixture made sure of it)."""
    return getattr(importlib.import_module(f"{sklearn.__name__}.datasets"), name)


def outcome(call):
    """What a call gives: its result, or the error it raises."""
    try:
        return call()
    except (TypeError, ValueError, OverflowError) as error:  # InvalidParameterError is both
        return error


def assert_same_outcome(name, ours_call, theirs_call, *, refused=False):
    """scikit-learn's exact arrays, or an error where it raises one.

    ``refused``: a stated rule says chainrule refuses these arguments, whatever
    scikit-learn does with them.
    """
    theirs, ours = outcome(theirs_call), outcome(ours_call)
    if isinstance(ours, Exception):
        # Whatever the reason, the message names the function and the argument.
        assert str(ours).startswith(f"{name}"), ours
    if refused:
        assert isinstance(ours, Exception), "a stated rule refuses these arguments"
        return
    if isinstance(theirs, Exception):
        assert isinstance(ours, Exception), f"scikit-learn raised {theirs!r}; chainrule did not"
        return
    assert not isinstance(ours, Exception), f"scikit-learn accepted these; chainrule: {ours}"
    assert len(ours) == len(theirs)
    X, y = ours[0], ours[1]
    assert X.dtype == np.float64
    assert y.dtype == np.int64
    for mine, reference in zip(ours, theirs, strict=True):
        assert np.array_equal(mine, np.asarray(reference)), name  # bit for bit


def total(n_samples):
    return n_samples if isinstance(n_samples, int) else sum(n_samples)


counts = st.integers(-1, 60)
two_counts = st.one_of(
    st.integers(-2, 300),
    st.tuples(counts, counts),
    st.tuples(counts, counts, counts),
    st.lists(counts, min_size=2, max_size=2),  # chainrule accepts a list: a stated rule
    st.sampled_from([True, 5.0, "10"]),
)
noises = st.one_of(
    st.none(), st.floats(-0.5, 2.0), st.sampled_from([0.0, math.nan, math.inf, np.float32(0.1)])
)
flags = st.sampled_from([True, False, np.bool_(True), 1, "yes"])
states = st.one_of(st.integers(0, 2**32 - 1), st.sampled_from([-1, 2**32, 1.5, True]))


def two_class_refused(n_samples, random_state):
    """Whether a stated rule refuses these (a bool count or seed, or no points at all)."""
    if isinstance(n_samples, bool) or isinstance(random_state, bool):
        return True
    if isinstance(n_samples, int):
        return n_samples == 0
    return (
        isinstance(n_samples, tuple | list)
        and all(isinstance(c, int) and c >= 0 for c in n_samples)
        and sum(n_samples) == 0
    )


def as_scikit_learn(arguments):
    """The stated rule: a list of two counts is read as scikit-learn reads the tuple."""
    n_samples = arguments["n_samples"]
    return {
        **arguments,
        "n_samples": tuple(n_samples) if isinstance(n_samples, list) else n_samples,
    }


@EXAMPLES
@given(n_samples=two_counts, noise=noises, shuffle=flags, random_state=states)
def test_moons_are_scikit_learns(sklearn, n_samples, noise, shuffle, random_state):
    reference = scikit(sklearn, "make_moons")

    arguments = {
        "n_samples": n_samples,
        "noise": noise,
        "shuffle": shuffle,
        "random_state": random_state,
    }
    assert_same_outcome(
        "make_moons",
        lambda: make_moons(**arguments),
        lambda: reference(**as_scikit_learn(arguments)),
        refused=two_class_refused(n_samples, random_state),
    )


factors = st.one_of(st.floats(-0.5, 1.5), st.sampled_from([0.0, 0, 1.0, 1e-300, math.nan]))


@EXAMPLES
@given(n_samples=two_counts, noise=noises, factor=factors, shuffle=flags, random_state=states)
def test_circles_are_scikit_learns(  # noqa: PLR0917 - one argument per drawn keyword
    sklearn, n_samples, noise, factor, shuffle, random_state
):
    reference = scikit(sklearn, "make_circles")

    arguments = {
        "n_samples": n_samples,
        "noise": noise,
        "factor": factor,
        "shuffle": shuffle,
        "random_state": random_state,
    }
    assert_same_outcome(
        "make_circles",
        lambda: make_circles(**arguments),
        lambda: reference(**as_scikit_learn(arguments)),
        refused=two_class_refused(n_samples, random_state),
    )


@settings(max_examples=40, deadline=None)
@given(
    n_samples=st.one_of(st.integers(1, 200), st.tuples(st.integers(0, 60), st.integers(0, 60))),
    noise=st.one_of(st.none(), st.floats(0.0, 1.0)),
    seed=st.integers(0, 2**32 - 1),
)
def test_no_seed_draws_scikit_learns_points_from_numpys_global_state(
    sklearn, n_samples, noise, seed
):
    pairs = ((make_moons, "make_moons"), (make_circles, "make_circles"))
    for ours, name in pairs:
        theirs = scikit(sklearn, name)
        if total(n_samples) == 0:
            continue  # the stated rule: no empty data set
        np.random.seed(seed)
        expected = theirs(n_samples=n_samples, noise=noise)
        np.random.seed(seed)
        got = ours(n_samples=n_samples, noise=noise)
        assert np.array_equal(got[0], expected[0])
        assert np.array_equal(got[1], expected[1])


coordinates = st.floats(-20.0, 20.0)


@st.composite
def blob_arguments(draw):
    arguments = {
        "n_samples": draw(
            st.one_of(
                st.integers(-1, 200),
                st.lists(st.integers(-1, 30), max_size=5),
                st.tuples(st.integers(0, 30), st.integers(0, 30)),
                st.sampled_from([True, 10.0, [2.0, 3.0]]),
            )
        ),
        "n_features": draw(st.one_of(st.integers(0, 4), st.sampled_from([True, 2.0]))),
        "cluster_std": draw(
            st.one_of(
                st.floats(-0.5, 3.0),
                st.lists(st.floats(0.0, 3.0), min_size=1, max_size=5),
                st.sampled_from([math.nan, math.inf, 0.0]),
            )
        ),
        "center_box": draw(
            st.one_of(
                st.tuples(coordinates, coordinates),
                st.sampled_from([(0.0, 0.0), (0.0, math.inf), (-1e308, 1e308), (1.0, 2.0, 3.0)]),
            )
        ),
        "shuffle": draw(st.sampled_from([True, False, 1])),
        "return_centers": draw(st.sampled_from([True, False, 0])),
        "random_state": draw(states),
    }
    k, d = draw(st.integers(0, 5)), draw(st.integers(1, 3))
    arguments["centers"] = draw(
        st.one_of(
            st.none(),
            st.integers(-1, 6),
            st.lists(st.lists(coordinates, min_size=d, max_size=d), min_size=k, max_size=k),
            st.sampled_from([[[math.nan, 0.0]], [0.0, 1.0], True]),
        )
    )
    return arguments


def blob_refused(arguments):
    """Whether a stated rule refuses these arguments (scikit-learn may accept them)."""
    n_samples, box = arguments["n_samples"], arguments["center_box"]
    names = ("n_samples", "n_features", "random_state", "centers")
    empty = (
        isinstance(n_samples, list | tuple)
        and len(n_samples) > 0
        and all(isinstance(c, int) and c >= 0 for c in n_samples)
        and sum(n_samples) == 0
    )
    bad_box = len(box) != 2 or box[0] > box[1]
    return any(isinstance(arguments[name], bool) for name in names) or empty or bad_box


@settings(max_examples=150, deadline=None)
@given(arguments=blob_arguments())
def test_blobs_are_scikit_learns(sklearn, arguments):
    reference = scikit(sklearn, "make_blobs")

    if blob_refused(arguments):
        # Refused by a stated rule, unless scikit-learn refuses them too.
        assert isinstance(outcome(lambda: make_blobs(**arguments)), Exception)
        return
    assert_same_outcome(
        "make_blobs", lambda: make_blobs(**arguments), lambda: reference(**arguments)
    )


@pytest.mark.parametrize("n_class", [-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
@pytest.mark.parametrize("return_X_y", [True, False])
def test_load_digits_is_scikit_learns(sklearn, n_class, return_X_y):
    reference = scikit(sklearn, "load_digits")

    theirs = outcome(lambda: reference(n_class=n_class, return_X_y=return_X_y))
    ours = outcome(lambda: load_digits(n_class=n_class, return_X_y=return_X_y))
    if isinstance(theirs, Exception):
        assert isinstance(ours, Exception)
        assert str(ours).startswith("load_digits(n_class)")
        return
    if return_X_y:
        assert np.array_equal(ours[0], theirs[0])
        assert np.array_equal(ours[1], theirs[1])
        assert (ours[0].dtype, ours[1].dtype) == (np.float64, np.int64)
        return
    for field in ("data", "target", "images", "target_names"):
        assert np.array_equal(ours[field], theirs[field]), field
    assert ours.feature_names == theirs.feature_names
    assert ours.frame is theirs.frame is None
    # The default is the stated difference: (X, y) here, a Bunch there.
    X, _ = load_digits(n_class=n_class)
    assert np.array_equal(X, reference(n_class=n_class).data)


def test_load_digits_refuses_as_frame(sklearn):
    with pytest.raises(ValueError, match=r"load_digits\(as_frame\)"):
        load_digits(as_frame=True)
