"""Drawing computation graphs built with ``autograd``: pictures, files, a backward stepper.

Example:
    >>> from autograd import Value
    >>> import viz
    >>> x, y, w = Value(2.0, "x"), Value(3.0, "y"), Value(4.0, "w")
    >>> z = (x + y) * w
    >>> z.backward()
    >>> svg = viz.to_svg(z)  # the system Graphviz if installed, else its WebAssembly build
    >>> [f"grad {g}" in svg for g in (4, 5, 1)]
    [True, True, True]
    >>> [frame.node for frame in viz.backward_steps(z).frames]
    [4, 4, 2]

Inside IPython or Jupyter, importing ``viz`` makes every ``Value`` display as its graph.
"""

from viz.dot import Graph, draw, draw_dot, format_number, to_dot
from viz.engines import RenderError, render, render_svg, which_engine
from viz.explorer import Explorer, explore
from viz.jupyter import register_ipython, value_bundle, value_html, value_png, value_svg
from viz.output import save, to_svg, write_atomic
from viz.playground import Playground, playground
from viz.stepper import BackwardSteps, Frame, backward_steps

__all__ = [
    "BackwardSteps",
    "Explorer",
    "Frame",
    "Graph",
    "Playground",
    "RenderError",
    "backward_steps",
    "draw",
    "draw_dot",
    "explore",
    "format_number",
    "playground",
    "register_ipython",
    "render",
    "render_svg",
    "save",
    "to_dot",
    "to_svg",
    "value_bundle",
    "value_html",
    "value_png",
    "value_svg",
    "which_engine",
    "write_atomic",
]

register_ipython()
