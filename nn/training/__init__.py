"""Training: ``fit`` (the training loop), ``evaluate`` and ``predict``.

``fit`` supports validation, early stopping, a convergence threshold, L2 regularisation,
learning-rate decay, random restarts and a progress bar. Its parts, one job each:

- :mod:`~nn.training.api`: the public functions;
- :mod:`~nn.training.arguments`: every argument of ``fit`` checked once, up front;
- :mod:`~nn.training.tasks`: the named losses and the label rule;
- :mod:`~nn.training.data`: samples, labels, validation splits, evaluation mode;
- :mod:`~nn.training.steps`: one step, eager or compiled;
- :mod:`~nn.training.loop`: restarts, epochs and batches around a step;
- :mod:`~nn.training.history`: what a run measured.
"""

from nn.training.api import evaluate, fit, predict
from nn.training.arguments import FIT_OPTIONS, OPTIMIZERS
from nn.training.data import evaluation_mode, has_dropout
from nn.training.history import History
from nn.training.tasks import TASKS, LossFunction

__all__ = [
    "FIT_OPTIONS",
    "OPTIMIZERS",
    "TASKS",
    "History",
    "LossFunction",
    "evaluate",
    "evaluation_mode",
    "fit",
    "has_dropout",
    "predict",
]
