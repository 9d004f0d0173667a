"""The tape: a traced graph in topological order, and the part each leaf plays.

Tracing runs the user's function once on placeholder Values (:mod:`autograd.compiler.api`);
the tape keeps what the code writers need: every node in order, its name in the generated
code (``x0`` an input, ``p0`` a parameter, ``v7`` an op node, a constant as a literal),
and the graph's *structure*, which ``verify=True`` compares between traces.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from typing import Any

from autograd.engine import topological_order
from autograd.source import Expr, source
from autograd.value import Value


class TraceError(RuntimeError):
    """The traced function cannot be compiled, or its graph changed with the data."""


class Tape:
    """The traced graph: nodes in topological order, and which leaves play which part."""

    def __init__(
        self,
        outputs: list[Value],
        inputs: list[Value],
        parameters: list[Value] | None,
        single: bool,
    ) -> None:
        order: list[Value] = []
        seen: set[Value] = set()
        for out in outputs:
            for node in topological_order(out):
                if node not in seen:
                    seen.add(node)
                    order.append(node)
        self.nodes = order
        self.outputs = outputs
        self.inputs = inputs
        self.single = single  # fn returned one Value, not a list
        self.branches: tuple[bool, ...] = ()  # outcomes of comparisons of Values while traced
        if parameters is None:  # by default, every leaf marked as a parameter
            parameters = [n for n in order if n.op is None and n.is_parameter]
        placeholders = set(inputs)
        self.parameters = [p for p in parameters if p not in placeholders]
        self.names: dict[Value, str] = {}
        for i, x in enumerate(inputs):
            self.names.setdefault(x, f"x{i}")
        for i, p in enumerate(self.parameters):
            self.names.setdefault(p, f"p{i}")
        for i, node in enumerate(order):
            if node.op is not None:
                self.names[node] = f"v{i}"

    def expr(self, node: Value | float) -> Expr | float:
        """A node's name in the generated code; a constant leaf's value as a literal."""
        if not isinstance(node, Value):
            return node
        name = self.names.get(node)
        return Expr(name) if name is not None else Expr(source(node.data))

    def operands(self, node: Value) -> tuple[Expr | float, ...]:
        """A node's operands in slot order, as names and literals."""
        return tuple(self.expr(o) for o in node.op.operands(node.parents))  # type: ignore[union-attr]

    def structure(self) -> tuple[Any, ...]:
        """Everything in the graph that the generated code's numbers depend on.

        Per node, in order: the op's name, its folded numbers and their slots (``x - 2``
        and ``2 - x`` differ only there), its parents' positions in slot order; per leaf,
        its part: an input's position, a parameter's identity (the replay reads that very
        leaf), or a constant's value (frozen into the code). Outputs by position. Two
        traces with equal structures compile to the same code, so ``verify`` compares
        this. Numbers are compared by their hex text: -0.0 is not 0.0, and NaN is NaN.
        """
        index = {node: i for i, node in enumerate(self.nodes)}
        parameters = {p: i for i, p in enumerate(self.parameters)}
        nodes: list[tuple[Any, ...]] = []
        for node in self.nodes:
            op = node.op
            if op is not None:
                folded = tuple((slot, float(c).hex()) for slot, c in op.constants.items())
                nodes.append((op.name, folded, tuple(index[p] for p in node.parents)))
            elif node in parameters:
                # The tape keeps its parameters alive, so their ids stay theirs.
                nodes.append(("parameter", parameters[node], id(node)))
            elif node in self.names:
                nodes.append((self.names[node],))
            else:
                nodes.append(("constant", float(node.data).hex()))
        outputs = tuple(index[o] for o in self.outputs)
        return (tuple(nodes), outputs, self.single)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a trace or its code is built.

    A long trace allocates millions of nodes, which cannot form cycles (they refer only to
    their inputs), yet each automatic collection walks them all again: a third of the time
    of compiling a million-node chain. Reference counting still frees everything at once.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def reject_custom_ops(nodes: list[Value]) -> None:
    """A user-defined op runs Python code the generator cannot see: say so, and what to do."""
    for node in nodes:
        if node.is_custom:
            raise TraceError(
                node.op.unsupported(  # type: ignore[union-attr]
                    "compile",
                    "compiled code is generated from the op table's formulas and cannot "
                    "run a user-defined backward; write the op with chainrule's own ops "
                    "(or add it to the op table), or run the function eagerly",
                )
            )
