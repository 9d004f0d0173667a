"""Drawing a computation graph as DOT: one box per Value, one small node per operation.

A Value's box shows its label (if any), ``data`` and ``grad``, formatted with
:func:`format_number` (``{:.4g}``: four significant digits, so 20.0 shows as ``20`` and
0.000123456 as ``0.0001235``); its tooltip in SVG has the full values. Fill colours tell
the kinds apart: the output is green, parameters orange, other leaves (inputs, and
results of ``no_grad``) blue, intermediate values white, operations grey.

An operation node shows ``op.symbol`` with any number folded into the op (``* 2``,
``2 -``, ``LeakyReLU(·, 0.01)``). It has one incoming edge per operand slot, in slot order
(``a + a`` draws two arrows; with ``rankdir="LR"`` the first operand enters on top).

Graphs built in scopes (each ``nn`` Layer and Neuron) are drawn folded: ``depth=`` says
how many scope levels are drawn open, and each scope below that is one box (see
:mod:`viz.scopes`); by default the deepest depth that draws at most 100 boxes.

Node ids come from topological position: Value ``i`` of ``topological_order(root)`` is
``n{i}`` and its operation ``n{i}_op``; clusters are numbered by first appearance. Nothing
depends on ``id()`` or on the order of a set, so one expression always gives byte-identical
DOT text.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import deque
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import graphviz

from autograd import CompiledFunction, Scope, Value, local_partials, operands, topological_order
from viz.engines import MimeBundle, display_bundle, display_data, render_svg
from viz.files import pipe_digraph, render_digraph
from viz.scopes import BUDGET, ScopeInfo, ScopeTree
from viz.summary import graph_stats

RANKDIRS = ("LR", "TB", "RL", "BT")
"""Layout directions: "LR" draws inputs on the left, the output on the right."""

FONT = "Verdana"
# Graphviz's WebAssembly build has no font files: it sizes boxes from width tables it
# carries for common fonts, Verdana among them. Verdana is wide (DejaVu Sans, its usual
# substitute on Linux, has nearly the same widths), so text fits its box in both engines
# and in viewers that draw it with a narrower font.

COLOURS = {
    "output": "#b7e4c7",
    "parameter": "#ffd8a8",
    "input": "#cfe2ff",
    "value": "#ffffff",
    "op": "#ececec",
    "collapsed": "#e9ecef",
}
"""Fill colour by node kind (also the node's SVG ``class``)."""

HIGHLIGHT = "#d6336c"  # the node backward is processing (used by the stepper)
UPDATED = "#f08c00"  # the parents whose gradient that step changed

TIMES = "\N{MULTIPLICATION SIGN}"  # prefixes the count of a bundled edge

MAX_LABEL = 32
"""Labels longer than this are cut, with an ellipsis, to keep boxes small."""

EXPLORE_LIMIT = 20_000
"""The largest graph a summary suggests opening in :func:`viz.explore`."""

NEAR_OUTPUT = 8
"""How many Values a summary (a graph above ``max_nodes``) draws next to the output."""

_RECORD_SPECIAL = re.compile(r'([\\{}|<>"])')


def format_number(x: float) -> str:
    """The fixed format of values in drawings: ``{:.4g}``, with ``-0`` shown as ``0``.

    Example:
        >>> [format_number(x) for x in (20.0, 1.0, 0.000123456, -0.0, 123456.0, float("nan"))]
        ['20', '1', '0.0001235', '0', '1.235e+05', 'nan']
    """
    return "0" if x == 0.0 else f"{x:.4g}"


def format_constant(x: float) -> str:
    """How a number folded into an op is shown: ``{:.6g}``, precise enough for ``* 1.0001``.

    Example:
        >>> format_constant(1.0001), format_constant(0.5), format_constant(-0.0)
        ('1.0001', '0.5', '-0')
    """
    return f"{x:.6g}"


def _plain(text: str) -> str:
    """One line of at most MAX_LABEL characters (labels are free text: newlines, tabs...)."""
    text = " ".join(text.split())
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1].rstrip() + "…"


def _record_field(text: str) -> str:
    # Braces, bars and angle brackets structure a record label; escaped, they are text.
    return _RECORD_SPECIAL.sub(r"\\\1", _plain(text))


