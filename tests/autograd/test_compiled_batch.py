"""Batch replays: fused layers and hoisted nodes give the numbers of the per-node replay.

The oracle for the fused program is the unfused one (``fuse=False``, one line per node,
itself tested against the eager engine in test_compiled.py), and the eager engine directly.
"""

import math
import random
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, compile, dot, grad, total
from nn import MLP, losses

ACTIVATIONS = ["relu", "tanh", "sigmoid", "leaky_relu", "prelu", "elu", "selu", "softplus"]


def assert_close(got, want, rel=1e-12):
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    scale = max(1.0, float(np.max(np.abs(want)))) if want.size else 1.0
    assert np.allclose(got, want, rtol=rel, atol=rel * scale), (got, want)


def both(fn, n_inputs, parameters):
    fused = compile(fn, n_inputs, parameters=parameters)
    plain = compile(fn, n_inputs, parameters=parameters, fuse=False)
    return fused, plain


def eager_mean(fn, parameters, columns):
    """Mean loss and mean parameter gradients from the eager engine, sample by sample."""
    for p in parameters:
        p.grad = 0.0
    count = len(columns[0])
    outputs = []
    for i in range(count):
        out = fn(*[Value(float(c[i])) for c in columns])
        (out * (1.0 / count)).backward()
        outputs.append(out.data)
    return outputs, [p.grad for p in parameters]


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    sizes=st.lists(st.integers(1, 5), min_size=1, max_size=3),
    activation=st.sampled_from(ACTIVATIONS),
    output=st.sampled_from(["linear", "tanh", "softmax"]),
)
def test_random_mlps_fused_equal_unfused_and_eager(seed, sizes, activation, output):
    nout = sizes[-1] if output != "softmax" else max(2, sizes[-1])
    model = MLP(3, [*sizes[:-1], nout], activation, output, seed=seed)
    params = model.parameters()

    def loss(a, b, c, t):
        out = model([a, b, c])
        scores = out if isinstance(out, list) else [out]
        return losses.mse([total(scores)], [t]) + losses.l2(params, 1e-3)

    rng = np.random.default_rng(seed)
    columns = [*rng.normal(size=(3, 6)), rng.normal(size=6)]
    fused, plain = both(loss, 4, params)
    a = fused.grad(*columns, reduce="mean", wrt_inputs=True)
    b = plain.grad(*columns, reduce="mean", wrt_inputs=True)
    assert " @ " in fused.batch_source  # the layers really were fused
    assert " @ " not in plain.batch_source
    assert_close(a.output, b.output)
    assert_close(a.parameters, b.parameters)
    for got, want in zip(a.inputs, b.inputs, strict=True):
        assert_close(got, want)
    outputs, grads = eager_mean(loss, params, columns)
    assert_close(a.output, outputs)
    assert_close(a.parameters, grads)


def random_network(rng: random.Random):
    """A function of three inputs whose dot nodes only partly fit the layer pattern."""
    params: list[Value] = []

    def param() -> Value:
        p = Value(rng.uniform(-1.0, 1.0), parameter=True)
        params.append(p)
        return p

    shared_constant = Value(0.7)  # a constant leaf: the per-node code reads it as a literal
    layers = []
    for _ in range(rng.randint(1, 3)):
        width = rng.randint(1, 4)
        choices = [
            (
                rng.choice(["param", "param", "param", "constant", "repeat"]),
                rng.choice(["bias", "scale", "tanh", "leaky", "none", "bias_relu"]),
            )
            for _ in range(width)
        ]
        layers.append((choices, rng.choice(["same", "reversed", "with_static"])))
    extra_use = rng.random() < 0.5
    weights = {}

    def fn(x0, x1, x2):
        h = [x0, x1, x2]
        side = None
        for depth, (choices, wiring) in enumerate(layers):
            inputs = {"same": h, "reversed": h[::-1], "with_static": [*h, weights["static"]]}[
                wiring
            ]
            out = []
            for j, (kind, after) in enumerate(choices):
                key = (depth, j)
                if key not in weights:
                    if kind == "param":
                        weights[key] = [param() for _ in inputs]
                    elif kind == "constant":
                        weights[key] = [param() for _ in inputs[:-1]] + [shared_constant]
                    else:  # the same parameter twice: not a matrix of distinct weights
                        p = param()
                        weights[key] = [p] * len(inputs)
                    weights[(key, "b")] = param()
                z = dot(weights[key], inputs)
                b = weights[(key, "b")]
                z = {
                    "bias": lambda z, b=b: z + b,
                    "scale": lambda z: z * 1.5,
                    "tanh": lambda z: z.tanh(),
                    "leaky": lambda z, b=b: z.leaky_relu(b),
                    "none": lambda z: z,
                    "bias_relu": lambda z, b=b: (b + z).relu(),
                }[after](z)
                out.append(z)
            if extra_use:  # one output also used on its own, beside the next layer
                side = out[0] * out[-1] if side is None else side + out[0]
            h = out
        result = total(h)
        return result if side is None else result + side.tanh()

    weights["static"] = param() * 2.0  # a hoisted node among a layer's inputs
    return fn, params


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 100_000))
def test_partly_fitting_graphs_fused_equal_unfused(seed):
    fn, params = random_network(random.Random(seed))  # noqa: S311 - test data
    fused, plain = both(fn, 3, None)  # every parameter=True leaf: created by the trace
    columns = list(np.random.default_rng(seed).normal(size=(3, 5)))
    a = fused.grad(*columns, wrt_inputs=True)
    b = plain.grad(*columns, wrt_inputs=True)
    assert fused.parameters == plain.parameters
    assert set(fused.parameters) <= set(params)  # the static one may be unused
    assert_close(a.output, b.output)
    assert_close(a.parameters, b.parameters)
    for got, want in zip(a.inputs, b.inputs, strict=True):
        assert_close(got, want)


