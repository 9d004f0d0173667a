"""A 2-D array supplies several inputs of a compiled function: its columns, in order.

The oracle is the same call with one 1-D column per input (tested against the eager
engine in test_compiled.py and test_compiled_batch.py, and against PyTorch in
tests/reference/test_compiled_matrix.py): a matrix call must give its numbers whatever the
split of the inputs into arguments, and whether the graph fits a fused layer or softmax,
partly or not at all.

The rule on rounding: both calls run the same formulas on the same numbers; a fused
layer's input matrix is a slice of the user's matrix in one, the columns stacked into a
column-major matrix in the other. numpy's BLAS matrix-vector kernels (a layer of one
neuron, one input or one sample) and its pairwise sums choose their order of summation
from the memory order, so column-major matrices give the column call's numbers bit for
bit, and row-major ones (numpy's default) equal them to rounding (1e-12 here).
"""

import random
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import TraceError, Value, compile, dot, logsumexp
from nn import MLP, fit, losses

from .test_compiled_batch import random_network


def split(columns, rng, order="F"):
    """The columns as a call's arguments: random runs of matrices, 1-D columns and numbers.

    Returns the matrix-call arguments and the column-call arguments (a number stands for
    a constant column there). Matrices are in memory ``order`` ("F" column-major, "C"
    row-major), whole or as a strided view of a wider array, of floats or of ints.
    """
    matrix_args, column_args = [], []
    i = 0
    while i < len(columns):
        width = int(rng.integers(1, len(columns) - i + 1))
        part = columns[i : i + width]
        kind = rng.choice(["matrix", "strided", "columns", "number", "ints"])
        if kind == "number":
            value = float(part[0][0])
            matrix_args.append(value)
            column_args.append(np.full(len(part[0]), value))
            width = 1
        elif kind == "columns":
            matrix_args.extend(part)
            column_args.extend(part)
        else:
            block = np.array(np.column_stack(part), order=order)
            if kind == "ints":
                block = np.round(block * 3)
                part = list(block.T)
                block = block.astype(np.int64, order=order)
            elif kind == "strided":
                wide = np.zeros((len(block), 2 * width), order=order)
                wide[:, ::2] = block
                block = wide[:, ::2]
            matrix_args.append(block)
            column_args.extend(part)
        i += width
    return matrix_args, column_args


def assert_same(got, want, rel=0.0):
    """Equal bit for bit (``rel`` 0), or to ``rel`` of the largest magnitude; NaN where NaN."""
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    if rel == 0.0:
        np.testing.assert_array_equal(got, want)
        return
    scale = max(1.0, float(np.max(np.abs(want)))) if want.size else 1.0
    np.testing.assert_allclose(got, want, rtol=rel, atol=rel * scale)


def assert_identical(a, b, rel=0.0):
    """Two ``Gradients`` equal bit for bit (or to ``rel``)."""
    outputs_a = a.output if isinstance(a.output, list) else [a.output]
    outputs_b = b.output if isinstance(b.output, list) else [b.output]
    for x, y in zip(outputs_a, outputs_b, strict=True):
        assert_same(x, y, rel)
    assert_same(a.parameters, b.parameters, rel)
    assert len(a.inputs) == len(b.inputs)
    for x, y in zip(a.inputs, b.inputs, strict=True):
        assert_same(x, y, rel)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 100_000),
    nin=st.integers(1, 7),
    hidden=st.lists(st.integers(1, 5), max_size=2),
    kind=st.sampled_from(["cross_entropy", "linear", "tanh", "logsumexp", "mse"]),
    fuse=st.booleans(),
    order=st.sampled_from(["F", "C"]),
)
def test_matrix_calls_equal_column_calls(seed, nin, hidden, kind, fuse, order):  # noqa: PLR0917
    rel = 0.0 if order == "F" or not fuse else 1e-12  # bit for bit, or to rounding (above)
    classes = 3 if kind in ("cross_entropy", "logsumexp") else 2
    output = "tanh" if kind == "tanh" else "linear"
    model = MLP(nin, [*hidden, classes], "relu", output, seed=seed)
    params = model.parameters()

    def fn(*v):
        z = model(list(v[:nin]))
        t = list(v[nin:])
        if kind == "cross_entropy":
            return losses.cross_entropy(z, t)
        if kind == "logsumexp":
            return logsumexp(z) + dot(t, z)
        if kind == "mse":
            return losses.mse(z, t)
        return [z[0] * t[0], z[1] + t[1]]  # two outputs

    rng = np.random.default_rng(seed)
    count = int(rng.integers(1, 9))
    X = rng.normal(size=(count, nin)) * 3
    T = np.eye(classes)[rng.integers(0, classes, count)] if kind != "mse" else X[:, :classes]
    T = T if T.shape[1] == classes else rng.normal(size=(count, classes))
    columns = [*X.T, *T.T]
    matrix_args, column_args = split(columns, rng, order)
    f = compile(fn, nin + classes, parameters=params, fuse=fuse)
    g = compile(fn, nin + classes, parameters=params, fuse=fuse)
    for reduce in ("sum", "mean"):
        a = f.grad(*matrix_args, wrt_inputs=True, reduce=reduce)
        b = g.grad(*column_args, wrt_inputs=True, reduce=reduce)
        assert_identical(a, b, rel)
        a, b = f.grad(*matrix_args, reduce=reduce), g.grad(*column_args, reduce=reduce)
        assert_identical(a, b, rel)
    forward = f(*matrix_args)
    want = g(*column_args)
    for x, y in zip(forward if isinstance(forward, list) else [forward],
                    want if isinstance(want, list) else [want], strict=True):  # fmt: skip
        assert_same(x, y, rel)
    # The trace came from the first sample of the matrix call: the same graph.
    assert f.tape.structure() == g.tape.structure()
    assert [x.data for x in f.tape.inputs] == [float(c[0]) for c in column_args]


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 100_000))
def test_graphs_that_partly_fit_a_layer_equal_column_calls(seed):
    """Layers over permuted, repeated or straddling inputs; inputs also used alone."""
    fn, _ = random_network(random.Random(seed))  # noqa: S311 - test data
    rng = np.random.default_rng(seed)

    def wider(a, b, c, d, e):  # inputs out of order, straddling arguments, one alone
        return fn(c, a, e) + fn(b, b, d) * a + (d * 0.5).tanh()

    columns = list(rng.normal(size=(5, 6)))
    f, g = compile(wider), compile(wider)
    for order, rel in (("F", 0.0), ("C", 1e-12)):
        matrix_args, column_args = split(columns, rng, order)
        a, b = f.grad(*matrix_args, wrt_inputs=True), g.grad(*column_args, wrt_inputs=True)
        assert_identical(a, b, rel)
        whole = np.array(np.column_stack(columns), order=order)  # every input from one matrix
        assert_identical(f.grad(whole, wrt_inputs=True), g.grad(*columns, wrt_inputs=True), rel)


