"""A compiled MLP loss called with the batch as one matrix, against PyTorch's own.

PyTorch takes the batch as a (samples, features) tensor, its targets as a (samples,
classes) one: the compiled replay given the same two matrices (a fused layer reads a
slice of the first, the cross-entropy the second) must give its loss, its parameter
gradients and the gradient with respect to the inputs, at realistic sizes and at
saturated logits.
"""

from __future__ import annotations

import numpy as np
import pytest

from autograd import compile
from nn import MLP, losses

from .test_compiled_softmax import assert_same, torch_gradients, torch_model


@pytest.mark.parametrize(
    ("sizes", "activation", "count", "scale"),
    [
        ((64, 32, 10), "relu", 256, 1.0),  # the benchmark's digits network
        ((784, 16, 10), "tanh", 64, 1.0),  # the MNIST network
        ((5, 7, 3), "relu", 40, 300.0),  # saturated logits, hundreds apart
        ((3, 1, 2), "sigmoid", 9, 1.0),  # one hidden neuron: a matrix-vector product
    ],
)
def test_an_mlp_cross_entropy_given_x_as_a_matrix_matches_torch(
    torch, sizes, activation, count, scale
):
    nin, hidden, classes = sizes
    model = MLP(nin, [hidden, classes], activation, seed=nin + count)
    params = model.parameters()
    rng = np.random.default_rng(count)
    X = rng.normal(size=(count, nin)) * scale
    labels = rng.integers(0, classes, count)
    labels[:2] = 0  # a class seen twice, whatever the draw
    Y = np.eye(classes)[labels]
    f = compile(lambda *v: losses.cross_entropy(model(list(v[:nin])), list(v[nin:])),
                nin + classes, parameters=params)  # fmt: skip
    got = f.grad(X, Y, reduce="mean")
    with_inputs = f.grad(X, Y, wrt_inputs=True)

    (w1, b1), (w2, b2) = tensors = torch_model(torch, model, sizes)
    act = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid}[activation]
    x = torch.tensor(X, requires_grad=True)
    logits = act(x @ w1.T + b1) @ w2.T + b2
    per_sample = torch.nn.functional.cross_entropy(logits, torch.tensor(labels), reduction="none")
    per_sample.mean().backward()
    assert_same(got.output, per_sample.detach().numpy(), 1e-12)
    assert_same(got.parameters, [g.item() for g in torch_gradients(tensors)], 1e-12)
    # Input gradients: one column per scalar input (X's shape once stacked), per sample.
    assert len(with_inputs.inputs) == nin + classes
    assert_same(np.column_stack(with_inputs.inputs[:nin]), x.grad.numpy() * count, 1e-12)
    text = f.batch_source
    assert f"X1 = arg0[:, 0:{nin}]" in text
    assert "column_stack" not in text.split("GP =")[0]
