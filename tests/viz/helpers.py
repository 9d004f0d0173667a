"""Shared by the viz tests: the seed graph, a skip marker for the system Graphviz, text width."""

import functools
import shutil
from typing import Any

import pytest

from autograd import Value
from chainrule.examples import seed_example

seed_graph = seed_example  # SEED-NOTES' worked example after backward: z = (x + y) * w

needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None, reason="no system Graphviz (apt-get install graphviz)"
)

ENGINES = ["system", "wasi"]


def engine_param(engine: str):
    """A parametrisation value for an engine, skipped if it is the missing system one."""
    marks = [needs_dot] if engine == "system" else []
    return pytest.param(engine, marks=marks, id=engine)


@functools.cache
def _text_to_path() -> tuple[Any, Any]:
    from matplotlib.font_manager import FontProperties  # noqa: PLC0415
    from matplotlib.textpath import TextToPath  # noqa: PLC0415

    return TextToPath(), FontProperties(family="DejaVu Sans", size=10)


def text_width(text: str, font_size: float) -> float:
    """The width of ``text`` in DejaVu Sans (Linux's usual stand-in for Verdana), in points."""
    to_path, font = _text_to_path()
    width, _, _ = to_path.get_text_width_height_descent(text, font, ismath=False)
    return width * font_size / font.get_size_in_points()


def chain(steps: int) -> Value:
    """README's workload A: y = y * 1.0001 + 0.0001, two nodes per step."""
    y = Value(1.0, "x")
    for _ in range(steps):
        y = y * 1.0001 + 0.0001
    return y