def _text(text: str) -> str:
    # A backslash would start an escape sequence (\n, \l) and <...> an HTML label.
    return graphviz.escape(text)


def op_text(node: Value) -> str:
    """The label of ``node``'s operation: its symbol, with numbers folded into the op.

    Example:
        >>> x = Value(3.0)
        >>> [op_text(v) for v in (x * x, x * 2, 2 - x, x.tanh(), x.leaky_relu(0.1))]
        ['*', '* 2', '2 -', 'tanh', 'LeakyReLU(·, 0.1)']
    """
    op = node.op
    if op is None:
        return ""
    slots = operands(node)
    if all(isinstance(slot, Value) for slot in slots):
        return op.symbol
    shown = ["" if isinstance(slot, Value) else format_constant(slot) for slot in slots]
    if op.notation == "infix":
        return f" {op.symbol} ".join(shown).strip()
    return f"{op.symbol}({', '.join(text or '·' for text in shown)})"


def node_kind(node: Value, root: Value) -> str:
    """The kind of ``node`` in a drawing of ``root``: its fill colour and SVG class.

    One of "output", "parameter", "input" (any other leaf) and "value" (computed).

    Example:
        >>> x, w = Value(1.0), Value(2.0, parameter=True)
        >>> y = x * w
        >>> [node_kind(v, y) for v in (x, w, y)]
        ['input', 'parameter', 'output']
    """
    if node is root:
        return "output"
    if node.is_parameter:
        return "parameter"
    return "input" if not node.parents else "value"


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
        >>> graph = draw(Value(2.0, "x") * 3)
        >>> graph.source.splitlines()[0]
        'digraph chainrule {'
        >>> "<svg" in graph.svg()
        True
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("format", "svg")
        super().__init__(*args, **kwargs)

    def pipe(self, *args: Any, **kwargs: Any) -> bytes | str:
        """``graphviz.Digraph.pipe``; without a system Graphviz, SVG and PNG still work."""
        return pipe_digraph(self, super().pipe, *args, **kwargs)

    def render(self, *args: Any, **kwargs: Any) -> str:
        """``graphviz.Digraph.render``; without a system Graphviz, SVG and PNG still work."""
        return render_digraph(self, super().render, *args, **kwargs)

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
        return display_bundle(self.source, ["image/svg+xml"]).get("image/svg+xml")


@dataclass
class _Cluster:
    scope: Scope
    number: int
    graph: graphviz.Digraph
    depth: int


@dataclass
class Highlight:
    """What one stepper frame marks: the node backward processes and the parents it updates.

    Attributes:
        node: the topological index of the node being processed.
        updated: the indices of the parents whose gradient this step changes.
    """

    node: int
    updated: frozenset[int] = field(default_factory=frozenset)


@dataclass
class _Drawing:
    """Everything ``build_graph`` needs while it emits one graph."""

    order: Sequence[Value]
    index: dict[Value, int]
    grad: Callable[[int], float]
    show_grad: bool
    edge_labels: str
    record: Callable[[list[str]], str]
    graph: Graph
    wanted: set[int]
    highlight: Highlight | None
    boxes: dict[int, ScopeInfo] = field(default_factory=dict)
    tree_position: Callable[[ScopeInfo], int] = len
    box_ids: dict[ScopeInfo, str] = field(default_factory=dict)
    clusters: dict[Scope, _Cluster] = field(default_factory=dict)
    edges: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)

    def container(self, scope: Scope | None) -> graphviz.Digraph:
        """The (sub)graph a node of ``scope`` is declared in, creating its clusters."""
        if scope is None:
            return self.graph
        chain: list[Scope] = []
        outer: Scope | None = scope
        while outer is not None and outer not in self.clusters:
            chain.append(outer)
            outer = outer.parent
        # Number outermost first, in order of first appearance: never id().
        for new in reversed(chain):
            number = len(self.clusters)
            depth = 0 if new.parent is None else self.clusters[new.parent].depth + 1
            cluster = graphviz.Digraph(
                name=f"cluster_{number}",
                graph_attr={
                    "label": _text(_plain(new.name)),
                    "style": "rounded,filled",
                    "color": "#868e96",
                    "fillcolor": "#f8f9fa" if depth % 2 == 0 else "#eef1f4",
                    "fontsize": "10",
                    "labeljust": "l",
                },
            )
            self.clusters[new] = _Cluster(new, number, cluster, depth)
        return self.clusters[scope].graph

    def finish(self) -> Graph:
        """Nest the clusters (innermost first: a subgraph is copied when added), add edges."""
        ranked = sorted(self.clusters.values(), key=lambda c: (-c.depth, c.number))
        for cluster in ranked:
            parent = cluster.scope.parent
            outer = self.graph if parent is None else self.clusters[parent].graph
            outer.subgraph(cluster.graph)
        for tail, head, attributes in self.edges:
            self.graph.edge(tail, head, **attributes)
        return self.graph