def test_a_loop_over_matrix_columns_equals_column_calls():
    w = Value(0.9, parameter=True)

    def chain(a, b, c):  # a regular graph: written as a loop, reading its input by name
        y = b
        for _ in range(300):
            y = (y * w + a).tanh()
        return y * c

    X = np.random.default_rng(1).normal(size=(4, 3))
    f, g = compile(chain), compile(chain)
    a, b = f.grad(X[:, :2], X[:, 2], wrt_inputs=True), g.grad(*X.T, wrt_inputs=True)
    assert "for _ in range(" in f.batch_source
    assert "x0 = arg0[:, 0]" in f.batch_source
    assert "x2 = arg1" in f.batch_source
    assert_identical(a, b)


def digits_loss():
    model = MLP(64, [32, 10], seed=0)
    params = model.parameters()
    f = compile(lambda *v: losses.cross_entropy(model(list(v[:64])), list(v[64:])), 74,
                parameters=params)  # fmt: skip
    return f


def test_a_digits_mlp_called_with_matrices_reads_slices_not_stacked_columns():
    f = digits_loss()
    rng = np.random.default_rng(0)
    X, Y = rng.random((20, 64)), np.eye(10)[rng.integers(0, 10, 20)]
    f.grad(X, Y, wrt_inputs=True)
    text = f.batch_source
    assert "column_stack" not in text
    assert "_columns(" not in text
    assert text.count("X1 = arg0[:, 0:64]") == 2  # forward and forward_backward
    assert text.count("T1s = arg1[:, 0:10]") == 2  # the one-hot targets
    assert re.search(r"\bx\d+ = ", text) is None  # no input is read alone
    f.grad(*X.T, *Y.T)  # columns: the program written for them (and batch_source) as before
    assert "X1 = _column_stack((x0, x1, x2," in f.batch_source


def test_a_matrix_and_a_column_mix():
    f = digits_loss()
    rng = np.random.default_rng(2)
    X, y = rng.random((9, 64)), rng.integers(0, 10, 9)
    Y = np.eye(10)[y]
    mixed = f.grad(X[:, :30], *X[:, 30:31].T, X[:, 31:], Y[:, :4], 0.0, *Y[:, 5:].T)
    Y[:, 4] = 0.0
    assert_identical(mixed, f.grad(*X.T, *Y.T), 1e-12)  # row-major: to rounding


def test_a_domain_error_names_the_same_sample_and_op_as_columns():
    w = [Value(0.5, parameter=True), Value(2.0, parameter=True)]
    f = compile(lambda a, b, c: dot(w, [a, b]) + c.log())  # a log of a negative feature
    X = np.abs(np.random.default_rng(3).normal(size=(6, 3))) + 0.1
    X[4, 2] = -1.5
    messages = []
    for args in ([X], [*X.T], [X[:, :2], X[:, 2]]):
        for call in (f, f.grad):
            with pytest.raises(ValueError, match="sample 4") as error:
                call(*args)
            messages.append(str(error.value))
    assert "log" in messages[0]
    assert "-1.5" in messages[0]
    assert len(set(messages[0::2])) == 1  # the call
    assert len(set(messages[1::2])) == 1  # grad


