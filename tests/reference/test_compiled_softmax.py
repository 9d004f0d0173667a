"""The fused softmax of the batch program against PyTorch's own functions.

PyTorch computes ``log_softmax``, ``softmax``, ``logsumexp`` and ``cross_entropy`` with
its own kernels (not a rebuild of chainrule's graph): the fused replay (and the unfused
one, and the eager engine, in tests/autograd/test_compiled_softmax.py) must give its
values and gradients, on random models and at awkward logits.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import compile, dot, log_softmax, logsumexp, softmax
from nn import MLP, losses

FUSED = "# softmax 1:"


def assert_same(got, want, rel=1e-10):
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    assert np.array_equal(np.isnan(got), np.isnan(want)), (got, want)
    finite = np.isfinite(want)
    assert np.array_equal(got[~finite & ~np.isnan(want)], want[~finite & ~np.isnan(want)])
    scale = max(1.0, float(np.max(np.abs(want[finite])))) if finite.any() else 1.0
    assert np.allclose(got[finite], want[finite], rtol=rel, atol=rel * scale), (got, want)


def torch_model(torch, model, sizes):
    """The model's weights as torch tensors (each neuron's weights, then its bias)."""
    flat = [p.data for p in model.parameters()]
    tensors, index = [], 0
    for nin, nout in itertools.pairwise(sizes):
        block = torch.tensor(flat[index : index + nout * (nin + 1)]).reshape(nout, nin + 1)
        w = block[:, :nin].clone().requires_grad_(True)
        b = block[:, nin].clone().requires_grad_(True)
        tensors.append((w, b))
        index += nout * (nin + 1)
    return tensors


def torch_gradients(tensors):
    return [x for w, b in tensors for j in range(w.shape[0]) for x in [*w.grad[j], b.grad[j]]]


@settings(max_examples=10, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    hidden=st.integers(1, 8),
    classes=st.integers(2, 10),
    kind=st.sampled_from(["one_hot", "index", "soft", "logsumexp", "softmax"]),
)
def test_random_models_match_torch(torch, seed, hidden, classes, kind):
    sizes = (4, hidden, classes)
    model = MLP(4, [hidden, classes], "relu", seed=seed)
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(16, 4)) * 3
    X[0] *= 300.0  # saturated logits, hundreds apart
    labels = rng.integers(0, classes, 16)
    soft = rng.dirichlet(np.ones(classes), 16)
    targets = {"one_hot": np.eye(classes)[labels], "soft": soft}.get(kind, soft)
    nin = 4

    def fn(*v):
        z = model(list(v[:nin]))
        t = list(v[nin:])
        if kind in ("one_hot", "soft"):
            return losses.cross_entropy(z, t)
        if kind == "index":
            return losses.cross_entropy(z, 1 % classes)
        if kind == "logsumexp":
            return logsumexp(z)
        return dot(t, softmax(z))

    f = compile(fn, nin + classes, parameters=model.parameters())
    columns = [*X.T, *targets.T]
    result = f.grad(*columns)
    assert FUSED in f.batch_source
    tensors = torch_model(torch, model, sizes)
    h = torch.tensor(X)
    for depth, (w, b) in enumerate(tensors):
        h = h @ w.T + b
        h = torch.relu(h) if depth == 0 else h
    t = torch.tensor(targets)
    if kind in ("one_hot", "soft"):
        loss = torch.nn.functional.cross_entropy(h, t, reduction="none")
    elif kind == "index":
        loss = torch.nn.functional.cross_entropy(
            h, torch.full((16,), 1 % classes), reduction="none"
        )
    elif kind == "logsumexp":
        loss = torch.logsumexp(h, 1)
    else:
        loss = (t * torch.softmax(h, 1)).sum(1)
    loss.sum().backward()
    assert_same(result.output, loss.detach().numpy())
    assert_same(result.parameters, torch_gradients(tensors))


AWKWARD = [
    [1000.0, -1000.0, 0.0],
    [-1000.0, 1000.0, 1000.0],  # a tie at the top
    [0.5, 0.5, 0.5],  # every class tied
    [0.0, -math.inf, 1.0],  # a class ruled out
    [2.0, -math.inf, -math.inf],
    [1e-300, -1e-300, 0.0],
    [40.0, -40.0, 3.0],
]


@pytest.mark.parametrize("kind", ["log_softmax", "index", "softmax", "logsumexp"])
@pytest.mark.parametrize("fuse", [True, False])
def test_awkward_logits_match_torch(torch, kind, fuse):
    weights = [0.3, -1.0, 2.0]

    def fn(z0, z1, z2):
        z = [z0, z1, z2]
        if kind == "log_softmax":  # classes 0 and 2 (1 is ruled out in two rows)
            p = log_softmax(z)
            return dot([weights[0], weights[2]], [p[0], p[2]])
        if kind == "index":
            return losses.cross_entropy(z, 0)
        if kind == "softmax":
            return dot(weights, softmax(z))
        return logsumexp(z)

    f = compile(fn, 3, fuse=fuse)
    f.trace(0.1, 0.2, 0.3)
    assert (FUSED in f.batch_source) == fuse
    logits = np.array(AWKWARD)
    result = f.grad(*logits.T, wrt_inputs=True)
    z = torch.tensor(logits, requires_grad=True)
    w = torch.tensor(weights)
    if kind == "log_softmax":
        out = torch.log_softmax(z, 1)[:, [0, 2]] @ w[[0, 2]]
    elif kind == "index":
        out = torch.nn.functional.cross_entropy(z, torch.zeros(len(AWKWARD), dtype=torch.long),
                                                reduction="none")  # fmt: skip
    elif kind == "softmax":
        out = torch.softmax(z, 1) @ w
    else:
        out = torch.logsumexp(z, 1)
    out.sum().backward()
    want_out = out.detach().numpy()
    want_grad = z.grad.numpy()
    assert_same(result.output, want_out)
    for j in range(3):
        assert_same(result.inputs[j], want_grad[:, j])


def test_the_seed_articles_mnist_network_fuses_and_matches_torch(torch):
    # MLP(784, [16, 10]), 12,730 parameters, cross-entropy over one-hot targets; the
    # inputs are random (the numbers do not depend on what the pixels show).
    model = MLP(784, [16, 10], "relu", seed=0)
    assert len(model.parameters()) == 12_730
    rng = np.random.default_rng(1)
    X, labels = rng.random((32, 784)), rng.integers(0, 10, 32)

    def fn(*v):
        return losses.cross_entropy(model(list(v[:784])), list(v[784:]))

    f = compile(fn, 794, parameters=model.parameters())
    result = f.grad(*X.T, *np.eye(10)[labels].T, reduce="mean")
    assert "Z1s = Z2_1" in f.batch_source
    tensors = torch_model(torch, model, (784, 16, 10))
    (w1, b1), (w2, b2) = tensors
    logits = torch.relu(torch.tensor(X) @ w1.T + b1) @ w2.T + b2
    loss = torch.nn.functional.cross_entropy(logits, torch.tensor(labels))
    loss.backward()
    assert float(np.mean(result.output)) == pytest.approx(loss.item(), rel=1e-12)
    assert_same(result.parameters, torch_gradients(tensors))