def _new_graph(rankdir: str) -> Graph:
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


def _edge_label(drawing: _Drawing, node: Value, slot: int, partials: tuple[float, ...]) -> str:
    if not partials:
        return "∂ undefined"
    partial = partials[slot]
    if drawing.edge_labels == "local":
        return f"∂={format_number(partial)}"
    return chain_text(partial, drawing.grad(drawing.index[node]))


def chain_text(partial: float, upstream: float) -> str:
    """One edge's chain rule as drawings show it: local partial, upstream grad, product.

    Example:
        >>> chain_text(4.0, 1.0), chain_text(-0.5, 0.25)
        ('∂=4 · g=1 → 4', '∂=-0.5 · g=0.25 → -0.125')
    """
    return (
        f"∂={format_number(partial)} · g={format_number(upstream)} "
        f"→ {format_number(upstream * partial)}"
    )


def _partials(node: Value) -> tuple[float, ...]:
    try:
        return local_partials(node)
    # A partial can be undefined (sqrt at 0): the drawing says so instead of failing.
    except (ArithmeticError, ValueError):
        return ()


def _value_node(drawing: _Drawing, i: int, kind: str) -> None:
    node = drawing.order[i]
    fields = [f"data {format_number(node.data)}"]
    if drawing.show_grad:
        fields.append(f"grad {format_number(drawing.grad(i))}")
    if node.label:
        fields.insert(0, node.label)
    name = node.label or f"n{i}"
    attributes = {
        "label": drawing.record(fields),
        "shape": "record",
        "style": "rounded,filled",
        "fillcolor": COLOURS[kind],
        "class": kind,
        "tooltip": _text(f"{_plain(name)}: data={node.data!r}, grad={drawing.grad(i)!r}"),
    }
    highlight = drawing.highlight
    if highlight is not None and i == highlight.node:
        attributes.update(color=HIGHLIGHT, penwidth="3")
    elif highlight is not None and i in highlight.updated:
        attributes.update(color=UPDATED, penwidth="3")
    drawing.container(node.scope).node(f"n{i}", **attributes)


def _op_node(drawing: _Drawing, i: int) -> None:
    node = drawing.order[i]
    attributes = {
        "label": _text(op_text(node)),
        "shape": "ellipse",
        "style": "filled",
        "fillcolor": COLOURS["op"],
        "class": "op",
        "margin": "0.05,0.02",
        "height": "0.3",
        "width": "0.4",
        "fontsize": "10",
        "ordering": "in",  # operand slots enter in order: x before y in x - y
    }
    if drawing.highlight is not None and i == drawing.highlight.node:
        attributes.update(color=HIGHLIGHT, penwidth="3")
    drawing.container(node.scope).node(f"n{i}_op", **attributes)
    drawing.edges.append((f"n{i}_op", f"n{i}", {}))


