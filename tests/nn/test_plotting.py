"""Decision-boundary plots: the PNG is written atomically and the regions follow the model."""

import numpy as np
import pytest

from nn import Neuron, plot_decision_boundary
from nn.plotting import decision_scores


def linear_neuron():
    n = Neuron(2, "linear", seed=0)
    n.w[0].data, n.w[1].data, n.b.data = 1.0, 0.0, 0.0  # score = first feature
    return n


def test_scores_follow_the_model():
    xx, yy, scores = decision_scores(linear_neuron(), [[-1.0, 0.0], [1.0, 1.0]], resolution=5)
    assert np.array_equal(scores, xx)
    assert (xx.min(), xx.max(), yy.min(), yy.max()) == (-1.5, 1.5, -0.5, 1.5)


def test_png_is_written(tmp_path):
    X = np.array([[-1.0, 0.0], [1.0, 1.0], [0.5, -0.5]])
    path = tmp_path / "boundary.png"
    figure = plot_decision_boundary(linear_neuron(), X, [0, 1, 1], path, resolution=8)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in tmp_path.iterdir()] == ["boundary.png"]
    ax = figure.axes[0]
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == (
        "Decision boundary", "feature 1", "feature 2",
    )  # fmt: skip


def test_needs_two_features():
    with pytest.raises(ValueError, match=r"X\): expected samples of two features"):
        plot_decision_boundary(linear_neuron(), [[1.0, 2.0, 3.0]], [1])
