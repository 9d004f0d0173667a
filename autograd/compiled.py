"""Compiled graphs: trace a function once, replay it as straight-line code.

The eager engine pays for a Python object per node per step. :func:`compile` records the
graph of ``fn`` once (like ``jax.jit`` tracing), then writes one Python function that
computes the same forward pass and its backward pass line by line, from the op table's
formulas (the same table the engine, the tests and ``viz`` read, so a new op compiles
with no extra work). The function runs on floats (one sample) or on numpy arrays (a
batch: each node becomes a vector over samples, and gradients with respect to
parameters are summed or averaged over the batch).

What the trace freezes:

- **Inputs** are the function's positional arguments: placeholders during the trace,
  new numbers or arrays at each call.
- **Parameters** are leaves marked ``parameter=True`` (every ``nn`` weight), or those
  passed as ``parameters=``: read from ``.data`` at every call, so an optimizer's updates
  are seen, and differentiated.
- **Everything else is a constant**: other leaves and numbers keep their trace-time value.
- **Python control flow on ``.data``** (``if x.data > 0``) runs once, at trace time: the
  branch taken then is replayed for every input. ``verify=True`` re-traces at every call
  and raises :class:`TraceError` when the graph's structure changes. Branches inside ops
  (relu, abs, the kinks of the table) are not control flow: they are compiled per element.

Example:
    >>> from autograd import Value
    >>> w = Value(3.0, "w", parameter=True)
    >>> f = compile(lambda x: (w * x).tanh())
    >>> round(f(0.5), 6)
    0.905148
    >>> grads = f.grad(0.5)
    >>> round(grads.parameters[0], 6)  # d tanh(w x) / dw = x (1 - tanh²)
    0.090353
"""

from __future__ import annotations

import builtins
import contextlib
import functools
import gc
import inspect
import math
import numbers
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, NamedTuple

from autograd import torch_code
from autograd.batch import BatchPlan, BatchWriter, batch_globals
from autograd.engine import topological_order
from autograd.loops import LoopWriter, Run, find_runs
from autograd.ops import Op
from autograd.source import (
    FLOAT_GLOBALS,
    SOURCE_SPACE,
    Expr,
    SourceSpace,
    numpy_globals,
    source,
)
from autograd.value import Value, recording_branches


class TraceError(RuntimeError):
    """The traced function cannot be compiled, or its graph changed with the data."""


class Gradients(NamedTuple):
    """What :meth:`CompiledFunction.grad` returns.

    Attributes:
        output: the function's value: a float, or an array over the batch (a list of them
            for a function with several outputs: the gradients are of the first one).
        parameters: d output / d parameter for each parameter (floats; summed or averaged
            over a batch).
        inputs: d output / d input for each input (floats, or arrays over the batch); empty
            unless asked for with ``wrt_inputs=True``.
    """

    output: Any
    parameters: list[float]
    inputs: list[Any]


class _Tape:
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


def _forward_text(space: SourceSpace, op: Op, operands: tuple[Expr | float, ...]) -> str:
    if op.variadic:
        # Written flat (a + b + c), not nested: a 100-term dot must not nest 100 deep.
        size = op.arity
        groups = [operands[i : i + size] for i in range(0, len(operands), size)]
        return "(" + " + ".join(source(op.forward(space, *g)) for g in groups) + ")"
    return source(op.forward(space, *operands))


