"""The playground's in-page engine against chainrule's own Python: weights, ops, whole runs.

The oracle is the Python engine: ``MLP(..., seed=s)`` for the initial weights (the page
mirrors Python's Mersenne Twister), the op table's float kernels for every generated
JavaScript op, and ``nn.fit`` for whole training runs (its losses, step by step).
"""

import math
import random

import numpy as np
import pytest

from autograd.elementary import ROWS
from autograd.ops import TABLE
from nn import MLP, Layer, datasets, fit, optim
from viz.javascript import op_templates
from viz.playground import playground

REL = 1e-9


@pytest.fixture
def open_page(page, tmp_path):
    """Open a playground page in Chromium; returns the ``page`` (its API on window)."""

    def opened(made):
        path = made.save_html(tmp_path / "play.html")
        page.goto(path.as_uri())
        page.wait_for_function("window.chainrule && window.chainrule.playground")
        return page

    return opened


def close(page_losses, fit_losses):
    assert len(page_losses) == len(fit_losses)
    worst = max(
        abs(a - b) / max(abs(b), 1e-300) for a, b in zip(page_losses, fit_losses, strict=True)
    )
    assert worst <= REL, f"worst relative difference {worst:.3g}"


def test_the_default_moons_run_is_fits_run(open_page):
    X, y = datasets.make_moons(100, noise=0.1, seed=1337)
    page = open_page(playground())
    history = fit(
        MLP(2, [16, 16, 1], seed=1337), X, y, loss="hinge", lr=0.1, epochs=100, progress=False
    )
    close(page.evaluate("window.chainrule.playground.step(100)"), history.loss)
    assert page.evaluate("window.chainrule.playground.losses().length") == 100


def test_adam_with_l2_on_tanh_is_fits_run(open_page):
    X, y = datasets.make_moons(80, noise=0.2, seed=3)
    page = open_page(
        playground(
            X, y, layers=[8, 8], activation="tanh", optimizer="adam", lr=0.02, l2=1e-3, seed=5
        )
    )
    history = fit(
        MLP(2, [8, 8, 1], activation="tanh", seed=5), X, y, loss="hinge",
        optimizer="adam", lr=0.02, l2=1e-3, epochs=100, progress=False,
    )  # fmt: skip
    close(page.evaluate("window.chainrule.playground.step(100)"), history.loss)


def test_three_class_cross_entropy_on_blobs_is_fits_run(open_page):
    X, y = datasets.make_blobs(
        90, centers=[[-1.5, -1], [1.5, -1], [0, 1.5]], cluster_std=0.6, seed=2
    )
    page = open_page(playground(X, y, layers=[8], optimizer="adam", lr=0.05, seed=11))
    assert page.evaluate("window.chainrule.playground.settings().loss") == "cross_entropy"
    history = fit(
        MLP(2, [8, 3], seed=11), X, y, loss="cross_entropy", optimizer="adam", lr=0.05,
        epochs=100, progress=False,
    )  # fmt: skip
    close(page.evaluate("window.chainrule.playground.step(100)"), history.loss)


def test_sgd_momentum_bce_sigmoid_and_leaky_layers_are_fits_run(open_page):
    X, y = datasets.make_circles(60, noise=0.1, factor=0.5, seed=4)
    page = open_page(
        playground(
            X, y, layers=[6, 5], activation=["sigmoid", "leaky_relu"], loss="bce", lr=0.3,
            momentum=0.9, seed=9,
        )
    )  # fmt: skip
    # MLP takes one hidden activation; the page's per-layer choice is built by hand here,
    # from one generator in nn's order (each layer's init bound suits its activation).
    mixed = MLP(2, [6, 5, 1], activation="sigmoid", seed=9)
    rng = random.Random(9)  # noqa: S311 - weights, as MLP(seed=9) draws them
    mixed.layers = [
        Layer(2, 6, "sigmoid", seed=rng, name="Layer 0"),
        Layer(6, 5, "leaky_relu", seed=rng, name="Layer 1"),
        Layer(5, 1, "linear", seed=rng, name="Layer 2"),
    ]
    opt = optim.SGD(mixed.parameters(), lr=0.3, momentum=0.9)
    history = fit(
        mixed,
        X,
        y,
        loss="binary_cross_entropy_with_logits",
        optimizer=opt,
        epochs=100,
        progress=False,
    )
    close(page.evaluate("window.chainrule.playground.step(100)"), history.loss)


