"""The numpy batch program of a compiled function: hoisting and layer fusion.

In a batch replay every node that depends on the inputs is a vector over the samples. Two
things make that program cheaper than one array operation per node:

- **Hoisting**: a node that depends on no input (the L2 penalty over the parameters) is
  computed once per call, as a number. The gradient flowing into it from the samples is
  summed over the batch first, so its backward also runs once, not once per sample.
- **Layer fusion**: the ``dot`` nodes that share one list of inputs and take parameters as
  weights (the neurons of one layer) become one matrix product ``Z = X @ W.T``; the ops
  that follow each of them one to one (the bias, the activation) are applied to the whole
  matrix, from the same op-table formulas; the backward is two products, ``G @ W`` (the
  inputs' gradient) and ``G.T @ X`` (the weights'). Nothing asks ``nn`` for the pattern:
  it is found in the traced graph (so is each log-softmax: :mod:`autograd.compiler.softmax`),
  and every node outside them is written one line per node, or one loop per run of a
  regular graph (:mod:`autograd.compiler.loops`), as in the float program.

Parameters arrive twice: as a list of floats (``params``, unpacked into ``p0, p1, ...`` for
the per-node lines) and as one flat array ``P`` (sliced into weight matrices); their
gradients leave as one flat array ``GP``, summed over the batch.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from autograd.compiler import loops, softmax
from autograd.compiler.loops import LoopWriter, Run
from autograd.ops import DOT, Op
from autograd.source import NUMPY_SOURCE_SPACE, Expr, source

if TYPE_CHECKING:
    from autograd.compiler.tape import Tape
    from autograd.value import Value

SPACE = NUMPY_SOURCE_SPACE


@dataclass(eq=False)
class _Stage:
    """One op applied column by column after a layer's dot (or after the stage before)."""

    op: Op
    nodes: list[Value]
    slot: int  # position, among the nodes' parents, of the previous stage's node
    vector: list[int] | None  # the other parent of each node: a parameter's index


@dataclass(eq=False)  # compared and hashed by identity: layers key dicts
class _Layer:
    """Dot nodes sharing their inputs, with parameters as weights, and the stages after."""

    number: int
    inputs: list[Value]
    dots: list[Value]
    weights: list[list[int]]  # parameter indices, one row per dot
    stages: list[_Stage] = field(default_factory=list)
    source: _Layer | None = None  # the layer whose output matrix is exactly ``inputs``

    @property
    def finals(self) -> list[Value]:
        return self.stages[-1].nodes if self.stages else self.dots

    def matrix(self, stage: int) -> str:
        """The name of stage ``stage``'s matrix (0 is the product)."""
        return f"Z{self.number}" if stage == 0 else f"Z{self.number}_{stage}"

    @property
    def output(self) -> str:
        return self.matrix(len(self.stages))

    @property
    def input_matrix(self) -> str:
        return self.source.output if self.source is not None else f"X{self.number}"


def _op_key(op: Op) -> tuple[Any, ...]:
    return (op.base, tuple(op.constants.items()))