def _forward_lines(
    tape: _Tape, space: SourceSpace, runs: list[Run] | None = None, store: bool = False
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
    tape: _Tape, wanted: set[Value], parents_of: list[tuple[Value, ...]] | None = None
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
    tape: _Tape, space: SourceSpace, needs: set[Value], runs: list[Run] | None = None
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


def _returned(tape: _Tape, adjoint: dict[Value, str] | None, batch: bool = False) -> str:
    """``return outputs, parameter adjoints, input adjoints, guarded values``.

    Guarded values are those of the ops with a domain rule (log, sqrt, div, pow, elu): a
    batch replay checks them, since a nan there can be hidden from the output (nan ** 0).
    A batch program returns its parameters' adjoints as one flat array, ``GP``.
    """
    outputs = [tape.names[o] for o in tape.outputs]
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


def _function(name: str, tape: _Tape, body: list[str], extra: str = "") -> str:
    args = [*(f"x{i}" for i in range(len(tape.inputs))), "params", *([extra] if extra else [])]
    lines = [f"def {name}({', '.join(args)}):"]
    if tape.parameters:
        unpack = ", ".join(f"p{i}" for i in range(len(tape.parameters)))
        lines.append(f"    {unpack}, = params")
    lines.extend(f"    {line}" for line in body)
    return "\n".join(lines) + "\n"


class _Program:
    """The generated source and compiled functions of one dialect.

    Each source is written, and each function compiled, the first time it is asked for: a
    call that only needs the backward program never pays for the forward one.
    """

    def __init__(
        self,
        tape: _Tape,
        dialect: str,
        wrt_inputs: bool,
        fuse: bool = True,
    ) -> None:
        self.tape = tape
        self.tag = dialect
        self.wanted = set(tape.parameters) | (set(tape.inputs) if wrt_inputs else set())
        self.functions: dict[str, Callable[..., Any]] = {}
        if dialect == "float":
            builtins_ = {**FLOAT_GLOBALS["__builtins__"], "range": range, "reversed": reversed}
            self.namespace = {**FLOAT_GLOBALS, "__builtins__": builtins_}  # loops need both
            parents_of = [node.parents for node in tape.nodes]
            self.needs = _needs(tape, self.wanted, parents_of)
            self.runs = find_runs(tape, self.needs, parents_of)
        else:
            self.namespace = batch_globals(numpy_globals())
            self.plan = BatchPlan(tape, fuse)

    @functools.cached_property
    def forward_source(self) -> str:
        """``def forward(...)``: the outputs only."""
        tape = self.tape
        if self.tag == "float":
            forward = _forward_lines(tape, SOURCE_SPACE, self.runs)
            return _function("forward", tape, [*forward, _returned(tape, None)])
        writer = BatchWriter(self.plan, self.namespace)
        body = [*writer.forward(), _returned(tape, None, batch=True)]
        return _batch_function("forward", tape, body, writer.uses_params)

    @functools.cached_property
    def backward_source(self) -> str:
        """``def forward_backward(...)``: the outputs and the wanted gradients."""
        tape = self.tape
        if self.tag == "float":
            forward = _forward_lines(tape, SOURCE_SPACE, self.runs, store=True)
            backward = _backward_lines(tape, SOURCE_SPACE, self.needs, self.runs)
            return _function("forward_backward", tape, forward + backward, "seed")
        writer = BatchWriter(self.plan, self.namespace)
        forward = writer.forward()
        backward, adjoint = writer.backward(self.wanted)
        body = [*forward, *backward, _returned(tape, adjoint, batch=True)]
        return _batch_function("forward_backward", tape, body, writer.uses_params, "seed")

    def function(self, name: str) -> Callable[..., Any]:
        """The compiled function ``forward`` or ``forward_backward``."""
        found = self.functions.get(name)
        if found is None:
            with _collector_paused():
                text = self.forward_source if name == "forward" else self.backward_source
            code = builtins.compile(text, f"<chainrule compiled {self.tag}>", "exec")
            exec(code, self.namespace, self.functions)  # noqa: S102 - source generated from the op table
            found = self.functions[name]
        return found


def _batch_function(
    name: str, tape: _Tape, body: list[str], uses_params: bool, extra: str = ""
) -> str:
    args = [*(f"x{i}" for i in range(len(tape.inputs))), "params", "P", "count"]
    lines = [f"def {name}({', '.join([*args, *([extra] if extra else [])])}):"]
    if tape.parameters and uses_params:
        unpack = ", ".join(f"p{i}" for i in range(len(tape.parameters)))
        lines.append(f"    {unpack}, = params")
    lines.extend(f"    {line}" for line in body)
    return "\n".join(lines) + "\n"


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
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


def _is_array(x: Any) -> bool:
    return hasattr(x, "shape") and getattr(x, "ndim", 0) >= 1


class CompiledFunction:
    """A traced function replayed as generated code; see :func:`compile`."""

    def __init__(
        self,
        fn: Callable[..., Any],
        n_inputs: int | None = None,
        *,
        parameters: Sequence[Value] | None = None,
        verify: bool = False,
        fuse: bool = True,
    ) -> None:
        if not callable(fn):
            raise TypeError(f"compile: expected a function, got {type(fn).__name__}")
        self.fn = fn
        if n_inputs is not None and (type(n_inputs) is not int or n_inputs < 0):
            raise ValueError(f"compile: n_inputs must be an int >= 0, got {n_inputs!r:.40}")
        self.n_inputs = _input_count(fn) if n_inputs is None else n_inputs
        if parameters is not None:
            if isinstance(parameters, Value | str) or not isinstance(parameters, Iterable):
                raise TypeError(
                    f"compile: parameters must be a sequence of Values, "
                    f"got {type(parameters).__name__}"
                )
            parameters = list(parameters)
            for index, p in enumerate(parameters):
                if not isinstance(p, Value):
                    raise TypeError(
                        f"compile: parameters[{index}] must be a Value, got {type(p).__name__}"
                    )
        self._given_parameters = None if parameters is None else list(parameters)
        self.verify = verify
        self.fuse = fuse
        self._tape: _Tape | None = None
        self._programs: dict[tuple[str, bool], _Program] = {}

    # --- tracing -----------------------------------------------------------------------
    def trace(self, *example: float) -> CompiledFunction:
        """Record the graph of ``fn`` at the numbers ``example`` (one per input)."""
        if any(_is_array(x) for x in example):
            raise TypeError("compile: trace takes one number per input, not arrays")
        _check_inputs(example, "compile.trace")
        tape = self._record([float(x) for x in example])
        self._tape = tape
        self._programs = {}
        return self

    def _record(self, example: list[float]) -> _Tape:
        if len(example) != self.n_inputs:
            raise TypeError(f"compile: expected {self.n_inputs} inputs, got {len(example)}")
        inputs = [Value(x, f"x{i}") for i, x in enumerate(example)]
        with _collector_paused(), recording_branches() as branches:  # comparisons, for verify
            result = self.fn(*inputs)
        single = isinstance(result, Value)
        outputs = [result] if single else list(result) if isinstance(result, list | tuple) else []
        if not outputs or not all(isinstance(o, Value) for o in outputs):
            raise TraceError(
                f"compile: the function must return a Value or a list of Values, "
                f"got {type(result).__name__}"
            )
        tape = _Tape(outputs, inputs, self._given_parameters, single)
        _reject_custom_ops(tape.nodes)
        tape.branches = tuple(branches)
        return tape

    @property
    def tape(self) -> _Tape:
        """The traced graph (raises before the first call or ``trace``)."""
        if self._tape is None:
            raise TraceError("compile: not traced yet; call the function or .trace(...) first")
        return self._tape

    @property
    def output(self) -> Value:
        """The traced output Value (the first one, if several): its graph, for ``viz``."""
        return self.tape.outputs[0]

    @property
    def outputs(self) -> list[Value]:
        """Every traced output Value."""
        return list(self.tape.outputs)

    @property
    def parameters(self) -> list[Value]:
        """The parameters read at each call, in the order of ``Gradients.parameters``."""
        return list(self.tape.parameters)

    def to_torch(self, dtype: Any = None) -> Any:
        """The traced function as a batch-first ``torch.nn.Module`` (``autograd.torch_code``)."""
        return torch_code.to_torch(self, dtype=dtype)

    @property
    def source(self) -> str:
        """The generated Python for floats: ``forward`` and ``forward_backward``."""
        program = self._program("float")
        return program.forward_source + "\n" + program.backward_source

    @property
    def batch_source(self) -> str:
        """The generated Python for numpy batches (hoisted nodes, fused layers)."""
        program = self._program("numpy")
        return program.forward_source + "\n" + program.backward_source

    def _program(self, dialect: str, wrt_inputs: bool = False) -> _Program:
        key = (dialect, wrt_inputs)
        program = self._programs.get(key)
        if program is None:
            with _collector_paused():
                program = _Program(self.tape, dialect, wrt_inputs, self.fuse)
            self._programs[key] = program
        return program

    # --- calling -----------------------------------------------------------------------
    def __call__(self, *inputs: Any) -> Any:
        """The function's output(s) at ``inputs`` (numbers, or 1-D arrays for a batch)."""
        outputs = self._run(inputs, backward=False)[0]
        return outputs[0] if self.tape.single else list(outputs)

    def grad(self, *inputs: Any, wrt_inputs: bool = False, reduce: str = "sum") -> Gradients:
        """The output and its gradients at ``inputs``; ``.grad`` of nothing is touched.

        For a batch, parameter gradients are summed over the samples (``reduce="mean"``
        averages them); input gradients stay per sample.
        """
        if reduce not in ("sum", "mean"):
            raise ValueError(f"compile: reduce must be 'sum' or 'mean', got {reduce!r}")
        outputs, params, xs, _ = self._run(inputs, backward=True, wrt_inputs=wrt_inputs)
        count = _batch_size(inputs)
        if count:  # a batch: one flat array, already summed over the samples
            flat = _flat_gradients(params, len(self.tape.parameters), reduce == "mean", count)
            grads = flat.tolist()
        else:
            grads = [_total(g, count) for g in params]
        input_grads = (
            [(_zeros_like(g, count) if g is None else g) for g in xs] if wrt_inputs else []
        )
        return Gradients(outputs[0] if self.tape.single else list(outputs), grads, input_grads)

    def backward(self, *inputs: Any, reduce: str = "sum") -> Any:
        """Add the parameters' gradients into their ``.grad`` (as backward); return the output."""
        result = self.grad(*inputs, reduce=reduce)
        for p, g in zip(self.tape.parameters, result.parameters, strict=True):
            p.grad += g
        return result.output

    def _run(
        self, inputs: Sequence[Any], backward: bool, wrt_inputs: bool = False
    ) -> tuple[Any, Any, Any, Any]:
        if len(inputs) != self.n_inputs:
            raise TypeError(f"compile: expected {self.n_inputs} inputs, got {len(inputs)}")
        _check_inputs(inputs)
        batch = any(_is_array(x) for x in inputs)
        if self._tape is None:
            self.trace(*_sample(inputs, 0))
        params = [p.data for p in self.tape.parameters]
        if self.verify:
            self._verify(inputs, batch)
        program = self._program("numpy" if batch else "float", wrt_inputs)
        if not batch:
            return self._run_floats(program, _sample(inputs, 0), params, backward)
        return self._run_numpy(program, inputs, params, backward)

    def _run_floats(
        self, program: _Program, inputs: list[float], params: list[float], backward: bool
    ) -> Any:
        try:
            if backward:
                return program.function("forward_backward")(*inputs, params, 1.0)
            return program.function("forward")(*inputs, params)
        except (ArithmeticError, ValueError) as error:
            _diagnose(self.tape, inputs, params, backward=backward, sample=None)
            raise error from None  # not found op by op (it cannot happen): as raised

    def _run_numpy(
        self, program: _Program, inputs: Sequence[Any], params: list[float], backward: bool
    ) -> Any:
        import numpy as np  # noqa: PLC0415 - only batches need numpy

        count = _batch_size(inputs)
        # A number input is every sample's: a full column, so every node that depends on
        # an input is an array over the batch (the fused layers stack them as columns).
        arrays = [np.asarray(x, dtype=float) if _is_array(x) else np.full(count, float(x))
                  for x in inputs]  # fmt: skip
        flat = np.array(params, dtype=float)
        with np.errstate(all="ignore"):  # domain errors are found below, per sample
            if backward:
                function = program.function("forward_backward")
                result = function(*arrays, params, flat, count, np.ones(count))
            else:
                result = program.function("forward")(*arrays, params, flat, count)
        outputs, param_grads, input_grads, guarded = result
        # An output that reads no input is one number: still one value per sample.
        outputs = tuple(o if _is_array(o) else np.full(count, float(o)) for o in outputs)
        per_sample = [*outputs, *guarded, *(g for g in input_grads if g is not None)]
        summed_finite = param_grads is None or bool(np.all(np.isfinite(param_grads)))
        if not summed_finite or not all(np.all(np.isfinite(v)) for v in per_sample):
            _find_domain_errors(
                self.tape, arrays, params, per_sample, count,
                backward=backward, summed_finite=summed_finite,
            )  # fmt: skip
        return outputs, param_grads, input_grads, guarded

    def _verify(self, inputs: Sequence[Any], batch: bool) -> None:
        expected = self.tape.structure()
        count = _batch_size(inputs) if batch else 1
        for sample in range(count):
            point = _sample(inputs, sample)
            traced = self._record(point)
            found = traced.structure()
            if found != expected or traced.branches != self.tape.branches:
                where = f" at sample {sample}" if batch else ""
                change = (
                    _first_change(expected, found)
                    if found != expected
                    else "a comparison of Values (<, <=, >, >=, bool) came out the other way"
                )
                raise TraceError(
                    f"compile: the function's graph changed with its inputs{where} "
                    f"(Python control flow on .data or on a comparison of Values?); it was "
                    f"traced at {[x.data for x in self.tape.inputs]}, called with {point}: "
                    f"{change}"
                )

    def __repr__(self) -> str:
        state = "not traced" if self._tape is None else f"{len(self.tape.nodes)} nodes"
        return f"CompiledFunction({getattr(self.fn, '__name__', 'fn')}, {state})"


def _reject_custom_ops(nodes: list[Value]) -> None:
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


def _diagnose(
    tape: _Tape, inputs: list[float], params: list[float], *, backward: bool, sample: int | None
) -> None:
    """Replay one sample op by op with the engine's kernels; raise the engine's error.

    In the engine's order, so the error is the one eager code raises: the whole forward
    pass first, then the partials from the output back (``backward`` walks that way).
    """
    data = dict(zip(tape.inputs, inputs, strict=True))
    data.update(zip(tape.parameters, params, strict=True))
    where = "" if sample is None else f" (in compiled replay, sample {sample})"
    for node in tape.nodes:
        op = node.op
        if op is None:
            data.setdefault(node, node.data)
            continue
        values = tuple(data[p] for p in node.parents)
        try:
            data[node] = op.fwd(*values)
        except (ArithmeticError, ValueError) as error:
            raised = op.input_error(error, values)
            raise type(raised)(f"{raised}{where}") from None
    for node in reversed(tape.nodes) if backward else ():
        op = node.op
        if op is None:
            continue
        values = tuple(data[p] for p in node.parents)
        try:
            op.local_partials(*values, data[node])
        except (ArithmeticError, ValueError) as error:
            raised = op.input_error(error, values, derivative=True)
            raise type(raised)(f"{raised}{where}") from None


def _shown(entry: tuple[Any, ...]) -> str:
    """One node of a :meth:`_Tape.structure`, in words: "sub(2.0, #0)", "constant 3.0"."""
    kind = entry[0]
    if kind == "constant":
        return f"the constant {float.fromhex(entry[1])!r}"
    if kind == "parameter":
        return f"parameter p{entry[1]}"
    if len(entry) == 1:
        return f"input {kind}"
    name, folded, parents = entry
    operands: list[str] = [f"#{p}" for p in parents]
    for slot, number in folded:
        operands.insert(slot, repr(float.fromhex(number)))
    return f"{name}({', '.join(operands)})"


def _first_change(expected: tuple[Any, ...], found: tuple[Any, ...]) -> str:
    """Where two structures first differ, in words, for :class:`TraceError`."""
    for index, (old, new) in enumerate(zip(expected[0], found[0])):  # noqa: B905
        if old != new:
            if old[0] == new[0] == "parameter":
                return f"node #{index} is another parameter Value than at the trace"
            return f"node #{index} was {_shown(old)}, now {_shown(new)}"
    if len(expected[0]) != len(found[0]):
        return f"{len(expected[0])} nodes were traced, now {len(found[0])}"
    return "the outputs changed"


def _find_domain_errors(  # noqa: PLR0913 - the replay's state, passed as it is
    tape: _Tape,
    arrays: list[Any],
    params: list[float],
    values: list[Any],
    count: int,
    *,
    backward: bool,
    summed_finite: bool = True,
) -> None:
    """Raise the engine's error for the first sample of a batch that has one.

    numpy turns a domain error (log(-1), 1 / 0) into NaN or inf, so the samples with a
    non-finite value are replayed op by op by the engine's kernels (:func:`_diagnose`),
    which decide. That replay is Python, about 50 times the cost of the batch, so only the
    samples that can hold an error are replayed, each distinct point once. A sample whose
    inputs are all NaN holds none (with NaN operands no kernel raises: nan / nan is nan,
    alpha = nan is no domain error): it is not replayed. One NaN input among numbers is
    replayed: NaN does not pass every rule (nan / 0 and elu(nan, alpha=-1) raise in the
    engine), and neither is a NaN parameter skipped, for the same reason. A summed
    parameter gradient that is not finite (``summed_finite`` False) does not say which
    sample made it so: if no per-sample value does either, every sample is a candidate.
    """
    import numpy as np  # noqa: PLC0415 - only batches need numpy

    bad = np.zeros(count, dtype=bool)
    for v in values:
        bad |= ~np.isfinite(np.broadcast_to(v, (count,)))
    if not summed_finite and not bad.any():
        bad[:] = True
    if arrays and not any(math.isnan(p) for p in params):
        all_nan = np.ones(count, dtype=bool)
        for x in arrays:
            all_nan &= np.isnan(np.broadcast_to(x, (count,)))
        bad &= ~all_nan
    seen: set[tuple[float, ...]] = set()
    for sample in np.flatnonzero(bad):
        point = _sample(arrays, int(sample))
        if tuple(point) not in seen:
            seen.add(tuple(point))
            _diagnose(tape, point, params, backward=backward, sample=int(sample))


def _input_count(fn: Callable[..., Any]) -> int:
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        raise TypeError("compile: cannot read the function's arguments; pass n_inputs=") from None
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    params = signature.parameters.values()
    if any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in params):
        raise TypeError("compile: the function takes *args; pass n_inputs=")
    return sum(1 for p in params if p.kind in kinds and p.default is inspect.Parameter.empty)


