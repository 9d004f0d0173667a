"""Jupyter display of Values: the graph of a cell's last expression, as a picture.

A Value displays as SVG and, beside it, PNG: JupyterLab drops SVG from the outputs of an
untrusted notebook (one executed elsewhere and shared) and shows the PNG instead.

``autograd`` must not import ``viz`` (the engine needs only the standard library), so a
``Value`` gets its picture in one of two ways:

- importing ``viz`` inside IPython registers :func:`value_svg`, :func:`value_png` and
  :func:`value_html` with its SVG, PNG and HTML formatters (:func:`register_ipython`);
  the SVG is rendered once for both. Not the mime-bundle formatter: it would run even
  where IPython turned the picture formats off (a terminal);
- ``Value._repr_svg_`` / ``Value._repr_html_`` methods import this module when called.
  On a Value's first display without ``viz`` imported, the HTML formatter's call does
  that import, which registers the printers above, in time for the SVG and PNG
  formatters of that same display.

``repr(value)`` stays the short text. The picture formatters are off in terminal IPython,
so a terminal never pays for a drawing it cannot show.
"""

from __future__ import annotations

import functools
import sys
from typing import Any

from autograd import Value
from viz.display import SVG_BUDGET, MimeBundle, display_data, fallback_html, png_display
from viz.dot import draw
from viz.engines import RenderError, render_svg, which_engine

MAX_NODES = 500
"""A Value's display draws up to this many nodes, and a summary above."""


def value_svg(value: Value) -> str | None:
    """The graph of ``value`` as SVG, or None if no engine can draw it. Never raises.

    Above :data:`MAX_NODES` nodes it is the summary drawing. None too for an SVG over
    :data:`viz.display.SVG_BUDGET` characters that has a PNG: the PNG is shown instead.

    Example:
        >>> from autograd import Value
        >>> "data 6" in value_svg(Value(2.0, "x") * 3)
        True
    """
    try:
        svg = _svg(draw(value, max_nodes=MAX_NODES).source)
        # As display_data: a whole network shows as its PNG only (value_png), so that a
        # notebook stays small enough to share.
        if len(svg) > SVG_BUDGET and value_png(value) is not None:
            return None
        return svg
    # Display must not raise: a notebook would print a traceback where the value goes.
    # Returning None lets IPython show the next format (value_html, then repr).
    except Exception:
        return None


def _svg(dot_source: str) -> str:
    # The engine is part of the key: a picture is not reused once its engine is gone.
    return _svg_by(dot_source, which_engine("svg"))


@functools.lru_cache(maxsize=4)
def _svg_by(dot_source: str, engine: str | None) -> str:
    # The SVG and PNG formatters of one display draw the same DOT text: render it once.
    return render_svg(dot_source)


def value_png(value: Value) -> tuple[str, dict[str, int | bool]] | None:
    """The graph of ``value`` as PNG (base64) and its display width, or None. Never raises.

    Example:
        >>> from autograd import Value
        >>> data, metadata = value_png(Value(2.0, "x") * 3)
        >>> data[:8], sorted(metadata)
        ('iVBORw0K', ['unconfined', 'width'])
    """
    try:
        return png_display(_svg(draw(value, max_nodes=MAX_NODES).source))
    # Display must not raise (see value_svg).
    except Exception:
        return None


def value_bundle(value: Value) -> MimeBundle:
    """The graph of ``value`` as SVG and PNG, with the PNG's width. Never raises.

    For ``display(..., raw=True)`` or a front end of your own. ``({}, {})`` when no
    engine can draw it.

    Example:
        >>> from autograd import Value
        >>> data, metadata = value_bundle(Value(2.0, "x") * 3)
        >>> sorted(data), sorted(metadata["image/png"])
        (['image/png', 'image/svg+xml'], ['unconfined', 'width'])
    """
    try:
        data, metadata = display_data(draw(value, max_nodes=MAX_NODES).source)
    except Exception:
        return {}, {}
    if "text/html" in data:  # no engine: value_html says so, through the HTML formatter
        return {}, {}
    return data, metadata


def value_html(value: Value) -> str | None:
    """What a notebook shows when there is no engine: the DOT text and how to install one.

    None when an engine is available (then :func:`value_svg` draws the picture, and a
    front end would prefer HTML over SVG if both were given). Never raises.

    Example:
        >>> from autograd import Value
        >>> value_html(Value(2.0) * 3) is None  # an engine is installed here
        True
    """
    if which_engine("svg") is not None:
        return None
    try:
        source = draw(value, max_nodes=MAX_NODES).source
        render_svg(source)
    except RenderError as error:
        return fallback_html(error.dot_source, str(error))
    # Display must not raise (see value_svg): say what went wrong instead.
    except Exception as error:
        return fallback_html("", f"{type(error).__name__}: {error}")
    return None


def register_ipython() -> bool:
    """Make IPython display every ``Value`` as its graph, if IPython is running.

    Called when ``viz`` is imported. IPython is not a dependency: if it is not loaded,
    or not running a shell, this does nothing and returns False.

    Example:
        >>> register_ipython()  # not inside IPython here
        False
    """
    ipython = sys.modules.get("IPython")
    get_ipython = getattr(ipython, "get_ipython", None)
    shell: Any = get_ipython() if get_ipython is not None else None
    if shell is None:
        return False
    formatters = shell.display_formatter.formatters
    formatters["image/svg+xml"].for_type(Value, value_svg)
    formatters["image/png"].for_type(Value, value_png)
    formatters["text/html"].for_type(Value, value_html)
    return True
