"""Activation functions by name, each composed from the engine's ops.

A neuron calls ``ACTIVATIONS[name].apply(z, slope)``: ``slope`` is the neuron's learnable
PReLU slope (a parameter ``Value``) and is ignored by every other activation. ``softmax``
acts on a whole layer's outputs, so it is applied by :class:`nn.Layer`, not by a neuron.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from autograd import Value

LEAKY_SLOPE = 0.01
PRELU_INITIAL_SLOPE = 0.25  # PyTorch's default for nn.PReLU


@dataclass(frozen=True)
class Activation:
    """One activation: how a neuron applies it and how its weights start.

    Attributes:
        name: the name users pass (``"relu"``).
        apply: ``apply(z, slope)`` maps the weighted sum ``z`` to the neuron's output.
        init: the weight initialisation that suits it: ``"he"``, ``"xavier"`` or ``"lecun"``.
    """

    name: str
    apply: Callable[[Value, Value | None], Value]
    init: str

    def __reduce__(self) -> tuple[Any, ...]:
        # By name: the table's functions are lambdas, which pickle cannot store, and a
        # copied model should share the one table anyway.
        return (activation, (self.name,))


def _linear(z: Value, slope: Value | None) -> Value:
    return z


def _prelu(z: Value, slope: Value | None) -> Value:
    if slope is None:
        raise ValueError("prelu: the neuron has no learnable slope")
    return z.leaky_relu(slope)


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("linear", _linear, "xavier"),
        Activation("sigmoid", lambda z, s: z.sigmoid(), "xavier"),
        Activation("tanh", lambda z, s: z.tanh(), "xavier"),
        Activation("relu", lambda z, s: z.relu(), "he"),
        Activation("leaky_relu", lambda z, s: z.leaky_relu(LEAKY_SLOPE), "he"),
        Activation("prelu", _prelu, "he"),
        Activation("elu", lambda z, s: z.elu(1.0), "he"),
        Activation("selu", lambda z, s: z.selu(), "lecun"),
        Activation("softplus", lambda z, s: z.softplus(), "xavier"),
        # Softmax normalises across a layer; its neurons are linear and the layer applies it.
        Activation("softmax", _linear, "xavier"),
    )
}


def activation(name: str) -> Activation:
    """The activation called ``name``; a ``ValueError`` lists the valid names otherwise.

    Example:
        >>> activation("tanh").apply(Value(0.5), None).data == math.tanh(0.5)
        True
    """
    found = ACTIVATIONS.get(name) if isinstance(name, str) else None
    if found is None:
        raise ValueError(
            f"activation(name): unknown activation {name!r:.40}; valid: {', '.join(ACTIVATIONS)}"
        )
    return found


def init_bound(scheme: str, fan_in: int, fan_out: int) -> float:
    """Half-width of the uniform distribution weights are drawn from.

    - ``"he"`` (He/Kaiming uniform, for the ReLU family): sqrt(6 / fan_in).
    - ``"xavier"`` (Glorot uniform, for sigmoid, tanh, linear): sqrt(6 / (fan_in + fan_out)).
    - ``"lecun"`` (LeCun uniform, for SELU): sqrt(3 / fan_in).
    - ``"uniform"`` (micrograd's scheme): 1.

    Example:
        >>> init_bound("he", 6, 1)
        1.0
    """
    if scheme == "he":
        return math.sqrt(6.0 / fan_in)
    if scheme == "xavier":
        return math.sqrt(6.0 / (fan_in + fan_out))
    if scheme == "lecun":
        return math.sqrt(3.0 / fan_in)
    if scheme == "uniform":
        return 1.0
    raise ValueError(
        f"init_bound(scheme): unknown init {scheme!r:.40}; valid: he, xavier, lecun, uniform"
    )
