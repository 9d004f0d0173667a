"""fit(): the moons target, XOR, validation, early stopping, tolerance, restarts, progress."""

import math
import re
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest

from autograd import Value
from nn import MLP, Layer, Neuron, datasets, losses, optim
from nn.training import evaluate, fit, predict


def test_moons_mlp_reaches_97_percent_within_100_steps():
    # The target: MLP(2, [16, 16, 1]), 100 moons points (noise 0.1), hinge + 1e-4 L2.
    X, y = datasets.make_moons(100, noise=0.1, seed=0)
    model = MLP(2, [16, 16, 1], seed=0)
    history = fit(
        model, X, y, loss="hinge", l2=1e-4, lr=1.0, lr_decay="linear", epochs=100, progress=False
    )
    assert history.epochs == 100
    _, accuracy = evaluate(model, X, y, loss="hinge")
    assert accuracy >= 0.97
    assert history.loss[-1] < history.loss[0] / 10


def test_an_mlp_learns_xor_which_a_perceptron_cannot():
    X, y = datasets.logic_gate_table("xor")
    model = MLP(2, [4, 1], activation="tanh", seed=0)
    history = fit(model, X, y, loss="binary_cross_entropy_with_logits", optimizer="adam", lr=0.05,
                  epochs=300, progress=False)  # fmt: skip
    assert evaluate(model, X, y, loss="binary_cross_entropy_with_logits")[1] == 1.0
    assert history.accuracy[-1] == 1.0


def test_full_batch_sgd_step_equals_the_hand_written_step():
    X = np.array([[1.0, 2.0], [-1.0, 0.5]])
    y = np.array([1, -1])
    model = Neuron(2, "linear", seed=0)
    w0, w1, b = (p.data for p in model.parameters())
    fit(model, X, y, loss="mse", lr=0.1, epochs=1, progress=False)
    # mse over targets as given: d/dp mean((s - t)^2) = mean(2 (s - t) ds/dp).
    s = [w0 * 1.0 + w1 * 2.0 + b, w0 * -1.0 + w1 * 0.5 + b]
    r = [2 * (s[0] - 1) / 2, 2 * (s[1] + 1) / 2]
    expected = [w0 - 0.1 * (r[0] * 1.0 + r[1] * -1.0), w1 - 0.1 * (r[0] * 2.0 + r[1] * 0.5),
                b - 0.1 * (r[0] + r[1])]  # fmt: skip
    assert [p.data for p in model.parameters()] == pytest.approx(expected, rel=1e-14)


def test_minibatches_cover_every_sample_each_epoch():
    X, y = datasets.make_blobs(30, centers=2, seed=1)
    model = MLP(2, [1], seed=0)
    history = fit(model, X, y, batch_size=7, epochs=3, seed=0, progress=False)
    assert history.epochs == 3
    assert all(a is not None and 0.0 <= a <= 1.0 for a in history.accuracy)


def test_validation_and_early_stopping_restore_the_best_weights():
    X, y = datasets.make_moons(60, noise=0.3, seed=2)
    model = MLP(2, [16, 16, 1], seed=0)
    history = fit(model, X, y, lr=0.5, epochs=60, validation_split=0.25, early_stopping=3,
                  progress=False)  # fmt: skip
    assert len(history.val_loss) == history.epochs
    best = min(history.val_loss)
    assert history.val_loss[history.best_epoch] == best
    if history.stopped_early:
        assert history.epochs == history.best_epoch + 4
    val_loss, _ = evaluate(model, X[-15:], y[-15:], loss="hinge")
    assert val_loss == pytest.approx(best, rel=1e-12)


def test_tolerance_stops_at_convergence():
    X, y = datasets.logic_gate_table("and")
    model = MLP(2, [1], seed=0)
    history = fit(model, X, y, loss="mse", lr=0.1, epochs=1000, tol=1e-7, progress=False)
    assert history.converged
    assert history.epochs < 1000
    assert abs(history.loss[-1] - history.loss[-2]) < 1e-7


