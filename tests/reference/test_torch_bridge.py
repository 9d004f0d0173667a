"""nn models to PyTorch and back (nn.torch_bridge), checked against PyTorch itself.

The oracle is PyTorch's own forward and autograd on the exported module: chainrule's
forward and gradients must equal them to 1e-12 (relative, with a 1e-12 absolute floor)
on hypothesis-drawn models and inputs. Rules where the libraries differ are stated where
tested: dropout masks come from different generators (compared in evaluation mode), and
PyTorch's default Softplus threshold (20) is read as chainrule's exact softplus.
"""

from __future__ import annotations

import builtins
import contextlib
import io
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nn
from autograd import Value, apply, compile, grad
from autograd.compiler import torch_code
from autograd.ops import TABLE
from autograd.strategies import expressions, op_inputs
from nn import MLP, Dropout, Layer, Neuron, datasets, from_torch, losses, optim
from nn.activations import ACTIVATIONS

HIDDEN = [a for a in ACTIVATIONS if a != "softmax"]
TOL = 1e-12


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=TOL, abs_tol=TOL)


def outputs_of(model, x):
    out = model(x)
    return out if isinstance(out, list) else [out]


@st.composite
def models(draw):
    """An MLP with any hidden and output activation, sizes, init and dropout (eval mode)."""
    nin = draw(st.integers(1, 4))
    nouts = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))
    output = draw(st.sampled_from(list(ACTIVATIONS)))
    if output == "softmax" and nouts[-1] == 1:
        nouts[-1] = 2
    model = MLP(
        nin,
        nouts,
        draw(st.sampled_from(HIDDEN)),
        output,
        init=draw(st.sampled_from([None, "uniform"])),
        seed=draw(st.integers(0, 2**32)),
        dropout=draw(st.sampled_from([0.0, 0.3])),
    )
    # PReLU slopes start at 0.25 everywhere: spread them so a wrong slope shows.
    for p in model.parameters():
        if p.label == "a":
            p.data = draw(st.floats(-0.5, 0.9))
    return model.eval()


samples = st.lists(st.floats(-3.0, 3.0), min_size=1, max_size=4)


def batch_of(draw_rows, nin):
    return [(row * nin)[:nin] for row in draw_rows]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(models(), st.lists(samples, min_size=1, max_size=5))
def test_forward_and_mse_gradients_agree(torch, model, rows):
    x = batch_of(rows, model.nin)
    net = model.to_torch()
    assert not net.training
    got = net(torch.tensor(x))
    for i, row in enumerate(x):
        for j, value in enumerate(outputs_of(model, row)):
            assert close(value.data, got[i, j].item()), (i, j)
    # A named loss over the batch: mse against targets of the same shape.
    targets = [[(i + j) % 3 - 1.0 for j in range(got.shape[1])] for i in range(len(x))]
    model.zero_grad()
    predictions = [v for row in x for v in outputs_of(model, row)]
    loss = losses.mse(predictions, [t for row in targets for t in row])
    loss.backward()
    reference = torch.nn.functional.mse_loss(got, torch.tensor(targets))
    reference.backward()
    assert close(loss.data, reference.item())
    names = dict(net.named_parameters())
    assert len(names) == sum(1 + 1 + (lay.activation == "prelu") for lay in model.layers)
    for i, layer in enumerate(model.layers):
        weight, bias = names[f"layers.{i}.weight"], names[f"layers.{i}.bias"]
        for j, neuron in enumerate(layer.neurons):
            assert close(neuron.b.grad, bias.grad[j].item())
            for k, w in enumerate(neuron.w):
                assert w.data == weight[j, k].item()
                assert close(w.grad, weight.grad[j, k].item())
            if neuron.slope is not None:
                slope = names[f"layers.{i}.activation.weight"]
                assert close(neuron.slope.grad, slope.grad[j].item())