def test_adamw_with_weight_decay_and_extra_features_is_fits_run(open_page):
    X, y = datasets.make_xor(60, noise=0.05, seed=8)
    features = ["x1", "x2", "x1*x2", "sin(x1)"]
    page = open_page(
        playground(X, y, layers=[5], features=features, optimizer="adamw", lr=0.03,
                   weight_decay=0.01, seed=21)
    )  # fmt: skip
    inputs = np.column_stack([X[:, 0], X[:, 1], X[:, 0] * X[:, 1], np.sin(X[:, 0])])
    model = MLP(4, [5, 1], seed=21)
    opt = optim.AdamW(model.parameters(), lr=0.03, weight_decay=0.01)
    history = fit(model, inputs, y, loss="hinge", optimizer=opt, epochs=60, progress=False)
    close(page.evaluate("window.chainrule.playground.step(60)"), history.loss)


@pytest.mark.parametrize(
    ("layers", "activation", "seed"),
    [((16, 16), "relu", 0), ((3,), "tanh", 2**32 - 1), ((4, 2, 3), "sigmoid", 12345)],
)
def test_the_page_starts_from_the_weights_of_mlp_with_the_same_seed(
    open_page, layers, activation, seed
):
    page = open_page(playground(layers=list(layers), activation=activation, seed=seed))
    expected = [p.data for p in MLP(2, [*layers, 1], activation=activation, seed=seed).parameters()]
    assert page.evaluate("window.chainrule.playground.weights()") == expected  # bit for bit


def test_a_new_seed_in_the_page_draws_mlps_weights_for_it(open_page):
    page = open_page(playground(layers=[4, 4]))
    page.evaluate(
        "window.chainrule.playground.settings({seed: 77, layers: [5, 3], activation: 'tanh'})"
    )
    expected = [p.data for p in MLP(2, [5, 3, 1], activation="tanh", seed=77).parameters()]
    assert page.evaluate("window.chainrule.playground.weights()") == expected


def _probe_points(op):
    """Inputs on both sides of every switch, at kinks and ties, and NaN."""
    base = [-2.5, -1.0, -1e-3, 0.0, 1e-3, 0.7, 3.0, 1e3, math.nan, math.inf, -math.inf]
    if op.variadic:
        return [(1.0, 2.0, 3.0, -4.0), (-0.5, 0.25, 1e3, 2.0), (math.nan, 1.0, 2.0, 0.0)]
    if len(op.inputs) == 1:
        return [(x,) for x in base]
    return [(x, y) for x in base for y in base]


def _python(op, operands):
    """The Python kernels' forward and partials, or None where they raise a domain error."""
    try:
        out = op.fwd(*operands)
        return out, list(op.local_partials(*operands, out))
    except (ArithmeticError, ValueError):
        return None


def test_every_generated_javascript_op_gives_the_python_kernels_numbers(open_page):
    page = open_page(playground(layers=[2]))
    cases = []
    for op in TABLE:
        for operands in _probe_points(op):
            python = _python(op, operands)
            if python is not None:  # the page meets a domain error as a non-finite loss
                cases.append(
                    {"op": op.name, "x": list(operands), "out": python[0], "partials": python[1]}
                )
    found = page.evaluate(
        """([cases, ops]) => {
        const H = window.chainrulePlayEngine.HELPERS, names = Object.keys(H);
        const fn = (t, n) => new Function(...names, "nan", "inf",
            `return (${Array.from({length: n}, (_, k) => "$" + k).join(",")}, $out) => ` +
            t)(...names.map((k) => H[k]), NaN, Infinity);
        return cases.map((c) => {
          const e = ops[c.op], size = e.partials.length;
          const groups = [];
          for (let g = 0; g < c.x.length; g += size) groups.push(c.x.slice(g, g + size));
          const f = fn(e.forward, size);
          const out = groups.reduce((s, g) => (s === null ? f(...g, 0) : s + f(...g, 0)), null);
          const parts = groups.flatMap((g) => e.partials.map((p) => fn(p, size)(...g, c.out)));
          return [out, parts];
        });
      }""",
        [
            [{**c, "partials": []} for c in cases],
            op_templates(),
        ],
    )
    for case, (out, partials) in zip(cases, found, strict=True):
        assert _same(out, case["out"]), (case["op"], case["x"], out, case["out"])
        for got, want in zip(partials, case["partials"], strict=True):
            assert _same(got, want), (case["op"], case["x"], got, want)


def _same(got, want):
    if math.isnan(want):
        return math.isnan(got)
    return got == want or math.isclose(got, want, rel_tol=1e-15, abs_tol=1e-300)


def test_the_engine_defines_every_function_of_the_registry(open_page):
    page = open_page(playground(layers=[1]))
    defined = page.evaluate("Object.keys(window.chainrulePlayEngine.HELPERS)")
    assert {row.helper for row in ROWS} <= set(defined)
