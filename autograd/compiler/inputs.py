"""The inputs of a compiled call: checked, counted, split into samples; gradients shaped."""

from __future__ import annotations

import inspect
import math
import numbers
import sys
from collections.abc import Callable, Sequence
from typing import Any


def is_array(x: Any) -> bool:
    """True for a numpy array of one or more dimensions (a batch input)."""
    return hasattr(x, "shape") and getattr(x, "ndim", 0) >= 1


def input_count(fn: Callable[..., Any]) -> int:
    """How many positional inputs ``fn`` takes (those without a default)."""
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        raise TypeError("compile: cannot read the function's arguments; pass n_inputs=") from None
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    params = signature.parameters.values()
    if any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in params):
        raise TypeError("compile: the function takes *args; pass n_inputs=")
    return sum(1 for p in params if p.kind in kinds and p.default is inspect.Parameter.empty)


def sample_at(inputs: Sequence[Any], index: int) -> list[float]:
    """Sample ``index`` of a call's inputs as floats, one per scalar input.

    A number input is every sample's; a 2-D array supplies its row's values, in order.
    """
    point: list[float] = []
    for x in inputs:
        if not is_array(x):
            point.append(float(x))
        elif x.ndim == 2:
            point.extend(float(v) for v in x[index])
        else:
            point.append(float(x[index]))
    return point


def layout(inputs: Sequence[Any]) -> tuple[int | None, ...] | None:
    """Each argument's width: ``k`` for a 2-D array of ``k`` columns, None for one input.

    None when no argument is a 2-D array: then argument ``i`` is input ``i``.
    """
    if not any(getattr(x, "ndim", 0) == 2 for x in inputs):
        return None
    return tuple(x.shape[1] if getattr(x, "ndim", 0) == 2 else None for x in inputs)


def columns(inputs: Sequence[Any]) -> list[Any]:
    """One entry per scalar input: a 2-D argument's columns (views), others as they are."""
    found: list[Any] = []
    for x in inputs:
        found.extend(x.T if getattr(x, "ndim", 0) == 2 else (x,))
    return found


def check_count(inputs: Sequence[Any], widths: tuple[int | None, ...] | None, n: int) -> None:
    """The arguments must supply ``n`` inputs (a 2-D array one per column)."""
    if widths is None:
        if len(inputs) != n:
            raise TypeError(f"compile: expected {n} inputs, got {len(inputs)}")
        return
    given = sum(1 if w is None else w for w in widths)
    if given != n:
        (i, first, w), *others = [
            (i, x, w) for i, (x, w) in enumerate(zip(inputs, widths, strict=True)) if w is not None
        ]
        also = "".join(f"; input {j} of shape {x.shape} as {v}" for j, x, v in others)
        raise ValueError(  # the arguments' shapes do not add up (their number may be right)
            f"compile: input {i} is an array of shape {first.shape}: it counts as {w} inputs "
            f"(one per column){also}; the call passes {given} inputs, the function takes {n}"
        )


