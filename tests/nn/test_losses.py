"""Losses against their formulas written out with math (PyTorch's definitions, mean reduction)."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value, compile, gradcheck
from nn import Neuron, fit, losses, predict
from nn.training import TASKS

reals = st.floats(-30, 30)
probabilities = st.floats(1e-6, 1 - 1e-6)
pairs = st.lists(st.tuples(reals, reals), min_size=1, max_size=8)


@given(pairs)
def test_mse(rows):
    ps, ts = zip(*rows, strict=True)
    expected = sum((p - t) ** 2 for p, t in rows) / len(rows)
    assert losses.mse([Value(p) for p in ps], ts).data == pytest.approx(expected, rel=1e-12)


@given(
    st.lists(st.tuples(probabilities, st.sampled_from([0.0, 1.0, 0.25])), min_size=1, max_size=8)
)
def test_binary_cross_entropy(rows):
    ps, ts = zip(*rows, strict=True)
    expected = -sum(t * math.log(p) + (1 - t) * math.log(1 - p) for p, t in rows) / len(rows)
    assert losses.binary_cross_entropy(list(ps), ts).data == pytest.approx(expected, rel=1e-9)


def test_binary_cross_entropy_clamps_the_log_at_minus_100():
    assert losses.binary_cross_entropy([0.0], [1.0]).data == 100.0
    assert losses.binary_cross_entropy([1.0], [1.0]).data == 0.0


@given(st.lists(st.tuples(reals, st.sampled_from([0.0, 1.0, 0.5])), min_size=1, max_size=8))
def test_binary_cross_entropy_with_logits_equals_bce_of_sigmoid(rows):
    zs, ts = zip(*rows, strict=True)
    # -log sigmoid(z) = log1p(e^-z) and -log(1 - sigmoid(z)) = log1p(e^z), in full precision.
    expected = sum(
        t * math.log1p(math.exp(-z)) + (1 - t) * math.log1p(math.exp(z)) for z, t in rows
    ) / len(rows)
    got = losses.binary_cross_entropy_with_logits([Value(z) for z in zs], ts).data
    assert got == pytest.approx(expected, rel=1e-9, abs=1e-15)


def test_logits_loss_is_exact_for_huge_scores():
    assert losses.binary_cross_entropy_with_logits([1000.0], [0.0]).data == 1000.0
    assert losses.binary_cross_entropy_with_logits([-1000.0], [0.0]).data == 0.0


@given(st.lists(reals, min_size=2, max_size=6), st.data())
def test_cross_entropy(logits, data):
    target = data.draw(st.integers(0, len(logits) - 1))
    top = max(logits)
    expected = -(logits[target] - top - math.log(sum(math.exp(z - top) for z in logits)))
    got = losses.cross_entropy([Value(z) for z in logits], target).data
    assert got == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_cross_entropy_batch_is_the_mean():
    batch = [[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]]
    single = [losses.cross_entropy(row, t).data for row, t in zip(batch, [2, 0], strict=True)]
    assert losses.cross_entropy(batch, [2, 0]).data == pytest.approx(sum(single) / 2, rel=1e-15)


@given(st.lists(st.tuples(reals, st.sampled_from([1, -1])), min_size=1, max_size=8))
def test_hinge(rows):
    ss, ys = zip(*rows, strict=True)
    expected = sum(max(0.0, 1 - y * s) for s, y in rows) / len(rows)
    assert losses.hinge([Value(s) for s in ss], ys).data == pytest.approx(expected, rel=1e-12)


def test_perceptron_criterion_is_the_seeds_loss():
    # The seed's example: w = 0.5, c = -1 on x = 2, -1, 0.5 with y = +1, -1, -1.
    w, c = Value(0.5), Value(-1.0)
    xs, ys = [2.0, -1.0, 0.5], [1, -1, -1]
    loss = losses.perceptron_criterion([w * x + c for x in xs], ys)
    loss.backward()
    # Only sample 1 is misclassified (z = 0): D = -(1 * 0) = 0, dD/dw = -y x, dD/dc = -y.
    assert loss.data == 0.0
    assert (w.grad, c.grad) == (-2.0 / 3, -1.0 / 3)
    # One SGD step on that sample alone is Rosenblatt's update.
    w.grad = c.grad = 0.0
    losses.perceptron_criterion([w * 2.0 + c], [1]).backward()
    assert (w.data - 0.1 * w.grad, c.data - 0.1 * c.grad) == (0.7, -0.9)


def test_perceptron_criterion_sum_is_the_articles_d_and_mean_divides_by_n():
    w, c = Value(0.5), Value(-1.0)
    xs, ys = [2.0, -1.0, 0.5, 3.0], [1, -1, -1, -1]
    # Scores 0, -1.5, -0.75, 0.5: samples 1 (z = 0) and 4 (wrong sign) are misclassified.
    summed = losses.perceptron_criterion([w * x + c for x in xs], ys, reduction="sum")
    summed.backward()
    # D = -(1 * 0) - (-1 * 0.5) = 0.5; dD/dw = -(1 * 2) - (-1 * 3) = 1; dD/dc = -1 + 1 = 0.
    assert summed.data == 0.5
    assert (w.grad, c.grad) == (1.0, 0.0)
    w.grad = c.grad = 0.0
    mean = losses.perceptron_criterion([w * x + c for x in xs], ys)
    mean.backward()
    assert mean.data == 0.5 / 4
    assert (w.grad, c.grad) == (0.25, 0.0)
    assert losses.perceptron_criterion([w * x + c for x in xs], ys, reduction="mean").data == 0.125


def test_perceptron_criterion_rejects_an_unknown_reduction():
    with pytest.raises(ValueError, match=r"perceptron_criterion\(reduction\): .*'none'"):
        losses.perceptron_criterion([Value(1.0)], [1], reduction="none")


def test_fit_with_the_summed_criterion_reproduces_the_articles_update():
    # The seed's worked example through fit: full-batch SGD steps with lr 0.1.
    def articles_loss(scores, targets):
        return losses.perceptron_criterion(scores, targets, reduction="sum")

    def start():
        neuron = Neuron(1, "linear")
        neuron.w[0].data, neuron.b.data = 0.5, -1.0
        return neuron

    X, y = [[2.0], [-1.0], [0.5]], [1, -1, -1]
    neuron = start()
    history = fit(neuron, X, y, loss=articles_loss, lr=0.1, epochs=1, progress=False)
    assert (neuron.w[0].data, neuron.b.data) == (0.7, -0.9)
    assert history.loss == [0.0]  # sample 1 sits on the boundary: D = 0, its gradient is not
    assert [1 if s > 0 else -1 for s in predict(neuron, X)] == y  # all three now correct
    fit(neuron, X, y, loss=articles_loss, lr=0.1, epochs=5, progress=False)
    assert (neuron.w[0].data, neuron.b.data) == (0.7, -0.9)  # no mistakes: no change
    # The mean gives a third of the step (three samples).
    neuron = start()
    fit(neuron, X, y, loss="perceptron_criterion", lr=0.1, epochs=1, progress=False)
    assert neuron.w[0].data == pytest.approx(0.5 + 0.2 / 3, rel=1e-15)
    assert neuron.b.data == pytest.approx(-1.0 + 0.1 / 3, rel=1e-15)


def test_perceptron_criterion_without_mistakes_is_zero():
    s = Value(3.0)
    loss = losses.perceptron_criterion([s], [1])
    loss.backward()
    assert (loss.data, s.grad) == (0.0, 0.0)


def test_l2():
    ps = [Value(1.0), Value(-2.0), Value(0.5)]
    penalty = losses.l2(ps, 0.1)
    penalty.backward()
    assert penalty.data == pytest.approx(0.1 * 5.25, rel=1e-15)
    assert [p.grad for p in ps] == pytest.approx([0.2, -0.4, 0.1], rel=1e-15)


@pytest.mark.parametrize(
    "loss",
    [losses.mse, losses.binary_cross_entropy_with_logits, losses.hinge],
    ids=lambda f: f.__name__,
)
def test_gradients_pass_gradcheck(loss):
    targets = [1, -1, 1] if loss is losses.hinge else [1.0, 0.0, 1.0]
    assert gradcheck(lambda *zs: loss(list(zs), targets), [0.3, -1.7, 0.05])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: losses.mse([], []), r"mse\(predictions\): needs at least one prediction"),
        (lambda: losses.mse([1.0, 2.0], [1.0]), r"mse\(targets\): 2 predictions but 1 targets"),
        (lambda: losses.hinge([1.0], [0]), r"hinge\(targets\): targets must be \+1 or -1, got 0"),
        (lambda: losses.binary_cross_entropy([1.5], [1.0]), "probabilities must lie in"),
        (lambda: losses.binary_cross_entropy_with_logits([1.0], [2.0]), "targets must lie in"),
        (lambda: losses.cross_entropy([1.0, 2.0], 2), r"class index in \[0, 2\), got 2"),
        (lambda: losses.cross_entropy([1.0], 0), "at least two class logits"),
        (lambda: losses.l2([]), r"l2\(parameters\): needs at least one parameter"),
    ],
)
def test_bad_inputs(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_single_prediction_needs_no_list():
    assert losses.mse(Value(3.0), 1.0).data == 4.0


# --- Every named loss is safe to compile: no branch on .data -------------------------------
#
# fit(compiled=True) traces a loss at one sample and replays that graph for every other one,
# so a loss that picks a branch by reading .data (BCE's log clamp once did) silently gives the
# traced sample's branch everywhere. The scan: for every loss fit names, trace at each point
# of a grid that lies on both sides of each switch inside the loss, replay at every point
# (one number at a time, and as one numpy batch) and compare value and gradient with eager.
# The switches: hinge's margin y s = 1, the perceptron criterion's y s = 0, BCE's log clamp
# at p = e^-100 and 1 - p = e^-100 (and p = 0, 1), cross_entropy's max shift (ties, the
# largest logit changing places), softplus's far tails.

TINY = math.exp(-100.0)
SCORES = [-800.0, -40.0, -1.0 - 1e-9, -1.0, -1.0 + 1e-9, -1e-300, 0.0, 1e-300, 1.0 - 1e-9,
          1.0, 1.0 + 1e-9, 40.0, 800.0]  # fmt: skip
PROBABILITIES = [0.0, TINY / 2, TINY, TINY * 2, 1e-12, 0.3, 0.5, 1.0 - 1e-12,
                 1.0 - 2.0**-53, 1.0]  # fmt: skip
ONE_OUTPUT_GRIDS = {
    "hinge": (SCORES, [1.0, -1.0]),
    "perceptron_criterion": (SCORES, [1.0, -1.0]),
    "binary_cross_entropy_with_logits": (SCORES, [0.0, 1.0, 0.25]),
    "binary_cross_entropy": (PROBABILITIES, [0.0, 1.0, 0.25]),
    "mse": (SCORES, [0.0, -3.5]),
}


def _eager(loss, predictions, target):
    values = [Value(p) for p in predictions]
    out = loss([values] if len(values) > 1 else values, [target])
    out.backward()
    return out.data, [v.grad for v in values]


def _replays_equal_eager(function, points, eager_points, n_predictions):
    """Trace at each point, replay at all: values and prediction gradients as eager's."""
    expected = [_eager(*e) for e in eager_points]
    values = [e[0] for e in expected]
    grads = [e[1] for e in expected]
    columns = [np.array(c) for c in zip(*points, strict=True)]
    for traced_at in points:
        replay = compile(function, len(traced_at)).trace(*traced_at)
        for point, value, grad in zip(points, values, grads, strict=True):
            got = replay.grad(*point, wrt_inputs=True)
            where = f"traced at {traced_at}, replayed at {point}"
            assert got.output == pytest.approx(value, rel=1e-12, abs=1e-300, nan_ok=True), where
            assert got.inputs[:n_predictions] == pytest.approx(
                grad, rel=1e-9, abs=1e-300, nan_ok=True
            ), where
        batch = replay.grad(*columns, wrt_inputs=True)
        assert batch.output.tolist() == pytest.approx(values, rel=1e-12, nan_ok=True)
        for k in range(n_predictions):
            assert batch.inputs[k].tolist() == pytest.approx(
                [g[k] for g in grads], rel=1e-9, abs=1e-300, nan_ok=True
            ), f"traced at {traced_at}"