def _sample(inputs: Sequence[Any], index: int) -> list[float]:
    """Sample ``index`` of a call's inputs as floats (a number input is every sample's)."""
    return [float(x[index]) if _is_array(x) else float(x) for x in inputs]


def _check_inputs(inputs: Sequence[Any], where: str = "compile") -> None:
    """Each input must be a real number or a non-empty 1-D array of real numbers.

    Checked before anything is traced or converted: ``float('1.5')`` and
    ``numpy.asarray(['1.5'], dtype=float)`` would accept text, and complex numbers would
    lose their imaginary part. Integers and ``numpy.longdouble`` beyond the float range
    are refused too (they would become inf, or raise ``OverflowError`` deep inside).
    """
    for index, x in enumerate(inputs):
        if _is_array(x):
            if x.ndim != 1 or len(x) == 0:
                raise ValueError(
                    f"{where}: input {index} must be a number or a non-empty 1-D array "
                    f"(one value per sample), got an array of shape {x.shape}"
                )
            kind = getattr(getattr(x, "dtype", None), "kind", None)
            if kind not in ("f", "i", "u"):
                raise TypeError(
                    f"{where}: input {index} must be an array of real numbers (float or "
                    f"int), got dtype {getattr(x, 'dtype', type(x).__name__)}"
                )
            if kind == "f" and x.dtype.itemsize > 8:  # longdouble
                import numpy as np  # noqa: PLC0415 - an array is numpy's already

                with np.errstate(over="ignore"):  # the overflow is what is checked
                    narrowed = x.astype(float)
                if np.any(np.isfinite(x) & ~np.isfinite(narrowed)):
                    raise ValueError(f"{where}: input {index} holds numbers too large for a float")
        elif isinstance(x, bool) or not isinstance(x, numbers.Real):
            raise TypeError(
                f"{where}: input {index} must be a number or a 1-D numpy array, "
                f"got {type(x).__name__}: {x!r:.40}"
            )
        else:
            try:
                number = float(x)
            except OverflowError:
                number = math.inf
            # x itself infinite (float or numpy inf) is fine; a huge int or longdouble not.
            if math.isinf(number) and abs(x) != math.inf:
                raise ValueError(f"{where}: input {index} is too large for a float: {x!r:.40}")


