"""Neural networks on ``autograd``: neurons, MLPs, perceptrons, losses, optimizers, training.

Everything here composes ``autograd.Value`` operations; no derivative is written by hand.

Example:
    >>> from nn import MLP
    >>> model = MLP(2, [4, 1], seed=0)
    >>> out = model([1.0, -1.0])
    >>> out.backward()
    >>> len(model.parameters()), all(isinstance(p.grad, float) for p in model.parameters())
    (17, True)
"""

from nn import datasets, losses, optim
from nn.activations import ACTIVATIONS
from nn.dropout import Dropout
from nn.layers import MLP, Layer, Neuron
from nn.module import Module, load, register
from nn.perceptron import ConvergenceWarning, Perceptron, ThresholdNeuron, logic_gate
from nn.plotting import plot_decision_boundary
from nn.torch_bridge import from_torch
from nn.training import History, evaluate, fit, predict

__all__ = [
    "ACTIVATIONS",
    "MLP",
    "ConvergenceWarning",
    "Dropout",
    "History",
    "Layer",
    "Module",
    "Neuron",
    "Perceptron",
    "ThresholdNeuron",
    "datasets",
    "evaluate",
    "fit",
    "from_torch",
    "load",
    "logic_gate",
    "losses",
    "optim",
    "plot_decision_boundary",
    "predict",
    "register",
]
