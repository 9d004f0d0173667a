"""``compile``: trace a function once, replay it as straight-line code.

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

from collections.abc import Callable, Iterable, Sequence
from operator import attrgetter
from typing import Any, NamedTuple

from autograd.branches import recording_branches
from autograd.coercion import flag
from autograd.compiler import torch_code
from autograd.compiler.diagnosis import diagnose, find_domain_errors, first_change
from autograd.compiler.inputs import (
    batch_size,
    check_count,
    check_inputs,
    columns,
    flat_gradients,
    input_count,
    is_array,
    layout,
    plain_batch,
    sample_at,
    total,
    zeros_like,
)
from autograd.compiler.program import Program
from autograd.compiler.tape import Tape, TraceError, collector_paused, reject_custom_ops
from autograd.context import recording_creation
from autograd.store import ParameterStore
from autograd.value import Value

__all__ = ["CompiledFunction", "Gradients", "TraceError", "compile"]

_DATA = attrgetter("data")


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
        verify, fuse = flag("compile", "verify", verify), flag("compile", "fuse", fuse)
        self.fn = fn
        if n_inputs is not None and (type(n_inputs) is not int or n_inputs < 0):
            raise ValueError(f"compile: n_inputs must be an int >= 0, got {n_inputs!r:.40}")
        self.n_inputs = input_count(fn) if n_inputs is None else n_inputs
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
        self._tape: Tape | None = None
        self._programs: dict[tuple[str, bool, Any], Program] = {}
        self._layout: tuple[int | None, ...] | None = None  # the last batch call's (batch_source)
        self._located: tuple[int, Any, bool] = (-1, None, False)  # epoch, where, adopted?

    # --- tracing -----------------------------------------------------------------------
    def trace(self, *example: float) -> CompiledFunction:
        """Record the graph of ``fn`` at the numbers ``example`` (one per input)."""
        if any(is_array(x) for x in example):
            raise TypeError("compile: trace takes one number per input, not arrays")
        check_inputs(example, "compile.trace")
        tape = self._record([float(x) for x in example])
        self._tape = tape
        self._programs = {}
        self._located = (-1, None, False)
        return self

    def _record(self, example: list[float]) -> Tape:
        if len(example) != self.n_inputs:
            raise TypeError(f"compile: expected {self.n_inputs} inputs, got {len(example)}")
        inputs = [Value(x, f"x{i}") for i, x in enumerate(example)]
        with collector_paused(), recording_branches() as branches, recording_creation() as made:
            result = self.fn(*inputs)  # comparisons recorded for verify, nodes in their order
        single = isinstance(result, Value)
        outputs = [result] if single else list(result) if isinstance(result, list | tuple) else []
        if not outputs or not all(isinstance(o, Value) for o in outputs):
            raise TraceError(
                f"compile: the function must return a Value or a list of Values, "
                f"got {type(result).__name__}"
            )
        tape = Tape(outputs, inputs, self._given_parameters, single)
        reject_custom_ops(tape.nodes)
        tape.branches = tuple(branches)
        tape.order_as_made(made)
        return tape

    @property
    def tape(self) -> Tape:
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
        """The traced function as a batch-first ``torch.nn.Module`` (see ``torch_code``)."""
        return torch_code.to_torch(self, dtype=dtype)

    @property
    def source(self) -> str:
        """The generated Python for floats: ``forward`` and ``forward_backward``."""
        program = self._program("float")
        return program.forward_source + "\n" + program.backward_source

    @property
    def batch_source(self) -> str:
        """The generated Python for numpy batches (hoisted nodes, fused layers).

        Written for the arguments of the last batch call: its 2-D arrays are read as
        slices (see :func:`compile`); before any, for one 1-D array per input.
        """
        program = self._program("numpy", False, self._layout)
        return program.forward_source + "\n" + program.backward_source

    def _program(
        self, dialect: str, wrt_inputs: bool = False, widths: tuple[int | None, ...] | None = None
    ) -> Program:
        key = (dialect, wrt_inputs, widths)
        program = self._programs.get(key)
        if program is None:
            with collector_paused():
                program = Program(self.tape, dialect, wrt_inputs, self.fuse, widths)
            self._programs[key] = program
        return program

    # --- calling -----------------------------------------------------------------------
    def __call__(self, *inputs: Any) -> Any:
        """The function's output(s) at ``inputs`` (numbers, or arrays for a batch).

        A 1-D array holds one input's value per sample; a 2-D array ``(samples, k)``
        supplies ``k`` consecutive inputs (its columns); a number is every sample's.
        """
        return self._shaped(self._run(inputs, backward=False)[0])

    def grad(self, *inputs: Any, wrt_inputs: bool = False, reduce: str = "sum") -> Gradients:
        """The output and its gradients at ``inputs``; ``.grad`` of nothing is touched.

        For a batch, parameter gradients are summed over the samples (``reduce="mean"``
        averages them); input gradients stay per sample, never scaled by ``reduce`` (a
        PyTorch mean loss divides each by n). ``inputs`` has one gradient per scalar input,
        a 2-D argument's columns included (``numpy.column_stack`` of its slice gives the
        argument's shape): the same list for every way of passing them.
        """
        wrt_inputs = flag("grad", "wrt_inputs", wrt_inputs)
        outputs, grads, xs, count = self._gradients(inputs, reduce, wrt_inputs)
        input_grads = [(zeros_like(g, count) if g is None else g) for g in xs] if wrt_inputs else []
        return Gradients(self._shaped(outputs), grads.tolist() if count else grads, input_grads)

    def backward(self, *inputs: Any, reduce: str = "sum") -> Any:
        """Add the parameters' gradients into their ``.grad`` (as backward); return the output.

        At the first call the parameters (plain Values that no store holds) are adopted into
        one :class:`~autograd.ParameterStore`; while they are all in one intact store, they
        receive their gradients in one array addition (else one by one), and an optimizer
        over them steps the store's arrays.
        """
        outputs, grads, _, count = self._gradients(inputs, reduce)
        located = self._stored_parameters(adopt=True)
        if located is None:
            for p, g in zip(self.tape.parameters, grads.tolist() if count else grads, strict=True):
                p.grad += g
        else:  # in place (the Values read this array); a tape lists each parameter once
            store, where = located
            store.grad[where] += grads
        return self._shaped(outputs)

    def _gradients(
        self, inputs: Sequence[Any], reduce: str, wrt_inputs: bool = False
    ) -> tuple[Any, Any, Any, int]:
        """What ``grad`` and ``backward`` share: outputs, parameter and input gradients, count.

        Parameter gradients are one array for a batch (summed, or averaged), else floats.
        """
        if reduce not in ("sum", "mean"):
            raise ValueError(f"compile: reduce must be 'sum' or 'mean', got {reduce!r}")
        outputs, params, xs, _, count = self._run(inputs, backward=True, wrt_inputs=wrt_inputs)
        if count:  # a batch: one flat array, already summed over the samples
            grads = flat_gradients(params, len(self.tape.parameters), reduce == "mean", count)
        else:
            grads = [total(g, count) for g in params]
        return outputs, grads, xs, count

    def _shaped(self, outputs: Sequence[Any]) -> Any:
        """The output, or the list of outputs if the function returned several."""
        return outputs[0] if self.tape.single else list(outputs)

    def _stored_parameters(self, adopt: bool = False) -> tuple[ParameterStore, Any] | None:
        """Where the parameters live, if all in one intact store (re-checked by epoch).

        With ``adopt`` (``backward``: a training loop), plain parameters that no store holds
        are adopted into a new one, so that an optimizer over them finds them in arrays.
        """
        now = ParameterStore.epoch()
        when, located, tried = self._located
        if when != now:
            located, tried = ParameterStore.locate(self.tape.parameters), False
            if located is not None:  # the whole array (a view) in the store's own order
                located = (located[0], slice(None) if located[1] is None else located[1])
        if located is None and adopt and not tried:
            tried = True
            parameters = self.tape.parameters
            if parameters and all(type(p) is Value for p in parameters):
                located = (ParameterStore(parameters), slice(None))
        self._located = (ParameterStore.epoch(), located, tried)
        return located  # type: ignore[no-any-return]

    def _parameter_vector(self) -> Any:
        """The parameters' current data as one float64 array (a batch call's ``P``)."""
        import numpy as np  # noqa: PLC0415 - only batches need numpy

        located = self._stored_parameters()
        if located is None:
            parameters = self.tape.parameters
            return np.fromiter(map(_DATA, parameters), float, len(parameters))
        store, where = located
        return store.data[where]  # read, never written

    def _parameter_values(self) -> list[float]:
        """The parameters' current data as floats (a float call's ``params``)."""
        located = self._stored_parameters()
        if located is None:
            return [p.data for p in self.tape.parameters]
        store, where = located
        return store.data[where].tolist()  # type: ignore[no-any-return]

    def _run(
        self, inputs: Sequence[Any], backward: bool, wrt_inputs: bool = False
    ) -> tuple[Any, Any, Any, Any, int]:
        """Outputs, parameter and input gradients, guarded values, and the batch size."""
        if len(inputs) != self.n_inputs and not any(getattr(x, "ndim", 0) > 1 for x in inputs):
            raise TypeError(f"compile: expected {self.n_inputs} inputs, got {len(inputs)}")
        plain, matrix = plain_batch(inputs)  # float64 arrays of one length: checked already
        if not plain:
            check_inputs(inputs)
        count = plain or batch_size(inputs)  # different sample counts: refused before the trace
        widths = layout(inputs) if matrix or not plain else None  # 2-D arrays' column counts
        if widths is not None:
            check_count(inputs, widths, self.n_inputs)
        batch = bool(plain) or any(is_array(x) for x in inputs)
        if self._tape is None:
            self.trace(*sample_at(inputs, 0))
        if self.verify:
            self._verify(inputs, batch)
        if batch:
            self._layout = widths
        program = self._program("numpy" if batch else "float", wrt_inputs, widths)
        if not batch:
            params = self._parameter_values()
            result = self._run_floats(program, sample_at(inputs, 0), params, backward)
        else:
            result = self._run_numpy(program, inputs, backward, plain, count)
        return (*result, count)

    def _run_floats(
        self, program: Program, inputs: list[float], params: list[float], backward: bool
    ) -> Any:
        try:
            if backward:
                return program.function("forward_backward")(*inputs, params, 1.0)
            return program.function("forward")(*inputs, params)
        except (ArithmeticError, ValueError) as error:
            diagnose(self.tape, inputs, params, backward=backward, sample=None)
            raise error from None  # not found op by op (it cannot happen): as raised

    def _run_numpy(
        self, program: Program, inputs: Sequence[Any], backward: bool, plain: int, count: int
    ) -> Any:
        import numpy as np  # noqa: PLC0415 - only batches need numpy

        # A number input is every sample's: a full column, so every node that depends on
        # an input is an array over the batch (the fused layers stack them as columns).
        arrays = list(inputs) if plain else [
            np.asarray(x, dtype=float) if is_array(x) else np.full(count, float(x))
            for x in inputs
        ]  # fmt: skip
        flat = self._parameter_vector()
        name = "forward_backward" if backward else "forward"
        function = program.function(name)  # compiled first: it says if it reads `params`
        # numpy scalars, not floats: a node of parameters alone is computed once, and with
        # numpy's rules (2.0 / 0.0 is inf, found per sample below), not Python's (raises).
        params = list(flat) if program.reads_params.get(name, True) else None
        with np.errstate(all="ignore"):  # domain errors are found below, per sample
            if backward:
                result = function(*arrays, params, flat, count, np.ones(count))
            else:
                result = function(*arrays, params, flat, count)
        outputs, param_grads, input_grads, guarded = result
        # An output that reads no input is one number: still one value per sample.
        outputs = tuple(o if is_array(o) else np.full(count, float(o)) for o in outputs)
        per_sample = [*outputs, *guarded, *(g for g in input_grads if g is not None)]
        summed_finite = param_grads is None or bool(np.all(np.isfinite(param_grads)))
        if not summed_finite or not all(np.all(np.isfinite(v)) for v in per_sample):
            find_domain_errors(
                self.tape, columns(arrays), flat.tolist(), per_sample, count,
                backward=backward, summed_finite=summed_finite,
            )  # fmt: skip
        return outputs, param_grads, input_grads, guarded

    def _verify(self, inputs: Sequence[Any], batch: bool) -> None:
        expected = self.tape.structure()
        count = batch_size(inputs) if batch else 1
        for index in range(count):
            point = sample_at(inputs, index)
            traced = self._record(point)
            found = traced.structure()
            if found != expected or traced.branches != self.tape.branches:
                where = f" at sample {index}" if batch else ""
                change = (
                    first_change(expected, found)
                    if found != expected
                    else "a comparison of Values (<, <=, >, >=, bool) came out the other way"
                )
                raise TraceError(
                    f"compile: the function's graph changed with its inputs{where} "
                    f"(Python control flow on .data or on a comparison of Values?); it was "
                    f"traced at {[x.data for x in self.tape.inputs]}, called with {point}: "
                    f"{change}"
                )

    def __getstate__(self) -> dict[str, Any]:
        """A copy or pickle drops the generated programs (they hold modules): rewritten."""
        return {**self.__dict__, "_programs": {}, "_located": (-1, None, False)}

    def __repr__(self) -> str:
        state = "not traced" if self._tape is None else f"{len(self.tape.nodes)} nodes"
        return f"CompiledFunction({getattr(self.fn, '__name__', 'fn')}, {state})"


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
    call's numbers (its first sample). See the module docstring for what the trace freezes.

    A call passes numbers (one sample), or a batch: a 1-D array is one input's values over
    the samples, a 2-D array of shape ``(samples, k)`` supplies ``k`` consecutive inputs
    (its columns, in order), and a number is every sample's. ``f(X, Y)`` with ``X`` of
    shape ``(256, 784)`` and ``Y`` of shape ``(256, 10)`` calls a 794-input function; a
    fused layer reads its inputs as a slice of ``X``, not a copy. Gradients with respect
    to inputs stay one per scalar input (:meth:`CompiledFunction.grad`).

    Args:
        fn: the function; its positional arguments are the inputs.
        n_inputs: how many inputs ``fn`` takes (read from its signature by default).
        parameters: the leaves to read live and differentiate (default: every leaf
            marked ``parameter=True`` that the graph reaches).
        verify: re-trace at every call and raise :class:`TraceError` if the graph's
            structure changed (control flow on data); slow, for debugging.
        fuse: in batch replays, compute the dot nodes of a layer (dots sharing their
            inputs, with parameters as weights) as matrix products, and each log-softmax
            (with the softmax, logsumexp or cross-entropy around it) on one matrix; False
            writes one line per node (for checking the fused code against it).

    Example:
        >>> f = compile(lambda x, y: x * y + x)
        >>> f(2.0, 3.0)
        8.0
        >>> import numpy as np
        >>> f(np.array([1.0, 2.0]), np.array([3.0, 4.0])).tolist()
        [4.0, 10.0]
        >>> f.grad(2.0, 3.0, wrt_inputs=True).inputs
        [4.0, 2.0]
        >>> X = np.array([[1.0, 3.0], [2.0, 4.0]])  # 2 samples x 2 inputs: x, then y
        >>> f(X).tolist()
        [4.0, 10.0]
        >>> f(X[:, :1], 5.0).tolist()  # a 1-column matrix, then y = 5 for every sample
        [6.0, 12.0]
    """
    return CompiledFunction(fn, n_inputs, parameters=parameters, verify=verify, fuse=fuse)
