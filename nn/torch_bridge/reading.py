"""``from_torch``: a PyTorch module read into the equivalent chainrule model, or refused."""

from __future__ import annotations

import math
from types import ModuleType
from typing import Any

from nn.activations import LEAKY_SLOPE
from nn.dropout import Dropout
from nn.layers import MLP, Layer, Neuron
from nn.module import Module
from nn.torch_bridge.export import SOFTPLUS_DEFAULT, classes, require_torch


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
    # Checked before PyTorch is needed: no object of another library becomes a model.
    if not any(c.__module__.split(".")[0] == "torch" for c in type(module).__mro__):
        raise TypeError(
            f"from_torch(module): expected a torch.nn.Module, got {type(module).__name__}"
        )
    torch = require_torch("from_torch")
    converted = _convert(torch, module)
    architecture = getattr(module, "chainrule_architecture", None)
    if not isinstance(architecture, dict):
        return converted
    # An export of to_torch: the same kind of model with the same options (a Neuron, an
    # init), unless the module was changed since (its modules are what count).
    kind = architecture.get("type")
    options = {k: v for k, v in architecture.items() if k != "type"}
    try:
        model = Module.registry[kind](**options)
    except (KeyError, TypeError, ValueError):
        return converted
    if _signature(model) != _signature(converted):
        return converted
    for mine, theirs in zip(model.parameters(), converted.parameters(), strict=True):
        mine.data = theirs.data
    return model.train(module.training)


def _signature(model: Module) -> tuple[Any, ...]:
    """What the numbers depend on: sizes, activations, dropout (not the init, nor the kind)."""
    if isinstance(model, Dropout):
        return ("dropout", model.p)
    if isinstance(model, MLP):
        # One layer: no hidden activation and no dropout act, whatever the options say.
        deep = len(model.layers) > 1
        hidden, dropout = (model.activation, model.dropout) if deep else (None, 0.0)
        return (model.nin, tuple(model.nouts), hidden, model.output_activation, dropout)
    if isinstance(model, Neuron):
        return (model.nin, (1,), None, model.activation, 0.0)
    if isinstance(model, Layer):
        return (model.nin, (model.nout,), None, model.activation, 0.0)
    return (type(model).__name__,)


def _convert(torch: ModuleType, module: Any) -> Module:
    """The generic reading: Sequential or export to MLP, Linear or Dense to Layer."""
    kinds = classes(torch)
    if type(module) is torch.nn.Dropout:
        return Dropout(module.p).train(module.training)
    if isinstance(module, kinds["Perceptron"]):
        if module.dropouts and len(module.dropouts) != len(module.layers) - 1:
            raise ValueError("from_torch(module): dropouts do not match the hidden layers")
        items: list[tuple[str, Any]] = []
        for i, layer in enumerate(module.layers):
            items.append((f"layers.{i}", layer))
            if i < len(module.dropouts):
                items.append((f"dropouts.{i}", module.dropouts[i]))
        return _mlp_from(torch, items, module.training)
    if isinstance(module, kinds["Dense"]):
        layer = _layer_from(
            torch,
            "module",
            module,
            _activation_name(torch, "activation", module.activation) or "linear",
            module.activation,
            "activation",
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
        if child.beta != 1.0 or child.threshold < SOFTPLUS_DEFAULT:
            raise ValueError(
                f"from_torch(module): layer {where} (Softplus) has beta={child.beta}, "
                f"threshold={child.threshold}; chainrule's softplus is beta=1 with no threshold "
                f"(a threshold >= {SOFTPLUS_DEFAULT:g} is read as none)"
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
        if isinstance(child, classes(torch)["Dense"]):
            name = _activation_name(torch, f"{where}.activation", child.activation) or "linear"
            groups.append((where, child, name, child.activation, f"{where}.activation"))
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