class BatchPlan:
    """What the batch program computes how: varying or hoisted nodes, fused layers."""

    def __init__(self, tape: Tape, fuse: bool, parents_of: list[tuple[Value, ...]]) -> None:
        self.tape = tape
        self.parents_of = parents_of  # each node's parents, in tape order (read once)
        self.param_index = {p: i for i, p in enumerate(tape.parameters)}
        varying = self.varying = set(tape.inputs)
        add, disjoint = varying.add, varying.isdisjoint
        for node, parents in zip(tape.nodes, parents_of, strict=True):
            if parents and not disjoint(parents):
                add(node)
        self.outputs = set(tape.outputs)
        self.layers: list[_Layer] = self._find_layers() if fuse else []
        self.layer_of: dict[Value, _Layer] = {}
        # A layer's (or softmax block's) first node in topological order: where its code goes.
        self.first: dict[Any, Value] = {}
        position = {node: i for i, node in enumerate(tape.nodes)}
        for layer in self.layers:
            members = [*layer.dots, *(n for s in layer.stages for n in s.nodes)]
            for node in members:
                self.layer_of[node] = layer
            self.first[layer] = min(members, key=position.__getitem__)
        finals: dict[tuple[Value, ...], _Layer] = {}
        for layer in self.layers:
            source = finals.get(tuple(layer.inputs))
            if source is not None and source.number < layer.number:
                layer.source = source
            finals.setdefault(tuple(layer.finals), layer)
        self.fused_of: dict[Value, softmax.Softmax] = {}
        for block in softmax.find_softmaxes(self, position) if fuse else []:
            members = block.members()
            if any(node in self.layer_of or node in self.fused_of for node in members):
                continue  # a learned target's dot is a layer: left to it
            for node in members:
                self.fused_of[node] = block
            self.first[block] = block.start(position)
            block.layer = finals.get(tuple(block.logits))

    @functools.cached_property
    def consumers(self) -> dict[Value, list[Value]]:
        """Each node's readers; built only if a layer or softmax is a candidate."""
        consumers: dict[Value, list[Value]] = {}
        for node, parents in zip(self.tape.nodes, self.parents_of, strict=True):
            for parent in parents:
                consumers.setdefault(parent, []).append(node)
        return consumers

    def is_first(self, node: Value) -> bool:
        """``node`` is where its layer's code goes (its first node in topological order)."""
        layer = self.layer_of.get(node)
        return layer is not None and self.first[layer] is node

    def fused_here(self, node: Value) -> softmax.Softmax | None:
        """The softmax block whose code goes at ``node``, if any."""
        block = self.fused_of.get(node)
        return block if block is not None and self.first[block] is node else None

    def _find_layers(self) -> list[_Layer]:
        groups: dict[tuple[Value, ...], list[Value]] = {}
        for node in self.tape.nodes:
            if node.op is not DOT or node not in self.varying:
                continue
            parents = node.parents
            weights, inputs = parents[0::2], parents[1::2]
            if all(w in self.param_index for w in weights):
                groups.setdefault(tuple(inputs), []).append(node)
        layers = []
        for inputs, dots in groups.items():
            indices = [[self.param_index[w] for w in d.parents[0::2]] for d in dots]
            flat = [i for row in indices for i in row]
            input_set = set(inputs)
            # Distinct weights: their gradients are scattered with one `+=`, which would drop
            # repeated indices; a weight that is also an input is left to the per-node code.
            shared = any(w in input_set for d in dots for w in d.parents[0::2])
            if len(set(flat)) != len(flat) or shared:
                continue
            layer = _Layer(len(layers) + 1, list(inputs), dots, indices)
            self._extend(layer)
            layers.append(layer)
        return layers

    def _extend(self, layer: _Layer) -> None:
        """Add the stages that follow every dot one to one (bias, activation)."""
        nodes = layer.dots
        taken = {p for row in layer.weights for p in row}
        while True:
            following = []
            for node in nodes:
                users = self.consumers.get(node, [])
                if len(users) != 1 or node in self.outputs:
                    return
                following.append(users[0])
            op = following[0].op
            if (
                op is None
                or op.variadic
                or op.domain_text  # a domain error must be found per node: not fused
                or len(set(following)) != len(following)
                or any(_op_key(n.op) != _op_key(op) for n in following)  # type: ignore[arg-type]
            ):
                return
            slot = following[0].parents.index(nodes[0])
            vector: list[int] | None = None
            pairs = zip(following, nodes, strict=True)
            if any(n.parents[slot] is not prev for n, prev in pairs):
                return
            if len(following[0].parents) == 2:
                others = [n.parents[1 - slot] for n in following]
                if not all(o in self.param_index for o in others):
                    return
                vector = [self.param_index[o] for o in others]
                if len(set(vector)) != len(vector) or taken & set(vector):
                    return
                taken |= set(vector)
            layer.stages.append(_Stage(op, following, slot, vector))
            nodes = following


def _block(name: str, rows: list[list[int]], size: int, globals_: dict[str, Any]) -> str:
    """``name`` indexed at the parameter positions ``rows`` (an m x n block): a view if strided."""
    m, n = len(rows), len(rows[0])
    start = rows[0][0]
    contiguous = all(row == list(range(row[0], row[0] + n)) for row in rows)
    stride = rows[1][0] - start if m > 1 else n
    even = all(row[0] == start + j * stride for j, row in enumerate(rows))
    if contiguous and even and stride >= n and start + m * stride <= size:
        if stride == n:
            return f"{name}[{start}:{start + m * n}].reshape({m}, {n})"
        return f"{name}[{start}:{start + m * stride}].reshape({m}, {stride})[:, :{n}]"
    return f"{name}[{_constant(rows, globals_)}]"