def check_inputs(inputs: Sequence[Any], where: str = "compile") -> None:
    """Each input must be a real number or a non-empty 1-D or 2-D array of real numbers.

    A 1-D array holds one value per sample; a 2-D array ``(samples, k)`` supplies ``k``
    consecutive inputs, its columns. Checked before anything is traced or converted:
    ``float('1.5')`` and ``numpy.asarray(['1.5'], dtype=float)`` would accept text, and
    complex numbers would lose their imaginary part. Integers and ``numpy.longdouble``
    beyond the float range are refused too (they would become inf, or raise
    ``OverflowError`` deep inside). Errors name the argument (``input i``: the call's
    ``i``-th, whatever it supplies) and an array's shape.
    """
    for index, x in enumerate(inputs):
        if is_array(x):
            if x.ndim > 2 or 0 in x.shape:
                raise ValueError(
                    f"{where}: input {index} must be a number, a non-empty 1-D array (one "
                    f"value per sample) or a 2-D array (samples, inputs) with at least one "
                    f"row and one column, got an array of shape {x.shape}"
                )
            kind = getattr(getattr(x, "dtype", None), "kind", None)
            if kind not in ("f", "i", "u"):
                raise TypeError(
                    f"{where}: input {index} must be an array of real numbers (float or "
                    f"int), got dtype {getattr(x, 'dtype', type(x).__name__)} "
                    f"of shape {x.shape}"
                )
            if kind == "f" and x.dtype.itemsize > 8:  # longdouble
                import numpy as np  # noqa: PLC0415 - an array is numpy's already

                with np.errstate(over="ignore"):  # the overflow is what is checked
                    narrowed = x.astype(float)
                if np.any(np.isfinite(x) & ~np.isfinite(narrowed)):
                    raise ValueError(
                        f"{where}: input {index} (shape {x.shape}) holds numbers too large "
                        f"for a float"
                    )
        elif isinstance(x, bool) or not isinstance(x, numbers.Real):
            raise TypeError(
                f"{where}: input {index} must be a number or a 1-D numpy array (or a 2-D "
                f"one, samples x inputs), got {type(x).__name__}: {x!r:.40}"
            )
        else:
            try:
                number = float(x)
            except OverflowError:
                number = math.inf
            # x itself infinite (float or numpy inf) is fine; a huge int or longdouble not.
            if math.isinf(number) and abs(x) != math.inf:
                raise ValueError(f"{where}: input {index} is too large for a float: {x!r:.40}")


def plain_batch(inputs: Sequence[Any]) -> tuple[int, bool]:
    """The batch size if every input is a float64 numpy array of one length, else 0.

    The common call (a model's feature columns, or its feature matrix), recognised in one
    cheap pass: such inputs need neither :func:`check_inputs` nor a conversion. Also
    whether a 2-D array (with at least one column) is among them. Anything else returns
    ``(0, False)``, and the general path checks (and refuses, or converts) it.
    """
    np = sys.modules.get("numpy")
    if np is None:  # numpy never imported: no input can be an array
        return 0, False
    ndarray, float64 = np.ndarray, np.dtype(float)
    size = 0
    matrix = False
    for x in inputs:
        if type(x) is not ndarray or x.dtype is not float64:
            return 0, False
        if x.ndim != 1:
            if x.ndim != 2 or not x.shape[1]:
                return 0, False
            matrix = True
        if x.shape[0] != size:
            if size:
                return 0, False
            size = x.shape[0]
    return size, matrix and size > 0


def batch_size(inputs: Sequence[Any]) -> int:
    """The common number of samples (rows) of the array inputs; 0 for numbers only."""
    sizes = {len(x) for x in inputs if is_array(x)}
    if len(sizes) > 1:
        first: dict[int, str] = {}  # one argument per distinct count, not all 784 of them
        for i, x in enumerate(inputs):
            if is_array(x):
                first.setdefault(len(x), f"input {i} has shape {x.shape}")
        raise ValueError(
            f"compile: batch inputs have different lengths {sorted(sizes)} (samples): "
            f"{', '.join(first.values())}"
        )
    return sizes.pop() if sizes else 0


def total(gradient: Any, count: int) -> float:
    """A parameter gradient as one float (summed over a batch; 0.0 where none flowed)."""
    if gradient is None:
        return 0.0
    if count:
        return float(gradient.sum())
    return float(gradient)


def flat_gradients(flat: Any, size: int, mean: bool, count: int) -> Any:
    """A batch program's parameter gradients (summed; averaged if ``mean``) as an array."""
    import numpy as np  # noqa: PLC0415

    if flat is None:
        return np.zeros(size)
    return flat / count if mean else flat


def zeros_like(gradient: Any, count: int) -> Any:
    """The gradient of an input that reaches no output: zeros, one per sample."""
    if count:
        import numpy as np  # noqa: PLC0415

        return np.zeros(count)
    return 0.0