def _operand_edges(drawing: _Drawing, i: int) -> None:
    """One edge per operand slot into the op node of Value ``i``: ``a + a`` draws two."""
    node = drawing.order[i]
    labelled = drawing.edge_labels != "none"
    partials = _partials(node) if labelled else ()
    bundled: dict[str, int] = {}
    for slot, parent in enumerate(node.parents):
        p = drawing.index[parent]
        attributes: dict[str, str] = {}
        if drawing.highlight is not None and i == drawing.highlight.node:
            attributes.update(color=HIGHLIGHT, penwidth="2")
        if p in drawing.boxes and p in drawing.wanted:
            # Several operands from one folded box: one edge, counted below.
            tail = drawing.box_ids[drawing.boxes[p]]
            if tail not in bundled:
                bundled[tail] = len(drawing.edges)
                drawing.edges.append((tail, f"n{i}_op", attributes))
            else:
                _count_edge(drawing, bundled[tail])
            continue
        if labelled:
            attributes["label"] = _text(_edge_label(drawing, node, slot, partials))
        tail = "more" if p not in drawing.wanted else f"n{p}"
        drawing.edges.append((tail, f"n{i}_op", attributes))


def _count_edge(drawing: _Drawing, position: int) -> None:
    """Count one more Value-to-Value edge in the bundled edge at ``position``."""
    tail, head, attributes = drawing.edges[position]
    # A head label, not a label: in dot, one labelled edge doubles every rank (a label
    # is a node in a rank of its own), and hundreds of bundled edges would stack there.
    count = int(attributes.get("headlabel", TIMES + "1")[1:].replace(",", "")) + 1
    drawing.edges[position] = (tail, head, {**attributes, "headlabel": f"{TIMES}{count:,}"})


def build_graph(  # noqa: PLR0913 - the drawing options, all keywords
    order: Sequence[Value],
    *,
    rankdir: str = "LR",
    show_grad: bool = True,
    edge_labels: str = "none",
    collapse: Collection[str | Scope] = (),
    subset: Collection[int] | None = None,
    grads: Sequence[float] | None = None,
    highlight: Highlight | None = None,
    min_width: float = 0.0,
    depth: int | None = None,
    legend: bool = False,
    tree: ScopeTree | None = None,
) -> Graph:
    """Draw the Values of ``order`` (a topological order ending with the output).

    The building block of :func:`draw` and of the stepper; most code wants :func:`draw`.

    Args:
        order: ``topological_order(root)``.
        rankdir: one of :data:`RANKDIRS`.
        show_grad: show each Value's gradient.
        edge_labels: "none", "local" (the local partial) or "chain" (the local partial,
            the upstream gradient and their product).
        collapse: scope names or :class:`~autograd.Scope` objects drawn as one box each.
        subset: draw only these indices; parents outside it come from one "more" node.
        grads: gradients to show instead of each Value's ``.grad`` (by index).
        highlight: a node and parents to mark (the stepper's current step).
        min_width: the least width of a Value's box, in inches (keeps a layout still).
        depth: fold every scope this many levels down into one box (None: fold nothing
            but ``collapse``).
        legend: add a box saying what the colours and the edge labels mean.
        tree: the :class:`~viz.scopes.ScopeTree` of ``order``, if already built.

    Returns:
        The drawing.

    Example:
        >>> from autograd import Value, topological_order
        >>> x = Value(2.0, "x")
        >>> print(build_graph(topological_order(x * x)).source.count("->"))
        3
    """
    stacked = rankdir in ("LR", "RL")  # a record's top-level fields stack in LR, not in TB

    def record(fields: list[str]) -> str:
        text = " | ".join(_record_field(f) for f in fields)
        return text if stacked else f"{{{text}}}"

    drawn = range(len(order)) if subset is None else sorted(subset)
    drawing = _Drawing(
        order=order,
        index={node: i for i, node in enumerate(order)},
        grad=(lambda i: order[i].grad) if grads is None else grads.__getitem__,
        show_grad=show_grad,
        edge_labels=edge_labels,
        record=record,
        graph=_new_graph(rankdir),
        wanted=set(drawn),
        highlight=highlight,
    )
    if min_width:
        drawing.graph.node_attr["width"] = f"{min_width:.2f}"
    if collapse or depth is not None:
        tree = tree or ScopeTree(order)
        level = tree.height if depth is None else depth
        drawing.boxes = tree.boxes(level, collapse, drawing.wanted)
        drawing.tree_position = tree.position
        folded = set(drawing.boxes.values())
        for info in tree.scopes:  # clusters in creation order, not in topological order
            if not folded.intersection(tree.ancestry(info)) and not drawing.wanted.isdisjoint(
                info.members
            ):
                drawing.container(info.scope)
        _collapsed_nodes(drawing)
        if drawing.boxes:
            # Keep the order of declaration (creation order) within each rank: dot's
            # crossing minimisation would rotate a layer's neurons to save a few crossings.
            drawing.graph.graph_attr["mclimit"] = "0.01"
            # Room between the ranks for the fan of edges from one layer to the next.
            drawing.graph.graph_attr["ranksep"] = "0.8"
    root = order[-1]
    kinds: set[str] = set()  # what the legend keys: only the kinds this drawing shows
    for i in drawn:
        if i in drawing.boxes:
            continue
        node = order[i]
        kind = node_kind(node, root)
        kinds.add(kind)
        _value_node(drawing, i, kind)
        if node.op is not None:
            _op_node(drawing, i)
            _operand_edges(drawing, i)
    _box_edges(drawing)
    if any(tail == "more" for tail, _, _ in drawing.edges):
        hidden = len(order) - len(drawing.wanted)
        drawing.graph.node(
            "more",
            label=f"… {hidden:,} more node{'s' if hidden != 1 else ''}",
            shape="plaintext",
            fontsize="10",
            **{"class": "more"},
        )
    if legend:
        _legend(drawing, kinds)
    return drawing.finish()


