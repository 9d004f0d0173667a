"""The float program of a compiled function: straight-line Python written from the tape.

One line per node computes the forward pass from the op table's formulas; the backward
pass adds ``adjoint x local partial`` into each parent's adjoint, in reverse. Repeated
patterns become loops (:mod:`autograd.compiler.loops`), in both dialects; the numpy
dialect's body is written by :mod:`autograd.compiler.batch` (namespace: :func:`batch_globals`),
with the same signature around it.
"""

from __future__ import annotations

import builtins
import functools
import re
from collections.abc import Callable, Sequence
from typing import Any

from autograd.compiler.batch import BatchPlan, BatchWriter
from autograd.compiler.loops import LoopWriter, Run, batch_runs, find_runs
from autograd.compiler.tape import Tape, collector_paused
from autograd.ops import Op
from autograd.source import (
    FLOAT_GLOBALS,
    SOURCE_SPACE,
    Expr,
    SourceSpace,
    numpy_globals,
    source,
)
from autograd.value import Value


def _forward_text(space: SourceSpace, op: Op, operands: tuple[Expr | float, ...]) -> str:
    if op.variadic:
        # Written flat (a + b + c), not nested: a 100-term dot must not nest 100 deep.
        size = op.arity
        groups = [operands[i : i + size] for i in range(0, len(operands), size)]
        return "(" + " + ".join(source(op.forward(space, *g)) for g in groups) + ")"
    return source(op.forward(space, *operands))


def _forward_lines(
    tape: Tape, space: SourceSpace, runs: list[Run] | None = None, store: bool = False
) -> list[str]:
    """One line per node, and one loop per run of repeated nodes (``store``: keep values)."""
    starts = {run.nodes[0]: run for run in runs or []}
    writer = LoopWriter(tape, space, functools.partial(_forward_text, space))
    lines = []
    end = None  # inside a run: its last node (a run's nodes are consecutive op nodes)
    for node in tape.nodes:
        if end is not None:
            if node is end:
                end = None
            continue
        op = node.op
        if op is None:
            continue
        run = starts.get(node)
        if run is not None:
            lines.extend(writer.forward(run, store))
            end = run.nodes[-1]
            continue
        lines.append(f"{tape.names[node]} = {_forward_text(space, op, tape.operands(node))}")
    return lines


def _needs(
    tape: Tape, wanted: set[Value], parents_of: list[tuple[Value, ...]] | None = None
) -> set[Value]:
    """The nodes that depend on a wanted leaf: only they carry an adjoint."""
    if parents_of is None:
        parents_of = [node.parents for node in tape.nodes]
    needs: set[Value] = set(wanted)
    add, disjoint = needs.add, needs.isdisjoint
    for node, parents in zip(tape.nodes, parents_of, strict=True):
        if not disjoint(parents):  # a leaf has no parents: it is in needs if wanted
            add(node)
    return needs


def _backward_lines(
    tape: Tape, space: SourceSpace, needs: set[Value], runs: list[Run] | None = None
) -> list[str]:
    """Reverse mode: each node adds ``its adjoint x local partial`` into its parents'.

    ``needs``: the nodes that carry an adjoint (see :func:`_needs`).
    """
    ends = {run.nodes[-1]: run for run in runs or []}
    writer = LoopWriter(tape, space, functools.partial(_forward_text, space))
    output = tape.outputs[0]
    adjoint = {output: "g_" + tape.names[output]} if output in needs else {}
    lines = [f"{adjoint[output]} = seed"] if adjoint else []
    start = None  # inside a run, walking back: its first node
    for node in reversed(tape.nodes):
        if start is not None:
            if node is start:
                start = None
            continue
        run = ends.get(node)
        if run is not None:
            lines.extend(writer.backward(run, needs, adjoint))
            start = run.nodes[0]
            continue
        op = node.op
        if op is None or node not in adjoint:
            continue
        partials = op.slot_partials(space, tape.operands(node), Expr(tape.names[node]))
        upstream = Expr(adjoint[node])
        for parent, partial in zip(node.parents, partials, strict=True):
            if parent not in needs:
                continue
            contribution = source(upstream * partial)
            name = adjoint.get(parent)
            if name is None:
                name = adjoint[parent] = "g_" + tape.names[parent]
                lines.append(f"{name} = {contribution}")
            else:
                # Never `+=`: an adjoint may be the very array of another one (g * 1 is g).
                lines.append(f"{name} = {name} + {contribution}")
    return [*lines, _returned(tape, adjoint)]


