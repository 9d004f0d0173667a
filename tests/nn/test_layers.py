"""Neuron, Layer, MLP: outputs, parameter order, initialisation, activations, scopes."""

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, topological_order
from nn import ACTIVATIONS, MLP, Layer, Neuron
from nn.activations import init_bound


def set_weights(neuron, weights, bias):
    for w, value in zip(neuron.w, weights, strict=True):
        w.data = value
    neuron.b.data = bias


@pytest.mark.parametrize(
    ("name", "z", "expected"),
    [
        ("linear", -2.0, -2.0),
        ("sigmoid", -2.0, 1 / (1 + math.exp(2.0))),
        ("tanh", -2.0, math.tanh(-2.0)),
        ("relu", -2.0, 0.0),
        ("relu", 3.0, 3.0),
        ("leaky_relu", -2.0, -0.02),
        ("prelu", -2.0, -0.5),  # initial slope 0.25
        ("elu", -2.0, math.expm1(-2.0)),
        ("selu", -2.0, 1.0507009873554805 * 1.6732632423543772 * math.expm1(-2.0)),
        ("softplus", -2.0, math.log1p(math.exp(-2.0))),
    ],
)
def test_each_activation_by_name(name, z, expected):
    neuron = Neuron(1, name, seed=0)
    set_weights(neuron, [1.0], 0.0)
    assert neuron([z]).data == pytest.approx(expected, rel=1e-15)


def test_unknown_activation_lists_the_valid_ones():
    with pytest.raises(ValueError, match="unknown activation 'swish'; valid: linear, sigmoid"):
        Neuron(2, "swish")
    with pytest.raises(ValueError, match="softmax normalises a layer"):
        Neuron(2, "softmax")
    with pytest.raises(ValueError, match="output_activation='softmax'"):
        MLP(2, [3, 2], activation="softmax")


def test_neuron_is_the_weighted_sum_as_one_node():
    neuron = Neuron(3, "relu", seed=0)
    set_weights(neuron, [0.5, -1.0, 2.0], 0.25)
    out = neuron([1.0, 2.0, 3.0])
    assert out.data == 0.5 - 2.0 + 6.0 + 0.25
    names = [n.op.name for n in topological_order(out) if n.op is not None]
    assert names == ["dot", "add", "relu"]


def test_prelu_slope_is_learned():
    neuron = Neuron(1, "prelu", seed=0)
    set_weights(neuron, [1.0], 0.0)
    out = neuron([-2.0])
    out.backward()
    assert neuron.slope.grad == -2.0
    assert neuron.parameters()[-1] is neuron.slope


def test_mlp_parameters_follow_micrograds_order():
    model = MLP(2, [3, 1], seed=0)
    names = [name for name, _ in model.named_parameters()]
    assert names[:4] == [
        "layers.0.neurons.0.w.0",
        "layers.0.neurons.0.w.1",
        "layers.0.neurons.0.b",
        "layers.0.neurons.1.w.0",
    ]
    assert names[-3:] == [
        "layers.1.neurons.0.w.1",
        "layers.1.neurons.0.w.2",
        "layers.1.neurons.0.b",
    ]
    assert len(names) == 3 * 3 + 4
    expected = [p for layer in model.layers for n in layer.neurons for p in [*n.w, n.b]]
    assert all(a is b for a, b in zip(model.parameters(), expected, strict=True))
    assert all(p.is_parameter for p in model.parameters())


def test_mlp_2_16_16_1_matches_micrograd_shape():
    model = MLP(2, [16, 16, 1], seed=0)
    assert len(model.parameters()) == 337
    assert [layer.activation for layer in model.layers] == ["relu", "relu", "linear"]
    assert isinstance(model([1.0, 2.0]), Value)
    assert len(MLP(2, [4, 3])([1.0, 2.0])) == 3


def test_mlp_forward_equals_hand_computation():
    model = MLP(2, [2, 1], activation="tanh", seed=3)
    x = [0.3, -0.7]
    hidden = [
        math.tanh(sum(w.data * xi for w, xi in zip(n.w, x, strict=True)) + n.b.data)
        for n in model.layers[0].neurons
    ]
    out = model.layers[1].neurons[0]
    expected = sum(w.data * h for w, h in zip(out.w, hidden, strict=True)) + out.b.data
    assert model(x).data == pytest.approx(expected, rel=1e-14)


@given(seed=st.integers(0, 2**32), x=st.lists(st.floats(-2, 2), min_size=3, max_size=3))
@settings(max_examples=20)
def test_mlp_gradients_match_central_differences(seed, x):
    model = MLP(3, [4, 2], activation="tanh", output_activation="softmax", seed=seed)
    model(x)[0].backward()
    eps = 1e-6
    for p in model.parameters():
        original = p.data
        p.data = original + eps
        upper = model(x)[0].data
        p.data = original - eps
        lower = model(x)[0].data
        p.data = original
        assert p.grad == pytest.approx((upper - lower) / (2 * eps), rel=1e-4, abs=1e-8)


def _forward_with(model, values, x):
    """The model's first output with its parameters replaced by ``values`` (a graph)."""
    layer_input = list(x)
    index = 0
    for layer in model.layers:
        outputs = []
        for neuron in layer.neurons:
            weights = values[index : index + neuron.nin]
            bias = values[index + neuron.nin]
            index += neuron.nin + 1
            outputs.append(sum((w * xi for w, xi in zip(weights, layer_input, strict=True)), bias))
        if layer.activation == "tanh":
            outputs = [o.tanh() for o in outputs]
        elif layer.activation == "softmax":
            exps = [o.exp() for o in outputs]
            outputs = [e / sum(exps[1:], exps[0]) for e in exps]
        layer_input = outputs
    # The model itself must agree with this independent construction.
    return layer_input[0]


