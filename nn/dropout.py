"""Dropout: during training, each unit is zeroed with probability ``p``.

Inverted dropout (Srivastava et al., 2014, as PyTorch implements it): a kept unit is
multiplied by ``1 / (1 - p)``, so a unit's expected value is the same in training and in
evaluation, and evaluation needs no rescaling. A dropped unit is replaced by a constant 0
(a new leaf, not connected to the unit), so no gradient flows back through it; a kept unit
passes ``1 / (1 - p)`` times its upstream gradient.
"""

from __future__ import annotations

import numbers
import random
from collections.abc import Iterable, Sequence
from typing import Any

from autograd import Value
from nn.checks import real
from nn.checks import seed as seed_check
from nn.module import Module


class Dropout(Module):
    """Zero each input with probability ``p`` in training mode; pass inputs on in eval mode.

    Put it between layers of a model (``MLP(..., dropout=p)`` does so between hidden
    layers). Each call in training mode draws a fresh mask from the module's own random
    generator, so a seeded ``Dropout`` draws the same masks in the same order every run;
    :attr:`mask` is the last mask drawn (True = kept). ``model.eval()`` switches it off.

    ``autograd.compile`` cannot replay it in training mode: a trace records the mask drawn
    while tracing as constants, so every replay would drop the same units.
    ``fit(..., compiled=True)`` refuses a model with dropout for that reason.

    Args:
        p: the probability of dropping each unit, 0 <= p <= 1 (p = 1 drops everything).
        seed: an int, a ``random.Random`` (shared) or None (fresh randomness).

    Example:
        >>> drop = Dropout(0.5, seed=0)
        >>> [v.data for v in drop([1.0, 2.0, 3.0, 4.0])]
        [2.0, 4.0, 0.0, 0.0]
        >>> drop.mask
        [True, True, False, False]
        >>> [v.data for v in drop.eval()([1.0, 2.0, 3.0, 4.0])]
        [1.0, 2.0, 3.0, 4.0]
    """

    def __init__(self, p: float = 0.5, *, seed: int | random.Random | None = None) -> None:
        probability = real("Dropout", "p", p)
        if not 0.0 <= probability <= 1.0:
            raise ValueError(f"Dropout(p): expected 0 <= p <= 1, got {probability}")
        self.p = probability
        # A shared generator is used as is; an int seed is checked as everywhere in nn
        # (random.Random(-1) would silently equal random.Random(1)).
        self.generator = (
            seed
            if isinstance(seed, random.Random)
            else random.Random(seed_check("Dropout", "seed", seed))  # noqa: S311 - dropout masks, not cryptography
        )
        self.mask: list[bool] | None = None

    def __call__(self, x: Value | float | Sequence[Value | float]) -> Any:
        """The inputs with a random mask applied (training mode) or unchanged (eval mode).

        One Value (or number) is one unit, given back as one Value: a Layer of one neuron
        returns its Value alone.
        """
        if isinstance(x, Value | numbers.Real):
            return self([x])[0]
        if isinstance(x, str | bytes) or not isinstance(x, Iterable):
            raise TypeError(
                "Dropout(x): expected a Value, a number or a sequence of them, "
                f"got {type(x).__name__}"
            )
        values = list(x)
        for i, v in enumerate(values):
            if isinstance(v, bool) or not isinstance(v, Value | numbers.Real):
                raise TypeError(
                    f"Dropout(x): item {i} must be a Value or a number, got {type(v).__name__}"
                )
            if not isinstance(v, Value):
                values[i] = Value(v, f"x{i}")
        if not self.training:
            return values
        if self.p == 0.0:
            self.mask = [True] * len(values)
            return values
        # A unit is kept when a uniform draw in [0, 1) is at least p: probability 1 - p.
        self.mask = [self.generator.random() >= self.p for _ in values]
        if not any(self.mask):
            return [Value(0.0, "dropped") for _ in values]
        scale = 1.0 / (1.0 - self.p)
        return [
            v * scale if kept else Value(0.0, "dropped")
            for v, kept in zip(values, self.mask, strict=True)
        ]

    def named_parameters(self) -> list[tuple[str, Value]]:
        """None: dropout has nothing to learn."""
        return []

    def config(self) -> dict[str, Any]:
        """``p`` (the generator's state is not saved)."""
        return {"p": self.p}

    def reset_parameters(self, seed: Any = None) -> None:
        """Nothing to reset (no parameters); the mask generator keeps its state."""

    def __repr__(self) -> str:
        return f"Dropout(p={self.p})"