@settings(max_examples=30, deadline=None)
@given(
    st.tuples(
        st.integers(2, 4),
        st.integers(2, 5),
        st.sampled_from(HIDDEN),
        st.integers(0, 2**32),
        st.lists(st.floats(-4, 4), min_size=3, max_size=3),
    )
)
def test_cross_entropy_gradients_agree(torch, case):
    nin, classes, hidden, seed, row = case
    model = MLP(nin, [3, classes], hidden, seed=seed)
    x = (row * nin)[:nin]
    target = seed % classes
    net = model.to_torch()
    reference = torch.nn.functional.cross_entropy(net(torch.tensor([x])), torch.tensor([target]))
    reference.backward()
    loss = losses.cross_entropy(model(x), target)
    loss.backward()
    assert close(loss.data, reference.item())
    for p, q in zip(model.parameters(), _torch_in_chainrule_order(net), strict=True):
        assert close(p.grad, q[1])


def _torch_in_chainrule_order(net):
    """(value, grad) of the export's numbers in chainrule's order: neuron by neuron."""
    found = []
    for layer in net.layers:
        slopes = getattr(layer.activation, "weight", None)
        for j in range(layer.out_features):
            found += [
                (w.item(), g.item())
                for w, g in zip(layer.weight[j], layer.weight.grad[j], strict=True)
            ]
            found.append((layer.bias[j].item(), layer.bias.grad[j].item()))
            if slopes is not None:
                found.append((slopes[j].item(), slopes.grad[j].item()))
    return found


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_every_activation_on_both_sides_of_its_kink(torch, activation):
    # Softplus past PyTorch's default threshold (25, 50) and far left, relu's kink at 0.
    layer = Layer(1, 2, activation, seed=1)
    for neuron, w in zip(layer.neurons, [1.0, -1.0], strict=True):
        neuron.w[0].data, neuron.b.data = w, 0.0
    net = layer.to_torch()
    for x in [-50.0, -25.0, -1.5, 0.0, 1e-3, 2.0, 25.0, 50.0, 700.0]:
        got = net(torch.tensor([x], requires_grad=True))
        for j, value in enumerate(layer([x])):
            assert close(value.data, got[j].item()), (x, j)


def test_names_shapes_and_state_dict_round_trip(torch):
    model = MLP(3, [4, 2], "prelu", "softmax", seed=2)
    net = model.to_torch()
    state = net.state_dict()
    assert list(state) == [
        "layers.0.weight",
        "layers.0.bias",
        "layers.0.activation.weight",
        "layers.1.weight",
        "layers.1.bias",
    ]
    assert state["layers.0.weight"].shape == (4, 3)
    assert state["layers.0.activation.weight"].shape == (4,)
    assert state["layers.0.weight"].dtype == torch.float64
    other = MLP(3, [4, 2], "prelu", "softmax", seed=3).to_torch()
    other.load_state_dict(state)
    assert all(torch.equal(state[k], other.state_dict()[k]) for k in state)
    assert from_torch(other).state_dict() == model.state_dict()
    assert model.to_torch(torch.float32).layers[0].weight.dtype == torch.float32


@settings(max_examples=40, deadline=None)
@given(models())
def test_every_model_round_trips_with_identical_weights(torch, model):
    back = from_torch(model.to_torch())
    assert type(back) is MLP
    assert back.config() == model.config()
    assert back.state_dict() == model.state_dict()
    assert back.training == model.training


@pytest.mark.parametrize("activation", HIDDEN)
def test_neuron_layer_and_dropout_round_trip(torch, activation):
    neuron = Neuron(3, activation, seed=4)
    back = from_torch(neuron.to_torch())
    assert type(back) is Neuron
    assert back.config() == neuron.config()
    assert back.state_dict() == neuron.state_dict()
    layer = Layer(2, 3, activation, init="uniform", seed=5)
    back = from_torch(layer.to_torch())
    assert type(back) is Layer
    assert (back.config(), back.state_dict()) == (layer.config(), layer.state_dict())
    drop = from_torch(Dropout(0.25).eval().to_torch())
    assert type(drop) is Dropout
    assert (drop.p, drop.training) == (0.25, False)


def test_an_export_changed_in_pytorch_is_read_from_its_modules(torch):
    model = MLP(2, [3, 1], "tanh", init="uniform", seed=0)
    net = model.to_torch()
    assert from_torch(net).config() == model.config()
    net.layers[0].activation = torch.nn.ReLU()
    back = from_torch(net)
    assert (back.activation, back.init) == ("relu", None)
    assert back.state_dict() == model.state_dict()
    net.layers[1].activation = torch.nn.GELU()
    with pytest.raises(ValueError, match=r"layer layers.1.activation \(GELU\)"):
        from_torch(net)