def _box_label(drawing: _Drawing, box: ScopeInfo, indices: list[int]) -> str:
    lines = box_lines(box, drawing.order, drawing.grad, drawing.show_grad, len(indices))
    return "\\n".join(_text(line) for line in lines)


def box_lines(
    box: ScopeInfo,
    order: Sequence[Value],
    grad: Callable[[int], float],
    show_grad: bool = True,
    count: int | None = None,
) -> list[str]:
    """What a folded scope shows: its name, its size and the numbers that matter there.

    For a scope with one output (a Neuron) its data and grad, else its number of outputs
    (a Layer); with parameters, the norm of their gradients.

    Args:
        box: the scope.
        order: the topological order its indices refer to.
        grad: the gradient of Value ``i``.
        show_grad: show gradients.
        count: the number of Values drawn in the box (all its members by default).
    """
    count = len(box.members) if count is None else count
    parameters = len(box.parameters)
    size = f"{count:,} value{'s' if count != 1 else ''}"
    if parameters:
        size += f", {parameters:,} param{'s' if parameters != 1 else ''}"
    lines = [f"{_plain(box.name)} ({size})"]
    outputs = box.outputs
    if len(outputs) == 1:
        out = outputs[0]
        text = f"out: data {format_number(order[out].data)}"
        if show_grad:
            text += f" · grad {format_number(grad(out))}"
        lines.append(text)
    elif outputs:
        lines.append(f"{len(outputs):,} outputs")
    if parameters and show_grad:
        norm = math.sqrt(math.fsum(grad(i) ** 2 for i in box.parameters))
        lines.append(f"param grad norm {format_number(norm)}")
    return lines


def _collapsed_nodes(drawing: _Drawing) -> None:
    """Declare one node per folded scope, named after its first Value's index."""
    members: dict[ScopeInfo, list[int]] = {}
    for i in sorted(drawing.boxes):
        members.setdefault(drawing.boxes[i], []).append(i)
    last = len(drawing.order) - 1
    # Declared in creation order: Graphviz keeps the order of declaration within a rank.
    for box in sorted(members, key=drawing.tree_position):
        indices = members[box]
        name = f"n{indices[0]}_box"
        drawing.box_ids[box] = name
        outer = None if box.parent is None else box.parent.scope
        drawing.container(outer).node(
            name,
            label=_box_label(drawing, box, indices),
            shape="box3d",
            style="filled",
            fillcolor=COLOURS["output" if last in indices else "collapsed"],
            tooltip=_text(f"{box.path}: draw with a larger depth= to open it"),
            **{"class": "collapsed"},
        )


def _box_edges(drawing: _Drawing) -> None:
    """Edges into folded boxes: one per (source, box) pair, labelled with how many it stands for."""
    position: dict[tuple[str, str], int] = {}
    for i in sorted(drawing.boxes):
        box = drawing.boxes[i]
        head = drawing.box_ids[box]
        for parent in drawing.order[i].parents:
            p = drawing.index[parent]
            if p not in drawing.wanted:
                tail = "more"
            elif p in drawing.boxes:
                if drawing.boxes[p] is box:
                    continue
                tail = drawing.box_ids[drawing.boxes[p]]
            else:
                tail = f"n{p}"
            if (tail, head) in position:
                _count_edge(drawing, position[tail, head])
            else:
                position[tail, head] = len(drawing.edges)
                drawing.edges.append((tail, head, {}))


