"""Lesson 9 (notebook 02): the articles' ">= 0.5 is class 1" against chainrule's strict > 0.5."""

from __future__ import annotations

from nn import Neuron, Perceptron, evaluate, predict


def test_a_probability_of_exactly_one_half_is_class_0():
    neuron = Neuron(1, "sigmoid")
    neuron.w[0].data, neuron.b.data = 0.5, -1.0
    (probability,) = predict(neuron, [[2.0]])
    assert probability == 0.5  # sigmoid(0), the seed's sample 1
    # chainrule: class 1 only above 0.5, so sample 1 (label 1) is wrong, sample 2 right.
    _, accuracy = evaluate(neuron, [[2.0], [-1.0]], [1, 0], loss="binary_cross_entropy")
    assert accuracy == 0.5
    # The same on the logit: a score of exactly 0 is the negative class.
    linear = Neuron(1, "linear")
    linear.w[0].data, linear.b.data = 0.5, -1.0
    _, accuracy = evaluate(linear, [[2.0], [-1.0]], [1, 0], loss="binary_cross_entropy_with_logits")
    assert accuracy == 0.5
    # And the perceptron's own rule, w x + c > 0, agrees.
    perceptron = Perceptron(1, weights=[0.5], bias=-1.0)
    assert perceptron.predict([[2.0], [-1.0]]) == [-1, -1]  # z = 0 is not > 0
