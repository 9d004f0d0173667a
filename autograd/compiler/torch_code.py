"""``compile(fn).to_torch()``: the tape written out as a readable PyTorch module.

Each node of the tape becomes one line of ``forward`` (``v7 = torch.tanh(v6)``), each
parameter a ``torch.nn.Parameter`` holding its current value, each input a column of a
batch-first tensor ``x`` of shape ``(batch, n_inputs)`` (or ``(n_inputs,)``). PyTorch's
autograd then differentiates the module; the formulas are chosen so that its derivatives
are chainrule's everywhere, kinks included (relu'(0) = 0, leaky_relu'(0) = slope,
elu'(0) = alpha, an even split at a tie of max), and so that no unused branch of a
``torch.where`` can leak an infinite derivative into the other. One rule differs: at a NaN
input the value is NaN in both, but a derivative is PyTorch's (relu passes 0 or 1 where
chainrule's is NaN).

Every op of the table (:data:`autograd.ops.TABLE`) has a line in :data:`TORCH_CODE`; a
node of another op (a user-defined op, or a table entry added without a PyTorch line) is
refused with a ``ValueError`` naming it. PyTorch is imported only when a module is built.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable, Sequence
from typing import Any

from autograd.ops import OPS

INSTALL = 'PyTorch is not installed: pip install "chainrule[torch]"'
# log(1 + e^x) rounds to x in float64 past x = 37: the same threshold as nn.torch_bridge.
SOFTPLUS = "torch.nn.functional.softplus({0}, beta=1.0, threshold=40.0)"


def _call(function: str) -> Callable[[Sequence[str]], str]:
    return lambda a: f"{function}({a[0]})"


def _infix(symbol: str) -> Callable[[Sequence[str]], str]:
    return lambda a: f"{a[0]} {symbol} {a[1]}"


def _sum(a: Sequence[str]) -> str:
    return f"sum([{', '.join(a)}])"  # left to right, as the engine adds a sum node's terms


def _dot(a: Sequence[str]) -> str:
    return _sum([f"{a[i]} * {a[i + 1]}" for i in range(0, len(a), 2)])


TORCH_CODE: dict[str, Callable[[Sequence[str]], str]] = {
    "add": _infix("+"),
    "sub": _infix("-"),
    "mul": _infix("*"),
    "div": _infix("/"),
    "pow": _infix("**"),
    "neg": lambda a: f"-{a[0]}",
    "abs": _call("torch.abs"),  # abs'(0) = 0 in both
    "exp": _call("torch.exp"),
    "log": _call("torch.log"),
    "sqrt": _call("torch.sqrt"),
    "sin": _call("torch.sin"),
    "cos": _call("torch.cos"),
    "tanh": _call("torch.tanh"),
    "sigmoid": _call("torch.sigmoid"),
    "softplus": lambda a: SOFTPLUS.format(a[0]),
    "relu": _call("torch.relu"),  # relu'(0) = 0 in both
    # x > 0 takes x; x <= 0 (and NaN) the slope side, so leaky_relu'(0) = slope.
    "leaky_relu": lambda a: f"torch.where({a[0]} > 0, {a[0]}, {a[1]} * {a[0]})",
    # expm1 of min(x, 0): the branch not taken stays finite, so its zero gradient is 0,
    # never 0 * inf; clamp passes the gradient at x = 0, so elu'(0) = alpha.
    "elu": lambda a: (
        f"torch.where({a[0]} > 0, {a[0]}, {a[1]} * torch.expm1(torch.clamp({a[0]}, max=0.0)))"
    ),
    "selu": _call("torch.selu"),  # selu'(0) = lambda * alpha in both
    "max": lambda a: f"torch.maximum(_t({a[0]}, x), _t({a[1]}, x))",  # a tie splits evenly
    "sum": _sum,
    "dot": _dot,
}


def _literal(number: float) -> str:
    if math.isnan(number):
        return 'float("nan")'
    if math.isinf(number):
        return 'float("inf")' if number > 0 else '-float("inf")'
    return f"({number!r})" if number < 0 or math.copysign(1.0, number) < 0 else repr(number)


def torch_source(tape: Any, class_name: str = "Compiled") -> str:
    """The source of a ``torch.nn.Module`` class that computes ``tape``'s outputs.

    Raises:
        ValueError: a node's op has no PyTorch line (a user-defined op, or a new table
            entry without one), or the traced function branched on a value.

    Example:
        >>> from autograd import Value, compile
        >>> w = Value(0.5, "w", parameter=True)
        >>> f = compile(lambda x: (w * x).tanh()).trace(1.0)
        >>> print(torch_source(f.tape).split("def forward")[1])  # doctest: +NORMALIZE_WHITESPACE
        (self, x):
            (x0,) = x.unbind(-1)
            p0 = self.p0
            v2 = p0 * x0
            v3 = torch.tanh(v2)
            return _batch(v3, x)
        <BLANKLINE>
    """
    if tape.branches:
        raise ValueError(
            "to_torch: the traced function compared Values (an if on a Value); the PyTorch "
            "code would always take the branch taken while tracing"
        )
    names: dict[Any, str] = {}
    for i, _ in enumerate(tape.inputs):
        names[tape.inputs[i]] = f"x{i}"
    lines: list[str] = []
    for node in tape.nodes:
        if node.op is None:
            continue
        op = node.op
        base = getattr(op, "base", None)
        write = TORCH_CODE.get(op.name)
        if base is None or OPS.get(base.name) is not base or write is None:
            raise ValueError(
                f"to_torch: op {op.name!r} has no PyTorch code (only the op table's ops "
                f"have: {', '.join(TORCH_CODE)}); write it with chainrule's ops"
            )
        operands = [_operand(tape, o) for o in op.operands(tuple(node.parents))]
        lines.append(f"{tape.names[node]} = {write(operands)}")
    outputs = [f"_batch({_operand(tape, o)}, x)" for o in tape.outputs]
    result = outputs[0] if tape.single else f"torch.stack([{', '.join(outputs)}], -1)"
    count = len(tape.inputs)
    unpack = f"({', '.join(f'x{i}' for i in range(count))},) = x.unbind(-1)" if count else ""
    params = [f"p{i}" for i in range(len(tape.parameters))]
    read = f"{', '.join(params)} = {', '.join(f'self.{p}' for p in params)}" if params else ""
    declared = [
        f"        self.p{i} = torch.nn.Parameter(torch.tensor({_literal(p.data)}, dtype=DTYPE))"
        + (f"  # {p.label}" if p.label else "")
        for i, p in enumerate(tape.parameters)
    ]
    body = [line for line in (unpack, read, *lines) if line]
    shape = "()" if tape.single else f"({len(tape.outputs)},)"
    return "\n".join(
        [
            "import torch",
            "",
            "DTYPE = torch.float64",
            "",
            "",
            "def _t(v, x):",
            "    return torch.as_tensor(v, dtype=x.dtype, device=x.device)",
            "",
            "",
            "def _batch(v, x):",
            "    return _t(v, x).expand(x.shape[:-1])",
            "",
            "",
            f"class {class_name}(torch.nn.Module):",
            f'    """Traced by chainrule: x is (batch, {count}) or ({count},); '
            f'each sample gives {shape}."""',
            "",
            "    def __init__(self):",
            "        super().__init__()",
            *declared,
            "",
            "    def forward(self, x):",
            *(f"        {line}" for line in body),
            f"        return {result}",
            "",
        ]
    )


