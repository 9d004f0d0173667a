"""Lesson of notebook 11: an autoencoder on the real digits learns codes that group digits."""

from __future__ import annotations

import numpy as np
import pytest

import autograd
import nn
from nn import losses


def test_autoencoder_reconstructs_better_than_the_average_image_and_groups_digits():
    X, digit = nn.datasets.load_digits()
    X = X / 16.0
    model = nn.MLP(64, [2, 64], activation="tanh", output_activation="linear", seed=0)
    params = model.parameters()
    loss = autograd.compile(
        lambda *pixels: losses.mse(model(list(pixels)), list(pixels)), 64, parameters=params
    )
    # The compiled per-image loss is the eager one (oracle: the engine itself).
    eager = losses.mse(model(X[5].tolist()), X[5].tolist())
    eager.backward()
    replay = loss.grad(*X[5])
    assert replay.output == pytest.approx(eager.data, rel=1e-12)
    assert replay.parameters == pytest.approx([p.grad for p in params], rel=1e-9, abs=1e-12)

    columns = [column.copy() for column in X.T]
    optimizer = nn.optim.Adam(params, lr=0.02)
    shuffler = np.random.default_rng(0)
    curve = []
    for _ in range(20):
        order, total = shuffler.permutation(len(X)), 0.0
        for start in range(0, len(X), 128):
            rows = order[start : start + 128]
            result = loss.grad(*(column[rows] for column in columns), reduce="mean")
            for p, g in zip(params, result.parameters, strict=True):
                p.grad = g
            optimizer.step()
            total += float(np.sum(result.output))
        curve.append(total / len(X))
    baseline = float(np.mean((X - X.mean(axis=0)) ** 2))
    assert baseline == pytest.approx(0.0733, abs=1e-4)
    final = float(np.mean((np.array(nn.predict(model, X)) - X) ** 2))
    assert final == pytest.approx(curve[-1], rel=0.05)  # the curve measures what it says
    assert final < 0.8 * baseline
    # Codes: 2 numbers per image; an image's nearest digit centre is its own digit far more
    # often than chance (10 %).
    codes = np.array([[h.data for h in model.layers[0](row)] for row in X.tolist()])
    assert codes.shape == (1797, 2)
    centres = np.array([codes[digit == k].mean(axis=0) for k in range(10)])
    nearest = np.argmin(((codes[:, None, :] - centres[None]) ** 2).sum(axis=2), axis=1)
    assert np.mean(nearest == digit) > 0.4