def test_the_demo_model_fuses_every_layer_and_hoists_the_penalty():
    model = MLP(2, [16, 16, 1], seed=0)
    params = model.parameters()
    f = compile(
        lambda x0, x1, t: losses.hinge([model([x0, x1])], [t]) + losses.l2(params, 1e-4),
        parameters=params,
    )
    f.trace(0.5, -0.5, 1.0)
    text = f.batch_source
    assert len(re.findall(r"Z\d = \w+ @ W\d\.T", text)) == 2 * 3  # both functions, 3 layers
    assert "GP[0:337] += " in text  # the penalty's gradient: one vector operation
    assert "_sum(" in text  # the batch's gradient summed before the hoisted penalty
    rng = np.random.default_rng(0)
    X, t = rng.normal(size=(2, 50)), np.sign(rng.normal(size=50))
    got = f.grad(*X, t, reduce="mean")
    outputs, grads = eager_mean(f.fn, params, [*X, t])
    assert_close(got.output, outputs)
    assert_close(got.parameters, grads)


def test_a_node_without_inputs_is_computed_once_and_its_gradient_summed():
    w = Value(3.0, parameter=True)
    f = compile(lambda x: (w * w).tanh() + 0.0 * x)
    xs = np.arange(4.0)
    result = f.grad(xs)
    assert result.output.tolist() == [np.tanh(9.0)] * 4
    assert result.parameters == pytest.approx([4 * 6.0 * (1.0 - np.tanh(9.0) ** 2)], rel=1e-12)
    assert f.grad(xs, reduce="mean").parameters == pytest.approx(
        [6.0 * (1.0 - np.tanh(9.0) ** 2)], rel=1e-12
    )
    constant = compile(lambda x: w * 2.0)  # the output itself depends on no input
    assert constant(xs).tolist() == [6.0] * 4
    assert constant.grad(xs).parameters == [8.0]


@pytest.mark.parametrize(
    ("function", "gradient"),
    [
        (lambda w, x: (w * 0.0) ** 2 + x, 0.0),  # pow' at 0: a branch not taken divides by 0
        (lambda w, x: (w * 1e200) ** 2 + x, math.inf),  # overflows: inf, as eagerly
        (lambda w, x: (w * 0.0) ** 2 * (w * 0.0) + x, 0.0),
    ],
)
def test_a_node_without_inputs_follows_the_engines_arithmetic(function, gradient):
    # Computed once, on the parameters' numbers: it once ran Python's float arithmetic,
    # which raises where the engine's gives inf (a ZeroDivisionError from the generated
    # code, where the float program and the engine answered).
    w = Value(0.75, parameter=True)
    f = compile(lambda x: function(w, x))
    x = Value(1.0)
    eager = grad(function(w, x), [w])[0]
    assert eager == gradient
    assert f.grad(1.0).parameters == [gradient]
    assert f.grad(np.array([1.0, 2.0])).parameters == [2.0 * gradient]


def test_a_number_input_in_a_batch_is_every_samples():
    w = [Value(0.5, parameter=True), Value(-2.0, parameter=True)]
    f = compile(lambda a, b: dot(w, [a, b]).tanh())
    xs = np.array([0.1, 0.2, 0.3])
    batch = f.grad(xs, 4.0, wrt_inputs=True)
    for i, x in enumerate(xs):
        single = f.grad(float(x), 4.0, wrt_inputs=True)
        assert_close(batch.output[i], single.output)
        assert_close(batch.inputs[1][i], single.inputs[1])


def test_a_domain_error_in_a_summed_gradient_is_still_found():
    w = Value(0.0, parameter=True)
    f = compile(lambda x: w.sqrt() + x)  # sqrt'(0) is undefined; w's gradient is summed
    with pytest.raises(ZeroDivisionError, match="sqrt: derivative undefined"):
        f.grad(np.array([1.0, 2.0]))