def _operand(tape: Any, operand: Any) -> str:
    """A node's name, a constant leaf as a tensor, or a folded number as a literal."""
    if isinstance(operand, int | float):
        return _literal(float(operand))
    name = tape.names.get(operand)
    return name if name is not None else f"_t({_literal(operand.data)}, x)"


def to_torch(compiled: Any, dtype: Any = None) -> Any:
    """A ``torch.nn.Module`` computing ``compiled``'s traced function, batch-first.

    Its ``source`` attribute is the generated code; its parameters ``p0, p1, ...`` are the
    compiled function's parameters (in ``compiled.parameters`` order) with their current
    values. ``dtype`` is a floating ``torch.dtype``, float64 by default.

    Example:
        >>> from autograd import Value, compile
        >>> w = Value(0.5, parameter=True)
        >>> f = compile(lambda x, y: w * x + y.exp()).trace(1.0, 2.0)
        >>> module = f.to_torch()  # doctest: +SKIP
        >>> module(torch.tensor([[1.0, 0.0], [2.0, 0.0]]))  # doctest: +SKIP
        tensor([1.5000, 2.0000], grad_fn=<...>)
    """
    try:
        torch = importlib.import_module("torch")
    except ImportError:
        raise ImportError(f"to_torch: {INSTALL}") from None
    if dtype is None:
        dtype = torch.float64
    if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
        raise TypeError(f"to_torch(dtype): expected a floating torch.dtype, got {dtype!r:.60}")
    text = torch_source(compiled.tape)
    namespace: dict[str, Any] = {"__name__": "chainrule_compiled"}
    exec(compile(text, "<chainrule compiled to torch>", "exec"), namespace)  # noqa: S102 - our own generated code
    namespace["DTYPE"] = dtype
    module = namespace["Compiled"]()
    module.source = text.replace("DTYPE = torch.float64", f"DTYPE = {dtype}")
    return module