def test_a_pytorch_sequential_becomes_an_mlp(torch):
    torch.manual_seed(0)
    tnn = torch.nn
    net = tnn.Sequential(
        tnn.Linear(2, 5),
        tnn.Tanh(),
        tnn.Dropout(0.1),
        tnn.Linear(5, 4),
        tnn.Tanh(),
        tnn.Dropout(0.1),
        tnn.Linear(4, 3),
        tnn.Softmax(dim=1),
    ).double()
    net.eval()
    model = from_torch(net)
    assert model.config() == {
        "nin": 2,
        "nouts": [5, 4, 3],
        "activation": "tanh",
        "output_activation": "softmax",
        "init": None,
        "dropout": 0.1,
    }
    assert not model.training
    x = [[0.3, -1.2], [2.0, 0.5]]
    got = net(torch.tensor(x))
    for i, row in enumerate(x):
        assert all(close(v.data, got[i, j].item()) for j, v in enumerate(model(row)))
    # The default Softplus (threshold 20) and a bare Linear are read too.
    assert from_torch(tnn.Sequential(tnn.Linear(2, 1), tnn.Softplus())).output_activation == (
        "softplus"
    )
    layer = from_torch(tnn.Linear(3, 2))
    assert (type(layer), layer.activation, layer.nout) == (Layer, "linear", 2)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda t: t.Sequential(t.Linear(2, 3), t.GELU(), t.Linear(3, 1)), "layer 1 (GELU)"),
        (lambda t: t.Sequential(t.Linear(2, 3), t.LeakyReLU(0.2)), "layer 1 (LeakyReLU)"),
        (lambda t: t.Sequential(t.Linear(2, 3), t.ELU(0.5)), "layer 1 (ELU) has alpha=0.5"),
        (lambda t: t.Sequential(t.Linear(2, 3, bias=False)), "layer 0 (Linear) has no bias"),
        (lambda t: t.Sequential(t.Linear(2, 3), t.PReLU()), "layer 1 (PReLU) has 1 slope"),
        (lambda t: t.Sequential(t.ReLU(), t.Linear(2, 3)), "layer 0 comes before any Linear"),
        (lambda t: t.Sequential(t.Linear(2, 3), t.ReLU(), t.Tanh()), "layer 2 (Tanh) follows"),
        (
            lambda t: t.Sequential(
                t.Linear(2, 3), t.ReLU(), t.Linear(3, 3), t.Tanh(), t.Linear(3, 1)
            ),
            "different activations",
        ),
        (lambda t: t.Sequential(t.Linear(2, 3), t.Linear(4, 1)), "layer 1 takes 4 inputs"),
        (lambda t: t.Sequential(t.Linear(2, 3), t.Softmax(dim=0)), "(Softmax) has dim=0"),
        (lambda t: t.Sequential(t.Linear(2, 3), t.Softplus(beta=2.0)), "(Softplus) has beta=2.0"),
        (lambda t: t.Sequential(t.Linear(2, 3), t.Dropout(0.5)), "layer 1 (Dropout)"),
        (lambda t: t.Sequential(t.Conv1d(1, 1, 1)), "layer 0 (Conv1d) has no chainrule"),
        (lambda t: t.Sequential(), "no Linear layer"),
        (lambda t: t.LSTM(2, 3), "LSTM is not a torch.nn.Sequential"),
    ],
)
def test_anything_else_is_refused_naming_the_layer(torch, build, message):
    with pytest.raises(ValueError, match="from_torch") as error:
        from_torch(build(torch.nn))
    assert message in str(error.value)


def test_refusals_on_the_export_side(torch):
    class Twice(nn.Module):
        def named_parameters(self):
            return []

    with pytest.raises(TypeError, match=r"to_torch\(model\): Twice has no PyTorch export"):
        Twice().to_torch()
    with pytest.raises(TypeError, match=r"to_torch\(dtype\): expected a floating"):
        MLP(2, [1]).to_torch(torch.int64)


