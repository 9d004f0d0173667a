"""Models to PyTorch and back: ``model.to_torch()`` and :func:`from_torch`.

A chainrule model becomes a ``torch.nn.Module`` with the same weights, batch-first: a
:class:`~nn.Layer` is a ``Linear`` (weight row j is neuron j's weights) followed by its
activation, an :class:`~nn.MLP` holds them in ``layers`` (``layers.0.weight``,
``layers.0.bias``, ``layers.0.activation.weight`` for PReLU slopes, one per neuron).
:func:`from_torch` reads such a module back, or a ``torch.nn.Sequential`` of ``Linear``
layers and the activations chainrule has, into the equivalent ``nn`` model, so
``viz.explore(loss_of(from_torch(net), x, y))`` shows a small PyTorch model's chain rule.

PyTorch is optional (``pip install "chainrule[torch]"``) and imported only when one of these
functions runs, never by ``import nn``.

Rules where the two libraries differ, stated once:

- softplus: chainrule has no threshold; the export uses ``Softplus(threshold=40)``, above
  which ``log(1 + e^x)`` equals ``x`` in float64, so values agree to rounding everywhere.
  :func:`from_torch` reads a ``Softplus`` of any threshold >= 20 as chainrule's softplus
  (PyTorch's default 20 returns ``x`` where the exact value is ``x + log1p(e^-x)``, a
  difference below ``2.1e-9``).
- Dropout draws its masks from a different generator in each library: the two agree in
  evaluation mode, and in training mode only in distribution.
"""

from __future__ import annotations

import functools
import importlib
import math
from types import ModuleType
from typing import Any

from nn.activations import LEAKY_SLOPE
from nn.dropout import Dropout
from nn.layers import MLP, Layer, Neuron
from nn.module import Module

INSTALL = 'PyTorch is not installed: pip install "chainrule[torch]"'
# log(1 + e^x) == x in float64 once e^-x < ulp(x) / 2; x = 37 is past it (e^-37 ~ 8.5e-17).
SOFTPLUS_THRESHOLD = 40.0
_SOFTPLUS_DEFAULT = 20.0


def require_torch(function: str) -> ModuleType:
    """PyTorch, or a one-line ``ImportError`` naming ``function`` and the extra to install.

    Example:
        >>> try:
        ...     torch = require_torch("to_torch")
        ... except ImportError as error:
        ...     print(error)  # only without PyTorch
    """
    try:
        return importlib.import_module("torch")
    except ImportError:
        raise ImportError(f"{function}: {INSTALL}") from None


