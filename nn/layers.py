"""Neurons, fully connected layers and multilayer perceptrons.

A neuron computes ``activation(w . x + b)``; its weighted sum is one ``dot`` node of the
engine. Parameters are ordered as micrograd orders them (layer by layer, neuron by
neuron, each neuron's weights then its bias, then a PReLU slope if any), so models can be
compared number for number with micrograd and PyTorch.

Each neuron and layer creates an engine ``scope`` once (its parameters are created inside
it) and re-enters it on every call, so a drawing of the graph clusters each neuron.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

from autograd import Scope, Value, dot, scope, softmax
from nn import checks
from nn.activations import ACTIVATIONS, PRELU_INITIAL_SLOPE, init_bound
from nn.activations import activation as find_activation
from nn.dropout import Dropout
from nn.module import Module

Inputs = Sequence[Value | float]


def rng_from(seed: int | random.Random | None, function: str = "rng_from") -> random.Random:
    """A ``random.Random`` from an int seed >= 0, an existing generator (shared) or None.

    The ``random`` module itself stands for Python's global generator, so that
    ``random.seed(1337)`` followed by ``MLP(2, [16, 16, 1], init="uniform", seed=random)``
    draws micrograd's exact initial weights.
    """
    if isinstance(seed, random.Random):
        return seed
    if seed is random:  # the module's functions are the global generator's methods
        return seed  # type: ignore[return-value]
    try:
        number = checks.seed(function, "seed", seed)
    except TypeError:
        raise TypeError(
            f"{function}(seed): expected None, an int >= 0, a random.Random or the random module, "
            f"got {type(seed).__name__}: {seed!r:.40}"
        ) from None
    return random.Random(number)  # noqa: S311 - weight initialisation, not cryptography


_INIT = checks.one_of(None, "he", "xavier", "lecun", "uniform")


def as_values(x: Inputs) -> list[Value]:
    """Inputs as Values: numbers become leaves labelled x0, x1, ... (shown by viz)."""
    return [v if isinstance(v, Value) else Value(v, f"x{i}") for i, v in enumerate(x)]


class Neuron(Module):
    """One neuron: ``activation(w0*x0 + ... + b)``.

    Weights are drawn uniformly from ``[-bound, bound]`` where the bound suits the
    activation (see :func:`nn.activations.init_bound`): He for relu, leaky_relu, prelu and
    elu; Xavier/Glorot for sigmoid, tanh, softplus and linear; LeCun for selu. Pass
    ``init="uniform"`` for micrograd's U(-1, 1). The bias starts at 0, a PReLU slope at 0.25.

    Args:
        nin: number of inputs.
        activation: a name from :data:`nn.activations.ACTIVATIONS` (not softmax, which
            normalises a whole layer); "relu" by default.
        init: None (suits the activation), "he", "xavier", "lecun" or "uniform".
        seed: an int, a ``random.Random`` (shared by a whole model), the ``random``
            module (Python's global generator) or None.
        fan_out: outputs of the layer this neuron belongs to (for Xavier).
        name: the scope name shown by drawings.
        nonlin: micrograd's spelling: True is ``activation="relu"``, False "linear".

    Example:
        >>> n = Neuron(2, activation="linear", seed=0)
        >>> n.w[0].data, n.w[1].data = 0.5, -1.0
        >>> n([2.0, 3.0]).data
        -2.0
    """

    def __init__(  # noqa: PLR0913 - keyword options of one neuron
        self,
        nin: int,
        activation: str | None = None,
        *,
        init: str | None = None,
        seed: int | random.Random | None = None,
        fan_out: int = 1,
        name: str = "Neuron",
        nonlin: bool | None = None,
    ) -> None:
        self.nin = checks.count("Neuron", "nin", nin)
        activation = _activation_or_nonlin(activation, nonlin, "Neuron")
        self.activation = _checked_activation(activation, "Neuron")
        self._act = find_activation(activation)
        self.init = _INIT("Neuron", "init", init)
        self.fan_out = checks.count("Neuron", "fan_out", fan_out)
        self.name = checks.text("Neuron", "name", name)
        rng = rng_from(seed, "Neuron")
        with scope(name) as own:
            self.scope: Scope = own
            self.w = [Value(0.0, f"w{i}", parameter=True) for i in range(nin)]
            self.b = Value(0.0, "b", parameter=True)
            self.slope = Value(0.0, "a", parameter=True) if activation == "prelu" else None
        self.reset_parameters(rng)

    def reset_parameters(self, seed: int | random.Random | None = None) -> None:
        """Draw new weights (uniform within the activation's bound); bias 0, slope 0.25."""
        rng = rng_from(seed, "Neuron.reset_parameters")
        bound = init_bound(self.init or self._act.init, self.nin, self.fan_out)
        for w in self.w:
            w.data = rng.uniform(-bound, bound)
        self.b.data = 0.0
        if self.slope is not None:
            self.slope.data = PRELU_INITIAL_SLOPE

    def __call__(self, x: Inputs) -> Value:
        """The neuron's output for inputs ``x`` (floats or Values)."""
        if _length(self.name, x) != self.nin:
            raise ValueError(f"{self.name}: expected {self.nin} inputs, got {len(x)}")
        return self._output(as_values(x))  # outside the scope: inputs are not its own nodes

    def _output(self, values: list[Value]) -> Value:
        """The output for inputs already checked and made Values (a Layer does it once)."""
        with scope(self.scope):
            return self._act.apply(dot(self.w, values) + self.b, self.slope)

    @classmethod
    def parameter_count(cls, config: Mapping[str, Any]) -> int:
        """``nin`` weights, a bias and a PReLU slope (see :meth:`Module.parameter_count`).

        Example:
            >>> Neuron.parameter_count({"nin": 3, "activation": "prelu"})
            5
        """
        return checks.count("Neuron", "nin", config.get("nin")) + 1 + _slopes(config)

    def named_parameters(self) -> list[tuple[str, Value]]:
        """``w.0 ... w.(nin-1)``, ``b``, then ``slope`` for PReLU."""
        named = [(f"w.{i}", w) for i, w in enumerate(self.w)]
        named.append(("b", self.b))
        if self.slope is not None:
            named.append(("slope", self.slope))
        return named

    def config(self) -> dict[str, Any]:
        """``nin``, ``activation`` and ``init``."""
        return {"nin": self.nin, "activation": self.activation, "init": self.init}

    def __repr__(self) -> str:
        return f"Neuron({self.nin}, activation={self.activation!r})"


def _activation_or_nonlin(activation: str | None, nonlin: bool | None, owner: str) -> str:
    """Read micrograd's ``nonlin=True/False`` is ``activation="relu"/"linear"``; not both."""
    if nonlin is None:
        return "relu" if activation is None else activation
    if activation is not None:
        raise TypeError(f"{owner}(nonlin): pass activation or micrograd's nonlin, not both")
    return "relu" if checks.flag(owner, "nonlin", nonlin) else "linear"


def _checked_activation(name: str, owner: str, argument: str = "activation") -> str:
    if not isinstance(name, str) or name not in ACTIVATIONS:
        raise (ValueError if isinstance(name, str) else TypeError)(
            f"{owner}({argument}): unknown activation {name!r:.40}; valid: {', '.join(ACTIVATIONS)}"
        )
    if name == "softmax" and owner == "Neuron":
        raise ValueError(
            "Neuron(activation): softmax normalises a layer's outputs; use it on a Layer"
        )
    return name


def _slopes(config: Mapping[str, Any], key: str = "activation") -> int:
    return int(config.get(key, "relu") == "prelu")


def _length(owner: str, x: Any) -> int:
    try:
        return len(x)
    except TypeError:
        raise TypeError(
            f"{owner}(x): expected a sequence of inputs (numbers or Values), got {type(x).__name__}"
        ) from None


class Layer(Module):
    """``nout`` neurons that all see the same inputs.

    With ``activation="softmax"`` the neurons are linear and the layer returns the softmax
    of their outputs (probabilities summing to 1). ``nonlin=True/False`` is micrograd's
    spelling of ``activation="relu"/"linear"``. A layer always returns a list, even of one
    Value (micrograd's returns the Value itself), so code that loops over a layer's outputs
    never special-cases one neuron; :class:`MLP` returns the single Value, as micrograd's.

    Example:
        >>> layer = Layer(3, 2, activation="softmax", seed=0)
        >>> round(sum(p.data for p in layer([1.0, 2.0, 3.0])), 12)
        1.0
    """

    def __init__(  # noqa: PLR0913 - keyword options of one layer
        self,
        nin: int,
        nout: int,
        activation: str | None = None,
        *,
        init: str | None = None,
        seed: int | random.Random | None = None,
        name: str = "Layer",
        nonlin: bool | None = None,
    ) -> None:
        self.nin = checks.count("Layer", "nin", nin)
        self.nout = checks.count("Layer", "nout", nout)
        activation = _activation_or_nonlin(activation, nonlin, "Layer")
        self.activation = _checked_activation(activation, "Layer")
        self.init = _INIT("Layer", "init", init)
        self.name = checks.text("Layer", "name", name)
        rng = rng_from(seed, "Layer")
        neuron_activation = "linear" if activation == "softmax" else activation
        with scope(name) as own:
            self.scope: Scope = own
            self.neurons = [
                Neuron(
                    nin, neuron_activation, init=init, seed=rng, fan_out=nout, name=f"Neuron {j}"
                )
                for j in range(nout)
            ]

    def reset_parameters(self, seed: int | random.Random | None = None) -> None:
        """Draw new parameters for every neuron, in order, from one generator."""
        rng = rng_from(seed, "Layer.reset_parameters")
        for neuron in self.neurons:
            neuron.reset_parameters(rng)

    def __call__(self, x: Inputs) -> list[Value]:
        """Every neuron's output for inputs ``x`` (numbers become leaves once, not per neuron)."""
        if _length(self.name, x) != self.nin:
            raise ValueError(f"{self.name}: expected {self.nin} inputs, got {len(x)}")
        values = as_values(x)
        with scope(self.scope):
            outputs = [neuron._output(values) for neuron in self.neurons]
            return softmax(outputs) if self.activation == "softmax" else outputs

    @classmethod
    def parameter_count(cls, config: Mapping[str, Any]) -> int:
        """``nout`` neurons of ``nin`` weights, a bias and a PReLU slope.

        Example:
            >>> Layer.parameter_count({"nin": 3, "nout": 2})
            8
        """
        nin = checks.count("Layer", "nin", config.get("nin"))
        nout = checks.count("Layer", "nout", config.get("nout"))
        return nout * (nin + 1 + _slopes(config))

    def named_parameters(self) -> list[tuple[str, Value]]:
        """``neurons.{j}.{name}`` for each neuron's parameters, neuron by neuron."""
        return [
            (f"neurons.{j}.{name}", p)
            for j, neuron in enumerate(self.neurons)
            for name, p in neuron.named_parameters()
        ]

    def config(self) -> dict[str, Any]:
        """``nin``, ``nout``, ``activation`` and ``init``."""
        return {
            "nin": self.nin,
            "nout": self.nout,
            "activation": self.activation,
            "init": self.init,
        }

    def __repr__(self) -> str:
        return f"Layer({self.nin}, {self.nout}, activation={self.activation!r})"


class MLP(Module):
    """A multilayer perceptron: hidden layers with ``activation``, then ``output_activation``.

    ``MLP(2, [16, 16, 1])`` is micrograd's moons model: two ReLU layers of 16 and a linear
    output. Called on one sample, it returns a single Value when the last layer has one
    output and a list otherwise.

    Args:
        nin: number of inputs.
        nouts: the size of each layer, the last one being the output layer.
        activation: the hidden layers' activation (softmax is for the output only).
        output_activation: the last layer's activation ("softmax" for class
            probabilities over several outputs).
        init: None (suits each layer's activation), "he", "xavier", "lecun" or "uniform".
        seed: an int, a ``random.Random``, the ``random`` module or None; one generator
            draws all weights in parameter order (then the dropout masks' seeds, so dropout
            never changes the initial weights). ``random.seed(1337)`` then
            ``MLP(2, [16, 16, 1], init="uniform", seed=random)`` has micrograd's weights.
        dropout: the probability of dropping each hidden unit in training mode: a
            :class:`~nn.dropout.Dropout` after every hidden layer (none after the output
            layer); 0 for none.

    Example:
        >>> model = MLP(2, [16, 16, 1], seed=0)
        >>> len(model.parameters()), model([0.5, -1.0]).op.name
        (337, 'add')
    """

    def __init__(  # noqa: PLR0913 - keyword options of one model
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str = "relu",
        output_activation: str = "linear",
        *,
        init: str | None = None,
        seed: int | random.Random | None = None,
        dropout: float = 0.0,
    ) -> None:
        self.nin = checks.count("MLP", "nin", nin)
        if not isinstance(nouts, Sequence) or isinstance(nouts, str):
            raise TypeError(
                f"MLP(nouts): expected a list of layer sizes, got {type(nouts).__name__}"
            )
        if not nouts:
            raise ValueError("MLP(nouts): expected at least one layer size, got none")
        self.nouts = [checks.count("MLP", "nouts", n) for n in nouts]
        if activation == "softmax":
            raise ValueError(
                "MLP(activation): softmax is an output activation (output_activation='softmax')"
            )
        self.activation = _checked_activation(activation, "MLP")
        self.output_activation = _checked_activation(output_activation, "MLP", "output_activation")
        self.init = _INIT("MLP", "init", init)
        rng = rng_from(seed, "MLP")
        sizes = [nin, *self.nouts]
        last = len(self.nouts) - 1
        self.layers = [
            Layer(
                sizes[i],
                sizes[i + 1],
                output_activation if i == last else activation,
                init=init,
                seed=rng,
                name=f"Layer {i}",
            )
            for i in range(len(self.nouts))
        ]
        # Built last, so dropout=p gives the same initial weights as dropout=0.
        probe = Dropout(dropout)  # checks the probability before the masks get seeds
        self.dropout = probe.p
        self.dropouts = (
            [Dropout(self.dropout, seed=rng.getrandbits(64)) for _ in self.nouts[:-1]]
            if self.dropout
            else []
        )

    def reset_parameters(self, seed: int | random.Random | None = None) -> None:
        """Draw new parameters for every layer, in order, from one generator."""
        rng = rng_from(seed, "MLP.reset_parameters")
        for layer in self.layers:
            layer.reset_parameters(rng)

    def __call__(self, x: Inputs) -> Value | list[Value]:
        """The output for one sample: a Value for one output, else a list."""
        _length("MLP", x)
        values: list[Value] = list(x)  # type: ignore[arg-type]
        for i, layer in enumerate(self.layers):
            values = layer(values)
            if i < len(self.dropouts):  # after each hidden layer, not the output layer
                values = self.dropouts[i](values)
        return values[0] if len(values) == 1 else values

    @classmethod
    def parameter_count(cls, config: Mapping[str, Any]) -> int:
        """The sum over layers of ``nout * (nin + 1 + PReLU slope)``.

        Example:
            >>> MLP.parameter_count({"nin": 2, "nouts": [16, 16, 1]})
            337
        """
        sizes = [checks.count("MLP", "nin", config.get("nin"))]
        nouts = config.get("nouts")
        if not isinstance(nouts, list) or not nouts:
            raise TypeError("MLP(nouts): expected a non-empty list of layer sizes")
        sizes += [checks.count("MLP", "nouts", n) for n in nouts]
        hidden, output = _slopes(config), _slopes(config, "output_activation")
        last = len(nouts) - 1
        return sum(
            sizes[i + 1] * (sizes[i] + 1 + (output if i == last else hidden))
            for i in range(len(nouts))
        )

    def named_parameters(self) -> list[tuple[str, Value]]:
        """``layers.{i}.neurons.{j}.{name}``: layer by layer, as micrograd orders them."""
        return [
            (f"layers.{i}.{name}", p)
            for i, layer in enumerate(self.layers)
            for name, p in layer.named_parameters()
        ]

    def config(self) -> dict[str, Any]:
        """``nin``, ``nouts``, ``activation``, ``output_activation``, ``init`` (and ``dropout``).

        ``dropout`` is recorded only when it is not 0, so files saved before dropout
        existed still describe the same architecture.
        """
        config: dict[str, Any] = {
            "nin": self.nin,
            "nouts": list(self.nouts),
            "activation": self.activation,
            "output_activation": self.output_activation,
            "init": self.init,
        }
        if self.dropout:
            config["dropout"] = self.dropout
        return config

    def __repr__(self) -> str:
        extra = f", dropout={self.dropout}" if self.dropout else ""
        return (
            f"MLP({self.nin}, {self.nouts}, activation={self.activation!r}, "
            f"output_activation={self.output_activation!r}{extra})"
        )
