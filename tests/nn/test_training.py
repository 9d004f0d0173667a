"""fit(): the moons target, XOR, validation, early stopping, tolerance, restarts, progress."""

import math
import sys
import types

import numpy as np
import pytest

from nn import MLP, Neuron, datasets, losses, optim
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


@pytest.mark.parametrize(
    ("loss", "dataset", "outputs", "options"),
    [
        ("hinge", "moons", 1, {"l2": 1e-4, "lr": 1.0, "lr_decay": "linear"}),
        ("binary_cross_entropy_with_logits", "moons", 1, {"batch_size": 16, "seed": 3}),
        ("cross_entropy", "blobs", 3, {"optimizer": "adam", "lr": 0.05, "validation_split": 0.2}),
        ("mse", "moons", 1, {"weight_decay": 0.01}),
    ],
)
def test_compiled_training_equals_eager_training(loss, dataset, outputs, options):
    if dataset == "moons":
        X, y = datasets.make_moons(40, noise=0.1, seed=0)
    else:
        X, y = datasets.make_blobs(45, centers=3, seed=0)
    runs = []
    for compiled in (False, True):
        model = MLP(2, [8, outputs], activation="tanh", seed=0)
        history = fit(model, X, y, loss=loss, epochs=8, progress=False, compiled=compiled,
                      **options)  # fmt: skip
        runs.append((history, model.state_dict()))
    (eager, eager_state), (replayed, replayed_state) = runs
    assert replayed.loss == pytest.approx(eager.loss, rel=1e-10)
    assert replayed.accuracy == eager.accuracy
    assert replayed.val_loss == pytest.approx(eager.val_loss, rel=1e-10)
    for name, value in eager_state.items():
        assert replayed_state[name] == pytest.approx(value, rel=1e-9, abs=1e-12)


def test_compiled_training_refuses_the_perceptron_criterion():
    X, y = datasets.logic_gate_table("and")
    with pytest.raises(ValueError, match="use compiled=False"):
        fit(MLP(2, [1]), X, y, loss="perceptron_criterion", compiled=True, progress=False)


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
    from nn import training  # noqa: PLC0415

    monkeypatch.setattr(training.sys.stderr, "isatty", lambda: False, raising=False)
    monkeypatch.setitem(sys.modules, "ipykernel", types.ModuleType("ipykernel"))
    no_shell = types.SimpleNamespace(get_ipython=lambda: None)
    monkeypatch.setitem(sys.modules, "IPython", no_shell)
    assert training._show_progress(True) is False
    kernel_shell = types.SimpleNamespace(kernel=object())
    monkeypatch.setitem(
        sys.modules, "IPython", types.SimpleNamespace(get_ipython=lambda: kernel_shell)
    )
    assert training._show_progress(True) is True
    assert training._show_progress(False) is False