def _batch_size(inputs: Sequence[Any]) -> int:
    sizes = {len(x) for x in inputs if _is_array(x)}
    if len(sizes) > 1:
        raise ValueError(f"compile: batch inputs have different lengths {sorted(sizes)}")
    return sizes.pop() if sizes else 0


def _total(gradient: Any, count: int) -> float:
    if gradient is None:
        return 0.0
    if count:
        return float(gradient.sum())
    return float(gradient)


def _flat_gradients(flat: Any, size: int, mean: bool, count: int) -> Any:
    """A batch program's parameter gradients (summed; averaged if ``mean``) as an array."""
    import numpy as np  # noqa: PLC0415

    if flat is None:
        return np.zeros(size)
    return flat / count if mean else flat


def _zeros_like(gradient: Any, count: int) -> Any:
    if count:
        import numpy as np  # noqa: PLC0415

        return np.zeros(count)
    return 0.0


def compile(  # the verb users look for (autograd.compile), as jax.jit
    fn: Callable[..., Any],
    n_inputs: int | None = None,
    *,
    parameters: Sequence[Value] | None = None,
    verify: bool = False,
    fuse: bool = True,
) -> CompiledFunction:
    """Compile ``fn`` (positional inputs -> a Value or a list of Values) for fast replay.

    The trace happens at the first call (or :meth:`CompiledFunction.trace`), with that
    call's numbers. See the module docstring for what the trace freezes.

    Args:
        fn: the function; its positional arguments are the inputs.
        n_inputs: how many inputs ``fn`` takes (read from its signature by default).
        parameters: the leaves to read live and differentiate (default: every leaf
            marked ``parameter=True`` that the graph reaches).
        verify: re-trace at every call and raise :class:`TraceError` if the graph's
            structure changed (control flow on data); slow, for debugging.
        fuse: in batch replays, compute the dot nodes of a layer (dots sharing their
            inputs, with parameters as weights) as matrix products; False writes one line
            per node (for checking the fused code against it).

    Example:
        >>> f = compile(lambda x, y: x * y + x)
        >>> f(2.0, 3.0)
        8.0
        >>> import numpy as np
        >>> f(np.array([1.0, 2.0]), np.array([3.0, 4.0])).tolist()
        [4.0, 10.0]
        >>> f.grad(2.0, 3.0, wrt_inputs=True).inputs
        [4.0, 2.0]
    """
    return CompiledFunction(fn, n_inputs, parameters=parameters, verify=verify, fuse=fuse)
