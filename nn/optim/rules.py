"""SGD, Adam, AdamW and RMSprop: each one update rule, written once, over arrays.

Each class validates its hyperparameters and writes its formula in ``_update``; everything
else (reading the parameters, state dicts, ``repr``) is :class:`~nn.optim.optimizer.Optimizer`'s.
The formulas are PyTorch's (``torch.optim``); where chainrule differs, the docstring says so.

Example:
    The same gradients, four rules:

    >>> from autograd import Value
    >>> moved = {}
    >>> for rule in (SGD, Adam, AdamW, RMSprop):
    ...     w = Value(1.0)
    ...     optimizer = rule([w], lr=0.1)
    ...     for _ in range(3):
    ...         w.grad = 2.0
    ...         optimizer.step()
    ...     moved[rule.__name__] = round(1.0 - w.data, 4)
    >>> moved
    {'SGD': 0.6, 'Adam': 0.3, 'AdamW': 0.3027, 'RMSprop': 2.2891}
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from autograd import Value
from nn.checks import fraction, non_negative, positive
from nn.optim.optimizer import Array, Optimizer

__all__ = ["SGD", "Adam", "AdamW", "RMSprop"]


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
    _BUFFERS = ("deltas",)

    deltas: list[float]

    def __init__(
        self,
        params: Iterable[Value],
        lr: float,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params)
        self._configure(lr=lr, momentum=momentum, weight_decay=weight_decay)

    def _configure(self, *, lr: float, momentum: float, weight_decay: float) -> None:
        self.lr = positive("SGD", "lr", lr)
        self.momentum = fraction("SGD", "momentum", momentum)
        self.weight_decay = non_negative("SGD", "weight_decay", weight_decay)

    def _update(self, data: Array, grad: Array, state: dict[str, Array]) -> Array:
        delta = -self.lr * self._l2(grad, data)
        if self.momentum:  # skipped at 0, as PyTorch does: 0 * an infinite step is nan
            delta = delta + self.momentum * state["deltas"]
        state["deltas"] = delta
        return data + delta


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
    _BUFFERS = ("first_moments", "second_moments")
    _COUNTERS = ("steps",)

    first_moments: list[float]
    second_moments: list[float]
    steps: int

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

    def _update(self, data: Array, grad: Array, state: dict[str, Array]) -> Array:
        return self._adam(data, self._l2(grad, data), state)

    def _adam(self, data: Array, g: Array, state: dict[str, Array]) -> Array:
        """Adam's moment update and step for the gradient ``g`` (AdamW's too)."""
        self.steps += 1
        beta1, beta2 = self.betas
        m = state["first_moments"] = beta1 * state["first_moments"] + (1.0 - beta1) * g
        v = state["second_moments"] = beta2 * state["second_moments"] + (1.0 - beta2) * g * g
        # The moments start at 0 and so are biased towards 0 early on; dividing by these
        # corrections makes them unbiased estimates from the first step.
        correction1 = 1.0 - beta1**self.steps
        correction2 = 1.0 - beta2**self.steps
        return data - self.lr * (m / correction1) / (np.sqrt(v / correction2) + self.eps)


class AdamW(Adam):
    """AdamW (Loshchilov & Hutter): Adam with decoupled weight decay, PyTorch's formula.

    The decay shrinks the weight directly instead of entering the gradient, so it is not
    rescaled by the moment estimates: first ``w <- w * (1 - lr * weight_decay)``, then
    :class:`Adam`'s step with ``g = grad`` (no decay added to it).

    Args:
        params: the parameters, an iterable of distinct ``Value`` objects.
        lr: the learning rate, > 0.
        betas: as :class:`Adam`'s.
        eps: as :class:`Adam`'s.
        weight_decay: the decoupled decay coefficient, >= 0 (PyTorch's default 0.01).

    Example:
        With a zero gradient, only the decay acts: ``w * (1 - lr * weight_decay)``.

        >>> from autograd import Value
        >>> w = Value(2.0, parameter=True)
        >>> AdamW([w], lr=0.1, weight_decay=0.5).step()
        >>> round(w.data, 6)
        1.9
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
    ) -> None:
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)

    def _update(self, data: Array, grad: Array, state: dict[str, Array]) -> Array:
        if self.weight_decay:  # skipped at 0, so that an infinite weight stays +-inf
            data = data * (1.0 - self.lr * self.weight_decay)
        return self._adam(data, grad, state)  # the raw gradient: no L2 term


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
    _BUFFERS = ("square_averages", "buffers")

    square_averages: list[float]
    buffers: list[float]

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

    def _configure(
        self, *, lr: float, alpha: float, eps: float, weight_decay: float, momentum: float
    ) -> None:
        self.lr = positive("RMSprop", "lr", lr)
        self.alpha = fraction("RMSprop", "alpha", alpha)
        self.eps = positive("RMSprop", "eps", eps)
        self.weight_decay = non_negative("RMSprop", "weight_decay", weight_decay)
        self.momentum = fraction("RMSprop", "momentum", momentum)

    def _update(self, data: Array, grad: Array, state: dict[str, Array]) -> Array:
        g = self._l2(grad, data)
        v = state["square_averages"] = (
            self.alpha * state["square_averages"] + (1.0 - self.alpha) * g * g
        )
        # With momentum 0 the buffer is just this step's scaled gradient (PyTorch keeps no
        # buffer then; skipping the product keeps an infinite old buffer out of it).
        b = g / (np.sqrt(v) + self.eps)
        if self.momentum:
            b = self.momentum * state["buffers"] + b
        state["buffers"] = b
        return data - self.lr * b
