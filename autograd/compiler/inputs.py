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
    """Sample ``index`` of a call's inputs as floats (a number input is every sample's)."""
    return [float(x[index]) if is_array(x) else float(x) for x in inputs]


def check_inputs(inputs: Sequence[Any], where: str = "compile") -> None:
    """Each input must be a real number or a non-empty 1-D array of real numbers.

    Checked before anything is traced or converted: ``float('1.5')`` and
    ``numpy.asarray(['1.5'], dtype=float)`` would accept text, and complex numbers would
    lose their imaginary part. Integers and ``numpy.longdouble`` beyond the float range
    are refused too (they would become inf, or raise ``OverflowError`` deep inside).
    """
    for index, x in enumerate(inputs):
        if is_array(x):
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


def plain_batch(inputs: Sequence[Any]) -> int:
    """The batch size if every input is a 1-D float64 numpy array of one length, else 0.

    The common call (a model's feature columns), recognised in one cheap pass: such inputs
    need neither :func:`check_inputs` nor a conversion. Anything else returns 0, and the
    general path checks (and refuses, or converts) it.
    """
    np = sys.modules.get("numpy")
    if np is None:  # numpy never imported: no input can be an array
        return 0
    ndarray, float64 = np.ndarray, np.dtype(float)
    size = 0
    for x in inputs:
        if type(x) is not ndarray or x.dtype is not float64 or x.ndim != 1:
            return 0
        if x.shape[0] != size:
            if size:
                return 0
            size = x.shape[0]
    return size


def batch_size(inputs: Sequence[Any]) -> int:
    """The common length of the array inputs; 0 for a call on numbers only."""
    sizes = {len(x) for x in inputs if is_array(x)}
    if len(sizes) > 1:
        raise ValueError(f"compile: batch inputs have different lengths {sorted(sizes)}")
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