def _tuple(names: Sequence[str]) -> str:
    return f"({', '.join(names)}{',' if names else ''})"


def _returned(tape: Tape, adjoint: dict[Value, str] | None, batch: Any = None) -> str:
    """``return outputs, parameter adjoints, input adjoints, guarded values``.

    Guarded values are those of the ops with a domain rule (log, sqrt, div, pow, elu): a
    batch replay checks them, since a nan there can be hidden from the output (nan ** 0).
    A batch program (``batch``: its BatchWriter) returns its parameters' adjoints as one flat
    array, ``GP``. An output leaf is a constant's literal, or a name the writer notes.
    """
    outputs = [source((batch.expr if batch else tape.expr)(o)) for o in tape.outputs]
    if batch:
        grads = "None" if adjoint is None or not tape.parameters else "GP"
        inputs = [] if adjoint is None else [adjoint.get(x, "None") for x in tape.inputs]
        guarded = [tape.names[n] for n in tape.nodes if n.op is not None and n.op.domain_text]
        return f"return {_tuple(outputs)}, {grads}, {_tuple(inputs)}, {_tuple(guarded)}"
    # Floats raise at the op itself: no guarded values to return (and a loop's inner
    # nodes have no variables of their own).
    params = [] if adjoint is None else [adjoint.get(p, "None") for p in tape.parameters]
    inputs = [] if adjoint is None else [adjoint.get(x, "None") for x in tape.inputs]
    return f"return {_tuple(outputs)}, {_tuple(params)}, {_tuple(inputs)}, ()"


def _function(name: str, tape: Tape, body: list[str], extra: str = "") -> str:
    args = [*(f"x{i}" for i in range(len(tape.inputs))), "params", *([extra] if extra else [])]
    lines = [f"def {name}({', '.join(args)}):"]
    if tape.parameters:
        unpack = ", ".join(f"p{i}" for i in range(len(tape.parameters)))
        lines.append(f"    {unpack}, = params")
    lines.extend(f"    {line}" for line in body)
    return "\n".join(lines) + "\n"


class Program:
    """The generated source and compiled functions of one dialect.

    Each source is written, and each function compiled, the first time it is asked for: a
    call that only needs the backward program never pays for the forward one.
    """

    def __init__(
        self,
        tape: Tape,
        dialect: str,
        wrt_inputs: bool,
        fuse: bool = True,
        widths: tuple[int | None, ...] | None = None,
    ) -> None:
        self.tape = tape
        self.tag = dialect
        self.places = _places(tape, widths)
        self.wanted = set(tape.parameters) | (set(tape.inputs) if wrt_inputs else set())
        self.functions: dict[str, Callable[..., Any]] = {}
        # Whether a batch function unpacks `params` (a list per call, 12,730 floats for the
        # MNIST net, when only fused layers read the weights, as slices of `P`).
        self.reads_params: dict[str, bool] = {}
        if dialect == "float":
            builtins_ = {**FLOAT_GLOBALS["__builtins__"], "range": range, "reversed": reversed}
            self.namespace = {**FLOAT_GLOBALS, "__builtins__": builtins_}  # loops need both
            parents_of = [node.parents for node in tape.nodes]
            self.needs = _needs(tape, self.wanted, parents_of)
            self.runs = find_runs(tape, self.needs, parents_of)
        else:
            self.namespace = batch_globals(numpy_globals())
            parents_of = [node.parents for node in tape.nodes]
            self.plan = BatchPlan(tape, fuse, parents_of)
            self.needs = _needs(tape, self.wanted, parents_of)
            self.runs = batch_runs(find_runs(tape, self.needs, parents_of), self.plan)

    @functools.cached_property
    def forward_source(self) -> str:
        """``def forward(...)``: the outputs only."""
        tape = self.tape
        if self.tag == "float":
            forward = _forward_lines(tape, SOURCE_SPACE, self.runs)
            return _function("forward", tape, [*forward, _returned(tape, None)])
        writer = BatchWriter(self.plan, self.namespace, self.runs, self.places)
        body = [*writer.forward(), _returned(tape, None, writer)]
        self.reads_params["forward"] = writer.uses_params
        return _batch_function("forward", tape, body, writer.uses_params, places=self.places)

    @functools.cached_property
    def backward_source(self) -> str:
        """``def forward_backward(...)``: the outputs and the wanted gradients."""
        tape = self.tape
        if self.tag == "float":
            forward = _forward_lines(tape, SOURCE_SPACE, self.runs, store=True)
            backward = _backward_lines(tape, SOURCE_SPACE, self.needs, self.runs)
            return _function("forward_backward", tape, forward + backward, "seed")
        writer = BatchWriter(self.plan, self.namespace, self.runs, self.places)
        forward = writer.forward(store=True)
        backward, adjoint = writer.backward(self.needs)
        body = [*forward, *backward, _returned(tape, adjoint, writer)]
        self.reads_params["forward_backward"] = writer.uses_params
        return _batch_function(
            "forward_backward", tape, body, writer.uses_params, extra="seed", places=self.places
        )

    def function(self, name: str) -> Callable[..., Any]:
        """The compiled function ``forward`` or ``forward_backward``."""
        found = self.functions.get(name)
        if found is None:
            with collector_paused():
                text = self.forward_source if name == "forward" else self.backward_source
            code = builtins.compile(text, f"<chainrule compiled {self.tag}>", "exec")
            exec(code, self.namespace, self.functions)  # noqa: S102 - source generated from the op table
            found = self.functions[name]
        return found


