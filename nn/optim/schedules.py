"""Learning-rate schedules: each sets an optimizer's ``lr`` from a closed-form factor.

Example:
    >>> from autograd import Value
    >>> from nn.optim import SGD
    >>> optimizer = SGD([Value(0.0)], lr=1.0)
    >>> schedule = StepDecay(optimizer, step_size=2, gamma=0.5)
    >>> [schedule.step() for _ in range(3)], optimizer.lr
    ([1.0, 0.5, 0.5], 0.5)
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from nn.checks import count, positive, real
from nn.optim.optimizer import Optimizer

__all__ = ["ExponentialDecay", "LinearDecay", "Scheduler", "StepDecay"]


class Scheduler(ABC):
    """Sets ``optimizer.lr = base_lr * factor(k)`` after the k-th call of :meth:`step`.

    ``base_lr`` is the optimizer's ``lr`` when the schedule is created; creating it already
    applies ``factor(0)``. Call :meth:`step` once per optimizer step (or per epoch), after
    ``optimizer.step()``.

    Args:
        optimizer: the :class:`Optimizer` whose ``lr`` to set.

    Example:
        >>> from autograd import Value
        >>> from nn.optim import SGD
        >>> optimizer = SGD([Value(0.0)], lr=1.0)
        >>> schedule = ExponentialDecay(optimizer, gamma=0.5)
        >>> schedule.step(), schedule.step(), optimizer.lr
        (0.5, 0.25, 0.25)
    """

    def __init__(self, optimizer: Optimizer) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(
                f"{type(self).__name__}(optimizer): expected an Optimizer, "
                f"got {type(optimizer).__name__}"
            )
        self.optimizer = optimizer
        self.base_lr: float = optimizer.lr
        self.last_step = 0
        self.optimizer.lr = self.lr_at(0)

    @abstractmethod
    def factor(self, step: int) -> float:
        """The multiple of ``base_lr`` to use after ``step`` calls of :meth:`step`."""

    def lr_at(self, step: int) -> float:
        """The learning rate after ``step`` calls of :meth:`step`.

        Example:
            >>> from autograd import Value
            >>> from nn.optim import SGD
            >>> LinearDecay(SGD([Value(0.0)], lr=1.0), total_steps=100).lr_at(50)
            0.55
        """
        return self.base_lr * self.factor(step)

    def step(self) -> float:
        """Advance the schedule by one, set the optimizer's ``lr`` and return it."""
        self.last_step += 1
        lr = self.lr_at(self.last_step)
        self.optimizer.lr = lr
        return lr


class LinearDecay(Scheduler):
    """Scale ``lr`` linearly from ``start_factor`` to ``end_factor`` over ``total_steps``.

    ``factor(k) = start + (end - start) * min(k, total_steps) / total_steps``: the same
    schedule as PyTorch's ``LinearLR``, computed in closed form rather than as a running
    product, so no rounding error accumulates. With the defaults and ``lr = 1`` it is
    micrograd's demo schedule ``1 - 0.9 * k / total_steps`` (bit for bit, for
    ``k < total_steps``). From ``total_steps`` on the factor is exactly ``end_factor``.

    Args:
        optimizer: the :class:`Optimizer` whose ``lr`` to set.
        total_steps: the number of steps the decay takes, >= 1.
        end_factor: the final factor, in [0, 1].
        start_factor: the initial factor, in (0, 1].

    Example:
        >>> from autograd import Value
        >>> from nn.optim import SGD
        >>> optimizer = SGD([Value(0.0)], lr=1.0)
        >>> schedule = LinearDecay(optimizer, total_steps=4, end_factor=0.2)
        >>> [round(schedule.step(), 6) for _ in range(5)]
        [0.8, 0.6, 0.4, 0.2, 0.2]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        total_steps: int,
        end_factor: float = 0.1,
        start_factor: float = 1.0,
    ) -> None:
        self.total_steps = count("LinearDecay", "total_steps", total_steps)
        self.end_factor = real("LinearDecay", "end_factor", end_factor)
        if not 0.0 <= self.end_factor <= 1.0:
            raise ValueError(
                f"LinearDecay(end_factor): expected 0 <= end_factor <= 1, got {end_factor}"
            )
        self.start_factor = real("LinearDecay", "start_factor", start_factor)
        if not 0.0 < self.start_factor <= 1.0:
            raise ValueError(
                f"LinearDecay(start_factor): expected 0 < start_factor <= 1, got {start_factor}"
            )
        super().__init__(optimizer)

    def factor(self, step: int) -> float:
        """``start + (end - start) * step / total_steps``, then ``end_factor``."""
        if step >= self.total_steps:
            # Exactly end_factor: the formula at step == total_steps can miss it by an ulp.
            return self.end_factor
        return self.start_factor + (self.end_factor - self.start_factor) * step / self.total_steps


class StepDecay(Scheduler):
    """Multiply ``lr`` by ``gamma`` every ``step_size`` steps.

    ``factor(k) = gamma ** (k // step_size)``, as PyTorch's ``StepLR``.

    Args:
        optimizer: the :class:`Optimizer` whose ``lr`` to set.
        step_size: the number of steps between decays, >= 1.
        gamma: the factor applied at each decay, in (0, 1].

    Example:
        >>> from autograd import Value
        >>> from nn.optim import SGD
        >>> optimizer = SGD([Value(0.0)], lr=1.0)
        >>> schedule = StepDecay(optimizer, step_size=2, gamma=0.5)
        >>> [schedule.step() for _ in range(5)]
        [1.0, 0.5, 0.5, 0.25, 0.25]
    """

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1) -> None:
        self.step_size = count("StepDecay", "step_size", step_size)
        self.gamma = positive("StepDecay", "gamma", gamma)
        if self.gamma > 1.0:
            raise ValueError(f"StepDecay(gamma): expected 0 < gamma <= 1, got {gamma}")
        super().__init__(optimizer)

    def factor(self, step: int) -> float:
        """``gamma ** (step // step_size)``."""
        return self.gamma ** (step // self.step_size)


class ExponentialDecay(Scheduler):
    """Multiply ``lr`` by ``gamma`` at every step: ``factor(k) = gamma ** k``.

    Args:
        optimizer: the :class:`Optimizer` whose ``lr`` to set.
        gamma: the factor applied at each step, in (0, 1].

    Example:
        >>> from autograd import Value
        >>> from nn.optim import SGD
        >>> optimizer = SGD([Value(0.0)], lr=0.1)
        >>> schedule = ExponentialDecay(optimizer, gamma=0.5)
        >>> schedule.step()
        0.05
    """

    def __init__(self, optimizer: Optimizer, gamma: float) -> None:
        self.gamma = positive("ExponentialDecay", "gamma", gamma)
        if self.gamma > 1.0:
            raise ValueError(f"ExponentialDecay(gamma): expected 0 < gamma <= 1, got {gamma}")
        super().__init__(optimizer)

    def factor(self, step: int) -> float:
        """``gamma ** step``."""
        return self.gamma**step
