"""Drawing the graph of a Value: :func:`draw` (a :class:`~viz.graph.Graph`) and :func:`to_dot`.

:func:`draw` picks what to show (every Value, the scopes folded to a depth, or a summary
when the graph is too large), then :func:`viz.build.build_graph` writes the DOT. The
rooms of a drawing:

- :mod:`viz.options`: the options (``rankdir=``, ``show_grad=``, ...) as one checked object;
- :mod:`viz.labels`: every text of a drawing (numbers, op labels, chain rules, boxes);
- :mod:`viz.build`: the DOT of boxes, operations, edges and clusters;
- :mod:`viz.legend`: the colours and the key to them;
- :mod:`viz.graph`: the Graphviz object (:class:`~viz.graph.Graph`) and DOT escaping;
- :mod:`viz.engines` renders DOT to SVG/PNG/PDF, :mod:`viz.display` shows it in notebooks.

The names this module held before it was split (``format_number``, ``build_graph``,
``COLOURS``, ...) are still importable from it.
"""

from __future__ import annotations

from collections import deque

import graphviz

from autograd import Value, topological_order
from viz.build import Highlight, build_graph
from viz.graph import FONT, Graph, dot_text
from viz.labels import (
    MAX_LABEL,
    box_lines,
    chain_text,
    check_texts,
    format_constant,
    format_number,
    node_kind,
    op_text,
)
from viz.legend import COLOURS, HIGHLIGHT, LEGEND_ROWS, TIMES, UPDATED, legend_entries
from viz.options import RANKDIRS, DrawOptions, check_root, takes_options
from viz.scopes import BUDGET, ScopeInfo, ScopeTree
from viz.summary import graph_stats

__all__ = [
    "COLOURS",
    "EXPLORE_LIMIT",
    "FONT",
    "HIGHLIGHT",
    "LEGEND_ROWS",
    "MAX_LABEL",
    "NEAR_OUTPUT",
    "RANKDIRS",
    "TIMES",
    "UPDATED",
    "Graph",
    "Highlight",
    "box_lines",
    "build_graph",
    "chain_text",
    "draw",
    "draw_dot",
    "format_constant",
    "format_number",
    "legend_entries",
    "node_kind",
    "op_text",
    "to_dot",
]

EXPLORE_LIMIT = 20_000
"""The largest graph a summary suggests opening in :func:`viz.explore`."""

NEAR_OUTPUT = 8
"""How many Values a summary (a graph above ``max_nodes``) draws next to the output."""


def _build(order: list[Value], options: DrawOptions, **extra: object) -> Graph:
    """:func:`build_graph` with ``options``: ``show_partials`` labels edges with the chain rule."""
    return build_graph(
        order,
        rankdir=options.rankdir,
        show_grad=options.show_grad,
        edge_labels="chain" if options.show_partials else "none",
        **extra,  # type: ignore[arg-type]
    )


def _near_output(root: Value, index: dict[Value, int], count: int) -> set[int]:
    """The ``count`` Values closest to the output, breadth first over the parents."""
    seen = {root}
    queue = deque([root])
    while queue and len(seen) < count:
        for parent in queue.popleft().parents:
            if parent not in seen and len(seen) < count:
                seen.add(parent)
                queue.append(parent)
    return {index[node] for node in seen}


