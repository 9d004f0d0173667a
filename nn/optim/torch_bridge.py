"""Optimizer state to ``torch.optim`` and back: a training run changes library mid-way.

``optimizer.to_torch(net, model)`` gives a configured ``torch.optim`` optimizer over the
parameters of ``net`` (``model.to_torch()`` or any module with the same layout, see
:func:`nn.torch_bridge.torch_layout`) holding the same state, so the next step in PyTorch
is the step chainrule would have taken. ``SGD.from_torch(torch_optimizer, model)`` (and
Adam's, AdamW's, RMSprop's) goes the other way.

How each state maps (PyTorch's names on the right):

- SGD: ``deltas`` (the last step) = ``-lr * momentum_buffer``. The two forms agree for a
  constant learning rate (see :class:`~nn.optim.SGD`); with momentum 0 there is no state.
- Adam, AdamW: ``first_moments`` = ``exp_avg``, ``second_moments`` = ``exp_avg_sq``,
  ``steps`` = each parameter's ``step``.
- RMSprop: ``square_averages`` = ``square_avg``, ``buffers`` = ``momentum_buffer`` (with
  momentum); PyTorch's ``step`` counter does not enter its formula, and chainrule keeps none:
  an export sets it to 0.

The exported optimizer runs PyTorch's single-tensor implementation (``foreach=False``),
whose bias corrections are computed in Python floats, as chainrule's are.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import ModuleType
from typing import Any

from nn.module import Module
from nn.optim.optimizer import Optimizer
from nn.optim.rules import SGD, Adam, AdamW, RMSprop
from nn.torch_bridge import require_torch, torch_layout

# PyTorch options chainrule's rules do not have, and the value that means "off".
_OFF: dict[str, Mapping[str, Any]] = {
    "SGD": {"dampening": 0, "nesterov": False, "maximize": False},
    "Adam": {"amsgrad": False, "maximize": False},
    "AdamW": {"amsgrad": False, "maximize": False},
    "RMSprop": {"centered": False, "maximize": False},
}


def to_torch(optimizer: Optimizer, net: Any, model: Module) -> Any:
    """A ``torch.optim`` optimizer over ``net``'s parameters with ``optimizer``'s state.

    Args:
        optimizer: an SGD, Adam, AdamW or RMSprop over exactly ``model``'s parameters.
        net: ``model.to_torch()``, or a module whose parameters have the same layout.
        model: the chainrule model the optimizer trains.

    Raises:
        ImportError: PyTorch is not installed.
        TypeError: another optimizer, or a model without a PyTorch layout.
        ValueError: the optimizer's parameters are not the model's, or the module's
            parameters do not have the model's shapes.

    Example:
        >>> from nn import MLP
        >>> from nn.optim import Adam
        >>> model = MLP(2, [3, 1], seed=0)
        >>> optimizer = Adam(model.parameters(), lr=0.01)
        >>> torch_optimizer = optimizer.to_torch(model.to_torch(), model)  # doctest: +SKIP
    """
    torch = require_torch(f"{type(optimizer).__name__}.to_torch")
    kind = _kind(optimizer, "to_torch")
    tensors, where = _layout(torch, net, model, f"{kind}.to_torch")
    order = _order(optimizer, model, kind)
    # Per chainrule parameter, its (tensor, element); the state lists follow optimizer order.
    placed = [where[i] for i in order]
    settings: dict[str, Any] = {"lr": optimizer.lr, "foreach": False}
    state = optimizer.state_dict()
    if kind == "SGD":
        settings |= {"momentum": optimizer.momentum, "weight_decay": optimizer.weight_decay}
    elif kind in {"Adam", "AdamW"}:
        settings |= {"betas": optimizer.betas, "eps": optimizer.eps}
        settings["weight_decay"] = optimizer.weight_decay
    else:
        settings |= {
            "alpha": optimizer.alpha,
            "eps": optimizer.eps,
            "weight_decay": optimizer.weight_decay,
            "momentum": optimizer.momentum,
        }
    result = getattr(torch.optim, kind)(tensors, **settings)

    def filled(values: list[float]) -> list[Any]:
        out = [torch.zeros_like(t, memory_format=torch.contiguous_format) for t in tensors]
        for (tensor, element), value in zip(placed, values, strict=True):
            out[tensor].view(-1)[element] = value
        return out

    per_tensor: dict[str, list[Any]] = {}
    if kind == "SGD" and optimizer.momentum:
        per_tensor["momentum_buffer"] = filled([-d / optimizer.lr for d in state["deltas"]])
    elif kind in {"Adam", "AdamW"} and state["steps"]:
        per_tensor["exp_avg"] = filled(state["first_moments"])
        per_tensor["exp_avg_sq"] = filled(state["second_moments"])
    elif kind == "RMSprop":
        per_tensor["square_avg"] = filled(state["square_averages"])
        if optimizer.momentum:
            per_tensor["momentum_buffer"] = filled(state["buffers"])
    for index, tensor in enumerate(tensors):
        if not per_tensor:
            break
        entry = {name: values[index] for name, values in per_tensor.items()}
        if kind != "SGD":
            steps = state["steps"] if kind != "RMSprop" else 0
            entry["step"] = torch.tensor(float(steps), dtype=torch.float64)
        result.state[tensor] = entry
    return result


def from_torch(cls: type[Optimizer], torch_optimizer: Any, model: Module) -> Optimizer:
    """A chainrule ``cls`` over ``model.parameters()`` with ``torch_optimizer``'s state.

    ``torch_optimizer`` must be a ``torch.optim`` optimizer of the same kind, with one
    parameter group over a module of ``model``'s layout (``model.to_torch()``, or the module
    ``model`` came from through :func:`nn.from_torch`), and none of PyTorch's options that
    chainrule lacks (nesterov, dampening, amsgrad, centered, maximize). Weights are not
    copied: build ``model`` with :func:`nn.from_torch` first.

    Example:
        >>> from nn import MLP
        >>> from nn.optim import Adam
        >>> model = MLP(2, [3, 1], seed=0)
        >>> import torch  # doctest: +SKIP
        >>> net = model.to_torch()  # doctest: +SKIP
        >>> optimizer = Adam.from_torch(torch.optim.Adam(net.parameters()), model)  # doctest: +SKIP
    """
    name = f"{cls.__name__}.from_torch"
    torch = require_torch(name)
    kind = cls.__name__
    if cls not in (SGD, Adam, AdamW, RMSprop):
        raise TypeError(f"{name}: only SGD, Adam, AdamW and RMSprop have a PyTorch state map")
    expected = getattr(torch.optim, kind)
    if type(torch_optimizer) is not expected:
        raise TypeError(
            f"{name}(torch_optimizer): expected a torch.optim.{kind}, "
            f"got {type(torch_optimizer).__name__}"
        )
    if len(torch_optimizer.param_groups) != 1:
        raise ValueError(
            f"{name}(torch_optimizer): has {len(torch_optimizer.param_groups)} parameter "
            "groups; chainrule's optimizers have one set of hyperparameters"
        )
    group = torch_optimizer.param_groups[0]
    for option, off in _OFF[kind].items():
        if group.get(option, off) != off:
            raise ValueError(
                f"{name}(torch_optimizer): {option}={group[option]!r} has no chainrule "
                f"equivalent ({option}={off!r} only)"
            )
    tensors, where = _layout(torch, group["params"], model, name)
    states = [torch_optimizer.state.get(t, {}) for t in tensors]

    def gathered(key: str, scale: float = 1.0) -> list[float]:
        if not all(key in s for s in states):
            return [0.0] * len(where)
        flat = [s[key].detach().reshape(-1).tolist() for s in states]
        return [scale * float(flat[tensor][element]) for tensor, element in where]

    lr = float(group["lr"])
    params = model.parameters()
    if kind == "SGD":
        optimizer = SGD(
            params, lr=lr, momentum=group["momentum"], weight_decay=group["weight_decay"]
        )
        optimizer.deltas = (
            gathered("momentum_buffer", -lr) if optimizer.momentum else optimizer.deltas
        )
        return optimizer
    if kind == "RMSprop":
        optimizer = RMSprop(
            params,
            lr=lr,
            alpha=group["alpha"],
            eps=group["eps"],
            weight_decay=group["weight_decay"],
            momentum=group["momentum"],
        )
        optimizer.square_averages = gathered("square_avg")
        optimizer.buffers = gathered("momentum_buffer")
        return optimizer
    adam = cls(
        params,
        lr=lr,
        betas=tuple(group["betas"]),
        eps=group["eps"],
        weight_decay=group["weight_decay"],
    )
    steps = {int(float(s["step"])) for s in states if "step" in s}
    if len(steps) > 1 or (steps and len(steps) == 1 and not all("step" in s for s in states)):
        raise ValueError(
            f"{name}(torch_optimizer): its parameters have taken different numbers of steps "
            f"{sorted(steps)}; chainrule's {kind} counts one for all"
        )
    adam.steps = steps.pop() if steps else 0
    adam.first_moments = gathered("exp_avg")
    adam.second_moments = gathered("exp_avg_sq")
    return adam


def _kind(optimizer: Optimizer, method: str) -> str:
    for cls in (AdamW, Adam, RMSprop, SGD):  # AdamW before Adam: it is a subclass
        if type(optimizer) is cls:
            return cls.__name__
    raise TypeError(
        f"{type(optimizer).__name__}.{method}: only SGD, Adam, AdamW and RMSprop have a "
        "PyTorch state map"
    )


def _layout(
    torch: ModuleType, net_or_params: Any, model: Module, owner: str
) -> tuple[list[Any], list[tuple[int, int]]]:
    """The module's parameter tensors, checked against ``model``'s layout, and the layout."""
    shapes, where = torch_layout(model)
    parameters = getattr(net_or_params, "parameters", None)
    tensors = list(parameters() if callable(parameters) else net_or_params)
    found = [tuple(t.shape) for t in tensors]
    if found != shapes:
        raise ValueError(
            f"{owner}: the PyTorch parameters have shapes {found}, the model's layout is {shapes}"
        )
    if not all(isinstance(t, torch.Tensor) for t in tensors):
        raise TypeError(f"{owner}: expected PyTorch tensors as parameters")
    return tensors, where


def _order(optimizer: Optimizer, model: Module, kind: str) -> list[int]:
    """For each optimizer parameter, its index in ``model.parameters()``; all of them, once."""
    index = {id(p): i for i, p in enumerate(model.parameters())}
    order = [index.get(id(p), -1) for p in optimizer.params]
    if -1 in order or len(order) != len(index):
        raise ValueError(
            f"{kind}.to_torch(model): the optimizer's {len(order)} parameters are not exactly "
            f"the model's {len(index)}"
        )
    return order