def test_without_torch_the_functions_say_which_extra_to_install():
    # A fresh interpreter where `import torch` fails: one line naming the extra.
    code = (
        "import sys; sys.modules['torch'] = None\n"
        "import nn\n"
        "fake = type('Sequential', (), {'__module__': 'torch.nn.modules.container'})()\n"
        "for call in (lambda: nn.MLP(2, [1]).to_torch(), lambda: nn.from_torch(fake)):\n"
        "    try:\n"
        "        call()\n"
        "    except ImportError as error:\n"
        "        print(error)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.splitlines() == [
        'to_torch: PyTorch is not installed: pip install "chainrule[torch]"',
        'from_torch: PyTorch is not installed: pip install "chainrule[torch]"',
    ]


# --- training hand-off: optimizer state to torch.optim and back ----------------------------

OPTIMIZERS = {
    "SGD": (optim.SGD, {"lr": 0.05, "momentum": 0.9, "weight_decay": 1e-3}),
    "Adam": (optim.Adam, {"lr": 0.01, "weight_decay": 1e-3}),
    "AdamW": (optim.AdamW, {"lr": 0.01, "weight_decay": 0.05}),
    "RMSprop": (optim.RMSprop, {"lr": 0.005, "momentum": 0.5, "weight_decay": 1e-3}),
    "RMSprop-plain": (optim.RMSprop, {"lr": 0.005}),
    "SGD-plain": (optim.SGD, {"lr": 0.1}),
}
STEPS, SWITCH = 100, 37


def _problem(name):
    """A model, its data and a full-batch loss in each library (moons: BCE with logits)."""
    if name == "moons":
        X, y = datasets.make_moons(24, noise=0.1, seed=0)
        model = MLP(2, [8, 8, 1], "tanh", seed=1)
        X, y = X.tolist(), [float(t) for t in y]

        def ours():
            return losses.binary_cross_entropy_with_logits([model(row) for row in X], y)

        def theirs(torch, net):
            out = net(torch.tensor(X)).reshape(-1)
            return torch.nn.functional.binary_cross_entropy_with_logits(out, torch.tensor(y))

        return model, ours, theirs
    X, y = datasets.load_digits()  # the real UCI digits: 12 of them, 64 pixels in [0, 1]
    X, y = (X[:12] / 16.0).tolist(), [int(t) for t in y[:12]]
    model = MLP(64, [6, 10], "relu", seed=2)

    def ours():
        return losses.cross_entropy([model(row) for row in X], y)

    def theirs(torch, net):
        return torch.nn.functional.cross_entropy(net(torch.tensor(X)), torch.tensor(y))

    return model, ours, theirs


def _chainrule_steps(model, optimizer, loss, count):
    curve = []
    for _ in range(count):
        optimizer.zero_grad()
        value = loss()
        value.backward()
        optimizer.step()
        curve.append(value.data)
    return curve


def _torch_steps(torch, net, optimizer, loss, count):
    curve = []
    for _ in range(count):
        optimizer.zero_grad()
        value = loss(torch, net)
        value.backward()
        optimizer.step()
        curve.append(value.item())
    return curve


@pytest.mark.parametrize("problem", ["moons", "digits"])
@pytest.mark.parametrize("kind", list(OPTIMIZERS))
def test_training_hands_off_to_pytorch_and_back(torch, problem, kind):
    rule, settings = OPTIMIZERS[kind]
    model, ours, _ = _problem(problem)
    whole = _chainrule_steps(model, rule(model.parameters(), **settings), ours, STEPS)
    assert whole[-1] < whole[0]  # it learns

    # chainrule for SWITCH steps, then PyTorch with the exported model and optimizer state.
    model, ours, theirs = _problem(problem)
    optimizer = rule(model.parameters(), **settings)
    first = _chainrule_steps(model, optimizer, ours, SWITCH)
    net = model.to_torch()
    torch_optimizer = optimizer.to_torch(net, model)
    assert type(torch_optimizer) is getattr(torch.optim, rule.__name__)
    second = _torch_steps(torch, net, torch_optimizer, theirs, STEPS - SWITCH)
    for step, (a, b) in enumerate(zip(whole, first + second, strict=True)):
        assert math.isclose(a, b, rel_tol=1e-10, abs_tol=1e-10), (step, a, b)

    # PyTorch for SWITCH steps from the same start, then chainrule from its state.
    model, ours, theirs = _problem(problem)
    net = model.to_torch()
    torch_optimizer = rule(model.parameters(), **settings).to_torch(net, model)
    first = _torch_steps(torch, net, torch_optimizer, theirs, SWITCH)
    back = from_torch(net)
    assert back.state_dict().keys() == model.state_dict().keys()
    model.load_state_dict(back.state_dict())
    optimizer = rule.from_torch(torch_optimizer, model)
    second = _chainrule_steps(model, optimizer, ours, STEPS - SWITCH)
    for step, (a, b) in enumerate(zip(whole, first + second, strict=True)):
        assert math.isclose(a, b, rel_tol=1e-10, abs_tol=1e-10), (step, a, b)


