"""The colours of a drawing and its legend: the key to what each colour and edge label means.

``draw(..., legend=True)`` adds a small block of sample nodes keying only what that
drawing uses (its kinds of Values, operations, folded boxes, the stepper's marks, the
edge labels).
"""

from __future__ import annotations

import itertools
import re
from typing import TYPE_CHECKING

import graphviz

from viz.graph import Graph, dot_text

if TYPE_CHECKING:  # the drawing being built (viz.build imports this module)
    from viz.build import _Drawing

COLOURS = {
    "output": "#b7e4c7",
    "parameter": "#ffd8a8",
    "input": "#cfe2ff",
    "value": "#ffffff",
    "constant": "#ffffff",
    "op": "#ececec",
    "collapsed": "#e9ecef",
}
"""Fill colour by node kind (also the node's SVG ``class``)."""

CONSTANT_STYLE = {"shape": "box", "style": "dashed", "color": "#868e96", "fontcolor": "#495057"}
"""A constant's box: dashed and unfilled, its number only (no gradient: it is no input)."""

HIGHLIGHT = "#d6336c"  # the node backward is processing (used by the stepper)
UPDATED = "#f08c00"  # the parents whose gradient that step changed

TIMES = "\N{MULTIPLICATION SIGN}"  # prefixes the count of a bundled edge

LEGEND_ROWS = (
    ("input", "input (a leaf)"),
    ("parameter", "parameter"),
    ("output", "output"),
    ("value", "computed value"),
    ("constant", "constant (a number in an op)"),
    ("op", "operation"),
    ("collapsed", "folded scope (depth=, collapse=)"),
    ("current", "current step"),
    ("updated", "gradient just updated"),
)
"""The legend's possible entries: a node kind (its colour) and what it means."""

_MARKS = ("op", "collapsed", "current", "updated")  # entries in the legend's second group


def legend_entries(graph: Graph) -> list[str]:
    """The kinds (first words of :data:`LEGEND_ROWS`) a drawing's legend keys, in order.

    Example:
        >>> from autograd import Value
        >>> from viz.build import build_graph
        >>> legend_entries(build_graph([Value(2.0, "x")], legend=True))
        ['output']
    """
    return re.findall(r"^\s*legend_(\w+) \[", graph.source, re.MULTILINE)


def legend_rows(drawing: _Drawing, kinds: set[str]) -> list[tuple[str, str]]:
    """The rows of :data:`LEGEND_ROWS` that this drawing uses, with the edge key if any."""
    used = set(kinds)
    last = len(drawing.order) - 1
    if any(i not in drawing.boxes and drawing.order[i].op is not None for i in drawing.wanted):
        used.add("op")
    for box in drawing.box_ids:  # a folded box holding the output is coloured as the output
        used.add("output" if drawing.boxes.get(last) is box else "collapsed")
    if drawing.highlight is not None:
        # Every frame of the stepper keys both marks, so that no frame moves the layout.
        used.add("current")
        if "op" in used:
            used.add("updated")
    rows = [(kind, text) for kind, text in LEGEND_ROWS if kind in used]
    lines = []
    if any("label" in attributes for _, _, attributes in drawing.edges):
        if drawing.edge_labels == "local":
            lines = ["∂=local partial"]
        else:
            lines = ["∂=local partial ·", "g=upstream gradient", "→ contribution"]
    if any("headlabel" in attributes for _, _, attributes in drawing.edges):
        lines.append(f"{TIMES}n: n edges drawn as one")
    if lines:
        rows.append(("edge", "\\n".join(dot_text(line) for line in ["edge label:", *lines])))
    return rows


def add_legend(drawing: _Drawing, kinds: set[str]) -> None:
    """A key to the colours and edge labels this drawing uses: a small block of sample nodes.

    Plain nodes, not an HTML table: Graphviz's WebAssembly build cannot lay out HTML labels.
    One column: the kinds of Values, then the other marks, then the edge label.
    """
    legend = graphviz.Digraph(
        name="cluster_legend",
        graph_attr={
            "label": "legend",
            "style": "rounded",
            "color": "#adb5bd",
            "fontsize": "9",
            "labeljust": "l",
        },
    )
    small = {"fontsize": "9", "height": "0.25", "margin": "0.06,0.02", "class": "legend"}
    groups: list[list[str]] = [[], [], []]  # reading order: Values, marks, edge label
    for kind, text in legend_rows(drawing, kinds):
        attributes = {"label": text if kind == "edge" else dot_text(text), **small}
        if kind == "edge":
            attributes.update(shape="plaintext")
        elif kind == "op":
            attributes.update(shape="ellipse", style="filled", fillcolor=COLOURS["op"])
        elif kind == "collapsed":
            attributes.update(shape="box3d", style="filled", fillcolor=COLOURS["collapsed"])
        elif kind == "constant":
            attributes.update(CONSTANT_STYLE)
        elif kind in ("current", "updated"):
            colour = HIGHLIGHT if kind == "current" else UPDATED
            attributes.update(shape="box", style="rounded", color=colour, penwidth="3")
        else:
            attributes.update(shape="box", style="rounded,filled", fillcolor=COLOURS[kind])
        groups[2 if kind == "edge" else int(kind in _MARKS)].append(f"legend_{kind}")
        legend.node(f"legend_{kind}", **attributes)
    names = [name for group in groups for name in group]
    # One column, read top to bottom: one rank in "LR" (dot stacks a rank's nodes in the
    # order they are declared, packed), consecutive ranks in "TB". Spread over ranks in "LR"
    # it took their widths, set by the drawing's own nodes: wide gaps, and a block wider
    # than a small graph.
    direction = drawing.graph.graph_attr.get("rankdir", "TB")
    if direction in ("LR", "RL"):
        with legend.subgraph() as same:
            same.attr(rank="same")
            for name in names:
                same.node(name)
            # Flat edges keep the order in both Graphviz builds (the WebAssembly one stacks
            # bare nodes bottom up); dot's "LR" turns left-to-right into bottom-to-top.
            # minlen 0: in a drawing with edge labels a flat edge would keep a label's room.
            for tail, head in itertools.pairwise(names[::-1]):
                same.edge(tail, head, style="invis", minlen="0")
    else:  # "BT" draws its ranks bottom up
        chain = names[::-1] if direction == "BT" else names
        for tail, head in itertools.pairwise(chain):
            legend.edge(tail, head, style="invis")
    body = drawing.graph.body
    before = len(body)
    drawing.graph.subgraph(legend)
    # Declared first, the block goes under the drawing's first rank (dot orders a rank by
    # declaration, and "LR" draws that order top down... after the nodes it went on top,
    # and pushed a stepper's graph below a short notebook output's fold).
    body[:] = body[before:] + body[:before]
    # dot's last, global crossing pass would reorder the drawing's scopes around the legend's
    # block (Neuron 1 above Neuron 0); the first passes already keep their order.
    drawing.graph.graph_attr["remincross"] = "false"