LEGEND_ROWS = (
    ("input", "input (a leaf)"),
    ("parameter", "parameter"),
    ("output", "output"),
    ("value", "computed value"),
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
        >>> legend_entries(build_graph([Value(2.0, "x")], legend=True))
        ['output']
    """
    return re.findall(r"^\s*legend_(\w+) \[", graph.source, re.MULTILINE)


def _legend_rows(drawing: _Drawing, kinds: set[str]) -> list[tuple[str, str]]:
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
        rows.append(("edge", "\\n".join(_text(line) for line in ["edge label:", *lines])))
    return rows


def _legend(drawing: _Drawing, kinds: set[str]) -> None:
    """A key to the colours and edge labels this drawing uses: a small block of sample nodes.

    Plain nodes, not an HTML table: Graphviz's WebAssembly build cannot lay out HTML labels.
    Up to three ranks (the kinds of Values, the other marks, the edge label), each one rank
    of the drawing: a block up to three columns wide in an "LR" layout, three rows in "TB".
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
    groups: list[list[str]] = [[], [], []]
    for kind, text in _legend_rows(drawing, kinds):
        attributes = {"label": text if kind == "edge" else _text(text), **small}
        if kind == "edge":
            attributes.update(shape="plaintext")
        elif kind == "op":
            attributes.update(shape="ellipse", style="filled", fillcolor=COLOURS["op"])
        elif kind == "collapsed":
            attributes.update(shape="box3d", style="filled", fillcolor=COLOURS["collapsed"])
        elif kind in ("current", "updated"):
            colour = HIGHLIGHT if kind == "current" else UPDATED
            attributes.update(shape="box", style="rounded", color=colour, penwidth="3")
        else:
            attributes.update(shape="box", style="rounded,filled", fillcolor=COLOURS[kind])
        groups[2 if kind == "edge" else int(kind in _MARKS)].append(f"legend_{kind}")
        legend.node(f"legend_{kind}", **attributes)
    groups = [group for group in groups if group]
    stacked = drawing.graph.graph_attr.get("rankdir") in ("LR", "RL")
    for group in groups:
        with legend.subgraph() as same:
            same.attr(rank="same")
            for name in group:
                same.node(name)
            # Flat edges keep a group in reading order in both Graphviz builds; dot's "LR"
            # turns its left-to-right order into bottom-to-top, so there they point the
            # other way.
            ordered = group[::-1] if stacked else group
            for tail, head in itertools.pairwise(ordered):
                same.edge(tail, head, style="invis")
    # Invisible edges put the groups in consecutive ranks.
    for before, after in itertools.pairwise(groups):
        legend.edge(before[0], after[0], style="invis")
    drawing.graph.subgraph(legend)
    # dot's last, global crossing pass would reorder the drawing's scopes around the legend's
    # block (Neuron 1 above Neuron 0); the first passes already keep their order.
    drawing.graph.graph_attr["remincross"] = "false"


def _check_options(rankdir: str, max_nodes: int) -> None:
    if rankdir not in RANKDIRS:
        raise ValueError(f"draw: rankdir must be one of {RANKDIRS}, got {rankdir!r}")
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"draw: max_nodes must be a positive int, got {max_nodes!r}")


def _check_root(root: object, name: str) -> Value:
    if isinstance(root, CompiledFunction):  # a compiled graph is drawn as its trace
        root = root.output
    if not isinstance(root, Value):
        raise TypeError(f"{name}: expected a Value, got {type(root).__name__}: {root!r:.60}")
    return root


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