def test_l2_through_weight_decay_shrinks_weights():
    X, y = datasets.make_blobs(40, centers=2, seed=3)
    plain, decayed = MLP(2, [4, 1], seed=0), MLP(2, [4, 1], seed=0)
    fit(plain, X, y, lr=0.05, epochs=30, progress=False)
    fit(decayed, X, y, lr=0.05, epochs=30, weight_decay=0.5, progress=False)
    norm = lambda m: math.fsum(p.data**2 for p in m.parameters())  # noqa: E731
    assert norm(decayed) < norm(plain)


def test_restarts_keep_the_best():
    X, y = datasets.make_xor(40, seed=0)
    model = MLP(2, [3, 1], activation="tanh", seed=0)
    history = fit(model, X, y, lr=0.2, epochs=20, restarts=3, seed=1, progress=False)
    assert len(history.restart_losses) == 3
    assert history.score() == min(history.restart_losses)
    assert evaluate(model, X, y)[0] == pytest.approx(history.loss[-1], rel=0.5)


def test_cross_entropy_on_three_classes():
    X, y = datasets.make_blobs(60, centers=3, cluster_std=0.5, seed=4)
    model = MLP(2, [8, 3], seed=0)
    history = fit(model, X, y, loss="cross_entropy", optimizer="adam", lr=0.05, epochs=40,
                  progress=False)  # fmt: skip
    assert history.accuracy[-1] >= 0.9
    assert len(predict(model, X[:2])[0]) == 3


def test_optimizer_instance_and_custom_loss():
    model = Neuron(1, "linear", seed=0)
    opt = optim.SGD(model.parameters(), lr=0.1)
    history = fit(model, [[1.0], [2.0]], [2.0, 4.0], loss=losses.mse, optimizer=opt, epochs=600,
                  progress=False)  # fmt: skip
    assert history.accuracy[-1] is None
    assert predict(model, [[3.0]])[0] == pytest.approx(6.0, rel=1e-3)


def test_progress_bar_is_off_without_a_terminal(capsys):
    fit(MLP(2, [1], seed=0), [[0.0, 1.0]], [1], epochs=2, progress=True)
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"loss": "l1"}, r"fit\(loss\): unknown loss 'l1'"),
        ({"optimizer": "lbfgs"}, r"fit\(optimizer\): unknown optimizer 'lbfgs'"),
        ({"epochs": 0}, r"fit\(epochs\): expected an int >= 1, got 0"),
        ({"batch_size": 0}, r"fit\(batch_size\): expected an int >= 1"),
        ({"validation_split": 1.0}, r"fit\(validation_split\): expected 0 <= validation_split < 1"),
        ({"early_stopping": 2}, r"fit\(early_stopping\): needs validation"),
        ({"lr_decay": "cosine"}, r"fit\(lr_decay\): expected one of None, 'linear'"),
        ({"restarts": 2, "optimizer": None}, r"fit\(optimizer\): unknown optimizer None"),
    ],
)
def test_bad_options(options, message):
    X, y = datasets.logic_gate_table("or")
    with pytest.raises(ValueError, match=message):
        fit(MLP(2, [1], seed=0), X, y, progress=False, **options)


def test_bad_data():
    with pytest.raises(ValueError, match=r"fit\(y\): 4 samples but y has shape"):
        fit(MLP(2, [1]), np.zeros((4, 2)), [1, 0], progress=False)
    with pytest.raises(ValueError, match=r"fit\(X\): expected finite numbers, found nan"):
        fit(MLP(2, [1]), [[0.0, math.nan]], [1], progress=False)
    with pytest.raises(ValueError, match=r"fit\(y\): this loss needs two classes"):
        fit(MLP(2, [1]), np.zeros((3, 2)), [0, 1, 2], progress=False)
    # A one-neuron Layer returns a list: once "needs one output; this model returns 1 outputs".
    with pytest.raises(
        ValueError, match=r"needs a model that returns one Value; .* a list of 1 Values"
    ):
        fit(Layer(2, 1), np.zeros((3, 2)), [0, 1, 1], progress=False)


