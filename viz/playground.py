"""The playground: a network trains in the page itself, offline, with the numbers of ``fit``.

``viz.playground()`` opens micrograd's moons model (``MLP(2, [16, 16, 1])``, hinge loss,
SGD) on data from :mod:`nn.datasets` (or your own ``X, y``) in one self-contained HTML
page: no server, no kernel, no network. The page trains with JavaScript's float64, through
straight-line code it generates from the engine's own op table: every op's forward
formula and local partials reach the page as JavaScript expressions written by the
same formulas that the eager engine compiles (:func:`op_templates`), so the two cannot
drift. Its weights start where ``MLP(..., seed=seed)`` starts them (the page mirrors
Python's Mersenne Twister), so with full batches its losses are ``fit``'s losses.

The page's script (``playground_engine.js``, ``playground_data.js``, ``playground.js``)
does the rest: models, losses and optimizers composed from those ops as ``nn`` composes
them, the controls and views, and ``window.chainrule.playground``, the API scripts use.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import math
import numbers
import os
import random
import sys
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from viz.display import png_display
from viz.embed import html_document, script_json
from viz.files import write_atomic
from viz.javascript import op_templates

_DISPLAYS = itertools.count(1)

# The page's scripts, one job each, in the order they load.
_SCRIPTS = (
    "playground_engine.js",
    "playground_data.js",
    "playground_views.js",
    "playground_sample.js",
    "playground_export.js",
    "playground.js",
)

DATASETS = ("moons", "circles", "blobs", "xor", "spiral")
"""The page's own data generators (the learner switches between them)."""

ACTIVATIONS = ("relu", "tanh", "sigmoid", "leaky_relu", "linear")
"""Hidden-layer activations the page offers (``nn.activations`` names)."""

LOSSES = ("hinge", "bce", "cross_entropy")
"""``hinge`` and ``bce`` (``fit``'s ``binary_cross_entropy_with_logits``) for two classes
with one output; ``cross_entropy`` for two or more classes, one output per class."""

OPTIMIZERS = ("sgd", "adam", "adamw")

FEATURES = ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")
"""The inputs a model may read: the point's coordinates and TensorFlow Playground's extras."""

_COLOURS = ("#f59322", "#0877bd", "#2ca02c", "#9467bd", "#d62728", "#17becf")


def _asset(name: str) -> str:
    return resources.files("viz").joinpath(name).read_text(encoding="utf-8")


def _check_choice(name: str, value: Any, choices: Sequence[str]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise ValueError(
            f"playground({name}): expected one of {', '.join(choices)}, got {value!r:.40}"
        )
    return value


def _check_number(name: str, value: Any, low: float, high: float = math.inf) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"playground({name}): expected a number, got {type(value).__name__}")
    number = float(value)
    if not (low <= number <= high):  # False for nan too
        raise ValueError(f"playground({name}): expected a number in [{low}, {high}], got {value!r}")
    return number


def _check_count(name: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"playground({name}): expected an int, got {type(value).__name__}")
    if not low <= int(value) <= high:
        raise ValueError(f"playground({name}): expected an int in [{low}, {high}], got {value!r}")
    return int(value)


def _points(X: Any, y: Any) -> tuple[list[list[float]], list[int]]:  # noqa: N803 - fit's name
    """``X`` (n x 2) and class labels ``y`` as lists: classes numbered 0, 1, ... by value."""
    import numpy as np  # noqa: PLC0415 - only data passed from Python needs it

    try:
        features = np.asarray(X, dtype=float)
        labels = np.asarray(y)
    except (TypeError, ValueError):
        raise TypeError(
            "playground(X, y): expected numbers (an n x 2 array and n labels)"
        ) from None
    if features.ndim != 2 or features.shape[1] != 2 or len(features) < 2:
        raise ValueError(
            f"playground(X): expected at least 2 points of 2 coordinates, "
            f"got shape {features.shape}"
        )
    if labels.shape != (len(features),):
        raise ValueError(
            f"playground(y): expected {len(features)} labels, got shape {labels.shape}"
        )
    if not np.all(np.isfinite(features)):
        raise ValueError("playground(X): every coordinate must be finite (no NaN or inf)")
    try:
        numbered = [float(v) for v in labels.tolist()]
    except (TypeError, ValueError):
        raise TypeError("playground(y): expected numeric class labels") from None
    values = sorted(set(numbered))
    if not 2 <= len(values) <= 6 or not all(math.isfinite(v) for v in values):
        raise ValueError(f"playground(y): expected 2 to 6 finite classes, got {values[:8]}")
    # Classes by value, as fit reads two-class labels: 0 (or -1) first, then 1.
    number = {value: k for k, value in enumerate(values)}
    return features.tolist(), [number[v] for v in numbered]