def _draw_summary(  # noqa: PLR0913 - the drawing options, passed on
    root: Value,
    *,
    tree: ScopeTree,
    rankdir: str,
    show_grad: bool,
    show_partials: bool,
    max_nodes: int,
    shown: int,
) -> Graph:
    near = _near_output(root, tree.index, min(NEAR_OUTPUT, max_nodes))
    graph = build_graph(
        tree.order,
        rankdir=rankdir,
        show_grad=show_grad,
        edge_labels="chain" if show_partials else "none",
        subset=near,
    )
    lines = _summary_lines(root, tree, max_nodes, shown)
    # The summary is the graph's own label: a label never overlaps the drawing's edges.
    graph.attr(
        label=_text("\n".join(lines)).replace("\n", "\\l") + "\\l",
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
    return _text("\n".join(lines)).replace("\n", "\\l") + "\\l"


def _check_depth(depth: object, name: str) -> None:
    if depth is not None and (isinstance(depth, bool) or not isinstance(depth, int) or depth < 0):
        raise ValueError(f"{name}: depth must be None or an int >= 0, got {depth!r}")


def draw(  # noqa: PLR0913 - drawing options, all keywords with defaults
    root: Value,
    *,
    rankdir: str = "LR",
    show_grad: bool = True,
    show_partials: bool = False,
    max_nodes: int = 500,
    collapse: Iterable[str | Scope] = (),
    depth: int | None = None,
    legend: bool = False,
) -> Graph:
    """Draw the computation graph that produced ``root``.

    Graphs built inside scopes (an ``nn`` model: one scope per Layer, one per Neuron) are
    drawn folded: at ``depth=0`` each outermost scope is one box, at ``depth=1`` the scopes
    one level inside are, and so on. A folded box shows the scope's name, its numbers of
    values and parameters, its output's data and grad (or its number of outputs) and the
    norm of its parameters' gradients; edges between boxes are bundled, labelled with a
    count when one stands for several.

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

    Returns:
        A :class:`Graph` (a ``graphviz.Digraph``): ``.source`` is the DOT text.

    Raises:
        TypeError: ``root`` is not a Value.
        ValueError: an unknown ``rankdir``, a ``max_nodes`` below 1 or a negative depth.

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
    """
    root = _check_root(root, "draw")
    _check_options(rankdir, max_nodes)
    _check_depth(depth, "draw")
    wanted = frozenset(collapse) if not isinstance(collapse, str) else frozenset((collapse,))
    tree = ScopeTree(topological_order(root))
    budget = min(BUDGET, max_nodes)
    level = min(tree.default_depth(budget) if depth is None else depth, tree.height)
    boxes = tree.boxes(level, wanted)
    shown = len(tree.order) - len(boxes) + len(set(boxes.values()))
    if shown > max_nodes:
        return _draw_summary(
            root,
            tree=tree,
            rankdir=rankdir,
            show_grad=show_grad,
            show_partials=show_partials,
            max_nodes=max_nodes,
            shown=shown,
        )
    graph = build_graph(
        tree.order,
        rankdir=rankdir,
        show_grad=show_grad,
        edge_labels="chain" if show_partials else "none",
        collapse=wanted,
        depth=level,
        legend=legend,
        tree=tree,
    )
    if boxes and level < tree.height:
        graph.attr(label=_caption(tree, level, boxes), labelloc="b", labeljust="l", fontsize="10")
    return graph


draw_dot = draw
"""An alias of :func:`draw` (the name micrograd's notebooks use)."""


def to_dot(  # noqa: PLR0913 - the options of draw, all keywords
    root: Value,
    *,
    rankdir: str = "LR",
    show_grad: bool = True,
    show_partials: bool = False,
    max_nodes: int = 500,
    collapse: Iterable[str | Scope] = (),
    depth: int | None = None,
    legend: bool = False,
) -> str:
    """The DOT text of :func:`draw` (same arguments).

    Example:
        >>> from autograd import Value
        >>> text = to_dot(Value(2.0, "x") * 3)
        >>> [line.strip()[:25] for line in text.splitlines() if "->" in line]
        ['n1_op -> n1', 'n0 -> n1_op']
        >>> text == to_dot(Value(2.0, "x") * 3)
        True
    """
    return draw(
        root,
        rankdir=rankdir,
        show_grad=show_grad,
        show_partials=show_partials,
        max_nodes=max_nodes,
        collapse=collapse,
        depth=depth,
        legend=legend,
    ).source