def test_optimizer_state_round_trips_through_torch(torch):
    # Rule: with momentum 0, chainrule still records the last step (SGD deltas, RMSprop
    # buffers) but it never enters the formula; PyTorch keeps no buffer then, so it comes
    # back as 0.
    model = MLP(3, [4, 2], "prelu", seed=5)
    for p in model.parameters():
        p.grad = math.sin(p.data * 7.0)
    for rule, options in OPTIMIZERS.values():
        optimizer = rule(model.parameters(), **options)
        optimizer.step()
        optimizer.step()
        back = rule.from_torch(optimizer.to_torch(model.to_torch(), model), model)
        mine, theirs = optimizer.state_dict(), back.state_dict()
        assert mine.keys() == theirs.keys()
        for key in mine:
            if key in {"deltas", "buffers"} and not options.get("momentum"):
                assert theirs[key] == [0.0] * len(mine[key])
            elif isinstance(mine[key], list):
                assert all(map(close, mine[key], theirs[key])), key
            else:
                assert mine[key] == theirs[key], key


def test_optimizer_hand_off_refusals(torch):
    model = MLP(2, [3, 1], seed=0)
    net = model.to_torch()
    other = MLP(2, [4, 1], seed=0)
    with pytest.raises(ValueError, match=r"Adam.to_torch: the PyTorch parameters have shapes"):
        optim.Adam(model.parameters()).to_torch(other.to_torch(), model)
    with pytest.raises(ValueError, match=r"not exactly the model's 13"):
        optim.Adam(model.parameters()[:5]).to_torch(net, model)
    with pytest.raises(ValueError, match=r"nesterov=True has no chainrule equivalent"):
        optim.SGD.from_torch(
            torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9, nesterov=True), model
        )
    with pytest.raises(ValueError, match=r"amsgrad=True has no chainrule"):
        optim.Adam.from_torch(torch.optim.Adam(net.parameters(), amsgrad=True), model)
    with pytest.raises(TypeError, match=r"expected a torch.optim.AdamW, got Adam"):
        optim.AdamW.from_torch(torch.optim.Adam(net.parameters()), model)


# --- compile(fn).to_torch(): the traced graph as PyTorch code ------------------------------


def _compiled_and_module(torch, fn, inputs, parameters=None):
    f = compile(fn, n_inputs=len(inputs), parameters=parameters).trace(*inputs)
    return f, f.to_torch()


def _agree_with_eager(torch, expression):
    """The module's value and input gradients equal the engine's."""
    _, module = _compiled_and_module(torch, expression, expression.inputs)
    leaves = [Value(x) for x in expression.inputs]
    out = expression(*leaves)
    expected = grad(out, leaves)
    x = torch.tensor([expression.inputs], requires_grad=True)
    got = module(x)
    assert got.shape == (1,)
    assert close(got.item(), out.data)
    got.sum().backward()
    for i, want in enumerate(expected):
        assert close(x.grad[0, i].item(), want), i


@settings(max_examples=200, deadline=None)
@given(expressions())
def test_compiled_to_torch_equals_the_engine_on_random_expressions(torch, expression):
    _agree_with_eager(torch, expression)


@pytest.mark.parametrize("op", TABLE, ids=[op.name for op in TABLE])
@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_every_op_of_the_table_has_torch_code(torch, op, data):
    point = data.draw(op_inputs(op))
    leaves = [Value(v, parameter=True) for v in point]
    # The op over parameters (and each input once more as an input), batch of two rows.
    _, module = _compiled_and_module(
        torch,
        lambda *xs: apply(op, *[a * b for a, b in zip(leaves, xs, strict=True)]),
        [1.0] * len(point),
        parameters=leaves,
    )
    out = apply(op, *leaves)
    out.backward()
    x = torch.ones((2, len(point)), requires_grad=True)
    got = module(x)
    assert close(got[0].item(), out.data)
    assert close(got[1].item(), out.data)
    got[0].backward()
    for i, leaf in enumerate(leaves):
        assert close(getattr(module, f"p{i}").grad.item(), leaf.grad), (op.name, i)
        assert close(x.grad[0, i].item(), leaf.grad * leaf.data), (op.name, i)


