"""Models to PyTorch and back: ``model.to_torch()`` and :func:`from_torch`.

A chainrule model becomes a ``torch.nn.Module`` with the same weights, batch-first: a
:class:`~nn.Layer` is a ``Linear`` (weight row j is neuron j's weights) followed by its
activation, an :class:`~nn.MLP` holds them in ``layers`` (``layers.0.weight``,
``layers.0.bias``, ``layers.0.activation.weight`` for PReLU slopes, one per neuron).
:func:`from_torch` reads such a module back, or a ``torch.nn.Sequential`` of ``Linear``
layers and the activations chainrule has, into the equivalent ``nn`` model, so that
``viz.explore(losses.mse([from_torch(net)(x)], [y]))`` shows a small PyTorch model's chain
rule on one sample, every value and gradient of it.

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

The package has two rooms: :mod:`nn.torch_bridge.export` (``to_torch``, the module classes
and :func:`torch_layout`, where each parameter lives in an export) and
:mod:`nn.torch_bridge.reading` (``from_torch``).
"""

from nn.torch_bridge.export import INSTALL, require_torch, to_torch, torch_layout
from nn.torch_bridge.reading import from_torch

__all__ = ["INSTALL", "from_torch", "require_torch", "to_torch", "torch_layout"]
