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
import inspect
import numbers
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from autograd.engine import topological_order
from autograd.source import (
    FLOAT_GLOBALS,
    NUMPY_SOURCE_SPACE,
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
        """The wiring of the graph (op names and parent positions), without the numbers."""
        index = {node: i for i, node in enumerate(self.nodes)}
        return tuple(
            (node.op.name if node.op else self.names.get(node, "constant"),
             tuple(index[p] for p in node.parents))
            for node in self.nodes
        )  # fmt: skip


def _forward_lines(tape: _Tape, space: SourceSpace) -> list[str]:
    lines = []
    for node in tape.nodes:
        op = node.op
        if op is None:
            continue
        operands = tape.operands(node)
        if op.variadic:
            # Written flat (a + b + c), not nested: a 100-term dot must not nest 100 deep.
            size = op.arity
            groups = [operands[i : i + size] for i in range(0, len(operands), size)]
            text = "(" + " + ".join(source(op.forward(space, *g)) for g in groups) + ")"
        else:
            text = source(op.forward(space, *operands))
        lines.append(f"{tape.names[node]} = {text}")
    return lines


def _backward_lines(tape: _Tape, space: SourceSpace, wanted: set[Value]) -> list[str]:
    """Reverse mode: each node adds ``its adjoint x local partial`` into its parents'."""
    needs: set[Value] = set()
    for node in tape.nodes:
        if node in wanted or any(p in needs for p in node.parents):
            needs.add(node)
    output = tape.outputs[0]
    adjoint = {output: "g_" + tape.names[output]} if output in needs else {}
    lines = [f"{adjoint[output]} = seed"] if adjoint else []
    for node in reversed(tape.nodes):
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


def _returned(tape: _Tape, adjoint: dict[Value, str] | None) -> str:
    """``return outputs, parameter adjoints, input adjoints, guarded values``.

    Guarded values are those of the ops with a domain rule (log, sqrt, div, pow): a batch
    replay checks them, since a nan there can be hidden from the output (relu(nan) = 0).
    """
    outputs = [tape.names[o] for o in tape.outputs]
    params = [] if adjoint is None else [adjoint.get(p, "None") for p in tape.parameters]
    inputs = [] if adjoint is None else [adjoint.get(x, "None") for x in tape.inputs]
    guarded = [tape.names[n] for n in tape.nodes if n.op is not None and n.op.domain_text]
    return f"return {_tuple(outputs)}, {_tuple(params)}, {_tuple(inputs)}, {_tuple(guarded)}"


def _function(name: str, tape: _Tape, body: list[str], extra: str = "") -> str:
    args = [*(f"x{i}" for i in range(len(tape.inputs))), "params", *([extra] if extra else [])]
    lines = [f"def {name}({', '.join(args)}):"]
    if tape.parameters:
        unpack = ", ".join(f"p{i}" for i in range(len(tape.parameters)))
        lines.append(f"    {unpack}, = params")
    lines.extend(f"    {line}" for line in body)
    return "\n".join(lines) + "\n"


class _Program:
    """The generated source and compiled functions of one dialect."""

    def __init__(
        self,
        tape: _Tape,
        space: SourceSpace,
        namespace: dict[str, Any],
        tag: str,
        wrt_inputs: bool,
    ) -> None:
        forward = _forward_lines(tape, space)
        self.forward_source = _function("forward", tape, [*forward, _returned(tape, None)])
        wanted = set(tape.parameters) | (set(tape.inputs) if wrt_inputs else set())
        backward = _backward_lines(tape, space, wanted)
        self.backward_source = _function("forward_backward", tape, forward + backward, "seed")
        self.functions: dict[str, Callable[..., Any]] = {}
        for text in (self.forward_source, self.backward_source):
            code = builtins.compile(text, f"<chainrule compiled {tag}>", "exec")
            exec(code, namespace, self.functions)  # noqa: S102 - source generated from the op table


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
    ) -> None:
        if not callable(fn):
            raise TypeError(f"compile: expected a function, got {type(fn).__name__}")
        self.fn = fn
        self.n_inputs = _input_count(fn) if n_inputs is None else n_inputs
        self._given_parameters = None if parameters is None else list(parameters)
        self.verify = verify
        self._tape: _Tape | None = None
        self._programs: dict[tuple[str, bool], _Program] = {}

    # --- tracing -----------------------------------------------------------------------
    def trace(self, *example: float) -> CompiledFunction:
        """Record the graph of ``fn`` at the numbers ``example`` (one per input)."""
        tape = self._record([float(x) for x in example])
        self._tape = tape
        self._programs = {}
        return self

    def _record(self, example: list[float]) -> _Tape:
        if len(example) != self.n_inputs:
            raise TypeError(f"compile: expected {self.n_inputs} inputs, got {len(example)}")
        inputs = [Value(x, f"x{i}") for i, x in enumerate(example)]
        with recording_branches() as branches:  # comparisons on Values, for verify
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

    @property
    def source(self) -> str:
        """The generated Python for floats: ``forward`` and ``forward_backward``."""
        program = self._program("float")
        return program.forward_source + "\n" + program.backward_source

    def _program(self, dialect: str, wrt_inputs: bool = False) -> _Program:
        key = (dialect, wrt_inputs)
        program = self._programs.get(key)
        if program is None:
            if dialect == "float":
                space, namespace = SOURCE_SPACE, dict(FLOAT_GLOBALS)
            else:
                space, namespace = NUMPY_SOURCE_SPACE, numpy_globals()
            program = _Program(self.tape, space, namespace, dialect, wrt_inputs)
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
        grads = [_total(g, count) for g in params]
        if reduce == "mean" and count:
            grads = [g / count for g in grads]
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
                return program.functions["forward_backward"](*inputs, params, 1.0)
            return program.functions["forward"](*inputs, params)
        except (ArithmeticError, ValueError) as error:
            _diagnose(self.tape, inputs, params, backward=backward, sample=None)
            raise error from None  # not found op by op (it cannot happen): as raised

    def _run_numpy(
        self, program: _Program, inputs: Sequence[Any], params: list[float], backward: bool
    ) -> Any:
        import numpy as np  # noqa: PLC0415 - only batches need numpy

        count = _batch_size(inputs)
        arrays = [np.asarray(x, dtype=float) if _is_array(x) else float(x) for x in inputs]
        with np.errstate(all="ignore"):  # domain errors are found below, per sample
            if backward:
                result = program.functions["forward_backward"](*arrays, params, np.ones(count))
            else:
                result = program.functions["forward"](*arrays, params)
        outputs, param_grads, input_grads, guarded = result
        values = [*outputs, *guarded, *(g for g in (*param_grads, *input_grads) if g is not None)]
        if not all(np.all(np.isfinite(v)) for v in values):
            bad = np.zeros(count, dtype=bool)
            for v in values:
                bad |= ~np.isfinite(np.broadcast_to(v, (count,)))
            for sample in np.flatnonzero(bad):
                point = _sample(arrays, int(sample))
                _diagnose(self.tape, point, params, backward=backward, sample=int(sample))
        return result

    def _verify(self, inputs: Sequence[Any], batch: bool) -> None:
        expected = self.tape.structure()
        count = _batch_size(inputs) if batch else 1
        for sample in range(count):
            point = _sample(inputs, sample)
            traced = self._record(point)
            if traced.structure() != expected or traced.branches != self.tape.branches:
                where = f" at sample {sample}" if batch else ""
                raise TraceError(
                    f"compile: the function's graph changed with its inputs{where} "
                    f"(Python control flow on .data or on a comparison of Values?); "
                    f"it was traced at "
                    f"{[x.data for x in self.tape.inputs]}, called with {point}"
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
    """Replay one sample op by op with the engine's kernels; raise the engine's error."""
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
            if backward:
                op.local_partials(*values, data[node])
        except (ArithmeticError, ValueError) as error:
            derivative = node in data
            raised = op.input_error(error, values, derivative=derivative)
            raise type(raised)(f"{raised}{where}") from None


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


def _check_inputs(inputs: Sequence[Any]) -> None:
    """Each input must be a real number or a non-empty 1-D array of them."""
    for index, x in enumerate(inputs):
        if _is_array(x):
            if x.ndim != 1 or len(x) == 0:
                raise ValueError(
                    f"compile: input {index} must be a number or a non-empty 1-D array "
                    f"(one value per sample), got an array of shape {x.shape}"
                )
        elif isinstance(x, bool) or not isinstance(x, numbers.Real):
            raise TypeError(
                f"compile: input {index} must be a number or a 1-D numpy array, "
                f"got {type(x).__name__}: {x!r:.40}"
            )


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
    return CompiledFunction(fn, n_inputs, parameters=parameters, verify=verify)
