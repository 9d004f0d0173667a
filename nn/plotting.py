"""Decision-boundary plots with matplotlib (imported only when a plot is made)."""

from __future__ import annotations

import io
import os
from typing import Any

import numpy as np

from autograd import write_atomically
from nn import checks
from nn.module import Module
from nn.training import predict


def decision_scores(model: Module, X: Any, resolution: int = 60, margin: float = 0.5) -> tuple:
    """The model's score on a ``resolution`` x ``resolution`` grid around the samples ``X``.

    Returns ``(xx, yy, scores)`` as 2-D arrays (for ``contourf``). For several outputs the
    score is the index of the largest one (the predicted class).

    Example:
        >>> from nn import Neuron
        >>> n = Neuron(2, "linear", seed=0)
        >>> xx, yy, zz = decision_scores(n, [[0.0, 0.0], [1.0, 1.0]], resolution=3)
        >>> zz.shape
        (3, 3)
    """
    return _grid("decision_scores", model, X, resolution, margin)


def _grid(function: str, model: Any, X: Any, resolution: Any, margin: Any) -> tuple:
    if not isinstance(model, Module):
        raise TypeError(f"{function}(model): expected an nn model, got {type(model).__name__}")
    points = checks.numbers_array(function, "X", X)
    if points.ndim != 2 or points.shape[1] != 2 or points.shape[0] == 0:
        raise ValueError(
            f"{function}(X): expected samples of two features, got shape {points.shape}"
        )
    resolution = checks.count(function, "resolution", resolution, minimum=2)
    margin = checks.non_negative(function, "margin", margin)
    low, high = points.min(axis=0) - margin, points.max(axis=0) + margin
    xx, yy = np.meshgrid(
        np.linspace(low[0], high[0], resolution), np.linspace(low[1], high[1], resolution)
    )
    outputs = predict(model, np.column_stack([xx.ravel(), yy.ravel()]))
    scores = [int(np.argmax(o)) if isinstance(o, list) else o for o in outputs]
    return xx, yy, np.asarray(scores, dtype=float).reshape(xx.shape)


def plot_decision_boundary(  # noqa: PLR0913 - plot options
    model: Module,
    X: Any,
    y: Any,
    path: str | os.PathLike[str] | None = None,
    *,
    ax: Any = None,
    title: str = "Decision boundary",
    resolution: int = 60,
) -> Any:
    """Draw the model's decision regions with the samples on top; save a PNG if ``path``.

    For one output the boundary is where the score crosses 0 (hinge, logits); for several
    outputs each region is a predicted class. Draws on ``ax`` if given (Jupyter with
    pyplot), else on a new figure, which is returned. Saving is atomic.

    Example:
        >>> from nn import MLP, datasets
        >>> X, y = datasets.make_moons(20, seed=0)
        >>> figure = plot_decision_boundary(MLP(2, [4, 1], seed=0), X, y, resolution=10)
        >>> figure.axes[0].get_title()
        'Decision boundary'
    """
    name = "plot_decision_boundary"
    target = None if path is None else checks.path(name, "path", path)
    checks.text(name, "title", title)
    xx, yy, scores = _grid(name, model, X, resolution, 0.5)
    points, labels = np.asarray(X, dtype=float), checks.numbers_array(name, "y", y)
    if labels.shape != (len(points),):
        raise ValueError(f"{name}(y): expected {len(points)} labels, got shape {labels.shape}")

    from matplotlib.figure import Figure  # noqa: PLC0415 - matplotlib is slow to import

    if ax is None:
        figure = Figure(figsize=(5.5, 4.5), layout="constrained")
        ax = figure.add_subplot()
    else:
        figure = ax.figure
    if len(np.unique(scores)) > 1 and np.all(scores == np.round(scores)) and scores.max() > 1:
        ax.contourf(xx, yy, scores, alpha=0.35, cmap="viridis")
    else:
        # Region colours match the points' colour map: low label blue, high label red.
        ax.contourf(xx, yy, scores > 0, levels=[-0.5, 0.5, 1.5], colors=["#b4ccf0", "#f0b8b0"])
        ax.contour(xx, yy, scores, levels=[0.0], colors="black", linewidths=1.0)
    ax.scatter(points[:, 0], points[:, 1], c=labels, cmap="coolwarm", edgecolors="black", s=25)
    ax.set_title(title)
    ax.set_xlabel("feature 1")
    ax.set_ylabel("feature 2")
    if target is not None:
        buffer = io.BytesIO()
        suffix = target.suffix.lstrip(".").lower() or "png"
        figure.savefig(buffer, format=suffix, dpi=110)
        write_atomically(target, buffer.getvalue(), name)
    return figure
