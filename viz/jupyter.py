"""Jupyter display of Values: the graph of a cell's last expression, as a picture.

``autograd`` must not import ``viz`` (the engine needs only the standard library), so a
``Value`` gets its picture in one of two ways, both ending in :func:`value_svg` and
:func:`value_html`:

- importing ``viz`` inside IPython registers them with IPython's SVG and HTML formatters
  (:func:`register_ipython`);
- ``Value._repr_svg_`` / ``Value._repr_html_`` methods that import this module when called.

``repr(value)`` stays the short text. The SVG and HTML formatters are off in terminal
IPython, so a terminal never pays for a drawing it cannot show.
"""

from __future__ import annotations

import sys
from typing import Any

from autograd import Value
from viz.dot import draw
from viz.engines import RenderError, fallback_html, render_svg, which_engine

MAX_NODES = 500
"""A Value's display draws up to this many nodes, and a summary above."""


def value_svg(value: Value) -> str | None:
    """The graph of ``value`` as SVG, or None if no engine can draw it. Never raises.

    Above :data:`MAX_NODES` nodes it is the summary drawing.

    Example:
        >>> from autograd import Value
        >>> "data 6" in value_svg(Value(2.0, "x") * 3)
        True
    """
    try:
        return render_svg(draw(value, max_nodes=MAX_NODES).source)
    # Display must not raise: a notebook would print a traceback where the value goes.
    # Returning None lets IPython show the next format (value_html, then repr).
    except Exception:
        return None


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
    formatters["text/html"].for_type(Value, value_html)
    return True
