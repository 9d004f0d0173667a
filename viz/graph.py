"""The Graphviz object a drawing is: :class:`Graph`, and how text is written into DOT.

:class:`Graph` is a ``graphviz.Digraph`` (``.source``, ``.render()``, ``.pipe()``) that
also works without a system Graphviz and shows itself in Jupyter. :func:`dot_text` and
:func:`record_text` put user text into DOT so that it draws as written.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable
from typing import Any

import graphviz

from viz.display import SVG_BUDGET, MimeBundle, display_bundle, display_data
from viz.engines import in_creation_order, render_svg
from viz.files import pipe_digraph, render_digraph, save_digraph

FONT = "Verdana"
# Graphviz's WebAssembly build has no font files: it sizes boxes from width tables it
# carries for common fonts, Verdana among them. Verdana is wide (DejaVu Sans, its usual
# substitute on Linux, has nearly the same widths), so text fits its box in both engines
# and in viewers that draw it with a narrower font.

_RECORD_SPECIAL = re.compile(r'([\\{}|<>"])')


def dot_text(text: str) -> str:
    r"""``text`` as a DOT label or tooltip that Graphviz draws as written.

    A backslash would start an escape sequence (``\n``, ``\l``), ``<...>`` an HTML label,
    and ``&`` an entity (Graphviz draws ``&lt;`` as ``<``): all three are escaped.
    Control characters are :func:`viz.labels.visible`'s job, before this.

    Example:
        >>> print(dot_text(r"a\n &lt; b"))
        a\\n &amp;lt; b
    """
    return graphviz.escape(text.replace("&", "&amp;"))


def record_text(text: str) -> str:
    r"""``text`` as one field of a record label: braces, bars, angle brackets escaped too.

    Example:
        >>> print(record_text("{a|b} & <c>"))
        \{a\|b\} &amp; \<c\>
    """
    return _RECORD_SPECIAL.sub(r"\\\1", text.replace("&", "&amp;"))


class Graph(graphviz.Digraph):
    """A ``graphviz.Digraph`` that shows itself in Jupyter even without a system Graphviz.

    Everything of ``graphviz.Digraph`` works (``.source``, ``.render()``, ``.pipe()``).
    Its format is SVG unless given (as micrograd's ``draw_dot``). Without a system
    Graphviz, ``.pipe()`` and ``.render()`` still write SVG and PNG (see
    :mod:`viz.files`), and Jupyter display and :meth:`svg` fall back on the WebAssembly
    Graphviz; display never raises: without any engine it shows the DOT text and how
    to install one.

    Example:
        >>> from autograd import Value
        >>> from viz import draw
        >>> graph = draw(Value(2.0, "x") * 3)
        >>> graph.source.splitlines()[0]
        'digraph chainrule {'
        >>> "<svg" in graph.svg()
        True
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("format", "svg")
        super().__init__(*args, **kwargs)

    def __repr__(self) -> str:
        # Not graphviz's default (a memory address): one drawing prints the same every run.
        edges = sum("->" in line for line in self.body)
        return f"<viz.Graph {self.name!r}: {edges:,} edges, format {self.format!r}>"

    def pipe(self, *args: Any, **kwargs: Any) -> bytes | str:
        """``graphviz.Digraph.pipe``; without a system Graphviz, SVG and PNG still work."""
        return pipe_digraph(self, self._for_system().pipe, *args, **kwargs)

    def render(self, *args: Any, **kwargs: Any) -> str:
        """``graphviz.Digraph.render``, atomic; without a system Graphviz, SVG and PNG work."""
        return render_digraph(self, self._for_system().pipe, *args, **kwargs)

    def save(self, *args: Any, **kwargs: Any) -> str:
        """``graphviz.Digraph.save`` (the DOT source), written atomically."""
        return save_digraph(self, *args, **kwargs)

    def _for_system(self) -> graphviz.Digraph | graphviz.Source:
        """What the system Graphviz lays out: this graph, in the order its version needs."""
        if shutil.which(self.engine) is None:  # the pip-installed engines read .source
            return super()
        text = in_creation_order(self.source, "system") if self.engine == "dot" else self.source
        if text == self.source:
            return super()
        return graphviz.Source(
            text,
            filename=self.filename,
            directory=self.directory,
            format=self.format,
            engine=self.engine,
            encoding=self.encoding,
            renderer=self.renderer,
            formatter=self.formatter,
        )

    def svg(self, engine: str = "auto") -> str:
        """This graph as SVG text (see :func:`viz.render_svg`)."""
        return render_svg(self.source, engine)

    def _repr_mimebundle_(
        self,
        include: Iterable[str] | None = None,
        exclude: Iterable[str] | None = None,
        **_: object,
    ) -> MimeBundle:
        # SVG, and PNG shown as wide (metadata) for front ends that drop SVG.
        return display_data(self.source, include, exclude)

    def _repr_svg_(self) -> str | None:
        svg = display_bundle(self.source, ["image/svg+xml"]).get("image/svg+xml")
        # As _repr_mimebundle_ (which IPython merges with this): a whole network is shown
        # as its PNG only, so that a notebook stays small enough to share.
        if svg is not None and len(svg) > SVG_BUDGET:
            return None if display_bundle(self.source, ["image/png"]) else svg
        return svg


def new_graph(rankdir: str) -> Graph:
    """An empty drawing: the fonts, sizes and spacing every chainrule drawing shares."""
    return Graph(
        name="chainrule",
        graph_attr={
            "rankdir": rankdir,
            "fontname": FONT,
            "nodesep": "0.25",
            "ranksep": "0.35",
        },
        node_attr={"fontname": FONT, "fontsize": "11", "penwidth": "1"},
        edge_attr={"fontname": FONT, "fontsize": "9", "color": "#495057", "arrowsize": "0.7"},
    )