def test_verify_retraces_every_row_of_a_matrix():
    def branchy(a, b):
        return a * b if a.data > 0 else a - b

    f = compile(branchy, verify=True)
    X = np.array([[1.0, 2.0], [3.0, 4.0], [-1.0, 2.0]])
    with pytest.raises(TraceError, match=r"at sample 2.*called with \[-1.0, 2.0\]"):
        f(X)
    assert compile(branchy, verify=True)(X[:2]).tolist() == [2.0, 12.0]


def test_backward_with_a_matrix_adds_the_same_gradients():
    model = MLP(3, [2], seed=4)
    params = model.parameters()
    f = compile(lambda a, b, c: model([a, b, c])[0].tanh(), parameters=params)
    X = np.asfortranarray(np.random.default_rng(4).normal(size=(5, 3)))  # bit for bit
    f.backward(X, reduce="mean")
    first = [p.grad for p in params]
    for p in params:
        p.grad = 0.0
    f.backward(*X.T, reduce="mean")
    assert [p.grad for p in params] == first


E, T = ValueError, TypeError
TWO = np.ones((4, 2))
COUNT = r"compile: input 0 is an array of shape "
DTYPE = r"compile: input 0 must be an array of real numbers "
SAMPLES = r"different lengths \[3, 4\] \(samples\): input 0 has shape \(4, 1\), input 1 "
PASSES = r"the call passes 3 inputs, the function takes 2"


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        (
            (np.ones((4, 3)),),
            E,
            COUNT + r"\(4, 3\): it counts as 3 inputs \(one per column\); " + PASSES,
        ),
        ((TWO, 1.0), E, COUNT + r"\(4, 2\): it counts as 2 .*; " + PASSES),
        ((1.0, TWO), E, r"compile: input 1 is an array of shape \(4, 2\): it counts as 2 inputs"),
        ((np.ones((4, 1)),), E, COUNT + r"\(4, 1\): it counts as 1 .*passes 1 inputs"),
        ((TWO, TWO), E, COUNT + r"\(4, 2\): .*; input 1 of shape \(4, 2\) as 2; .*passes 4"),
        ((np.ones((2, 2, 2)),), E, r"compile: input 0 must be .*shape \(2, 2, 2\)"),
        ((np.ones((4, 0)), TWO), E, r"compile: input 0 must be .*shape \(4, 0\)"),
        ((np.ones((0, 2)),), E, r"compile: input 0 must be .*at least one row.*shape \(0, 2\)"),
        ((TWO.astype(complex),), T, DTYPE + r".*complex128 of shape \(4, 2\)"),
        ((TWO.astype(bool),), T, DTYPE + r".*bool"),
        ((TWO.astype(str),), T, DTYPE),
        ((np.ones((1, 4)), "a"), T, r"compile: input 1 must be a number .*got str"),
        ((np.ones((4, 1)), np.ones(3)), E, SAMPLES + r"has shape \(3,\)"),
        ((np.ones((4, 1)), np.ones((3, 1))), E, SAMPLES + r"has shape \(3, 1\)"),
    ],
)
def test_bad_matrix_calls_are_clear_errors_before_anything_changes(args, error, message):
    f = compile(lambda a, b: a * b)
    for call in (f, f.grad, f.backward, compile(lambda a, b: a * b, verify=True)):
        with pytest.raises(error, match=message):
            call(*args)
    assert f._tape is None  # refused before the trace


def test_a_longdouble_matrix_too_large_for_a_float_is_refused():
    big = np.full((2, 2), np.finfo(np.longdouble).max, dtype=np.longdouble)
    if np.finfo(np.longdouble).max == np.finfo(float).max:
        pytest.skip("longdouble is float64 on this machine")
    with pytest.raises(ValueError, match=r"input 0 \(shape \(2, 2\)\) holds numbers too large"):
        compile(lambda a, b: a * b)(big)


def test_trace_still_takes_numbers_only():
    with pytest.raises(TypeError, match="trace takes one number per input"):
        compile(lambda a, b: a * b).trace(np.ones((1, 2)))


def test_compiled_fit_passes_matrices_and_learns_the_same():
    X, y = np.random.default_rng(5).normal(size=(40, 3)), np.arange(40) % 3
    runs = []
    for compiled in (False, True):
        model = MLP(3, [4, 3], seed=6)
        runs.append(fit(model, X, y, loss="cross_entropy", epochs=3, batch_size=8, seed=0,
                        progress=False, compiled=compiled))  # fmt: skip
    eager, compiled = runs
    assert np.allclose(compiled.loss, eager.loss, rtol=1e-12, atol=1e-12)