def _places(tape: Tape, widths: tuple[int | None, ...] | None) -> dict[Value, tuple[int, Any]]:
    """Where each input comes from: (argument, column), column None for a 1-D argument.

    Empty when every argument is one input (``widths`` None): input ``i`` is argument ``i``.
    """
    if widths is None:
        return {}
    places: dict[Value, tuple[int, Any]] = {}
    inputs = iter(tape.inputs)
    for a, width in enumerate(widths):
        for column in [None] if width is None else range(width):
            places[next(inputs)] = (a, column)
    return places


def _batch_function(  # noqa: PLR0913 - the parts of one generated function
    name: str,
    tape: Tape,
    body: list[str],
    uses_params: bool,
    *,
    extra: str = "",
    places: dict[Value, tuple[int, Any]] | None = None,
) -> str:
    """``def name(x0, x1, ..., params, P, count[, extra])``, one argument per input.

    With ``places`` (a call passing 2-D arrays), one argument ``argJ`` per argument of the
    call instead; the body reads a fused layer's inputs as a slice of one (a view), and
    each input it names alone is bound first, to its column (a view too).
    """
    if places:
        arguments = max(a for a, _ in places.values()) + 1
        inputs = [f"arg{a}" for a in range(arguments)]
    else:
        inputs = [f"x{i}" for i in range(len(tape.inputs))]
    args = [*inputs, "params", "P", "count", *([extra] if extra else [])]
    lines = [f"def {name}({', '.join(args)}):"]
    if places:
        named = {int(i) for i in re.findall(r"\bx(\d+)\b", "\n".join(body))}
        for i, x in enumerate(tape.inputs):
            if i in named:
                a, column = places[x]
                lines.append(f"    x{i} = arg{a}" + ("" if column is None else f"[:, {column}]"))
    if tape.parameters and uses_params:
        unpack = ", ".join(f"p{i}" for i in range(len(tape.parameters)))
        lines.append(f"    {unpack}, = params")
    lines.extend(f"    {line}" for line in body)
    return "\n".join(lines) + "\n"


def batch_globals(namespace: dict[str, Any]) -> dict[str, Any]:
    """``namespace`` (the numpy helpers of the op formulas) plus the batch program's own."""
    import numpy as np  # noqa: PLC0415

    def columns(count: int, cells: tuple[Any, ...]) -> Any:
        # A matrix from columns that may be numbers (a hoisted node, a constant, no gradient).
        matrix = np.empty((count, len(cells)))
        for j, cell in enumerate(cells):
            matrix[:, j] = cell
        return matrix

    return {
        **namespace,
        # numpy's C code may import a module lazily, through the caller's builtins.
        "__builtins__": {
            **namespace["__builtins__"],
            "__import__": builtins.__import__,
            "range": range,  # for the loops
            "reversed": reversed,
        },
        "_column_stack": lambda columns: np.array(columns).T,  # a copy per row, not strided
        "_columns": columns,
        "_zeros": np.zeros,
        "_sum": np.sum,
        "_dot": np.dot,
        "_add_at": np.add.at,
        "_count_nonzero": np.count_nonzero,
    }