@pytest.mark.parametrize(
    ("fn", "point"),
    [
        (lambda x: x.relu(), 0.0),
        (lambda x: x.leaky_relu(0.2), 0.0),
        (lambda x: x.elu(1.5), 0.0),
        (lambda x: x.selu(), 0.0),
        (abs, 0.0),
        (lambda x: x.maximum(0.0), 0.0),
        (lambda x: x.elu(1.0), 800.0),  # the branch not taken overflows: no NaN leaks
        (lambda x: x.softplus(), 30.0),  # past PyTorch's default threshold
        (lambda x: x.softplus(), -800.0),
    ],
)
def test_kinks_and_edges_follow_the_engine(torch, fn, point):
    _, module = _compiled_and_module(torch, fn, [point])
    leaf = Value(point)
    out = fn(leaf)
    out.backward()
    x = torch.tensor([[point]], requires_grad=True)
    got = module(x)
    got.sum().backward()
    assert close(out.data, got.item())
    assert close(leaf.grad, x.grad.item())


def test_at_nan_the_value_is_nan_and_the_derivative_is_pytorchs(torch):
    # Rule: chainrule's relu'(nan) is NaN; the PyTorch code's derivative is torch.relu's.
    _, module = _compiled_and_module(torch, lambda x: x.relu(), [0.5])
    x = torch.tensor([[math.nan]], requires_grad=True)
    got = module(x)
    got.sum().backward()
    assert math.isnan(got.item())
    assert not math.isnan(x.grad.item())


def test_compiled_module_is_readable_batch_first_and_has_parameters(torch):
    w = Value(0.5, "w", parameter=True)
    b = Value(-1.0, "b", parameter=True)
    f = compile(lambda x, y: [(w * x + b).tanh(), y.exp() - 2.0]).trace(1.0, 2.0)
    module = f.to_torch()
    assert "torch.tanh" in module.source
    assert "# w" in module.source
    assert [n for n, _ in module.named_parameters()] == ["p0", "p1"]
    rows = [[1.0, 2.0], [-0.5, 0.25], [3.0, -1.0]]
    got = module(torch.tensor(rows))
    assert got.shape == (3, 2)
    for i, (x, y) in enumerate(rows):
        assert close(got[i, 0].item(), math.tanh(0.5 * x - 1.0))
        assert close(got[i, 1].item(), math.exp(y) - 2.0)
    got[:, 0].sum().backward()
    result = f.grad(*[torch.tensor(c).numpy() for c in zip(*rows, strict=True)])
    assert close(module.p0.grad.item(), float(result.parameters[0]))
    assert close(module.p1.grad.item(), float(result.parameters[1]))
    assert module.to(torch.float32)(torch.tensor(rows, dtype=torch.float32)).dtype == (
        torch.float32
    )


def test_compiled_to_torch_refuses_what_it_cannot_write(torch, monkeypatch):
    f = compile(lambda x: x.tanh()).trace(0.5)
    monkeypatch.delitem(torch_code.TORCH_CODE, "tanh")
    with pytest.raises(ValueError, match=r"to_torch: op 'tanh' has no PyTorch code"):
        f.to_torch()
    monkeypatch.undo()

    def branchy(x):
        return x.exp() if x > 0 else x

    with pytest.raises(ValueError, match=r"to_torch: the traced function compared Values"):
        compile(branchy).trace(1.0).to_torch()


def test_readme_moving_to_pytorch_examples_print_what_they_say(torch):
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Moving to PyTorch\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python torch\n(.*?)```", section, flags=re.S)
    assert len(blocks) == 2
    namespace: dict[str, object] = {"__name__": "readme"}
    for code in blocks:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(builtins.compile(code, "README.md", "exec"), namespace)  # noqa: S102 - our README
        printed = out.getvalue().splitlines()
        expected = re.findall(r"^print\(.*\)  # (.*)$", code, flags=re.M)
        assert expected
        for line in expected:
            assert line in printed, (line, printed)