class Playground:
    """The playground page: shows itself in Jupyter, saves as one HTML file.

    Attributes:
        settings: what the page starts with (see :func:`playground`).
        points: the data the page starts with: ``[x1, x2, class]`` rows, or None when the
            page draws its own from ``settings["dataset"]``.

    Example:
        >>> import pathlib, tempfile
        >>> page = playground(layers=[4])
        >>> path = page.save_html(pathlib.Path(tempfile.mkdtemp()) / "play.html")
        >>> text = path.read_text(encoding="utf-8")
        >>> "https://" in text, "chainrule.playground" in text
        (False, True)
    """

    def __init__(self, settings: dict[str, Any], points: list[list[float]] | None) -> None:
        self.settings = settings
        self.points = points

    def html(self, fallback: str = "", suffix: str = "", *, whole_page: bool = False) -> str:
        """The playground as one HTML fragment (styles, scripts and data inline).

        Args:
            fallback: HTML shown where scripts do not run (an untrusted notebook); the
                script hides it.
            suffix: added to the element's id, so one notebook can show it twice.
            whole_page: the page fills the window (a page of its own).
        """
        data = {
            "settings": self.settings,
            "points": self.points,
            "ops": op_templates(),
            # Python's sum() of floats compensates from 3.12 on: the page sums as fit does.
            "compensatedSum": sys.version_info >= (3, 12),
        }
        payload = script_json(data)
        digest = hashlib.sha256(payload.encode("utf-8")).hexdigest()[:12]
        ident = f"chainrule-play-{digest}{suffix}"
        scripts = "\n".join(_asset(name) for name in _SCRIPTS)
        return (
            f'<div class="chainrule-playground{" cr-page" if whole_page else ""}" id="{ident}">'
            f"<style>{_asset('playground.css')}</style>"
            f'<div class="cr-fallback">{fallback}</div>'
            f'<script type="application/json" class="cr-data">{payload}</script>'
            f"<script>{scripts}\nchainrulePlayground({script_json(ident)});</script>"
            "</div>"
        )

    def page(self) -> str:
        """The playground as a whole HTML document."""
        return html_document("chainrule playground", self.html(whole_page=True), fill=True)

    def save_html(self, path: str | os.PathLike[str]) -> Path:
        """Write the page to ``path``, atomically (no half-written file on failure).

        Returns:
            The path written.
        """
        return write_atomic(path, self.page().encode("utf-8"), "save_html")

    def __repr__(self) -> str:
        s = self.settings
        data = f"{len(self.points)} points" if self.points is not None else s["dataset"]
        return (
            f"Playground({data}, layers={s['layers']}, activation={s['activation'][0]!r}, "
            f"loss={s['loss']!r}, optimizer={s['optimizer']!r}, lr={s['lr']})"
        )

    def _repr_html_(self) -> str:
        return self.html(self._fallback(), suffix=f"-{next(_DISPLAYS)}")

    def still_svg(self) -> str:
        """A still picture of the starting page: the data, and the network's first weights.

        What a notebook shows where scripts cannot run (untrusted, or on a code host).
        """
        from nn import MLP, Layer  # noqa: PLC0415 - viz stands beside nn

        s, points = self.settings, self.points or []
        outputs = s["classes"] if s["loss"] == "cross_entropy" else 1
        sizes = [len(s["features"]), *s["layers"], outputs]
        model = MLP(sizes[0], sizes[1:], seed=s["seed"])
        rng = random.Random(s["seed"])  # noqa: S311 - the page's first weights, as MLP draws them
        acts = [*s["activation"], "linear"]
        model.layers = [Layer(sizes[i], sizes[i + 1], acts[i], seed=rng) for i in range(len(acts))]
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        half = max(max(xs) - min(xs), max(ys) - min(ys)) / 2 * 1.15 + 0.15
        cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
        dots = "".join(
            f'<circle cx="{10 + (x - cx + half) / (2 * half) * 240:.1f}" '
            f'cy="{10 + (cy + half - y) / (2 * half) * 240:.1f}" r="3.5" '
            f'fill="{_COLOURS[int(c)]}" stroke="#fff"/>'
            for x, y, c in points
        )
        column = 300 / max(1, len(sizes) - 1)
        at = [
            [
                (290 + i * column, 130 + (n - (size - 1) / 2) * min(24, 230 / size))
                for n in range(size)
            ]
            for i, size in enumerate(sizes)
        ]
        lines = []
        for i, layer in enumerate(model.layers):
            biggest = max(abs(w.data) for neuron in layer.neurons for w in neuron.w) or 1.0
            for n, neuron in enumerate(layer.neurons):
                for j, w in enumerate(neuron.w):
                    (x1, y1), (x2, y2) = at[i][j], at[i + 1][n]
                    lines.append(
                        f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                        f'stroke="{_COLOURS[w.data >= 0]}" stroke-opacity="0.7" '
                        f'stroke-width="{0.4 + 3 * abs(w.data) / biggest:.2f}"/>'
                    )
        nodes = "".join(
            f'<rect x="{x - 5:.1f}" y="{y - 5:.1f}" width="10" height="10" fill="#fff" '
            'stroke="#888"/>'
            for column_at in at
            for x, y in column_at
        )
        return (
            '<svg xmlns="http://www.w3.org/2000/svg" width="610" height="290" '
            'font-family="sans-serif" font-size="12">'
            '<rect width="610" height="290" fill="#fafafa"/>'
            '<rect x="10" y="10" width="240" height="240" fill="#fff" stroke="#ccc"/>'
            f"{dots}{''.join(lines)}{nodes}"
            f'<text x="10" y="276" fill="#555">{len(points)} points, {html.escape(s["loss"])}, '
            f"{html.escape(s['optimizer'])}: it trains when its script runs</text></svg>"
        )

    def _fallback(self) -> str:
        """The still picture as a PNG, or a sentence where it cannot be made."""
        try:
            encoded, _ = png_display(self.still_svg())
        except (ImportError, ValueError):
            return "<p>(the playground needs JavaScript; save it with .save_html(path))</p>"
        return (
            '<img alt="the playground\'s data and network (it trains when its script runs)" '
            f'src="data:image/png;base64,{encoded}" width="610" style="max-width:100%">'
        )


