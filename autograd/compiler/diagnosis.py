"""Errors of a compiled replay, explained as the engine would explain them.

Generated code raises a bare ``ValueError`` (floats) or makes NaN (numpy): the samples
concerned are replayed op by op with the engine's kernels, which name the op and its
inputs. A changed trace (``verify=True``) is described node by node.
"""

from __future__ import annotations

import math
from typing import Any

from autograd.compiler.inputs import sample_at
from autograd.compiler.tape import Tape


def diagnose(
    tape: Tape, inputs: list[float], params: list[float], *, backward: bool, sample: int | None
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
    """One node of a :meth:`Tape.structure`, in words: "sub(2.0, #0)", "constant 3.0"."""
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


def first_change(expected: tuple[Any, ...], found: tuple[Any, ...]) -> str:
    """Where two structures first differ, in words, for :class:`TraceError`."""
    for index, (old, new) in enumerate(zip(expected[0], found[0])):  # noqa: B905
        if old != new:
            if old[0] == new[0] == "parameter":
                return f"node #{index} is another parameter Value than at the trace"
            return f"node #{index} was {_shown(old)}, now {_shown(new)}"
    if len(expected[0]) != len(found[0]):
        return f"{len(expected[0])} nodes were traced, now {len(found[0])}"
    return "the outputs changed"


def find_domain_errors(  # noqa: PLR0913 - the replay's state, passed as it is
    tape: Tape,
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
    non-finite value are replayed op by op by the engine's kernels (:func:`diagnose`),
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
        point = sample_at(arrays, int(sample))
        if tuple(point) not in seen:
            seen.add(tuple(point))
            diagnose(tape, point, params, backward=backward, sample=int(sample))
