"""Optimizers that update ``Value`` parameters in place, and learning-rate schedules.

An optimizer holds a list of parameters and, for each one, its own state (velocity,
moment estimates) in lists aligned with that list. ``step()`` reads every ``p.grad`` and
changes ``p.data``; ``zero_grad()`` resets the gradients, which ``backward`` accumulates.
The update formulas are PyTorch's, so results can be compared with it (the reference tests
do, live, against ``torch.optim``).

The package has three rooms: :mod:`nn.optim.optimizer` (the shared part: parameters,
``step`` over arrays, state dicts), :mod:`nn.optim.rules` (one update rule per optimizer)
and :mod:`nn.optim.schedules` (learning-rate schedules).

Example:
    >>> from autograd import Value
    >>> w = Value(0.0, "w", parameter=True)
    >>> optimizer = SGD([w], lr=0.1)
    >>> for _ in range(100):
    ...     optimizer.zero_grad()
    ...     loss = (w - 3.0) ** 2
    ...     loss.backward()
    ...     optimizer.step()
    >>> round(w.data, 6)
    3.0
"""

from nn.optim.optimizer import Optimizer
from nn.optim.rules import SGD, Adam, AdamW, RMSprop
from nn.optim.schedules import ExponentialDecay, LinearDecay, Scheduler, StepDecay

__all__ = [
    "SGD",
    "Adam",
    "AdamW",
    "ExponentialDecay",
    "LinearDecay",
    "Optimizer",
    "RMSprop",
    "Scheduler",
    "StepDecay",
]
