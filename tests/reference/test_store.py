"""Training through compile and an optimizer's ParameterStore against torch.optim, live.

A user's loop (``zero_grad``, a compiled loss's ``backward(reduce="mean")``, ``step``) runs
100 steps on the digits (``MLP(64, [32, 10])``, cross-entropy, 256 images) and on the
moons (``MLP(2, [16, 16, 1])``, hinge + L2), every optimizer; PyTorch runs the same model
as batched float64 tensors with ``torch.optim``. Weights and gradients must agree to 1e-10
after every step, through every path the store has:

- steps 0-49: the store the compiled loss's first ``backward`` made, in the tape's order;
- step 30: weights written through the Values (``p.data = ...``), read by the next call;
- step 50: a store in reverse order takes them over (read and written through indices);
- step 60: another store takes five of them, so no intact store holds them all: the
  per-Value path for the optimizer and the compiled calls (which adopt nothing then);
- step 75: a second optimizer loads the first one's ``state_dict`` and carries on;
- the last step: NaN and infinite gradients, then three more steps on them.
"""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pytest

from autograd import ParameterStore, compile
from nn import MLP, losses
from nn.datasets import load_digits, make_moons
from nn.optim import SGD, Adam, AdamW, RMSprop

STEPS = 100
TOL = {"rtol": 1e-10, "atol": 1e-10}

CASES = {
    "SGD": (SGD, {"lr": 0.1}),
    "SGD-momentum": (SGD, {"lr": 0.05, "momentum": 0.9, "weight_decay": 1e-3}),
    "Adam": (Adam, {"lr": 0.01, "weight_decay": 1e-3}),
    "AdamW": (AdamW, {"lr": 0.01, "weight_decay": 0.05}),
    "RMSprop": (RMSprop, {"lr": 0.002, "momentum": 0.5, "weight_decay": 1e-3}),
}


def digits_problem():
    images, labels = load_digits()
    X = np.asarray(images, dtype=float)[:256] / 16.0
    y = np.asarray(labels)[:256]
    return (64, 32, 10), X, y, "cross_entropy"


def moons_problem():
    X, y = make_moons((60, 40), noise=0.1, seed=1337)  # unbalanced: no gradient cancels to 0
    return (2, 16, 16, 1), np.asarray(X, dtype=float), 2.0 * np.asarray(y) - 1.0, "hinge"


PROBLEMS = {"digits": digits_problem, "moons": moons_problem}


def ours(sizes, X, y, kind):
    """The model, the compiled per-sample loss and its input columns."""
    model = MLP(sizes[0], list(sizes[1:]), seed=3)
    weights = model.parameters()
    nin = sizes[0]
    if kind == "hinge":
        columns = [*X.T.copy(), y.copy()]

        def loss(*v):
            return losses.hinge([model(list(v[:nin]))], [v[nin]]) + losses.l2(weights, 1e-4)

    else:
        columns = [*X.T.copy(), *((y == k).astype(float) for k in range(sizes[-1]))]

        def loss(*v):
            return losses.cross_entropy(model(list(v[:nin])), list(v[nin:]))

    return weights, compile(loss, len(columns), parameters=weights), columns


def theirs(torch, theta, problem):
    """PyTorch's loss of the same model, over one flat tensor of its parameters in order."""
    sizes, X, y, kind = problem
    inputs = torch.tensor(X)
    h, index = inputs, 0
    for depth, (nin, nout) in enumerate(itertools.pairwise(sizes)):
        block = theta[index : index + nout * (nin + 1)].reshape(nout, nin + 1)
        index += nout * (nin + 1)
        h = h @ block[:, :nin].T + block[:, nin]
        if depth < len(sizes) - 2:
            h = torch.relu(h)
    if kind == "hinge":
        scores = h[:, 0]
        return torch.relu(1.0 - torch.tensor(y) * scores).mean() + 1e-4 * (theta * theta).sum()
    return torch.nn.functional.cross_entropy(h, torch.tensor(y, dtype=torch.long))


def torch_optimizer(torch, cls, theta, options):
    return getattr(torch.optim, cls.__name__)([theta], **options)


def numbers(weights, field):
    return np.array([getattr(p, field) for p in weights])  # through the Values themselves


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("problem", sorted(PROBLEMS))
def test_a_hundred_compiled_steps_through_the_store_equal_torch_optim(torch, problem, case):
    cls, options = CASES[case]
    data = PROBLEMS[problem]()
    weights, f, columns = ours(*data)
    theta = torch.tensor(numbers(weights, "data"), requires_grad=True)
    reference = torch_optimizer(torch, cls, theta, options)
    optimizer = cls(weights, **options)
    for step in range(STEPS):
        if step == 30:  # weights written through the Values: the next call reads them
            weights[0].data, weights[-1].data = 0.25, -0.5
            with torch.no_grad():
                theta[0], theta[-1] = 0.25, -0.5
        if step == 1:
            assert ParameterStore.locate(weights)[1] is None  # adopted by the first backward
        if step == 50:
            reversed_store = ParameterStore(weights[::-1])
            assert ParameterStore.locate(weights)[0] is reversed_store
        if step == 60:
            ParameterStore(weights[:5])
            assert ParameterStore.locate(weights) is None
        if step == 75:  # a second optimizer carries on from the first one's state
            second = cls(weights, **options)
            second.load_state_dict(optimizer.state_dict())
            optimizer = second
        optimizer.zero_grad()
        reference.zero_grad()
        f.backward(*columns, reduce="mean")
        theirs(torch, theta, data).backward()
        np.testing.assert_allclose(numbers(weights, "grad"), theta.grad.numpy(), **TOL)
        optimizer.step()
        reference.step()
        np.testing.assert_allclose(numbers(weights, "data"), theta.detach().numpy(), **TOL)
    # Non-finite gradients: the same NaN and infinities on both sides, then more steps.
    bad = {0: math.nan, 1: math.inf, len(weights) - 1: -math.inf}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # inf - inf, as PyTorch computes
        for _ in range(4):
            for index, g in bad.items():
                weights[index].grad = g
                theta.grad[index] = g
            optimizer.step()
            reference.step()
            found, expected = numbers(weights, "data"), theta.detach().numpy()
            np.testing.assert_allclose(found, expected, equal_nan=True, **TOL)
    assert np.isnan(found[0])


def test_sgd_refuses_nesterov_as_before():
    weights = MLP(2, [3, 1], seed=0).parameters()
    with pytest.raises(TypeError, match="nesterov"):
        SGD(weights, lr=0.1, nesterov=True)
