"""Long regular graphs compile to loops: the same numbers as the eager engine, any shape.

No timing here (the benchmark script measures compile time and memory): these tests check
that loops are found where the graph repeats, that what escapes a loop is right, and that
the replays equal ``autograd.grad`` on the eager graph.
"""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, compile, dot, grad, total


def check(fn, point, parameters=(), *, loops=True):
    """Compiled float replay vs the eager engine at ``point``; return the compiled function."""
    f = compile(fn, len(point))
    result = f.grad(*point, wrt_inputs=True)
    leaves = [Value(x) for x in point]
    out = fn(*leaves)
    first = out if isinstance(out, Value) else out[0]
    expected = grad(first, [*leaves, *parameters])
    outputs = result.output if isinstance(result.output, list) else [result.output]
    eager = [o.data for o in (out if isinstance(out, list) else [out])]
    assert outputs == pytest.approx(eager, rel=1e-12, abs=1e-12)
    got = [*result.inputs, *result.parameters]
    assert got == pytest.approx(expected, rel=1e-12, abs=1e-12)
    text = f._program("float", wrt_inputs=True).backward_source
    assert ("for _ in range(" in text) == loops
    check_batch(fn, f, point, parameters, loops=loops)
    return f


def check_batch(fn, f, point, parameters, *, loops):
    """The numpy replay of a batch (the point and two points near it) vs the engine."""
    import numpy as np  # noqa: PLC0415 - the float checks above need no numpy

    samples = [list(point), [0.9 * x for x in point], [x - 0.05 for x in point]]
    result = f.grad(*map(np.array, zip(*samples, strict=True)), wrt_inputs=True)
    outputs = result.output if isinstance(result.output, list) else [result.output]
    summed = np.zeros(len(parameters))
    for i, sample in enumerate(samples):
        leaves = [Value(x) for x in sample]
        out = fn(*leaves)
        out = out if isinstance(out, list) else [out]
        expected = grad(out[0], [*leaves, *parameters])
        assert [o[i] for o in outputs] == pytest.approx([o.data for o in out], rel=1e-12)
        got = [g[i] for g in result.inputs]
        assert got == pytest.approx(expected[: len(leaves)], rel=1e-11, abs=1e-12)
        summed += expected[len(leaves) :]
    assert result.parameters == pytest.approx(summed.tolist(), rel=1e-11, abs=1e-12)
    text = f._program("numpy", wrt_inputs=True).backward_source
    assert loops is None or ("for _ in range(" in text) == loops


def test_the_benchmark_chain_is_one_loop():
    def chain(x):
        y = x
        for _ in range(5000):
            y = (y * 1.0001 + x).tanh()
        return y

    f = check(chain, [0.3])
    assert f.source.count("for _ in range(") == 2  # forward and forward_backward
    assert len(f.source.splitlines()) < 80  # not 15,000 lines
    assert f.batch_source.count("for _ in range(") == 2  # the numpy program loops too
    assert len(f.batch_source.splitlines()) < 80


def test_a_small_graph_stays_straight_line_code():
    check(lambda x: (x * 2.0 + x).tanh(), [0.3], loops=False)


@settings(max_examples=30, deadline=None)
@given(
    steps=st.integers(60, 400),
    body=st.lists(st.sampled_from(["tanh", "mul", "add_x", "sin_like", "sq"]), min_size=1,
                  max_size=4),
    x=st.floats(-1.0, 1.0),
)  # fmt: skip
def test_random_regular_chains_equal_the_engine(steps, body, x):
    w = Value(0.9, parameter=True)

    def chain(a):
        y = a
        for _ in range(steps):
            for step in body:
                if step == "tanh":
                    y = y.tanh()
                elif step == "mul":
                    y = y * w
                elif step == "add_x":
                    y = y + a
                elif step == "sin_like":
                    y = y - y * y * y / 6.0
                else:
                    y = (y * y + 1.0).sqrt()
        return y

    leaves = [Value(x)]
    out = chain(*leaves)
    if not math.isfinite(out.data):
        return
    f = compile(chain, 1, parameters=[w])
    result = f.grad(x, wrt_inputs=True)
    expected = grad(out, [*leaves, w])
    assert result.output == pytest.approx(out.data, rel=1e-12, abs=1e-12)
    got = [*result.inputs, *result.parameters]
    assert got == pytest.approx(expected, rel=1e-11, abs=1e-12)
    if all(math.isfinite(chain(Value(v)).data) for v in (0.9 * x, x - 0.05)):
        check_batch(chain, f, [x], [w], loops=None)  # sqrt's domain: no loop in numpy


def test_a_loop_over_parameters_alone_runs_once_per_batch():
    w = Value(0.8, parameter=True)

    def graph(x):
        y = w
        for _ in range(200):
            y = (y * w + 0.1).tanh()  # no input: hoisted, one number per call
        return y * x + (x * w).tanh()

    f = check(graph, [1.5], [w])
    assert "H1_0 = 0.0" in f._program("numpy", wrt_inputs=True).backward_source


def test_values_that_escape_the_loop_cut_it_and_stay_right():
    def chain(x):
        ys = []
        y = x
        for _ in range(300):
            y = (y * 0.99 + x).tanh()
            ys.append(y)
        # Every 100th value is read again at the end, beside the last one.
        return total([y, ys[99] * 2.0, ys[199].exp()])

    check(chain, [0.4])


def test_a_recurrent_cell_with_inputs_and_parameters():
    w, u, b = (Value(v, parameter=True) for v in (0.5, -0.7, 0.1))
    steps = 120

    def rnn(*xs):
        h = Value(0.0)
        for t in range(steps):
            h = (w * h + u * xs[t % 4] + b).tanh()
        return [h * 2.0, h]

    point = [0.1, -0.2, 0.3, 0.5]
    f = check(rnn, point, [w, u, b])
    assert f(*point)[1] == pytest.approx(rnn(*map(Value, point))[1].data, rel=1e-12)


def test_two_loops_and_a_variadic_body():
    ws = [Value(0.1 * i, parameter=True) for i in range(3)]

    def graph(x, z):
        y = x
        for _ in range(100):
            y = dot(ws, [y, x, z]).tanh()
        mid = y * 3.0
        for _ in range(100):
            mid = (mid + z).sigmoid()
        return mid

    check(graph, [0.2, -0.3], ws)


def test_a_loop_without_gradient_keeps_nothing():
    c = Value(0.5)  # not a parameter: a constant, nothing to differentiate in the loop

    def graph(x):
        y = c
        for _ in range(200):
            y = (y * 1.01).tanh()
        return y * x

    f = check(graph, [2.0])
    assert "S1 = []" not in f._program("float", wrt_inputs=True).backward_source


def test_a_domain_error_inside_a_loop_names_the_op():
    def graph(x):
        y = x
        for _ in range(200):
            y = (y * 0.5 + x).log()
        return y

    f = compile(graph)
    assert f(5.0) == pytest.approx(graph(Value(5.0)).data, rel=1e-12)
    assert "for _ in range(" in f.source
    # From 0.3: log(0.45) = -0.80, then log(-0.40 + 0.3): the second step, inside the loop.
    with pytest.raises(ValueError, match=r"log: input outside the domain \(x > 0\)"):
        f(0.3)