def test_every_named_loss_is_covered_by_the_compile_scan():
    assert set(TASKS) == {*ONE_OUTPUT_GRIDS, "cross_entropy"}


@pytest.mark.parametrize("name", sorted(ONE_OUTPUT_GRIDS))
def test_a_compiled_loss_replays_every_side_of_its_switches(name):
    loss = TASKS[name].loss
    predictions, targets = ONE_OUTPUT_GRIDS[name]
    points = [(p, t) for p in predictions for t in targets]
    _replays_equal_eager(
        lambda p, t: loss([p], [t]), points, [(loss, [p], t) for p, t in points], 1
    )


def test_compiled_cross_entropy_replays_every_order_of_its_logits():
    logits = [-800.0, -1.0, 0.0, 1e-300, 40.0, 800.0]
    rows = [(a, b, c) for a in logits for b in logits for c in logits[::2]]
    points, eager_points = [], []
    for row in rows[::3]:
        for k in range(3):
            points.append((*row, *(float(j == k) for j in range(3))))
            eager_points.append((TASKS["cross_entropy"].loss, list(row), k))

    def one_hot_loss(*values):
        return TASKS["cross_entropy"].loss([list(values[:3])], [list(values[3:])])

    every = max(1, len(points) // 40)
    _replays_equal_eager(one_hot_loss, points[::every], eager_points[::every], 3)