@functools.cache
def _classes(torch: ModuleType) -> dict[str, type]:
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
        return _classes(torch)["PReLU"](nout, dtype=dtype)
    makers = {
        "linear": nn.Identity,
        "sigmoid": nn.Sigmoid,
        "tanh": nn.Tanh,
        "relu": nn.ReLU,
        "leaky_relu": lambda: nn.LeakyReLU(LEAKY_SLOPE),
        "elu": lambda: nn.ELU(1.0),
        "selu": nn.SELU,
        "softplus": _classes(torch)["Softplus"],
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
    classes = _classes(torch)
    if isinstance(model, MLP):
        layers = [_dense(torch, layer, dtype) for layer in model.layers]
        module = classes["Perceptron"](layers, model.dropout)
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
    dense = _classes(torch)["Dense"](layer.nin, layer.nout, layer.activation, dtype)
    with torch.no_grad():
        dense.weight.copy_(
            torch.tensor([[w.data for w in n.w] for n in layer.neurons], dtype=torch.float64)
        )
        dense.bias.copy_(torch.tensor([n.b.data for n in layer.neurons], dtype=torch.float64))
        if layer.activation == "prelu":
            slopes = [n.slope.data for n in layer.neurons]  # type: ignore[union-attr]
            dense.activation.weight.copy_(torch.tensor(slopes, dtype=torch.float64))
    return dense


# --- from PyTorch ---------------------------------------------------------------------


def from_torch(module: Any) -> Module:
    """The ``nn`` model equivalent to a PyTorch module, with the same weights.

    Accepted: an export of :func:`to_torch` (the same kind of model comes back), a
    ``torch.nn.Linear``, or a ``torch.nn.Sequential`` of ``Linear`` layers (with bias), each
    followed by at most one activation chainrule has (``Identity``, ``Sigmoid``, ``Tanh``,
    ``ReLU``, ``LeakyReLU(0.01)``, ``PReLU`` with one slope per output, ``ELU(1.0)``,
    ``SELU``, ``Softplus(beta=1)``, and ``Softmax`` over the last dimension after the last
    layer) and, between hidden layers, ``Dropout`` of one probability. Every hidden layer
    must have the same activation (an MLP has one). Anything else is refused with a
    ``ValueError`` naming the layer. Weights are copied as float64 Python floats; the model
    is in the module's mode.

    Example:
        >>> import torch  # doctest: +SKIP
        >>> layers = torch.nn.Linear(2, 3), torch.nn.Tanh(), torch.nn.Linear(3, 1)  # doctest: +SKIP
        >>> from_torch(torch.nn.Sequential(*layers))  # doctest: +SKIP
        MLP(2, [3, 1], activation='tanh', output_activation='linear')
    """
    torch = require_torch("from_torch")
    converted = _convert(torch, module)
    architecture = getattr(module, "chainrule_architecture", None)
    if not isinstance(architecture, dict):
        return converted
    # An export of to_torch: the same kind of model with the same options, these weights.
    kind = architecture["type"]
    model = Module.registry[kind](**{k: v for k, v in architecture.items() if k != "type"})
    for mine, theirs in zip(model.parameters(), converted.parameters(), strict=True):
        mine.data = theirs.data
    return model.train(module.training)


def _convert(torch: ModuleType, module: Any) -> Module:
    """The generic reading: Sequential or export to MLP, Linear or Dense to Layer."""
    classes = _classes(torch)
    if type(module) is torch.nn.Dropout:
        return Dropout(module.p).train(module.training)
    if isinstance(module, classes["Perceptron"]):
        if module.dropouts and len(module.dropouts) != len(module.layers) - 1:
            raise ValueError("from_torch(module): dropouts do not match the hidden layers")
        items: list[tuple[str, Any]] = []
        for i, layer in enumerate(module.layers):
            items.append((f"layers.{i}", layer))
            if i < len(module.dropouts):
                items.append((f"dropouts.{i}", module.dropouts[i]))
        return _mlp_from(torch, items, module.training)
    if isinstance(module, classes["Dense"]):
        layer = _layer_from(
            torch, "module", module, module.chainrule_activation, module.activation, "module"
        )
        return layer.train(module.training)
    if isinstance(module, torch.nn.Linear):
        return _layer_from(torch, "module", module, "linear", None, "").train(module.training)
    if isinstance(module, torch.nn.Sequential):
        return _mlp_from(torch, list(module.named_children()), module.training)
    raise ValueError(
        f"from_torch(module): {type(module).__name__} is not a torch.nn.Sequential of Linear "
        "layers and activations, a Linear, or an export of to_torch"
    )


def _activation_name(torch: ModuleType, where: str, child: Any) -> str | None:  # noqa: PLR0911 - one return per kind of module
    """The chainrule name for an activation module, None if it is not one, or a refusal."""
    nn = torch.nn
    kind = type(child).__name__
    simple = {
        nn.Identity: "linear",
        nn.Sigmoid: "sigmoid",
        nn.Tanh: "tanh",
        nn.ReLU: "relu",
        nn.SELU: "selu",
    }
    if type(child) in simple:
        return simple[type(child)]
    if isinstance(child, nn.LeakyReLU):
        if child.negative_slope != LEAKY_SLOPE:
            raise ValueError(
                f"from_torch(module): layer {where} (LeakyReLU) has negative_slope="
                f"{child.negative_slope}; chainrule's leaky_relu has {LEAKY_SLOPE} "
                "(use PReLU for another slope)"
            )
        return "leaky_relu"
    if isinstance(child, nn.ELU):
        if child.alpha != 1.0:
            raise ValueError(
                f"from_torch(module): layer {where} (ELU) has alpha={child.alpha}; "
                "chainrule's elu has alpha=1.0"
            )
        return "elu"
    if isinstance(child, nn.Softplus):
        if child.beta != 1.0 or child.threshold < _SOFTPLUS_DEFAULT:
            raise ValueError(
                f"from_torch(module): layer {where} (Softplus) has beta={child.beta}, "
                f"threshold={child.threshold}; chainrule's softplus is beta=1 with no threshold "
                f"(a threshold >= {_SOFTPLUS_DEFAULT:g} is read as none)"
            )
        return "softplus"
    if isinstance(child, nn.PReLU):
        return "prelu"
    if isinstance(child, nn.Softmax):
        return "softmax"
    if isinstance(child, nn.Linear | nn.Dropout):
        return None
    raise ValueError(
        f"from_torch(module): layer {where} ({kind}) has no chainrule equivalent; "
        "accepted: Linear, Identity, Sigmoid, Tanh, ReLU, LeakyReLU, PReLU, ELU, SELU, "
        "Softplus, Softmax, Dropout"
    )


def _mlp_from(torch: ModuleType, items: list[tuple[str, Any]], training: bool) -> Module:  # noqa: PLR0912 - one refusal per way a Sequential can differ from an MLP
    """An MLP from (name, child) pairs: Linear [activation] [Dropout], repeated."""
    nn = torch.nn
    # (Linear's name, Linear, activation, its module, its name)
    groups: list[tuple[str, Any, str, Any, str]] = []
    dropouts: list[tuple[str, float]] = []
    for where, child in items:
        if isinstance(child, _classes(torch)["Dense"]):
            groups.append((where, child, child.chainrule_activation, child.activation, where))
            continue
        name = _activation_name(torch, where, child)
        if isinstance(child, nn.Linear):
            groups.append((where, child, "linear", None, where))
        elif not groups:
            raise ValueError(f"from_torch(module): layer {where} comes before any Linear layer")
        elif isinstance(child, nn.Dropout):
            if type(child) is not nn.Dropout:
                raise ValueError(
                    f"from_torch(module): layer {where} ({type(child).__name__}) has no "
                    "chainrule equivalent (only Dropout)"
                )
            if len(dropouts) != len(groups) - 1:
                raise ValueError(
                    f"from_torch(module): layer {where} is a second Dropout after one layer"
                )
            dropouts.append((where, child.p))
        else:
            previous = groups[-1]
            if previous[2] != "linear" or previous[3] is not None or len(dropouts) == len(groups):
                raise ValueError(
                    f"from_torch(module): layer {where} ({type(child).__name__}) follows "
                    "another activation or a Dropout; chainrule applies one activation per layer"
                )
            groups[-1] = (previous[0], previous[1], name, child, where)
    if not groups:
        raise ValueError("from_torch(module): no Linear layer")
    layers = [_layer_from(torch, *group) for group in groups]
    hidden = {layer.activation for layer in layers[:-1]}
    if len(hidden) > 1:
        names = ", ".join(
            f"{g[0]}: {layer.activation}" for g, layer in zip(groups, layers, strict=False)
        )
        raise ValueError(
            f"from_torch(module): the hidden layers have different activations ({names}); "
            "chainrule's MLP has one hidden activation"
        )
    if "softmax" in hidden:
        raise ValueError(
            f"from_torch(module): layer {groups[0][0]} has Softmax; chainrule applies softmax "
            "to the output layer only"
        )
    p = _dropout_probability(dropouts, len(layers))
    sizes = [layer.nout for layer in layers]
    for (where, *_), before, after in zip(groups[1:], layers, layers[1:], strict=False):
        if after.nin != before.nout:
            raise ValueError(
                f"from_torch(module): layer {where} takes {after.nin} inputs, the layer before "
                f"gives {before.nout}"
            )
    model = MLP(
        layers[0].nin,
        sizes,
        hidden.pop() if hidden else "relu",
        layers[-1].activation,
        dropout=p,
        seed=0,
    )
    for mine, theirs in zip(model.layers, layers, strict=True):
        for a, b in zip(mine.parameters(), theirs.parameters(), strict=True):
            a.data = b.data
    return model.train(training)


def _dropout_probability(dropouts: list[tuple[str, float]], count: int) -> float:
    """One probability after every hidden layer (an MLP's dropout), or none at all."""
    if not dropouts:
        return 0.0
    if len(dropouts) != count - 1:
        where = dropouts[-1][0]
        raise ValueError(
            f"from_torch(module): layer {where} (Dropout): chainrule's MLP has a Dropout after "
            "every hidden layer and none after the output layer"
        )
    probabilities = {p for _, p in dropouts}
    if len(probabilities) > 1:
        raise ValueError(
            f"from_torch(module): the Dropout layers have different probabilities "
            f"{sorted(probabilities)}; chainrule's MLP has one"
        )
    return probabilities.pop()


def _layer_from(  # noqa: PLR0913, PLR0917 - a Linear and its activation, each with its name
    torch: ModuleType, where: str, linear: Any, activation: str, act: Any, act_where: str
) -> Layer:
    """A Layer with the weights of ``linear`` (and PReLU slopes of ``act``)."""
    if linear.bias is None:
        raise ValueError(
            f"from_torch(module): layer {where} (Linear) has no bias; "
            "every chainrule neuron has one"
        )
    nout, nin = linear.out_features, linear.in_features
    if activation == "softmax" and act is not None and act.dim not in (-1, 1):
        raise ValueError(
            f"from_torch(module): layer {act_where} (Softmax) has dim={act.dim}; "
            "chainrule's softmax is over one sample's outputs (dim=-1)"
        )
    slopes: list[float] = []
    if activation == "prelu":
        slopes = _floats(act.weight)
        if len(slopes) != nout:
            raise ValueError(
                f"from_torch(module): layer {act_where} (PReLU) has {len(slopes)} slope(s) for "
                f"{nout} outputs; chainrule learns one slope per neuron (PReLU({nout}))"
            )
    layer = Layer(nin, nout, activation, seed=0)
    weights = [_floats(row) for row in linear.weight]
    biases = _floats(linear.bias)
    for j, neuron in enumerate(layer.neurons):
        for w, value in zip(neuron.w, weights[j], strict=True):
            w.data = value
        neuron.b.data = biases[j]
        if neuron.slope is not None:
            neuron.slope.data = slopes[j]
    return layer


def _floats(tensor: Any) -> list[float]:
    values = [float(v) for v in tensor.detach().reshape(-1).tolist()]
    bad = [v for v in values if not math.isfinite(v)]
    if bad:
        raise ValueError(f"from_torch(module): a weight is {bad[0]}; expected finite numbers")
    return values


# --- where each parameter lives in an export ---------------------------------------------


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