@pytest.mark.parametrize(
    ("loss", "dataset", "outputs", "options"),
    [
        ("hinge", "moons", 1, {"l2": 1e-4, "lr": 1.0, "lr_decay": "linear"}),
        ("binary_cross_entropy_with_logits", "moons", 1, {"batch_size": 16, "seed": 3}),
        ("cross_entropy", "blobs", 3, {"optimizer": "adam", "lr": 0.05, "validation_split": 0.2}),
        ("mse", "moons", 1, {"weight_decay": 0.01}),
        ("binary_cross_entropy", "moons", 1, {"batch_size": 9, "seed": 1, "optimizer": "rmsprop"}),
        ("perceptron_criterion", "moons", 1, {"batch_size": 5, "seed": 2, "l2": 1e-3}),
        ("cross_entropy", "two-of-three", 3, {"optimizer": "adamw", "lr": 0.05}),
    ],
)
def test_compiled_training_equals_eager_training(loss, dataset, outputs, options):
    if dataset in ("moons", "two-of-three"):  # two-of-three: a 3-output model, labels {0, 1}
        X, y = datasets.make_moons(40, noise=0.1, seed=0)
    else:
        X, y = datasets.make_blobs(45, centers=3, seed=0)
    runs = []
    activation = "sigmoid" if loss == "binary_cross_entropy" else "linear"
    for compiled in (False, True):
        model = MLP(2, [8, outputs], activation="tanh", output_activation=activation, seed=0)
        history = fit(model, X, y, loss=loss, epochs=8, progress=False, compiled=compiled,
                      **options)  # fmt: skip
        runs.append((history, model.state_dict()))
    (eager, eager_state), (replayed, replayed_state) = runs
    assert replayed.loss == pytest.approx(eager.loss, rel=1e-10)
    assert replayed.accuracy == eager.accuracy
    assert replayed.val_loss == pytest.approx(eager.val_loss, rel=1e-10)
    for name, value in eager_state.items():
        assert replayed_state[name] == pytest.approx(value, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize(
    "loss",
    ["hinge", "perceptron_criterion", "binary_cross_entropy_with_logits",
     "binary_cross_entropy", "cross_entropy", "mse"],
)  # fmt: skip
def test_compiled_fit_replays_every_named_loss_through_the_fused_program(loss, monkeypatch):
    # The layers become matrix products, and cross-entropy's log-softmax one matrix: found
    # in the traced graph, nothing asked of nn (test_compiled_softmax.py checks the numbers).
    from nn.training import steps  # noqa: PLC0415 - the module whose step is watched

    made = []

    class Watched(steps.CompiledStep):
        def __init__(self, plan):
            super().__init__(plan)
            made.append(self)

    monkeypatch.setattr(steps, "CompiledStep", Watched)
    X, y = datasets.make_blobs(30, centers=3, seed=0)
    classes = loss == "cross_entropy"
    if not classes:
        y = (y > 0).astype(float)
    output = "sigmoid" if loss == "binary_cross_entropy" else "linear"
    model = MLP(2, [4, 3 if classes else 1], output_activation=output, seed=0)
    fit(model, X, y, loss=loss, epochs=1, progress=False, compiled=True)
    text = made[0].loss.batch_source
    assert len(re.findall(r"Z\d = \w+ @ W\d\.T", text)) == 2 * 2  # 2 layers, 2 functions
    assert ("# softmax 1:" in text) == classes
    assert ("(T1s * P1s).sum(1)" in text) == classes  # the one-hot dot, fused too


def test_compiled_perceptron_criterion_picks_the_mistakes_per_sample():
    # The criterion once picked its mistakes by .data and compiled=True refused it; now
    # each term is relu(y s) - y s, a graph op, and the replay gives the eager numbers.
    X, y = datasets.make_moons(30, noise=0.2, seed=4)
    runs = []
    for compiled in (False, True):
        model = MLP(2, [6, 1], seed=2)
        history = fit(model, X, y, loss="perceptron_criterion", lr=0.3, epochs=6, batch_size=7,
                      seed=1, progress=False, compiled=compiled)  # fmt: skip
        runs.append((history.loss, history.accuracy, model.state_dict()))
    (loss, accuracy, state), (loss_c, accuracy_c, state_c) = runs
    assert loss_c == pytest.approx(loss, rel=1e-10)
    assert accuracy_c == accuracy
    assert [state_c[k] for k in state] == pytest.approx(list(state.values()), rel=1e-9, abs=1e-12)


def _sigmoid_unit(weight: float = 1.0) -> MLP:
    model = MLP(1, [1], output_activation="sigmoid", seed=0)
    neuron = model.layers[0].neurons[0]
    neuron.w[0].data, neuron.b.data = weight, 0.0
    return model


@pytest.mark.parametrize("X", [[[40.0], [0.5]], [[0.5], [40.0]]], ids=["saturated-first", "last"])
def test_compiled_bce_clamps_per_sample_not_at_the_traced_one(X):
    # The audit's case: the log clamp was a .data branch frozen at the traced sample
    # (compiled reported 50.0 with a zero gradient, or a log domain error).
    y = [1, 0] if X[0][0] == 40.0 else [0, 1]
    runs = []
    for compiled in (False, True):
        model = _sigmoid_unit()
        history = fit(model, X, y, loss="binary_cross_entropy", optimizer="sgd", lr=0.1,
                      epochs=1, batch_size=2, progress=False, compiled=compiled)  # fmt: skip
        runs.append((history.loss[0], model.state_dict()))
    (eager, eager_state), (replayed, replayed_state) = runs
    # sigmoid(40) is 1.0 in floats: that sample's loss is 0; the other's is -log(1 - s(0.5)).
    expected = -math.log(1.0 - 1.0 / (1.0 + math.exp(-0.5))) / 2
    assert eager == pytest.approx(expected, rel=1e-12)
    assert replayed == pytest.approx(expected, rel=1e-12)
    assert replayed_state == pytest.approx(eager_state, rel=1e-12)
    assert eager_state != _sigmoid_unit().state_dict()  # the weights moved


def test_compiled_bce_refuses_an_output_outside_0_1_and_restores_the_weights():
    # A linear output is no probability: eager BCE raises; the replay checks its outputs.
    X, y = [[1.0], [3.0]], [1, 0]
    for compiled in (False, True):
        model = MLP(1, [1], seed=0)
        model.layers[0].neurons[0].w[0].data = 0.4
        before = model.state_dict()
        with pytest.raises(ValueError, match=r"binary_cross_entropy\(probabilities\).*got 1\.2"):
            fit(model, X, y, loss="binary_cross_entropy", epochs=2, progress=False,
                compiled=compiled)  # fmt: skip
        assert model.state_dict() == before


def _branching_loss(predictions, targets):
    # A custom loss that branches on .data: one trace cannot stand for every sample.
    pairs = zip(predictions, targets, strict=True)
    terms = [(p - t) ** 2 if p.data > 0 else abs(p - t) for p, t in pairs]
    return sum(terms[1:], terms[0]) / len(terms)


def test_compiled_fit_refuses_a_custom_loss_that_branches_before_any_change():
    X, y = datasets.make_moons(20, noise=0.1, seed=0)
    model = MLP(2, [4, 1], seed=0)
    before = model.state_dict()
    with pytest.raises(ValueError, match=r"fit\(compiled\):.*different graph.*compiled=False"):
        fit(model, X, y, loss=_branching_loss, epochs=2, progress=False, compiled=True)
    assert model.state_dict() == before
    fit(model, X, y, loss=_branching_loss, epochs=2, progress=False)  # eager trains it


def test_a_custom_loss_without_branches_compiles_and_equals_eager():
    X, y = datasets.make_moons(20, noise=0.1, seed=0)
    runs = []
    for compiled in (False, True):
        model = MLP(2, [4, 1], seed=0)
        history = fit(model, X, y.astype(float), loss=losses.mse, epochs=3, progress=False,
                      compiled=compiled)  # fmt: skip
        runs.append(history.loss)
    assert runs[1] == pytest.approx(runs[0], rel=1e-10)


def _sum_of_squares(predictions, targets):
    terms = [(p - t) ** 2 for p, t in zip(predictions, targets, strict=True)]
    return sum(terms[1:], terms[0])


def _squared_mean_error(predictions, targets):
    errors = [p - t for p, t in zip(predictions, targets, strict=True)]
    return (sum(errors[1:], errors[0]) / len(errors)) ** 2


@pytest.mark.parametrize("loss", [_sum_of_squares, _squared_mean_error])
def test_compiled_fit_refuses_a_custom_loss_that_is_no_mean_over_samples(loss):
    # A replay computes the loss per sample and averages: a sum, or a loss of the whole
    # batch, once trained on other numbers than eager fit's (a sum: n times the gradient),
    # with no error.
    X, y = datasets.make_moons(20, noise=0.1, seed=0)
    model = MLP(2, [4, 1], seed=0)
    before = model.state_dict()
    with pytest.raises(ValueError, match=r"fit\(compiled\):.*mean of .*per-sample.*compiled=False"):
        fit(model, X, y.astype(float), loss=loss, epochs=2, progress=False, compiled=True)
    assert model.state_dict() == before
    fit(model, X[:1], y[:1].astype(float), loss=loss, epochs=2, progress=False, compiled=True)


def test_compiled_training_learns_the_digits_in_seconds():
    X, y = datasets.make_digits(400, noise=0.2, seed=0)
    X_test, y_test = datasets.make_digits(200, noise=0.2, seed=1)
    model = MLP(64, [32, 10], seed=0)
    history = fit(model, X, y, loss="cross_entropy", optimizer="adam", lr=0.01, epochs=15,
                  batch_size=50, seed=0, progress=False, compiled=True)  # fmt: skip
    assert history.accuracy[-1] >= 0.9
    assert evaluate(model, X_test, y_test, loss="cross_entropy")[1] >= 0.9


class _RecordingMLP(MLP):
    """An MLP that records the weights each restart starts from."""

    starts: list[tuple[float, ...]]

    def reset_parameters(self, seed=None):
        super().reset_parameters(seed)
        self.starts.append(tuple(p.data for p in self.parameters()))


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_every_restart_starts_from_new_weights(seed):
    # fit(seed=s) on a model built with seed=s: the first redraw would repeat the
    # constructor's weights, a wasted restart.
    X, y = datasets.make_moons(20, noise=0.1, seed=0)
    model = _RecordingMLP(2, [4, 1], seed=seed)
    model.starts = [tuple(p.data for p in model.parameters())]
    history = fit(model, X, y, epochs=2, restarts=4, seed=seed, progress=False)
    # The constructor's weights, then one accepted draw per restart (a draw repeating an
    # earlier start is drawn again): four distinct starting points.
    assert len(set(model.starts)) == 4
    assert model.starts[-1] != model.starts[0]
    assert len(history.restart_losses) == 4


def test_divergence_stops_and_restores_the_starting_weights():
    X, y = datasets.make_moons(20, noise=0.1, seed=0)
    for compiled in (False, True):
        model = MLP(2, [4, 1], seed=0)
        before = model.state_dict()
        with pytest.raises(ValueError, match=r"fit: training diverged: .*lr=1e\+300"):
            fit(model, X, y, lr=1e300, epochs=5, progress=False, compiled=compiled)
        assert model.state_dict() == before


def _everything_fit_changes(model, optimizer, outside):
    values = [*model.parameters(), outside]
    modes = [module.training for module in model.modules()]
    return [(p.data, p.grad) for p in values], modes, optimizer.state_dict()


@pytest.mark.parametrize("compiled", [False, True])
@pytest.mark.parametrize("failure", ["diverged", "refused"])
def test_a_failed_fit_puts_back_everything_it_changed(failure, compiled):
    # Weights, gradients (once the refused batch's were left in, compiled), the modules'
    # modes, and the given optimizer's state and the Values it steps outside the model.
    X, y = [[0.0], [10.0 if failure == "refused" else 1e10]], [0, 1]
    model = MLP(1, [1], seed=0)
    model.layers[0].neurons[0].w[0].data, model.layers[0].neurons[0].b.data = 0.01, 0.5
    outside = Value(2.0)
    lr, loss = (1e300, "hinge") if failure == "diverged" else (0.01, "binary_cross_entropy")
    optimizer = optim.Adam([*model.parameters(), outside], lr=lr)
    for p in [*model.parameters(), outside]:
        p.grad = 7.0  # a fit that fails must not lose a caller's gradients either
    optimizer.step()  # state of its own, from before fit
    model.train()
    before = _everything_fit_changes(model, optimizer, outside)
    with pytest.raises(ValueError, match="diverged" if failure == "diverged" else "lie in"):
        fit(model, X, y, loss=loss, optimizer=optimizer, lr_decay="linear", epochs=50,
            progress=False, compiled=compiled)  # fmt: skip
    assert _everything_fit_changes(model, optimizer, outside) == before


def test_an_optimizer_over_part_of_the_model_is_accepted():
    # Freezing layers is legitimate: only an optimizer owning none of the model's
    # parameters is refused.
    X, y = datasets.make_moons(20, noise=0.1, seed=0)
    model = MLP(2, [4, 1], seed=0)
    frozen = model.layers[0].parameters()
    before = [p.data for p in frozen]
    fit(model, X, y, optimizer=optim.SGD(model.layers[1].parameters(), lr=0.1), epochs=3,
        progress=False)  # fmt: skip
    assert [p.data for p in frozen] == before


def test_adamw_by_name_takes_the_same_steps_as_the_optimizer():
    X, y = datasets.make_blobs(30, centers=3, cluster_std=0.5, seed=2)
    named, by_hand = MLP(2, [4, 3], seed=1), MLP(2, [4, 3], seed=1)
    options = {"loss": "cross_entropy", "epochs": 5, "progress": False}
    fit(named, X, y, optimizer="adamw", lr=0.02, weight_decay=0.3, **options)
    opt = optim.AdamW(by_hand.parameters(), lr=0.02, weight_decay=0.3)
    fit(by_hand, X, y, optimizer=opt, **options)
    got = [p.data for p in named.parameters()]
    assert got == pytest.approx([p.data for p in by_hand.parameters()], rel=1e-12)
    # The decoupled decay acted: without it (Adam, no decay) the weights differ.
    plain = MLP(2, [4, 3], seed=1)
    fit(plain, X, y, optimizer="adam", lr=0.02, **options)
    assert got != pytest.approx([p.data for p in plain.parameters()], rel=1e-6)


def test_the_progress_bar_needs_a_running_kernel_not_an_imported_one(monkeypatch):
    from nn.training import loop as training  # noqa: PLC0415

    monkeypatch.setattr(training.sys.stderr, "isatty", lambda: False, raising=False)
    monkeypatch.setitem(sys.modules, "ipykernel", types.ModuleType("ipykernel"))
    no_shell = types.SimpleNamespace(get_ipython=lambda: None)
    monkeypatch.setitem(sys.modules, "IPython", no_shell)
    assert training.show_progress(True) is False
    kernel_shell = types.SimpleNamespace(kernel=object())
    monkeypatch.setitem(
        sys.modules, "IPython", types.SimpleNamespace(get_ipython=lambda: kernel_shell)
    )
    assert training.show_progress(True) is True
    assert training.show_progress(False) is False


TWO_CLASS_LOSSES = ["hinge", "perceptron_criterion", "binary_cross_entropy_with_logits",
                    "binary_cross_entropy"]  # fmt: skip


@pytest.mark.parametrize("loss", TWO_CLASS_LOSSES)
@pytest.mark.parametrize(("label", "positive"), [(0, False), (-1, False), (1, True)])
@pytest.mark.parametrize("compiled", [False, True], ids=["eager", "compiled"])
def test_labels_of_one_class_train_that_class_by_its_value(loss, label, positive, compiled):
    # The rule: 0 and -1 are the negative class, 1 the positive one, even when alone
    # (all zeros were trained as the positive class and still scored accuracy 1.0).
    X = np.linspace(-1.0, 1.0, 8)[:, None]
    output = "sigmoid" if loss == "binary_cross_entropy" else "linear"
    model = MLP(1, [1], output_activation=output, seed=0)
    history = fit(model, X, [label] * 8, loss=loss, lr=0.5, epochs=40, progress=False,
                  compiled=compiled)  # fmt: skip
    scores = np.array(predict(model, X))
    threshold = 0.5 if loss == "binary_cross_entropy" else 0.0
    assert np.all(scores > threshold) if positive else np.all(scores <= threshold), scores
    assert history.accuracy[-1] == 1.0
    assert evaluate(model, X, [label] * 8, loss=loss)[1] == 1.0
    # A model that predicts the other class scores 0 on these labels.
    flipped = MLP(1, [1], output_activation=output, seed=0)
    fit(flipped, X, [0 if label == 1 else 1] * 8, loss=loss, lr=0.5,
        epochs=40, progress=False)  # fmt: skip
    assert evaluate(flipped, X, [label] * 8, loss=loss)[1] == 0.0


@pytest.mark.parametrize(
    ("y", "message"),
    [
        ([5] * 4, r"fit\(y\): every label is 5, one class"),
        ([-1, 0, 0, -1], r"fit\(y\): labels \[-1\.0, 0\.0\] are ambiguous"),
        ([0, 1, 2, 1], r"fit\(y\): this loss needs two classes"),
    ],
)
def test_label_sets_that_cannot_be_read_are_refused(y, message):
    model = MLP(1, [1], seed=0)
    before = model.state_dict()
    with pytest.raises(ValueError, match=message):
        fit(model, [[0.0], [1.0], [2.0], [3.0]], y, epochs=1, progress=False)
    assert model.state_dict() == before


def test_two_other_label_values_keep_the_larger_as_positive():
    X, y = datasets.make_moons(30, noise=0.1, seed=0)
    labels = np.where(y == 1, 5, 2)
    model = MLP(2, [6, 1], seed=0)
    fit(model, X, labels, loss="binary_cross_entropy_with_logits", optimizer="adam", lr=0.05,
        epochs=60, progress=False)  # fmt: skip
    scores = np.array(predict(model, X))
    assert np.mean((scores > 0) == (labels == 5)) >= 0.8


def test_the_class_count_is_the_models_outputs_not_the_labels_present():
    X = np.array([[0.0, 1.0], [1.0, 0.0], [0.5, 0.5], [1.0, 1.0]])
    for compiled in (False, True):
        model = MLP(2, [3], seed=0)
        history = fit(model, X, [0, 1, 0, 1], loss="cross_entropy", epochs=2, progress=False,
                      compiled=compiled)  # fmt: skip
        assert history.epochs == 2
        with pytest.raises(ValueError, match=r"fit\(y\): class index 3, but the model has 3"):
            fit(model, X, [0, 1, 3, 1], loss="cross_entropy", epochs=1, progress=False,
                compiled=compiled)  # fmt: skip


class _BranchingMLP(MLP):
    """A model of the user's whose graph depends on the sample: not one trace for all."""

    def __call__(self, x):
        out = super().__call__(x)
        return out if out.data > 0 else out * 2.0


def test_compiled_fit_refuses_a_model_that_branches_before_any_change():
    X, y = datasets.make_moons(20, noise=0.1, seed=0)
    model = _BranchingMLP(2, [4, 1], seed=0)
    before = model.state_dict()
    with pytest.raises(ValueError, match=r"fit\(compiled\):.*different graph"):
        fit(model, X, y, epochs=2, progress=False, compiled=True)
    assert model.state_dict() == before


def test_compiled_fit_refuses_a_loss_that_returns_no_value_before_any_change():
    X, y = datasets.make_moons(20, noise=0.1, seed=0)
    model = MLP(2, [4, 1], seed=0)
    before = model.state_dict()
    with pytest.raises(TypeError, match=r"fit\(loss\): the loss function returned a float"):
        fit(model, X, y, loss=lambda p, t: 0.0, epochs=2, progress=False, compiled=True)
    assert model.state_dict() == before


_NO_WIDGETS = """
import sys, warnings
sys.modules["ipywidgets"] = None  # a Jupyter kernel without ipywidgets
import ipykernel.zmqshell  # what makes tqdm.auto believe it runs in a notebook
import nn
import nn.training.loop as loop
loop.in_jupyter_kernel = lambda: True  # fit draws its bar as in a kernel
warnings.simplefilter("always")
X, y = [[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1]
history = nn.fit(nn.MLP(1, [1], seed=0), X, y, epochs=3, progress={progress}, seed=0)
print("epochs", history.epochs)
"""


@pytest.mark.parametrize("progress", [False, True])
def test_no_iprogress_warning_without_ipywidgets(progress):
    # tqdm.auto, imported in a kernel without ipywidgets, printed "IProgress not found"
    # even when fit(progress=False) drew no bar; with progress=True the text bar is
    # drawn instead of the widget, quietly.
    pytest.importorskip("ipykernel")
    result = subprocess.run(
        [sys.executable, "-c", _NO_WIDGETS.format(progress=progress)],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).parents[2],
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("epochs 3")
    assert "IProgress" not in result.stderr
    assert "Warning" not in result.stderr, result.stderr
    if progress:
        assert "3/3" in result.stderr  # tqdm's text bar, at its end
    else:
        assert result.stderr == ""