def _summary_lines(root: Value, tree: ScopeTree, max_nodes: int, shown: int) -> list[str]:
    stats = graph_stats(root, tree.order)
    shown_ops = ", ".join(f"{name}: {count:,}" for name, count in stats.op_counts[:8])
    if len(stats.op_counts) > 8:
        shown_ops += f", and {len(stats.op_counts) - 8} more ops"
    lines = [
        f"Too large to draw: {stats.nodes:,} values (max_nodes={max_nodes:,})",
        f"depth: {stats.depth:,} operations from the inputs to the output",
        f"leaves: {stats.leaves:,}, parameters: {stats.parameters:,}",
        f"operations: {shown_ops or 'none'}",
        f"output: data {format_number(root.data)}, grad {format_number(root.grad)}",
        f"showing the {min(NEAR_OUTPUT, max_nodes)} values nearest the output.",
    ]
    # Suggest views that fit, not a max_nodes that draws thousands of unreadable boxes.
    # The explorer is suggested only where its page stays small (about 130 bytes a value).
    browse = stats.nodes <= EXPLORE_LIMIT
    if tree.height:
        lines.append(f"Folding every outermost scope still leaves {shown:,} boxes: name")
        lines.append(
            "more scopes in collapse=[...]"
            + (", or browse it with viz.explore(root)." if browse else ".")
        )
    else:
        lines.append("To see more: draw a Value nearer the inputs, or build the graph in")
        end = ";" if browse else "."
        lines.append(f"`with scope(name):` blocks and fold them with depth= or collapse={end}")
        if browse:
            lines.append("viz.explore(root) browses it in a page.")
    return lines


def _draw_summary(root: Value, tree: ScopeTree, options: DrawOptions, shown: int) -> Graph:
    near = _near_output(root, tree.index, min(NEAR_OUTPUT, options.max_nodes))
    graph = _build(tree.order, options, subset=near)
    lines = _summary_lines(root, tree, options.max_nodes, shown)
    # The summary is the graph's own label: a label never overlaps the drawing's edges.
    graph.attr(
        label=dot_text("\n".join(lines)).replace("\n", "\\l") + "\\l",
        labelloc="t",
        labeljust="l",
        fontsize="10",
    )
    return graph


def _caption(tree: ScopeTree, level: int, boxes: dict[int, ScopeInfo]) -> str:
    """Say what a folded drawing hides and how to see it."""
    folded = len(set(boxes.values()))
    more = f"depth={level + 1} opens the next level" if level < tree.height else "depth= opens"
    lines = [
        f"depth {level} of {tree.height}: {folded:,} boxes fold {len(boxes):,} of "
        f"{len(tree.order):,} values.",
        f"To see more: {more}, collapse=[names] folds chosen scopes,",
        "viz.explore(root) opens boxes with a click.",
    ]
    return dot_text("\n".join(lines)).replace("\n", "\\l") + "\\l"


def graph_of(root: object, options: DrawOptions, function: str) -> Graph:
    """The drawing of ``root`` with ``options``: what :func:`draw` returns.

    For the functions that draw (``to_dot``, ``to_svg``, ``save``), named in errors as
    ``function``.
    """
    root = check_root(root, function)
    order = topological_order(root)
    check_texts(function, order)
    tree = ScopeTree(order)
    unknown = tree.unmatched(options.collapse)
    if unknown:  # a typo would otherwise fold nothing, silently
        raise ValueError(
            f"{function}: collapse names no scope of this graph: {unknown!r} "
            f"(scopes: {tree.names_preview()})"
        )
    budget = min(BUDGET, options.max_nodes)
    depth = options.depth
    level = min(tree.default_depth(budget) if depth is None else depth, tree.height)
    boxes = tree.boxes(level, options.collapse)
    shown = len(tree.order) - len(boxes) + len(set(boxes.values()))
    if shown > options.max_nodes:
        return _draw_summary(root, tree, options, shown)
    graph = _build(
        tree.order,
        options,
        collapse=options.collapse,
        depth=level,
        legend=options.legend,
        tree=tree,
    )
    if boxes and level < tree.height:
        graph.attr(label=_caption(tree, level, boxes), labelloc="b", labeljust="l", fontsize="10")
    return graph


