"""micrograd's nn spellings: Neuron(nin, nonlin=...), Layer(..., nonlin=...), its init."""

from __future__ import annotations

import random

import pytest

from nn import MLP, Layer, Neuron


def test_nonlin_is_relu_or_linear():
    assert Neuron(2, nonlin=True).activation == "relu"
    assert Neuron(2, nonlin=False).activation == "linear"
    assert Layer(2, 3, nonlin=False).activation == "linear"
    assert Neuron(2).activation == "relu"
    n = Neuron(2, nonlin=False)
    n.w[0].data, n.w[1].data = 1.0, 1.0
    assert n([-2.0, -3.0]).data == -5.0  # linear: no ReLU clipping


def test_nonlin_and_activation_together_is_an_error():
    with pytest.raises(TypeError, match="activation or micrograd's nonlin"):
        Neuron(2, "tanh", nonlin=True)
    with pytest.raises(TypeError, match=r"Layer\(nonlin\)"):
        Layer(2, 2, nonlin=1)


def test_the_global_random_seed_gives_micrograds_uniform_weights():
    random.seed(1337)
    model = MLP(2, [16, 16, 1], init="uniform", seed=random)
    random.seed(1337)
    # micrograd draws random.uniform(-1, 1) per weight, layer by layer, neuron by neuron;
    # biases start at 0 and draw nothing.
    expected = []
    for nin, nout in ((2, 16), (16, 16), (16, 1)):
        for _ in range(nout):
            expected += [
                random.uniform(-1, 1)  # noqa: S311 - micrograd's init, not cryptography
                for _ in range(nin)
            ] + [0.0]
    assert [p.data for p in model.parameters()] == expected


def test_a_one_neuron_layer_returns_a_list_and_the_mlp_a_value():
    layer = Layer(2, 1, seed=0)
    assert isinstance(layer([1.0, 2.0]), list)
    assert not isinstance(MLP(2, [1], seed=0)([1.0, 2.0]), list)
