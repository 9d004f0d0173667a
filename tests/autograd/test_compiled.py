"""autograd.compile: replays equal the eager engine, on floats and on numpy batches."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import TraceError, Value, apply, compile, grad
from autograd.ops import TABLE
from autograd.strategies import expressions, op_inputs
from nn import MLP, losses


def close(a, b, rel=1e-12):
    return a == pytest.approx(b, rel=rel, abs=1e-12 * max(1.0, abs(b)))


@settings(max_examples=150)
@given(expressions())
def test_float_replay_equals_the_engine(expression):
    leaves = [Value(x) for x in expression.inputs]
    out = expression(*leaves)
    expected = grad(out, leaves)
    f = compile(expression, n_inputs=len(leaves))
    result = f.grad(*expression.inputs, wrt_inputs=True)
    assert close(result.output, out.data)
    for got, want in zip(result.inputs, expected, strict=True):
        assert close(got, want)


@settings(max_examples=60)
@given(expressions())
def test_batch_replay_equals_per_sample_replays(expression):
    f = compile(expression, n_inputs=len(expression.inputs))
    # The same point twice and once more (every op stays inside its domain), as arrays.
    columns = [np.array([x, x, x]) for x in expression.inputs]
    batch = f.grad(*columns, wrt_inputs=True)
    single = f.grad(*expression.inputs, wrt_inputs=True)
    assert np.allclose(batch.output, single.output, rtol=1e-12, atol=1e-12)
    for column, value in zip(batch.inputs, single.inputs, strict=True):
        assert np.allclose(column, value, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("op", TABLE, ids=[op.name for op in TABLE])
@given(data=st.data())
@settings(max_examples=25)
def test_every_op_compiles_in_both_dialects(op, data):
    points = [data.draw(op_inputs(op)) for _ in range(3)]
    f = compile(lambda *xs: apply(op, *xs), n_inputs=op.arity)
    batch = f.grad(*(np.array(column) for column in zip(*points, strict=True)), wrt_inputs=True)
    for index, point in enumerate(points):
        leaves = [Value(x) for x in point]
        out = apply(op, *leaves)
        expected = grad(out, leaves)
        single = f.grad(*point, wrt_inputs=True)
        assert close(single.output, out.data)
        assert close(batch.output[index], out.data, rel=1e-9)
        for slot, want in enumerate(expected):
            assert close(single.inputs[slot], want)
            assert close(batch.inputs[slot][index], want, rel=1e-9)


@settings(max_examples=20)
@given(seed=st.integers(0, 1000), x=st.lists(st.floats(-2, 2), min_size=3, max_size=3))
def test_mlp_loss_gradients_equal_the_engine(seed, x):
    model = MLP(3, [4, 3], activation="tanh", output_activation="softmax", seed=seed)
    params = model.parameters()
    target = [0.0, 1.0, 0.0]

    def loss(a, b, c):
        return losses.cross_entropy(model([a, b, c]), target)

    eager = loss(*[Value(v) for v in x])
    model.zero_grad()
    eager.backward()
    f = compile(loss, parameters=params)
    result = f.grad(*x)
    assert close(result.output, eager.data)
    for p, g in zip(params, result.parameters, strict=True):
        assert close(g, p.grad, rel=1e-10)


def test_batch_gradients_are_summed_or_averaged():
    w = Value(2.0, parameter=True)
    f = compile(lambda x: w * x * x)
    xs = np.array([1.0, 2.0, 3.0])
    assert f.grad(xs).parameters == [1.0 + 4.0 + 9.0]
    assert f.grad(xs, reduce="mean").parameters == [14.0 / 3]
    assert f.grad(xs, wrt_inputs=True).inputs[0].tolist() == [4.0, 8.0, 12.0]


def test_a_parameter_the_batch_does_not_touch_still_sums():
    b = Value(1.0, parameter=True)
    f = compile(lambda x: x + b)
    assert f.grad(np.array([5.0, 6.0, 7.0, 8.0])).parameters == [4.0]


def test_parameters_are_read_at_every_call():
    w = Value(2.0, parameter=True)
    f = compile(lambda x: w * x)
    assert f(3.0) == 6.0
    w.data = 5.0
    assert f(3.0) == 15.0
    assert f.parameters == [w]


def test_other_leaves_are_frozen_constants():
    c = Value(2.0)  # not a parameter
    f = compile(lambda x: c * x)
    assert f(3.0) == 6.0
    c.data = 100.0
    assert f(3.0) == 6.0


def test_backward_accumulates_into_parameter_grads():
    w = Value(2.0, parameter=True)
    f = compile(lambda x: w * x)
    f.backward(3.0)
    f.backward(np.array([1.0, 1.0]))
    assert w.grad == 5.0


def test_several_outputs_differentiate_the_first():
    w = Value(2.0, parameter=True)
    f = compile(lambda x: [w * x, x + 1.0])
    assert f(3.0) == [6.0, 4.0]
    result = f.grad(3.0)
    assert result.output == [6.0, 4.0]
    assert result.parameters == [3.0]


@pytest.mark.parametrize("fuse", [True, False])
@pytest.mark.parametrize(
    "call", [(2.0,), (np.array([2.0, 5.0, 7.0]),), (np.array([[2.0], [5.0], [7.0]]),)]
)
def test_a_leaf_may_be_an_output(call, fuse):
    # Returned as it is: a parameter (d w / d w = 1 per sample), a constant leaf (no
    # name in the generated code: its literal) and an input. Once a KeyError, a NameError
    # in a batch, and a parameter gradient of 0 for the batch with no error.
    w, c = Value(0.5, parameter=True), Value(3.0)
    x = np.ravel(call[0])
    for function, output, dw, dx in [
        (lambda x: w, 0.5, 1.0, 0.0),
        (lambda x: c, 3.0, 0.0, 0.0),
        (lambda x: [c, x * w], 3.0, 0.0, 0.0),
        (lambda x: [w, c, x], 0.5, 1.0, 0.0),
        (lambda x: [x, w], x, 0.0, 1.0),
    ]:
        f = compile(function, 1, fuse=fuse)
        result = f.grad(*call, wrt_inputs=True)
        first = result.output[0] if isinstance(result.output, list) else result.output
        assert np.all(first == output)
        called = f(*call)  # the forward program too
        assert np.all((called[0] if isinstance(called, list) else called) == output)
        assert result.parameters == ([dw * x.size] if f.parameters else [])
        assert np.all(result.inputs[0] == dx)


def test_source_is_straight_line_code_from_the_table():
    w = Value(3.0, "w", parameter=True)
    f = compile(lambda x: (w * x).tanh())
    f.trace(0.5)
    text = f.source
    assert "def forward(x0, params):" in text
    assert "def forward_backward(x0, params, seed):" in text
    assert "_tanh(" in text
    assert "(1.0 - (v3 * v3))" in text  # tanh' = 1 - out², the table's partial
    assert not any(word in text for word in ("for ", "while "))


def test_large_dots_are_written_flat():
    ws = [Value(0.01 * i, parameter=True) for i in range(300)]
    f = compile(lambda x: apply("dot", *[v for w in ws for v in (w, x)]))
    assert f(2.0) == pytest.approx(2.0 * sum(0.01 * i for i in range(300)), rel=1e-12)


def test_control_flow_on_data_is_frozen_and_verify_detects_it():
    def branchy(x):
        return x * 2.0 if x.data > 0 else x.exp()

    frozen = compile(branchy)
    assert frozen(1.0) == 2.0
    assert frozen(-1.0) == -2.0  # the branch taken at trace time
    checked = compile(branchy, verify=True)
    assert checked(1.0) == 2.0
    with pytest.raises(TraceError, match="graph changed with its inputs"):
        checked(-1.0)
    with pytest.raises(TraceError, match="at sample 1"):
        checked(np.array([1.0, -1.0]))


def test_domain_errors_name_the_op_like_the_engine():
    f = compile(lambda x: x.log())
    with pytest.raises(ValueError, match=r"^log: input outside the domain \(x > 0\): got x=-1.0$"):
        f(-1.0)
    with pytest.raises(ValueError, match=r"got x=-2.0 \(in compiled replay, sample 1\)"):
        f(np.array([1.0, -2.0, 3.0]))


def test_a_domain_error_hidden_from_the_output_is_still_found():
    f = compile(lambda x: x.log().relu())
    with pytest.raises(ValueError, match="log: input outside the domain"):
        f(np.array([2.0, -1.0]))


def test_derivative_errors_are_found_too():
    f = compile(lambda x: x.sqrt())
    assert f(np.array([0.0, 4.0])).tolist() == [0.0, 2.0]
    with pytest.raises(ZeroDivisionError, match=r"sqrt: derivative undefined at x=0\.0"):
        f.grad(np.array([4.0, 0.0]), wrt_inputs=True)


def test_overflow_is_inf_as_in_the_engine():
    f = compile(lambda x: x.exp())
    assert f(1000.0) == math.inf
    assert f(np.array([1000.0]))[0] == math.inf


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: compile(3), TypeError, "expected a function"),
        (lambda: compile(lambda x: x)(1.0, 2.0), TypeError, "expected 1 inputs, got 2"),
        (lambda: compile(lambda x: 3.0)(1.0), TraceError, "must return a Value"),
        (lambda: compile(lambda *xs: xs[0]), TypeError, "takes \\*args; pass n_inputs="),
        (
            lambda: compile(lambda x, y: x * y)(np.ones(2), np.ones(3)),
            ValueError,
            "different lengths",
        ),
        (lambda: compile(lambda x: x).grad(1.0, reduce="max"), ValueError, "reduce must be"),
        (lambda: compile(lambda x: x)([1.0, 2.0]), TypeError, "input 0 must be a number or a 1-D"),
        (lambda: compile(lambda x: x)("2"), TypeError, "input 0 must be a number"),
        (lambda: compile(lambda x: x)(np.ones((2, 2))), ValueError, r"shape \(2, 2\)"),
        (lambda: compile(lambda x: x)(np.ones(0)), ValueError, "non-empty 1-D array"),
        (lambda: compile(lambda x: x).source, TraceError, "not traced yet"),
    ],
)
def test_bad_use_is_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_viz_draws_a_compiled_graph():
    import viz  # noqa: PLC0415

    w = Value(3.0, "w", parameter=True)
    f = compile(lambda x: w * x)
    f(2.0)
    assert viz.to_dot(f) == viz.to_dot(f.output)
    assert "w | data 3" in viz.to_dot(f)


@pytest.mark.parametrize(
    ("name", "point"),
    [("relu", (0.0,)), ("abs", (0.0,)), ("leaky_relu", (0.0, 0.1)), ("elu", (0.0, 1.5)),
     ("selu", (0.0,)), ("pow", (0.0, 2.0)), ("pow", (0.0, 0.0))],
)  # fmt: skip
def test_kinks_follow_the_engines_convention_in_both_dialects(name, point):
    leaves = [Value(x) for x in point]
    expected = grad(apply(name, *leaves), leaves)
    f = compile(lambda *xs: apply(name, *xs), n_inputs=len(point))
    assert f.grad(*point, wrt_inputs=True).inputs == expected
    batch = f.grad(*(np.array([x]) for x in point), wrt_inputs=True)
    assert [g[0] for g in batch.inputs] == expected


def test_a_replay_raises_the_error_eager_code_raises_first():
    # Two ops fail at y = -inf: the division, made first, and the log, which a walk from
    # the output reaches first. Every path names the division, as eager code does.
    def fn(x, y):
        t = y.exp()
        q = (t + 3.0) / t
        return x + t.log() + q

    compiled = compile(fn)
    compiled(0.0, 0.0)
    errors = []
    for call in (
        lambda: fn(Value(0.0), Value(-math.inf)),
        lambda: compiled(0.0, -math.inf),
        lambda: compiled(np.zeros(2), np.array([0.0, -math.inf])),
    ):
        with pytest.raises(ZeroDivisionError, match=r"^div: input outside the domain") as info:
            call()
        errors.append(str(info.value).split(" (in compiled replay")[0])
    assert len(set(errors)) == 1