@takes_options
def draw(root: Value, options: DrawOptions, *, format: str = "svg") -> Graph:
    """Draw the computation graph that produced ``root``.

    Graphs built inside scopes (an ``nn`` model: one scope per Layer, one per Neuron) are
    drawn folded: at ``depth=0`` each outermost scope is one box, at ``depth=1`` the scopes
    one level inside are, and so on. A folded box shows the scope's name, its numbers of
    values and parameters, its output's data and grad (or its number of outputs) and the
    norm of its parameters' gradients; edges between boxes are bundled, labelled with a
    count when one stands for several.

    Labels and scope names draw as written, on one line (whitespace folded) and cut to
    :data:`~viz.labels.MAX_LABEL` characters; a control character shows as its symbol
    (NUL as ␀).

    Args:
        root: the output Value; every Value that reaches it is drawn.
        rankdir: "LR" (inputs left, output right), "TB", "RL" or "BT".
        show_grad: show each Value's ``.grad`` (run ``backward()`` first).
        show_partials: label each edge with the chain rule: ``∂=4 · g=1 → 4`` is the local
            partial d node / d parent, the node's gradient (upstream) and their product,
            the contribution added to the parent's gradient.
        max_nodes: above this many boxes, draw a summary (counts, depth, ops, the output
            and the few Values nearest it) instead of the whole graph.
        collapse: scope names (or :class:`~autograd.Scope` objects) drawn as one box per
            ``with scope(...)`` block, whatever the depth.
        depth: how many scope levels to draw open. None picks the deepest that draws at
            most :data:`viz.scopes.BUDGET` boxes; a depth beyond the graph's scopes draws
            every Value. Unfolded scopes are drawn as labelled clusters.
        legend: add a key to the colours and the edge labels.
        format: the Graph's output format (``.format``): what ``.render()`` writes and
            ``.pipe()`` returns, as micrograd's ``draw_dot(root, format="png")`` sets it.
            Without a system Graphviz, "svg" and "png" work.
        options: (not a keyword) the options above, checked, as one
            :class:`~viz.options.DrawOptions`.

    Returns:
        A :class:`Graph` (a ``graphviz.Digraph``): ``.source`` is the DOT text.

    Raises:
        TypeError: ``root`` is not a Value, a label or scope name is not a str, an option
            of the wrong type (``show_grad="yes"``) or an unknown keyword.
        ValueError: an unknown ``rankdir`` or ``format``, a ``max_nodes`` below 1 or a
            negative depth.

    Example:
        >>> from autograd import Value
        >>> x, y, w = Value(2.0, "x"), Value(3.0, "y"), Value(4.0, "w")
        >>> z = (x + y) * w
        >>> z.backward()
        >>> graph = draw(z)
        >>> 'n0 [label="x | data 2 | grad 4"' in graph.source
        True
        >>> [line.strip() for line in graph.source.splitlines() if "->" in line]
        ['n2_op -> n2', 'n0 -> n2_op', 'n1 -> n2_op', 'n4_op -> n4', 'n2 -> n4_op', 'n3 -> n4_op']
        >>> draw_dot(z, format="png", rankdir="LR").pipe()[1:4]  # micrograd's call
        b'PNG'
    """
    if not isinstance(format, str) or format.lower() not in graphviz.FORMATS:
        raise ValueError(
            f"draw: format must be one of Graphviz's output formats (svg, png, pdf, ...), "
            f"got {format!r:.60}"
        )
    graph = graph_of(root, options, "draw")
    graph.format = format.lower()
    return graph


draw_dot = draw
"""An alias of :func:`draw` (the name micrograd's notebooks use)."""


@takes_options
def to_dot(root: Value, options: DrawOptions) -> str:
    """The DOT text of :func:`draw` (same arguments).

    Example:
        >>> from autograd import Value
        >>> text = to_dot(Value(2.0, "x") * 3)
        >>> [line.strip()[:25] for line in text.splitlines() if "->" in line]
        ['n1_op -> n1', 'n0 -> n1_op']
        >>> text == to_dot(Value(2.0, "x") * 3)
        True
    """
    return graph_of(root, options, "to_dot").source
