"""Optimizers that update ``Value`` parameters in place, and learning-rate schedules.

An optimizer holds a list of parameters and, for each one, its own state (velocity,
moment estimates) in lists aligned with that list. ``step()`` reads every ``p.grad`` and
changes ``p.data``; ``zero_grad()`` resets the gradients, which ``backward`` accumulates.
The update formulas are PyTorch's, so results can be compared with it by hand.

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

from __future__ import annotations

import math
import numbers
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from operator import attrgetter
from typing import Any, ClassVar

import numpy as np

from autograd import Value
from nn.checks import count, fraction, non_negative, positive, real

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


# --- argument checks ---------------------------------------------------------------------
def _parameters(owner: str, params: Iterable[Value]) -> list[Value]:
    if isinstance(params, Value):
        raise TypeError(f"{owner}(params): expected an iterable of Values, got one Value")
    try:
        items = list(params)
    except TypeError:
        raise TypeError(
            f"{owner}(params): expected an iterable of Values, got {type(params).__name__}"
        ) from None
    if not items:
        raise ValueError(f"{owner}(params): expected at least one parameter, got none")
    seen: set[int] = set()
    for index, item in enumerate(items):
        if not isinstance(item, Value):
            raise TypeError(
                f"{owner}(params): item {index} is a {type(item).__name__}, expected a Value"
            )
        # By identity: a parameter listed twice would be updated twice per step.
        if id(item) in seen:
            raise ValueError(f"{owner}(params): item {index} ({item!r:.60}) is listed twice")
        seen.add(id(item))
    return items


_DATA, _GRAD = attrgetter("data"), attrgetter("grad")


# --- optimizers --------------------------------------------------------------------------
class Optimizer(ABC):
    """The shared part of the optimizers: the parameter list, ``zero_grad``, state dicts.

    A subclass validates and stores its hyperparameters in ``_configure``, lists them in
    ``_HYPERPARAMETERS``, names its per-parameter state lists (and counters) in ``_STATE``
    and implements ``step``. ``lr`` is a plain attribute so that schedules can change it.

    Args:
        params: the parameters to update, an iterable of distinct ``Value`` objects.

    Example:
        >>> from autograd import Value
        >>> w = Value(1.0, parameter=True)
        >>> w.grad = 2.0
        >>> optimizer = SGD([w], lr=0.5)
        >>> optimizer.step()
        >>> optimizer.zero_grad()
        >>> w.data, w.grad
        (0.0, 0.0)
    """

    _HYPERPARAMETERS: ClassVar[tuple[str, ...]] = ()
    _STATE: ClassVar[tuple[str, ...]] = ()
    # From this many parameters on, a step reads every data and grad into one flat array,
    # updates the arrays at once and writes the values back in one pass: the same
    # floating-point operations in the same order as the loop, so the same numbers.
    flat_threshold: ClassVar[int] = 32

    # Whether weight_decay is L2 folded into the gradient (SGD, Adam, RMSprop) or, as in
    # AdamW, applied to the weight by the optimizer itself. Both step paths read it.
    _decay_in_gradient: ClassVar[bool] = True

    lr: float
    weight_decay: float

    def __init__(self, params: Iterable[Value]) -> None:
        self.params: list[Value] = _parameters(type(self).__name__, params)

    @abstractmethod
    def _configure(self, **hyperparameters: Any) -> None:
        """Validate the hyperparameters and store them as attributes."""

    @abstractmethod
    def step(self) -> None:
        """Update every parameter's ``data`` from its ``grad``."""

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0.0 (``backward`` adds to it).

        Example:
            >>> from autograd import Value
            >>> w = Value(1.0)
            >>> w.grad = 5.0
            >>> SGD([w], lr=0.1).zero_grad()
            >>> w.grad
            0.0
        """
        for p in self.params:
            p.grad = 0.0

    def _flat(self) -> tuple[np.ndarray, np.ndarray] | None:
        """Every parameter's data and gradient (with weight decay) as arrays, or None."""
        count = len(self.params)
        if count < self.flat_threshold:
            return None
        data = np.fromiter(map(_DATA, self.params), float, count)
        grad = np.fromiter(map(_GRAD, self.params), float, count)
        if self.weight_decay and self._decay_in_gradient:  # as _gradient
            grad = grad + self.weight_decay * data
        return data, grad

    def _write_back(self, data: np.ndarray) -> None:
        for p, value in zip(self.params, data.tolist(), strict=True):
            p.data = value

    def _gradient(self, p: Value) -> float:
        # L2 weight decay as PyTorch applies it: folded into the gradient before the
        # update rule sees it. Skipped at 0 so that an infinite weight stays +-inf, not nan.
        if self.weight_decay and self._decay_in_gradient:
            return p.grad + self.weight_decay * p.data
        return p.grad

    def state_dict(self) -> dict[str, Any]:
        """The hyperparameters and per-parameter state, copied (parameter values excluded).

        Example:
            >>> from autograd import Value
            >>> SGD([Value(1.0)], lr=0.1, momentum=0.9).state_dict()
            {'lr': 0.1, 'momentum': 0.9, 'weight_decay': 0.0, 'deltas': [0.0]}
        """
        state = {name: getattr(self, name) for name in self._HYPERPARAMETERS}
        for name in self._STATE:
            value = getattr(self, name)
            state[name] = list(value) if isinstance(value, list) else value
        return state

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Restore what :meth:`state_dict` returned, for an optimizer over as many parameters.

        Raises:
            TypeError: ``state`` is not a mapping, or holds values of the wrong type.
            ValueError: missing or unexpected keys, bad hyperparameters, state lists of the
                wrong length.

        Example:
            >>> from autograd import Value
            >>> saved = SGD([Value(1.0)], lr=0.1, momentum=0.9)
            >>> saved.deltas = [-0.25]
            >>> restored = SGD([Value(1.0)], lr=1.0)
            >>> restored.load_state_dict(saved.state_dict())
            >>> restored.lr, restored.momentum, restored.deltas
            (0.1, 0.9, [-0.25])
        """
        owner = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state, Mapping):
            raise TypeError(f"{owner}: expected a mapping, got {type(state).__name__}")
        expected = set(self._HYPERPARAMETERS) | set(self._STATE)
        if set(state) != expected:
            missing, unexpected = sorted(expected - set(state)), sorted(set(state) - expected)
            raise ValueError(f"{owner}: missing keys {missing}, unexpected keys {unexpected}")
        restored: dict[str, Any] = {}
        for name in self._STATE:
            current, value = getattr(self, name), state[name]
            if isinstance(current, list):
                if isinstance(value, str | bytes) or not isinstance(value, Sequence):
                    raise TypeError(f"{owner}: {name} must be a list of floats")
                if len(value) != len(self.params):
                    raise ValueError(
                        f"{owner}: {name} has {len(value)} entries for {len(self.params)} "
                        f"parameters"
                    )
                restored[name] = [real(owner, name, v) for v in value]
            else:  # a step counter
                if isinstance(value, bool) or not isinstance(value, numbers.Integral):
                    raise TypeError(f"{owner}: {name} must be an int, got {value!r:.60}")
                if value < 0:
                    raise ValueError(f"{owner}: {name} must be >= 0, got {value}")
                restored[name] = int(value)
        # Validate everything before changing anything, so a bad dict leaves self intact.
        saved = {name: getattr(self, name) for name in self._HYPERPARAMETERS}
        try:
            self._configure(**{name: state[name] for name in self._HYPERPARAMETERS})
        except (TypeError, ValueError) as error:
            for name, value in saved.items():
                setattr(self, name, value)
            raise type(error)(f"{owner}: {error}") from None
        for name, value in restored.items():
            setattr(self, name, value)

    def __repr__(self) -> str:
        settings = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._HYPERPARAMETERS)
        return f"{type(self).__name__}({len(self.params)} parameters, {settings})"


class SGD(Optimizer):
    """Stochastic gradient descent with momentum, in the source articles' form.

    With ``g = grad + weight_decay * w``, every step is::

        delta_w(t) = -lr * g(t) + momentum * delta_w(t-1)      (delta_w(0) = 0)
        w <- w + delta_w(t)

    For a constant ``lr`` this is exactly PyTorch's SGD (dampening 0, no Nesterov),
    ``v = momentum * v + g; w -= lr * v``: by induction ``delta_w(t) = -lr * v(t)``.
    The two differ only when ``lr`` changes between steps: here a new ``lr`` applies to new
    gradients only, while PyTorch rescales the whole velocity.

    Args:
        params: the parameters, an iterable of distinct ``Value`` objects.
        lr: the learning rate, > 0.
        momentum: the fraction of the previous step carried over, in [0, 1).
        weight_decay: the L2 penalty coefficient, >= 0.

    Attributes:
        deltas: the last step ``delta_w`` of each parameter.

    Example:
        >>> from autograd import Value
        >>> w = Value(1.0, parameter=True)
        >>> optimizer = SGD([w], lr=0.1, momentum=0.5)
        >>> w.grad = 1.0
        >>> optimizer.step(); w.data
        0.9
        >>> optimizer.step(); w.data  # -0.1 * 1 + 0.5 * -0.1
        0.75
    """

    _HYPERPARAMETERS = ("lr", "momentum", "weight_decay")
    _STATE = ("deltas",)

    def __init__(
        self,
        params: Iterable[Value],
        lr: float,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params)
        self._configure(lr=lr, momentum=momentum, weight_decay=weight_decay)
        self.deltas: list[float] = [0.0] * len(self.params)

    def _configure(self, *, lr: float, momentum: float, weight_decay: float) -> None:
        self.lr = positive("SGD", "lr", lr)
        self.momentum = fraction("SGD", "momentum", momentum)
        self.weight_decay = non_negative("SGD", "weight_decay", weight_decay)

    def step(self) -> None:
        """Move every parameter by ``-lr * g + momentum * previous step``."""
        flat = self._flat()
        if flat is not None:
            data, g = flat
            delta = -self.lr * g + self.momentum * np.asarray(self.deltas, dtype=float)
            self.deltas = delta.tolist()
            self._write_back(data + delta)
            return
        for index, p in enumerate(self.params):
            delta = -self.lr * self._gradient(p) + self.momentum * self.deltas[index]
            self.deltas[index] = delta
            p.data += delta


class Adam(Optimizer):
    """Adam (Kingma & Ba), with PyTorch's formula and L2 weight decay.

    With ``g = grad + weight_decay * w`` and ``t`` the number of steps taken, counting
    this one::

        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        w <- w - lr * (m / (1 - beta1**t)) / (sqrt(v / (1 - beta2**t)) + eps)

    Args:
        params: the parameters, an iterable of distinct ``Value`` objects.
        lr: the learning rate, > 0.
        betas: the decay rates ``(beta1, beta2)`` of the moment estimates, each in [0, 1).
        eps: added to the denominator, > 0.
        weight_decay: the L2 penalty coefficient, >= 0.

    Attributes:
        first_moments: ``m`` for each parameter.
        second_moments: ``v`` for each parameter.
        steps: ``t``, the number of steps taken.

    Example:
        The first step moves each parameter by about ``lr`` against its gradient's sign:

        >>> from autograd import Value
        >>> w = Value(1.0, parameter=True)
        >>> w.grad = 4.0
        >>> Adam([w], lr=0.1).step()
        >>> round(w.data, 6)
        0.9
    """

    _HYPERPARAMETERS = ("lr", "betas", "eps", "weight_decay")
    _STATE = ("first_moments", "second_moments", "steps")

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params)
        self._configure(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)
        self.first_moments: list[float] = [0.0] * len(self.params)
        self.second_moments: list[float] = [0.0] * len(self.params)
        self.steps = 0

    def _configure(
        self, *, lr: float, betas: tuple[float, float], eps: float, weight_decay: float
    ) -> None:
        name = type(self).__name__  # Adam or AdamW, in messages
        if isinstance(betas, str | bytes) or not isinstance(betas, Sequence) or len(betas) != 2:
            raise TypeError(f"{name}(betas): expected a pair (beta1, beta2), got {betas!r:.60}")
        self.lr = positive(name, "lr", lr)
        self.betas = (fraction(name, "beta1", betas[0]), fraction(name, "beta2", betas[1]))
        self.eps = positive(name, "eps", eps)
        self.weight_decay = non_negative(name, "weight_decay", weight_decay)

    def step(self) -> None:
        """Update the moment estimates, then move every parameter."""
        self.steps += 1
        beta1, beta2 = self.betas
        # The moments start at 0 and so are biased towards 0 early on; dividing by these
        # corrections makes them unbiased estimates from the first step.
        correction1 = 1.0 - beta1**self.steps
        correction2 = 1.0 - beta2**self.steps
        flat = self._flat()
        if flat is not None:
            data, g = flat
            m = beta1 * np.asarray(self.first_moments, dtype=float) + (1.0 - beta1) * g
            v = beta2 * np.asarray(self.second_moments, dtype=float) + (1.0 - beta2) * g * g
            self.first_moments, self.second_moments = m.tolist(), v.tolist()
            self._write_back(
                data - self.lr * (m / correction1) / (np.sqrt(v / correction2) + self.eps)
            )
            return
        for index, p in enumerate(self.params):
            g = self._gradient(p)
            m = beta1 * self.first_moments[index] + (1.0 - beta1) * g
            v = beta2 * self.second_moments[index] + (1.0 - beta2) * g * g
            self.first_moments[index], self.second_moments[index] = m, v
            p.data -= self.lr * (m / correction1) / (math.sqrt(v / correction2) + self.eps)


class AdamW(Adam):
    """AdamW (Loshchilov & Hutter): Adam with decoupled weight decay, PyTorch's formula.

    The decay shrinks the weight directly instead of entering the gradient, so it is not
    rescaled by the moment estimates. With ``t`` the number of steps taken, counting this
    one, and ``g = grad`` (no decay added)::

        w <- w * (1 - lr * weight_decay)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        w <- w - lr * (m / (1 - beta1**t)) / (sqrt(v / (1 - beta2**t)) + eps)

    Args:
        params: the parameters, an iterable of distinct ``Value`` objects.
        lr: the learning rate, > 0.
        betas: the decay rates ``(beta1, beta2)`` of the moment estimates, each in [0, 1).
        eps: added to the denominator, > 0.
        weight_decay: the decoupled decay coefficient, >= 0 (PyTorch's default 0.01).

    Example:
        With a zero gradient, only the decay acts: ``w * (1 - lr * weight_decay)``.

        >>> from autograd import Value
        >>> w = Value(2.0, parameter=True)
        >>> AdamW([w], lr=0.1, weight_decay=0.5).step()
        >>> round(w.data, 6)
        1.9
    """

    _decay_in_gradient = False  # the decay is applied to the weight in step()

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
    ) -> None:
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)

    def step(self) -> None:
        """Shrink every weight by ``lr * weight_decay``, then take Adam's step."""
        if self.weight_decay:  # skipped at 0, so that an infinite weight stays +-inf
            shrink = 1.0 - self.lr * self.weight_decay
            for p in self.params:
                p.data *= shrink
        super().step()


class RMSprop(Optimizer):
    """RMSprop (Hinton), with PyTorch's formula (not centred) and optional momentum.

    With ``g = grad + weight_decay * w``::

        v = alpha * v + (1 - alpha) * g**2
        b = momentum * b + g / (sqrt(v) + eps)
        w <- w - lr * b

    With ``momentum = 0`` this is ``w <- w - lr * g / (sqrt(v) + eps)``.

    Args:
        params: the parameters, an iterable of distinct ``Value`` objects.
        lr: the learning rate, > 0.
        alpha: the decay rate of the running average of ``g**2``, in [0, 1).
        eps: added to the denominator, > 0.
        weight_decay: the L2 penalty coefficient, >= 0.
        momentum: the fraction of the previous step carried over, in [0, 1).

    Attributes:
        square_averages: ``v`` for each parameter.
        buffers: the momentum buffer ``b`` for each parameter.

    Example:
        >>> from autograd import Value
        >>> w = Value(1.0, parameter=True)
        >>> w.grad = 2.0
        >>> RMSprop([w], lr=0.01, alpha=0.75).step()  # v = 0.25 * 4 = 1: a step of lr * 2
        >>> round(w.data, 6)
        0.98
    """

    _HYPERPARAMETERS = ("lr", "alpha", "eps", "weight_decay", "momentum")
    _STATE = ("square_averages", "buffers")

    def __init__(  # noqa: PLR0913, PLR0917 - PyTorch's argument list, so calls port unchanged
        self,
        params: Iterable[Value],
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
    ) -> None:
        super().__init__(params)
        self._configure(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum)
        self.square_averages: list[float] = [0.0] * len(self.params)
        self.buffers: list[float] = [0.0] * len(self.params)

    def _configure(
        self, *, lr: float, alpha: float, eps: float, weight_decay: float, momentum: float
    ) -> None:
        self.lr = positive("RMSprop", "lr", lr)
        self.alpha = fraction("RMSprop", "alpha", alpha)
        self.eps = positive("RMSprop", "eps", eps)
        self.weight_decay = non_negative("RMSprop", "weight_decay", weight_decay)
        self.momentum = fraction("RMSprop", "momentum", momentum)

    def step(self) -> None:
        """Update the running averages, then move every parameter."""
        flat = self._flat()
        if flat is not None:
            data, g = flat
            squares = np.asarray(self.square_averages, dtype=float)
            v = self.alpha * squares + (1.0 - self.alpha) * g * g
            b = self.momentum * np.asarray(self.buffers, dtype=float) + g / (np.sqrt(v) + self.eps)
            self.square_averages, self.buffers = v.tolist(), b.tolist()
            self._write_back(data - self.lr * b)
            return
        for index, p in enumerate(self.params):
            g = self._gradient(p)
            v = self.alpha * self.square_averages[index] + (1.0 - self.alpha) * g * g
            # With momentum 0 the buffer is just this step's scaled gradient.
            b = self.momentum * self.buffers[index] + g / (math.sqrt(v) + self.eps)
            self.square_averages[index], self.buffers[index] = v, b
            p.data -= self.lr * b


# --- learning-rate schedules -------------------------------------------------------------
class Scheduler(ABC):
    """Sets ``optimizer.lr = base_lr * factor(k)`` after the k-th call of :meth:`step`.

    ``base_lr`` is the optimizer's ``lr`` when the schedule is created; creating it already
    applies ``factor(0)``. Call :meth:`step` once per optimizer step (or per epoch), after
    ``optimizer.step()``.

    Args:
        optimizer: the :class:`Optimizer` whose ``lr`` to set.

    Example:
        >>> from autograd import Value
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
