"""``to_torch``: a chainrule model as a ``torch.nn.Module``, and where its parameters go."""

from __future__ import annotations

import functools
import importlib
from types import ModuleType
from typing import Any

from nn.activations import LEAKY_SLOPE
from nn.dropout import Dropout
from nn.layers import MLP, Layer, Neuron
from nn.module import Module

INSTALL = 'PyTorch is not installed: pip install "chainrule[torch]"'
# log(1 + e^x) == x in float64 once e^-x < ulp(x) / 2; x = 37 is past it (e^-37 ~ 8.5e-17).
SOFTPLUS_THRESHOLD = 40.0
SOFTPLUS_DEFAULT = 20.0


def require_torch(function: str) -> ModuleType:
    """PyTorch, or a one-line ``ImportError`` naming ``function`` and the extra to install.

    Example:
        >>> try:
        ...     torch = require_torch("to_torch")
        ... except ImportError as error:  # without PyTorch
        ...     torch = str(error)
        >>> torch == 'to_torch: PyTorch is not installed: pip install "chainrule[torch]"' or (
        ...     torch.__name__ == "torch"
        ... )
        True
    """
    try:
        return importlib.import_module("torch")
    except ImportError:
        raise ImportError(f"{function}: {INSTALL}") from None


@functools.cache
def classes(torch: ModuleType) -> dict[str, type]:
    """The module classes of an export, defined once PyTorch is imported."""
    nn = torch.nn

    class Dense(nn.Linear):
        """A chainrule Layer: ``activation(x @ weight.T + bias)``, batch-first."""

        def __init__(self, nin: int, nout: int, activation: str, dtype: Any) -> None:
            super().__init__(nin, nout, dtype=dtype)
            self.chainrule_activation = activation
            self.activation = _activation_module(torch, activation, nout, dtype)

        def forward(self, x: Any) -> Any:
            return self.activation(super().forward(x))

        def extra_repr(self) -> str:
            return f"{super().extra_repr()}, activation={self.chainrule_activation!r}"

    class Perceptron(nn.Module):
        """A chainrule MLP: ``layers`` (Dense), with ``dropouts`` after each hidden layer."""

        def __init__(self, layers: list[Any], dropout: float) -> None:
            super().__init__()
            self.layers = nn.ModuleList(layers)
            hidden = len(layers) - 1
            self.dropouts = nn.ModuleList(
                nn.Dropout(dropout) for _ in range(hidden if dropout else 0)
            )

        def forward(self, x: Any) -> Any:
            for i, layer in enumerate(self.layers):
                x = layer(x)
                if i < len(self.dropouts):
                    x = self.dropouts[i](x)
            return x

    class Softplus(nn.Softplus):
        """Softplus with a threshold past which ``log(1 + e^x)`` rounds to ``x`` in float64."""

        def __init__(self) -> None:
            super().__init__(beta=1.0, threshold=SOFTPLUS_THRESHOLD)

    class PReLU(nn.PReLU):
        """One learnable slope per output, over the last dimension (batch-first, any rank)."""

        def forward(self, x: Any) -> Any:
            # leaky_relu'(0) = slope, chainrule's convention: 0 takes the slope side.
            return torch.where(x > 0, x, self.weight * x)

    return {"Dense": Dense, "Perceptron": Perceptron, "Softplus": Softplus, "PReLU": PReLU}


def _activation_module(torch: ModuleType, name: str, nout: int, dtype: Any) -> Any:
    nn = torch.nn
    if name == "prelu":
        return classes(torch)["PReLU"](nout, dtype=dtype)
    makers = {
        "linear": nn.Identity,
        "sigmoid": nn.Sigmoid,
        "tanh": nn.Tanh,
        "relu": nn.ReLU,
        "leaky_relu": lambda: nn.LeakyReLU(LEAKY_SLOPE),
        "elu": lambda: nn.ELU(1.0),
        "selu": nn.SELU,
        "softplus": classes(torch)["Softplus"],
        "softmax": lambda: nn.Softmax(dim=-1),
    }
    return makers[name]()