def test_model_and_independent_construction_agree():
    model = MLP(3, [4, 2], activation="tanh", output_activation="softmax", seed=5)
    x = [0.1, -0.4, 0.9]
    values = [Value(p.data) for p in model.parameters()]
    reference = _forward_with(model, values, x)
    out = model(x)[0]
    assert out.data == pytest.approx(reference.data, rel=1e-13)
    out.backward()
    reference.backward()
    for p, v in zip(model.parameters(), values, strict=True):
        assert p.grad == pytest.approx(v.grad, rel=1e-10, abs=1e-13)


@pytest.mark.parametrize(
    ("activation", "scheme"),
    [("relu", "he"), ("tanh", "xavier"), ("sigmoid", "xavier"), ("selu", "lecun")],
)
def test_default_initialisation_suits_the_activation(activation, scheme):
    layer = Layer(8, 4, activation, seed=1)
    bound = init_bound(scheme, 8, 4 if scheme == "xavier" else 1)
    weights = [w.data for n in layer.neurons for w in n.w]
    assert all(-bound <= w <= bound for w in weights)
    assert max(map(abs, weights)) > 0.5 * bound  # spread over the range, not all tiny
    assert all(n.b.data == 0.0 for n in layer.neurons)
    uniform = Layer(8, 4, activation, init="uniform", seed=1)
    assert max(abs(w.data) for n in uniform.neurons for w in n.w) > bound


def test_seed_makes_initialisation_reproducible():
    a, b = MLP(2, [4, 1], seed=7), MLP(2, [4, 1], seed=7)
    assert a.state_dict() == b.state_dict()
    assert MLP(2, [4, 1], seed=8).state_dict() != a.state_dict()
    shared = random.Random(3)  # noqa: S311 - a seed, not cryptography
    first = Neuron(2, seed=shared)
    second = Neuron(2, seed=shared)
    assert [w.data for w in first.w] != [w.data for w in second.w]
    with pytest.raises(TypeError, match=r"Neuron\(seed\): expected None, an int >= 0"):
        Neuron(2, seed="1")


def test_reset_parameters_redraws():
    model = MLP(2, [3, 1], seed=1)
    before = model.state_dict()
    model.reset_parameters(2)
    assert model.state_dict() == MLP(2, [3, 1], seed=2).state_dict()
    assert model.state_dict() != before


def test_softmax_layer_gives_probabilities():
    layer = Layer(2, 3, "softmax", seed=0)
    probabilities = [p.data for p in layer([0.5, -0.5])]
    assert sum(probabilities) == pytest.approx(1.0, rel=1e-15)
    assert all(0.0 < p < 1.0 for p in probabilities)


def test_inputs_may_be_values_and_receive_gradients():
    model = MLP(2, [3, 1], seed=0)
    x = [Value(0.5), Value(-1.0)]
    model(x).backward()
    assert any(xi.grad != 0.0 for xi in x)


def test_scopes_cluster_each_neuron():
    model = MLP(2, [2, 1], seed=0)
    out = model([1.0, 2.0])
    neuron = model.layers[0].neurons[1]
    assert neuron.scope.path == ("Layer 0", "Neuron 1")
    assert all(p.scope is neuron.scope for p in neuron.parameters())
    ops_in_neuron = [n.op.name for n in topological_order(out) if n.scope is neuron.scope and n.op]
    assert ops_in_neuron == ["dot", "add", "relu"]


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        (lambda: Neuron(0), ValueError, r"Neuron\(nin\): expected an int >= 1, got 0"),
        (lambda: Layer(2, 0), ValueError, r"Layer\(nout\): expected an int >= 1, got 0"),
        (lambda: MLP(2, []), ValueError, r"MLP\(nouts\): expected at least one layer size"),
        (lambda: MLP(2, 3), TypeError, r"MLP\(nouts\): expected a list of layer sizes, got int"),
        (lambda: MLP(2, [3, -1]), ValueError, r"MLP\(nouts\): expected an int >= 1, got -1"),
        (lambda: Neuron(2, init="magic"), ValueError, r"Neuron\(init\): expected one of None"),
        (lambda: Neuron(2, seed=0)([1.0]), ValueError, "Neuron: expected 2 inputs, got 1"),
        (lambda: MLP(2, [1], seed=0)([1.0, 2.0, 3.0]), ValueError, "Layer 0: expected 2 inputs"),
    ],
)
def test_bad_arguments(build, error, message):
    with pytest.raises(error, match=message):
        build()


def test_every_activation_is_listed():
    assert list(ACTIVATIONS) == [
        "linear", "sigmoid", "tanh", "relu", "leaky_relu", "prelu", "elu", "selu", "softplus",
        "softmax",
    ]  # fmt: skip


def test_a_neuron_labels_number_inputs_outside_its_cluster():
    neuron = Neuron(2, seed=0)
    out = neuron([1.0, 2.0])
    leaves = [n for n in topological_order(out) if n.op is None and not n.is_parameter]
    assert [leaf.label for leaf in leaves] == ["x0", "x1"]
    assert all(leaf.scope is None for leaf in leaves)