def playground(  # noqa: PLR0913 - the page's controls, as keywords
    X: Any = None,  # noqa: N803 - the sample matrix, as fit names it
    y: Any = None,
    *,
    dataset: str = "moons",
    samples: int = 100,
    noise: float = 0.1,
    test_fraction: float = 0.0,
    layers: Sequence[int] = (16, 16),
    activation: str | Sequence[str] = "relu",
    features: Sequence[str] = ("x1", "x2"),
    loss: str | None = None,
    optimizer: str = "sgd",
    lr: float | None = None,
    momentum: float = 0.0,
    batch_size: int | None = None,
    l2: float = 0.0,
    weight_decay: float = 0.0,
    seed: int = 1337,
) -> Playground:
    """A page where a network trains in the browser, live, with ``fit``'s numbers.

    The model is ``MLP(len(features), [*layers, outputs], activation, seed=seed)``: one
    output for ``hinge`` and ``bce``, one per class for ``cross_entropy``. Training with
    full batches gives, step for step, the losses of ``fit(model, X, y, loss=...,
    optimizer=..., lr=..., l2=..., epochs=steps)`` on the training points. Every option
    is a control of the page, which the learner changes there too.

    Args:
        X: your own points (n x 2); None draws ``dataset`` (from :mod:`nn.datasets`).
        y: their labels: 2 to 6 classes, numbered by value (0/-1 is the first).
        dataset: "moons", "circles", "blobs", "xor" or "spiral" (used when X is None).
        samples: points drawn for ``dataset``.
        noise: the dataset's noise.
        test_fraction: the share of points, taken from the end, held out as test data.
        layers: hidden layer sizes (0 to 6 layers of 1 to 32 neurons).
        activation: the hidden layers' activation, or one per layer: "relu", "tanh",
            "sigmoid", "leaky_relu" or "linear".
        features: the model's inputs, from :data:`FEATURES`.
        loss: "hinge", "bce" or "cross_entropy"; None: hinge for two classes, else
            cross_entropy.
        optimizer: "sgd" (with ``momentum``), "adam" or "adamw".
        lr: the learning rate; None: 0.1 for SGD, 0.01 for Adam and AdamW.
        momentum: SGD's momentum, in [0, 1).
        batch_size: samples per step; None trains on all training points at once.
        l2: L2 strength added to the loss (``fit``'s ``l2``).
        weight_decay: the optimizer's weight decay (decoupled for AdamW).
        seed: seeds the weights (as ``MLP(seed=seed)``) and the page's shuffling.

    Returns:
        A :class:`Playground`: it displays itself in Jupyter, and ``.save_html(path)``
        writes one self-contained page that works from disk, offline.

    Raises:
        TypeError, ValueError: a bad option, naming it; nothing is built.

    Example:
        >>> page = playground(dataset="blobs", loss="cross_entropy", optimizer="adam")
        >>> page.settings["loss"], page.settings["lr"]
        ('cross_entropy', 0.01)
    """
    from nn import datasets  # noqa: PLC0415 - viz stands beside nn; only the page's data needs it

    dataset = _check_choice("dataset", dataset, DATASETS)
    samples = _check_count("samples", samples, 4, 2000)
    noise = _check_number("noise", noise, 0.0, 1.0)
    test_fraction = _check_number("test_fraction", test_fraction, 0.0, 0.9)
    if isinstance(layers, str) or not isinstance(layers, Sequence) or len(layers) > 6:
        raise ValueError(f"playground(layers): expected up to 6 layer sizes, got {layers!r:.40}")
    sizes = [_check_count("layers", n, 1, 32) for n in layers]
    names = [activation] * len(sizes) if isinstance(activation, str) else list(activation)
    if len(names) != len(sizes):
        raise ValueError(
            f"playground(activation): {len(sizes)} hidden layers but {len(names)} activations"
        )
    names = [_check_choice("activation", a, ACTIVATIONS) for a in names]
    if isinstance(features, str) or not features:
        raise ValueError(f"playground(features): expected a list of names, got {features!r:.40}")
    inputs = [_check_choice("features", f, FEATURES) for f in features]
    if len(set(inputs)) != len(inputs):
        raise ValueError(f"playground(features): a feature is listed twice: {inputs}")
    optimizer = _check_choice("optimizer", optimizer, OPTIMIZERS)
    rate = (0.1 if optimizer == "sgd" else 0.01) if lr is None else lr
    rate = _check_number("lr", rate, 1e-6, 10.0)
    momentum = _check_number("momentum", momentum, 0.0, 0.999)
    if batch_size is not None:
        batch_size = _check_count("batch_size", batch_size, 1, 100_000)
    l2 = _check_number("l2", l2, 0.0, 1.0)
    weight_decay = _check_number("weight_decay", weight_decay, 0.0, 1.0)
    seed = _check_count("seed", seed, 0, 2**32 - 1)
    if (X is None) != (y is None):
        raise TypeError("playground(X, y): pass both X and y, or neither")
    if X is None:
        draw = {
            "moons": lambda: datasets.make_moons(samples, noise=noise, seed=seed),
            "circles": lambda: datasets.make_circles(samples, noise=noise, factor=0.5, seed=seed),
            "blobs": lambda: datasets.make_blobs(
                samples, centers=[[-1.5, -1.0], [1.5, -1.0], [0.0, 1.5]], cluster_std=0.5, seed=seed
            ),
            "xor": lambda: datasets.make_xor(samples, noise=noise, seed=seed),
            "spiral": lambda: datasets.make_spiral(samples, noise=noise, seed=seed),
        }[dataset]
        X, y = draw()  # noqa: N806
    points, classes = _points(X, y)
    count = max(classes) + 1
    loss = ("hinge" if count == 2 else "cross_entropy") if loss is None else loss
    loss = _check_choice("loss", loss, LOSSES)
    if loss != "cross_entropy" and count > 2:
        raise ValueError(
            f"playground(loss): {loss} is a two-class loss, the data has {count} classes "
            f"(use loss='cross_entropy')"
        )
    settings = {
        "dataset": dataset, "samples": samples, "noise": noise, "testFraction": test_fraction,
        "layers": sizes, "activation": names, "features": inputs, "loss": loss,
        "optimizer": optimizer, "lr": rate, "momentum": momentum, "batchSize": batch_size,
        "l2": l2, "weightDecay": weight_decay, "seed": seed, "classes": count,
    }  # fmt: skip
    rows = [[*p, float(c)] for p, c in zip(points, classes, strict=True)]
    return Playground(settings, rows)