def to_torch(model: Module, dtype: Any = None) -> Any:
    """``model`` as a ``torch.nn.Module`` with the same weights (float64 unless ``dtype``).

    A :class:`~nn.Neuron` becomes a one-output ``Linear`` with its activation, a
    :class:`~nn.Layer` a ``Linear`` with its activation, an :class:`~nn.MLP` a module whose
    ``layers`` are those, a :class:`~nn.Dropout` a ``torch.nn.Dropout``. The export is in
    the model's mode (``training``). Inputs are batch-first: ``(batch, nin)`` or ``(nin,)``;
    outputs keep the last dimension (``(batch, 1)`` for one output).

    Args:
        model: a Neuron, Layer, MLP or Dropout.
        dtype: a floating ``torch.dtype``; None is ``torch.float64``.

    Raises:
        ImportError: PyTorch is not installed.
        TypeError: another kind of model, or a dtype that is not floating point.

    Example:
        >>> from nn import MLP
        >>> net = MLP(2, [3, 1], seed=0).to_torch()  # doctest: +SKIP
        >>> [name for name, _ in net.named_parameters()]  # doctest: +SKIP
        ['layers.0.weight', 'layers.0.bias', 'layers.1.weight', 'layers.1.bias']
    """
    torch = require_torch("to_torch")
    if dtype is None:
        dtype = torch.float64
    if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
        raise TypeError(f"to_torch(dtype): expected a floating torch.dtype, got {dtype!r:.60}")
    kinds = classes(torch)
    if isinstance(model, MLP):
        layers = [_dense(torch, layer, dtype) for layer in model.layers]
        module = kinds["Perceptron"](layers, model.dropout)
    elif isinstance(model, Layer):
        module = _dense(torch, model, dtype)
    elif isinstance(model, Neuron):
        module = _dense(torch, _NeuronAsLayer(model), dtype)
    elif isinstance(model, Dropout):
        module = torch.nn.Dropout(model.p)
    else:
        raise TypeError(
            f"to_torch(model): {type(model).__name__} has no PyTorch export; "
            "Neuron, Layer, MLP and Dropout have"
        )
    # What the model was, so from_torch gives back the same kind with the same options.
    module.chainrule_architecture = model.architecture()
    return module.train(model.training)


class _NeuronAsLayer:
    """A Neuron seen as a one-neuron layer (what its export is)."""

    def __init__(self, neuron: Neuron) -> None:
        self.nin, self.nout = neuron.nin, 1
        self.activation = neuron.activation
        self.neurons = [neuron]


def _dense(torch: ModuleType, layer: Layer | _NeuronAsLayer, dtype: Any) -> Any:
    dense = classes(torch)["Dense"](layer.nin, layer.nout, layer.activation, dtype)
    with torch.no_grad():
        dense.weight.copy_(
            torch.tensor([[w.data for w in n.w] for n in layer.neurons], dtype=torch.float64)
        )
        dense.bias.copy_(torch.tensor([n.b.data for n in layer.neurons], dtype=torch.float64))
        if layer.activation == "prelu":
            slopes = [n.slope.data for n in layer.neurons]  # type: ignore[union-attr]
            dense.activation.weight.copy_(torch.tensor(slopes, dtype=torch.float64))
    return dense


def torch_layout(model: Module) -> tuple[list[tuple[int, ...]], list[tuple[int, int]]]:
    """Where each of ``model``'s parameters lives among its PyTorch module's parameters.

    Returns the shapes of the module's parameter tensors, in ``module.parameters()``
    order, and, for each parameter of ``model.parameters()`` in order, ``(tensor, element)``:
    the index of its tensor and its index in that tensor flattened. This is the layout of
    :func:`to_torch`'s export and of a ``Sequential`` :func:`from_torch` reads: per layer, a
    ``(nout, nin)`` weight, a ``(nout,)`` bias, then ``(nout,)`` PReLU slopes if any. The
    optimizer hand-off (:mod:`nn.optim.torch_bridge`) moves state along it.

    Example:
        >>> from nn import MLP
        >>> shapes, where = torch_layout(MLP(2, [3, 1], "prelu", seed=0))
        >>> shapes
        [(3, 2), (3,), (3,), (1, 3), (1,)]
        >>> where[:4]  # neuron 0 of layer 0: w0, w1, b, slope
        [(0, 0), (0, 1), (1, 0), (2, 0)]
    """
    if isinstance(model, MLP):
        layers: list[Any] = list(model.layers)
    elif isinstance(model, Layer):
        layers = [model]
    elif isinstance(model, Neuron):
        layers = [_NeuronAsLayer(model)]
    else:
        raise TypeError(
            f"torch_layout(model): {type(model).__name__} has no PyTorch layout; "
            "Neuron, Layer and MLP have"
        )
    shapes: list[tuple[int, ...]] = []
    where: list[tuple[int, int]] = []
    for layer in layers:
        weight, bias, slopes = len(shapes), len(shapes) + 1, len(shapes) + 2
        shapes += [(layer.nout, layer.nin), (layer.nout,)]
        if layer.activation == "prelu":
            shapes.append((layer.nout,))
        for j in range(layer.nout):
            where += [(weight, j * layer.nin + k) for k in range(layer.nin)]
            where.append((bias, j))
            if layer.activation == "prelu":
                where.append((slopes, j))
    return shapes, where
