"""Threshold neurons and the perceptron: the seed's worked example, gates, XOR, bad input."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from nn.datasets import logic_gate_table, umbrella
from nn.perceptron import ConvergenceWarning, Perceptron, ThresholdNeuron, logic_gate

# --- the seed's worked example -------------------------------------------------------------

SEED_X = [2, -1, 0.5]
SEED_Y = [1, -1, -1]


def seed_perceptron():
    return Perceptron(1, weights=[0.5], bias=-1.0, lr=0.1)


def test_worked_example_linear_outputs_before_training():
    assert seed_perceptron().decision_function(SEED_X) == [0.0, -1.5, -0.75]
    # z = 0 is not > 0: sample 1 is predicted -1 although its label is +1.
    assert seed_perceptron().predict(SEED_X) == [-1, -1, -1]


def test_worked_example_one_update_then_a_clean_epoch():
    p = seed_perceptron()
    epochs = p.fit(SEED_X, SEED_Y)
    assert p.weights == [0.7]  # 0.5 + 0.1 * 1 * 2
    assert p.bias == -0.9  # -1 + 0.1 * 1
    assert epochs == 2
    assert p.history == [1, 0]
    assert p.converged is True
    # 2 * 0.7 - 0.9 rounds to 0.4999999999999999 in floating point; the others are exact.
    z = p.decision_function(SEED_X)
    assert z == pytest.approx([0.5, -1.6, -0.55], abs=1e-15)
    assert z[1:] == [-1.6, -0.55]
    assert p.predict(SEED_X) == SEED_Y
    assert p.score(SEED_X, SEED_Y) == 1.0


@pytest.mark.parametrize(
    "x",
    [
        [[2], [-1], [0.5]],
        np.array([2.0, -1.0, 0.5]),
        np.array([[2.0], [-1.0], [0.5]]),
        (2, -1, 0.5),
    ],
    ids=["rows", "flat-array", "column-array", "tuple"],
)
def test_worked_example_with_other_input_shapes(x):
    p = seed_perceptron()
    assert p.fit(x, np.array(SEED_Y)) == 2
    assert p.weights == [0.7]
    assert p.bias == -0.9


def test_weights_and_bias_are_floats():
    p = Perceptron(2, weights=[1, 2], bias=3)
    assert p.weights == [1.0, 2.0]
    assert all(type(w) is float for w in p.weights)
    assert type(p.bias) is float
    p.fit([[1, 1], [-1, -1]], [1, -1])
    assert all(type(w) is float for w in p.weights)
    assert type(p.bias) is float


def test_default_weights_are_zeros():
    p = Perceptron(3)
    assert p.weights == [0.0, 0.0, 0.0]
    assert p.bias == 0.0
    assert p.lr == 1.0
    assert p.converged is False
    assert p.history == []


# --- the rule, step by step ----------------------------------------------------------------


def test_only_mistakes_update_and_in_sample_order():
    # Hand trace, lr = 0.5, from zeros. Epoch 1: (1, 0) +1: z = 0, mistake -> w = (0.5, 0),
    # c = 0.5. (0, 1) -1: z = 0.5 > 0, mistake -> w = (0.5, -0.5), c = 0. (2, 2) +1: z = 0,
    # mistake -> w = (1.5, 0.5), c = 0.5. Epoch 2: (1, 0) z = 2 right; (0, 1) z = 1, mistake
    # -> w = (1.5, 0), c = 0; (2, 2) z = 3 right. Epoch 3: z = 1.5, 0 (right for -1), 3: clean.
    p = Perceptron(2, lr=0.5)
    assert p.fit([[1, 0], [0, 1], [2, 2]], [1, -1, 1]) == 3
    assert p.history == [3, 1, 0]
    assert p.weights == [1.5, 0.0]
    assert p.bias == 0.0


def test_zero_output_is_correct_for_a_negative_label():
    p = Perceptron(1)  # z = 0 for every sample
    assert p.fit([5.0], [-1]) == 1
    assert p.weights == [0.0]
    assert p.history == [0]


def test_already_correct_data_takes_one_clean_epoch():
    p = Perceptron(2, weights=[1.0, 1.0], bias=-1.5)
    assert p.fit([[0, 0], [0, 1], [1, 0], [1, 1]], [-1, -1, -1, 1]) == 1
    assert p.weights == [1.0, 1.0]
    assert p.bias == -1.5


def test_fit_continues_from_the_current_weights():
    p = seed_perceptron()
    p.fit(SEED_X, SEED_Y)
    assert p.fit(SEED_X, SEED_Y) == 1
    assert p.history == [0]
    assert p.weights == [0.7]


# --- what a perceptron can and cannot learn -----------------------------------------------


@pytest.mark.parametrize("gate", ["and", "or", "nand", "nor", "not"])
@pytest.mark.parametrize("lr", [1.0, 0.1])
def test_learns_linearly_separable_gates(gate, lr):
    X, y = logic_gate_table(gate)
    p = Perceptron(X.shape[1], lr=lr)
    p.fit(X, y)
    assert p.converged
    assert p.predict(X) == y.tolist()  # answers 0/1, as fit was given
    assert p.score(X, y) == 1.0


def test_learns_the_umbrella_table():
    X, y = umbrella()
    p = Perceptron(2)
    epochs = p.fit(X, y)
    assert p.converged
    assert epochs == len(p.history)
    assert p.predict(X) == [0, 0, 1, 0]
    # The boundary needs rain (x1) to push up and the car (x2) to push down.
    assert p.weights[0] > 0.0
    assert p.weights[1] < 0.0


def test_cannot_learn_xor():
    X, y = logic_gate_table("xor")
    p = Perceptron(2)
    with pytest.warns(ConvergenceWarning, match=r"Perceptron\.fit: still [1-4] mistakes after 50"):
        epochs = p.fit(X, y, epochs=50)
    assert epochs == 50
    assert p.converged is False
    assert len(p.history) == 50
    assert min(p.history) >= 1  # never a clean epoch
    assert p.score(X, y) <= 0.75  # one line gets at most three of the four points right


def test_converged_is_reset_by_a_failing_fit():
    p = Perceptron(2)
    p.fit(*logic_gate_table("and"))
    assert p.converged
    with pytest.warns(ConvergenceWarning):
        p.fit(*logic_gate_table("xor"), epochs=3)
    assert p.converged is False
    assert len(p.history) == 3


def test_no_warning_when_converged():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Perceptron(2).fit(*logic_gate_table("or"))


@given(
    true_w=st.tuples(st.integers(-5, 5), st.integers(-5, 5)),
    true_b=st.integers(-5, 5),
    points=st.lists(st.tuples(st.integers(-5, 5), st.integers(-5, 5)), min_size=1, max_size=30),
    lr=st.sampled_from([1.0, 0.5, 0.1]),
)
def test_separable_data_is_learned_within_novikoffs_bound(true_w, true_b, points, lr):
    # Keep the points on which the hyperplane (true_w, true_b) is not ambiguous: the data is
    # then linearly separable with a margin, and the perceptron must reach accuracy 1.
    margins = [true_w[0] * a + true_w[1] * b + true_b for a, b in points]
    data = [(p, 1 if m > 0 else -1) for p, m in zip(points, margins, strict=True) if m != 0]
    assume(data)
    X = [list(p) for p, _ in data]
    y = [label for _, label in data]
    p = Perceptron(2, lr=lr)
    p.fit(X, y, epochs=10_000)
    assert p.converged
    assert p.score(X, y) == 1.0
    # Novikoff: from zero weights, at most (R / gamma)^2 mistakes, with R and gamma measured
    # on inputs extended by a constant 1 (for the bias).
    norm = math.hypot(*true_w, true_b)
    radius = max(math.hypot(a, b, 1.0) for a, b in X)
    gamma = min(abs(m) for m in margins if m != 0) / norm
    assert sum(p.history) <= (radius / gamma) ** 2 + 1e-9


# --- label encodings -------------------------------------------------------------------------


def test_default_encoding_is_plus_minus_one():
    p = Perceptron(1)
    p.fit([1.0, -1.0], [1, -1])
    assert p.predict([3.0, -3.0]) == [1, -1]


def test_zero_one_labels_give_zero_one_predictions_and_back():
    p = Perceptron(1)
    p.fit([1.0, -1.0], [1, 0])
    assert p.predict([3.0, -3.0]) == [1, 0]
    p.fit([1.0, -1.0], [1, -1])
    assert p.predict([3.0, -3.0]) == [1, -1]


def test_all_positive_labels_keep_the_encoding():
    p = Perceptron(1)
    p.fit([1.0, -1.0], [1, 0])
    p.fit([2.0], [1])
    assert p.predict([-3.0]) == [0]


def test_labels_may_be_floats_or_bools():
    p = Perceptron(1)
    p.fit([1.0, -1.0], [1.0, 0.0])
    assert p.predict([-2.0]) == [0]
    assert p.score([1.0, -1.0], np.array([True, False])) == 1.0


def test_score_accepts_either_encoding():
    p = Perceptron(1, weights=[1.0])
    assert p.score([1.0, -1.0, 2.0], [1, -1, -1]) == pytest.approx(2 / 3)
    assert p.score([1.0, -1.0, 2.0], [1, 0, 0]) == pytest.approx(2 / 3)


# --- bad arguments -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"nin": 0}, ValueError, r"Perceptron\(nin\).*0"),
        ({"nin": 1.5}, TypeError, r"Perceptron\(nin\).*float"),
        ({"nin": 2, "weights": [1.0]}, ValueError, r"Perceptron\(weights\).*2 weights.*got 1"),
        ({"nin": 1, "weights": 1.0}, TypeError, r"Perceptron\(weights\).*float"),
        ({"nin": 1, "weights": "1"}, TypeError, r"Perceptron\(weights\).*str"),
        ({"nin": 1, "weights": [math.inf]}, ValueError, r"Perceptron\(weights\).*inf"),
        ({"nin": 1, "bias": math.nan}, ValueError, r"Perceptron\(bias\).*nan"),
        ({"nin": 1, "bias": "0"}, TypeError, r"Perceptron\(bias\).*str"),
        ({"nin": 1, "lr": 0.0}, ValueError, r"Perceptron\(lr\).*0\.0"),
        ({"nin": 1, "lr": -1.0}, ValueError, r"Perceptron\(lr\).*-1\.0"),
        ({"nin": 1, "lr": True}, TypeError, r"Perceptron\(lr\).*bool"),
    ],
)
def test_bad_constructor_arguments(kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        Perceptron(**kwargs)


@pytest.mark.parametrize(
    ("x", "error", "pattern"),
    [
        ([1.0, 2.0], ValueError, r"Perceptron\.fit\(x\).*\(n, 2\).*\(2,\)"),
        ([[1.0, 2.0, 3.0]], ValueError, r"Perceptron\.fit\(x\).*\(n, 2\).*\(1, 3\)"),
        ([[1.0, 2.0], [3.0]], ValueError, r"Perceptron\.fit\(x\).*different lengths"),
        (np.zeros((0, 2)), ValueError, r"Perceptron\.fit\(x\).*at least one sample"),
        ([[1.0, math.nan]], ValueError, r"Perceptron\.fit\(x\).*nan"),
        ([["a", "b"]], TypeError, r"Perceptron\.fit\(x\).*dtype"),
        ("ab", TypeError, r"Perceptron\.fit\(x\).*str"),
    ],
)
def test_bad_samples(x, error, pattern):
    with pytest.raises(error, match=pattern):
        Perceptron(2).fit(x, [1] * max(len(x), 1))


@pytest.mark.parametrize(
    ("y", "error", "pattern"),
    [
        ([1, 2], ValueError, r"Perceptron\.fit\(y\).*\[2\.0\]"),
        ([-1, 0], ValueError, r"Perceptron\.fit\(y\).*mix"),
        ([1], ValueError, r"Perceptron\.fit\(y\).*2 labels.*\(1,\)"),
        ([[1], [-1]], ValueError, r"Perceptron\.fit\(y\).*2 labels.*\(2, 1\)"),
        (["a", "b"], TypeError, r"Perceptron\.fit\(y\).*dtype"),
        ("ab", TypeError, r"Perceptron\.fit\(y\).*str"),
    ],
)
def test_bad_labels(y, error, pattern):
    with pytest.raises(error, match=pattern):
        Perceptron(2).fit([[0.0, 0.0], [1.0, 1.0]], y)


@pytest.mark.parametrize(
    ("epochs", "error"), [(0, ValueError), (-1, ValueError), (2.0, TypeError), (None, TypeError)]
)
def test_bad_epochs(epochs, error):
    with pytest.raises(error, match=r"Perceptron\.fit\(epochs\)"):
        Perceptron(1).fit([1.0], [1], epochs=epochs)


def test_predict_and_score_check_their_input():
    p = Perceptron(2)
    with pytest.raises(ValueError, match=r"Perceptron\.predict\(x\).*\(n, 2\)"):
        p.predict([[1.0]])
    with pytest.raises(ValueError, match=r"Perceptron\.score\(y\).*2 labels"):
        p.score([[1.0, 1.0], [0.0, 0.0]], [1])


def test_failed_fit_leaves_the_perceptron_unchanged():
    p = seed_perceptron()
    with pytest.raises(ValueError, match="mix"):
        p.fit(SEED_X, [1, -1, 0])
    assert p.weights == [0.5]
    assert p.bias == -1.0


# --- McCulloch-Pitts threshold neurons -------------------------------------------------------


@pytest.mark.parametrize("name", ["and", "or", "nand", "nor", "not"])
def test_gate_neurons_compute_their_truth_tables(name):
    X, y = logic_gate_table(name)
    neuron = logic_gate(name)
    assert neuron.predict(X) == y.tolist()
    assert [neuron(*row) for row in X.tolist()] == y.tolist()


@pytest.mark.parametrize(
    ("name", "weights", "threshold"),
    [
        ("and", [1.0, 1.0], 2.0),
        ("or", [1.0, 1.0], 1.0),
        ("not", [-1.0], 0.0),
        ("nand", [-1.0, -1.0], -1.0),
        ("nor", [-1.0, -1.0], 0.0),
    ],
)
def test_gate_weights_and_thresholds(name, weights, threshold):
    neuron = logic_gate(name.upper())
    assert neuron.weights == weights
    assert neuron.threshold == threshold
    assert type(neuron.threshold) is float
    assert neuron.name == name
    assert neuron.nin == len(weights)


def test_threshold_is_inclusive():
    neuron = ThresholdNeuron([1.0, 1.0], threshold=1.5)
    assert neuron(0.75, 0.75) == 1  # sum == threshold fires
    assert neuron(0.75, 0.5) == 0


def test_not_neuron_accepts_a_flat_list():
    assert logic_gate("not").predict([0, 1, 1]) == [1, 0, 0]


def test_gates_are_fresh_neurons():
    gate = logic_gate("and")
    gate.threshold = 0.0
    assert logic_gate("and")(0, 0) == 0


def test_repr():
    assert repr(logic_gate("or")) == "ThresholdNeuron(weights=[1.0, 1.0], threshold=1.0, name='or')"
    assert repr(Perceptron(1)) == "Perceptron(nin=1, weights=[0.0], bias=0.0, lr=1.0)"


def test_unknown_gate_lists_the_valid_names():
    with pytest.raises(ValueError, match=r"'xnor'; expected one of and, or, not, nand, nor"):
        logic_gate("xnor")


def test_xor_gate_explains_why_it_is_missing():
    with pytest.raises(ValueError, match=r"'xor' \(XOR is not linearly separable"):
        logic_gate("xor")


def test_gate_name_must_be_a_string():
    with pytest.raises(TypeError, match=r"logic_gate\(name\).*NoneType"):
        logic_gate(None)


@pytest.mark.parametrize(
    ("args", "error", "pattern"),
    [
        (([], 1.0), ValueError, r"ThresholdNeuron\(weights\).*at least one"),
        ((1.0, 1.0), TypeError, r"ThresholdNeuron\(weights\).*float"),
        ((["1"], 1.0), TypeError, r"ThresholdNeuron\(weights\).*str"),
        (([1.0], "1"), TypeError, r"ThresholdNeuron\(threshold\).*str"),
        (([1.0], math.inf), ValueError, r"ThresholdNeuron\(threshold\).*inf"),
    ],
)
def test_bad_threshold_neuron_arguments(args, error, pattern):
    with pytest.raises(error, match=pattern):
        ThresholdNeuron(*args)


def test_threshold_neuron_checks_its_inputs():
    gate = logic_gate("and")
    with pytest.raises(ValueError, match=r"expected 2 inputs, got 3"):
        gate(1, 1, 1)
    with pytest.raises(TypeError, match=r"ThresholdNeuron\.__call__\(inputs\).*str"):
        gate(1, "1")
    with pytest.raises(ValueError, match=r"ThresholdNeuron\.predict\(x\).*\(n, 2\)"):
        gate.predict([[1, 1, 1]])