def _vector(name: str, indices: list[int], globals_: dict[str, Any], axis: str = "") -> str:
    """``name`` at ``indices`` (after ``axis``, ``":, "`` for columns): a view if evenly spaced."""
    start = indices[0]
    step = indices[1] - start if len(indices) > 1 else 1
    if step > 0 and all(i == start + k * step for k, i in enumerate(indices)):
        stop = start + (len(indices) - 1) * step + 1
        return f"{name}[{axis}{start}:{stop}{f':{step}' if step != 1 else ''}]"
    return f"{name}[{axis}{_constant(indices, globals_)}]"


def _constant(indices: Any, globals_: dict[str, Any]) -> str:
    import numpy as np  # noqa: PLC0415 - batches need numpy; the engine does not

    name = f"_I{len([k for k in globals_ if k.startswith('_I')])}"
    globals_[name] = np.array(indices, dtype=np.intp)
    return name


class BatchWriter:
    """Writes the lines of the batch program from a :class:`BatchPlan` (and its loops)."""

    def __init__(
        self, plan: BatchPlan, globals_: dict[str, Any], runs: list[Run], places: dict[Any, Any]
    ) -> None:
        self.plan = plan
        self.places = places  # input -> (argument, column) when a call passes 2-D arrays
        self.tape = plan.tape
        self.globals = globals_
        self.size = len(self.tape.parameters)
        self.runs = runs
        self.loops = LoopWriter(self.tape, SPACE, self._loop_text)
        fixed = (t for run in runs for refs in run.refs for kind, t in refs if kind == "fixed")
        self.uses_params = any(t in plan.param_index for t in fixed)  # read by name in a loop

    def _loop_text(self, op: Op, operands: tuple[Expr | float, ...]) -> str:
        if op.variadic:
            size = op.arity
            groups = [operands[i : i + size] for i in range(0, len(operands), size)]
            return "(" + " + ".join(source(op.forward(SPACE, *g)) for g in groups) + ")"
        return source(op.forward(SPACE, *operands))

    def expr(self, node: Value | float) -> Expr | float:
        """A node's name or literal, noting whether a parameter is read by name."""
        if node in self.plan.param_index:  # type: ignore[operator]
            self.uses_params = True
        return self.tape.expr(node)

    def stack(self, nodes: list[Value] | tuple[Value, ...]) -> str:
        """``nodes`` as one matrix's columns: a 2-D argument's slice (a view), or stacked."""
        found = [self.places.get(n, (None, None)) for n in nodes]
        if len({a for a, _ in found}) == 1 and found[0][1] is not None:
            return _vector(f"arg{found[0][0]}", [c for _, c in found], self.globals, ":, ")
        columns = ", ".join(source(self.expr(n)) for n in nodes)
        if all(n in self.plan.varying for n in nodes):
            return f"_column_stack(({columns},))"
        return f"_columns(count, ({columns},))"

    def adjoint_matrix(self, nodes: list[Any] | tuple[Any, ...]) -> str | None:
        """The adjoints of ``nodes`` as one matrix (zero where one has none); None if none has."""
        cells = [self.adjoint.get(n) for n in nodes]
        if all(c is None for c in cells):
            return None
        if all(c is not None for c in cells):
            return f"_column_stack(({', '.join(cells)},))"  # type: ignore[arg-type]
        return f"_columns(count, ({', '.join(c if c is not None else '0.0' for c in cells)},))"

    def operands(self, node: Value) -> tuple[Expr | float, ...]:
        """A node's operands (folded numbers in place) as source expressions."""
        return tuple(self.expr(o) for o in node.op.operands(node.parents))  # type: ignore[union-attr]

    # --- forward --------------------------------------------------------------------------
    def forward(self, store: bool = False) -> list[str]:
        """The forward lines: each layer where its first node is, other nodes one by one."""
        lines: list[str] = []
        starts = {run.nodes[0]: run for run in self.runs}
        end = None  # inside a run: its last node (a run's nodes are consecutive op nodes)
        for node in self.tape.nodes:
            op = node.op
            if end is not None or op is None:
                end = None if node is end else end
                continue
            run = starts.get(node)
            if run is not None:
                lines.extend(self.loops.forward(run, store))
                end = run.nodes[-1]
                continue
            layer = self.plan.layer_of.get(node)
            if layer is not None:
                if self.plan.is_first(node):
                    lines.extend(self._layer_forward(layer))
                continue
            if node in self.plan.fused_of:
                block = self.plan.fused_here(node)
                if block is not None:
                    lines.extend(softmax.forward_lines(self, block))
                continue
            lines.append(f"{self.tape.names[node]} = {self._node_forward(node)}")
        return lines

    def _node_forward(self, node: Value) -> str:
        op = node.op
        if op is DOT and self._all_parameters(node):
            w, x = self._dot_vectors(node)
            return f"_dot({w}, {x})"
        return self._loop_text(op, self.operands(node))  # type: ignore[arg-type]

    def _all_parameters(self, node: Value) -> bool:
        return all(p in self.plan.param_index for p in node.parents)

    def _dot_vectors(self, node: Value) -> tuple[str, str]:
        index = self.plan.param_index
        parents = node.parents
        w = [index[p] for p in parents[0::2]]
        x = [index[p] for p in parents[1::2]]
        return _vector("P", w, self.globals), _vector("P", x, self.globals)

    def _layer_forward(self, layer: _Layer) -> list[str]:
        k = layer.number
        plural = "s" if len(layer.dots) > 1 else ""
        size = f"{len(layer.dots)} dot node{plural} over the same {len(layer.inputs)} inputs"
        lines = [f"# layer {k}: {size}"]
        if layer.source is None:
            lines.append(f"X{k} = {self.stack(layer.inputs)}")
        weights = _block("P", layer.weights, self.size, self.globals)
        lines.append(f"W{k} = {weights}")
        lines.append(f"{layer.matrix(0)} = {layer.input_matrix} @ W{k}.T")
        for s, stage in enumerate(layer.stages, start=1):
            operands = self._stage_operands(layer, s)
            text = source(stage.op.forward(SPACE, *operands))
            lines.append(f"{layer.matrix(s)} = {text}")
        for j, node in enumerate(layer.finals):
            if node in self.plan.outputs or self._used_outside(layer, node):
                lines.append(f"{self.tape.names[node]} = {layer.output}[:, {j}]")
        return lines

    def _stage_operands(self, layer: _Layer, s: int) -> tuple[Expr | float, ...]:
        stage = layer.stages[s - 1]
        values: list[Expr] = [Expr(layer.matrix(s - 1))]
        if stage.vector is not None:
            vector = Expr(_vector("P", stage.vector, self.globals))
            values.insert(1 - stage.slot, vector)
        return stage.op.operands(tuple(values))

    def _used_outside(self, layer: _Layer, node: Value) -> bool:
        for user in self.plan.consumers.get(node, []):
            if softmax.is_matrix_reader(self.plan, layer, user):
                continue
            other = self.plan.layer_of.get(user)
            if other is None or other.source is not layer or user not in other.dots:
                return True
        return False

    # --- backward -------------------------------------------------------------------------
    def backward(self, needs: set[Value]) -> tuple[list[str], dict[Value, str]]:
        """Reverse mode; parameter gradients are added into the flat array ``GP``.

        ``needs``: the nodes that depend on a wanted leaf (they carry an adjoint).
        """
        plan, tape = self.plan, self.tape
        self.needs = needs
        self.adjoint: dict[Value, str] = {}
        self.matrix_adjoint: dict[int, str] = {}
        lines: list[str] = [f"GP = _zeros({self.size})"] if self.size else []
        output = tape.outputs[0]
        if output in needs:  # the seed, as a contribution: an output may be a parameter
            lines.extend(self.add(output, "seed", from_varying=True))
        ends = {run.nodes[-1]: run for run in self.runs}
        start = None  # inside a run, walking back: its first node
        for node in reversed(tape.nodes):
            op = node.op
            if start is not None or op is None:
                start = None if node is start else start
                continue
            run = ends.get(node)
            if run is not None:
                lines.extend(loops.batch_backward(self, self.loops, run))
                start = run.nodes[0]
                continue
            layer = plan.layer_of.get(node)
            if layer is not None:
                if plan.is_first(node):
                    lines.extend(self._layer_backward(layer))
                continue
            if node in plan.fused_of:
                block = plan.fused_here(node)
                if block is not None:
                    lines.extend(softmax.backward_lines(self, block))
                continue
            if node not in self.adjoint:
                continue
            lines.extend(self._node_backward(node))
        return lines, self.adjoint

    def add(self, parent: Value, contribution: str, from_varying: bool) -> list[str]:
        """Add ``contribution`` to ``parent``'s adjoint (summed over the batch if hoisted)."""
        if parent not in self.needs:
            return []
        if from_varying and parent not in self.plan.varying:
            contribution = f"_sum({contribution})"
        index = self.plan.param_index.get(parent)
        if index is not None:
            return [f"GP[{index}] += {contribution}"]
        name = self.adjoint.get(parent)
        if name is None:
            name = self.adjoint[parent] = "g_" + self.tape.names[parent]
            return [f"{name} = {contribution}"]
        # Never `+=`: an adjoint may be the very array of another one (g * 1 is g).
        return [f"{name} = {name} + {contribution}"]

    def _node_backward(self, node: Value) -> list[str]:
        op = node.op
        upstream = Expr(self.adjoint[node])
        varying = node in self.plan.varying
        if op is DOT and self._all_parameters(node):
            # d dot / d w = x and d dot / d x = w, read from the table over whole vectors.
            w, x = self._dot_vectors(node)
            partials = [p(SPACE, Expr(w), Expr(x), Expr("_")) for p in DOT.partials]
            lines = []
            for slot, partial in enumerate(partials):
                indices = [self.plan.param_index[p] for p in node.parents[slot::2]]
                product = source(upstream * partial)
                if len(set(indices)) == len(indices):
                    lines.append(f"{_vector('GP', indices, self.globals)} += {product}")
                else:  # a repeated index: `+=` would add it once
                    lines.append(f"_add_at(GP, {_constant(indices, self.globals)}, {product})")
            return lines
        partials = op.slot_partials(SPACE, self.operands(node), Expr(self.tape.names[node]))  # type: ignore[union-attr]
        lines = []
        for parent, partial in zip(node.parents, partials, strict=True):
            lines.extend(self.add(parent, source(upstream * partial), varying))
        return lines

    def _layer_backward(self, layer: _Layer) -> list[str]:
        k = layer.number
        parts = self._layer_adjoint(layer)
        if not parts:
            return []
        top = len(layer.stages)
        gradient = f"G{k}" if top == 0 else f"G{k}_{top}"
        lines = [f"# layer {k}, backward", f"{gradient} = {' + '.join(parts)}"]
        for s in range(top, 0, -1):
            stage = layer.stages[s - 1]
            operands = self._stage_operands(layer, s)
            partials = stage.op.slot_partials(SPACE, operands, Expr(layer.matrix(s)))
            below = f"G{k}" if s == 1 else f"G{k}_{s - 1}"
            for position, partial in enumerate(partials):
                product = source(Expr(gradient) * partial)
                if position == stage.slot:
                    lines.append(f"{below} = {product}")
                else:
                    target = _vector("GP", stage.vector, self.globals)  # type: ignore[arg-type]
                    lines.append(f"{target} += {product}.sum(0)")
            gradient = below
        weights = _block("GP", layer.weights, self.size, self.globals)
        if weights.endswith(")"):  # `a.reshape(...) += b` is not Python; `a.reshape(...)[:]` is
            weights += "[:]"
        lines.append(f"{weights} += {gradient}.T @ {layer.input_matrix}")
        if any(x in self.needs for x in layer.inputs):
            lines.append(f"GX{k} = {gradient} @ W{k}")
            if layer.source is not None:
                lines.extend(self.add_matrix(layer.source, f"GX{k}"))
            else:
                for i, x in enumerate(layer.inputs):
                    lines.extend(self.add(x, f"GX{k}[:, {i}]", True))
        return lines

    def add_matrix(self, layer: _Layer, gradient: str) -> list[str]:
        """Add ``gradient`` to the adjoint of ``layer``'s output matrix (layer or softmax)."""
        name = f"GM{layer.number}"
        if layer.number not in self.matrix_adjoint:
            self.matrix_adjoint[layer.number] = name
            return [f"{name} = {gradient}"]
        return [f"{name} = {name} + {gradient}"]

    def _layer_adjoint(self, layer: _Layer) -> list[str]:
        """The terms of the adjoint of a layer's output matrix: from layers, from columns."""
        parts = []
        matrix = self.matrix_adjoint.get(layer.number)
        if matrix is not None:
            parts.append(matrix)
        columns = self.adjoint_matrix(layer.finals)
        return parts if columns is None else [*parts, columns]
