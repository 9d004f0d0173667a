"""Building the DOT of a graph: one box per Value, one small node per operation, clusters.

A Value's box shows its label (if any), ``data`` and ``grad``, formatted as
:mod:`viz.labels` says; its tooltip in SVG has the full values. Fill colours tell the
kinds apart (see :mod:`viz.legend`): the output is green, parameters orange, other leaves
(inputs, and results of ``no_grad``) blue, intermediate values white, operations grey.

An operation node shows :func:`viz.labels.op_text`: the op's symbol, with any number
folded into the op (``· * 2``, ``2 - ·``, ``LeakyReLU(·, 0.01)``). It has one incoming
edge per operand slot, in slot order (``a + a`` draws two arrows; with ``rankdir="LR"``
the first operand enters on top).

Scopes drawn open are clusters, nested as the scopes are; scopes folded (``depth=``,
``collapse=``, see :mod:`viz.scopes`) are one box each, with edges bundled between boxes.

Node ids come from topological position: Value ``i`` of ``topological_order(root)`` is
``n{i}`` and its operation ``n{i}_op``; clusters are numbered by first appearance. Nothing
depends on ``id()`` or on the order of a set, so one expression always gives byte-identical
DOT text.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field

import graphviz

from autograd import Scope, Value, local_partials
from viz.graph import Graph, dot_text, new_graph, record_text
from viz.labels import (
    box_lines,
    chain_text,
    format_constant,
    format_number,
    node_kind,
    one_line,
    op_text,
    visible,
)
from viz.legend import COLOURS, CONSTANT_STYLE, HIGHLIGHT, TIMES, UPDATED, add_legend
from viz.scopes import ScopeInfo, ScopeTree


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
                    "label": dot_text(one_line(new.name)),
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


def _edge_label(drawing: _Drawing, node: Value, slot: int, partials: tuple[float, ...]) -> str:
    if not partials:
        return "∂ undefined"
    partial = partials[slot]
    if drawing.edge_labels == "local":
        return f"∂={format_number(partial)}"
    return chain_text(partial, drawing.grad(drawing.index[node]))


def _partials(node: Value) -> tuple[float, ...]:
    try:
        return local_partials(node)
    # A partial can be undefined (sqrt at 0): the drawing says so instead of failing.
    except (ArithmeticError, ValueError):
        return ()


def _value_node(drawing: _Drawing, i: int, kind: str) -> None:
    node = drawing.order[i]
    if kind == "constant":  # its number, as an op folds one: no gradient, no input colour
        drawing.container(node.scope).node(
            f"n{i}",
            label=dot_text(format_constant(node.data)),
            **CONSTANT_STYLE,
            fontsize="10",
            height="0.3",
            width="0.3",
            margin="0.05,0.02",
            tooltip=dot_text(f"the constant {node.data!r}"),
            **{"class": kind},
        )
        return
    fields = [f"data {format_number(node.data)}"]
    if drawing.show_grad:
        fields.append(f"grad {format_number(drawing.grad(i))}")
    label = one_line(node.label)  # a label of only spaces draws as no label
    name = label or f"n{i}"
    if label or drawing.highlight is not None:  # a stepper frame: its captions name them all
        fields.insert(0, name)
    attributes = {
        "label": drawing.record(fields),
        "shape": "record",
        "style": "rounded,filled",
        "fillcolor": COLOURS[kind],
        "class": kind,
        "tooltip": dot_text(f"{name}: data={node.data!r}, grad={drawing.grad(i)!r}"),
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
        "label": dot_text(op_text(node)),
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
        if labelled and not parent.is_constant:  # nothing flows into a constant
            attributes["label"] = dot_text(_edge_label(drawing, node, slot, partials))
        tail = "more" if p not in drawing.wanted else f"n{p}"
        drawing.edges.append((tail, f"n{i}_op", attributes))


def _count_edge(drawing: _Drawing, position: int) -> None:
    """Count one more Value-to-Value edge in the bundled edge at ``position``."""
    tail, head, attributes = drawing.edges[position]
    # A head label, not a label: in dot, one labelled edge doubles every rank (a label
    # is a node in a rank of its own), and hundreds of bundled edges would stack there.
    count = int(attributes.get("headlabel", TIMES + "1")[1:].replace(",", "")) + 1
    label = f"{TIMES}{count:,}"
    # Graphviz puts a head label 10 points from the head, 25 degrees off the edge: on the
    # arrowhead. Farther and wider, farther for a longer count (it is as wide as long).
    room = {"labeldistance": f"{1.5 + 0.3 * len(label):g}", "labelangle": "-35"}
    drawing.edges[position] = (tail, head, {**attributes, "headlabel": label, **room})


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
        rankdir: one of :data:`viz.options.RANKDIRS`.
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
        text = " | ".join(record_text(one_line(f)) for f in fields)
        return text if stacked else f"{{{text}}}"

    drawn = range(len(order)) if subset is None else sorted(subset)
    drawing = _Drawing(
        order=order,
        index={node: i for i, node in enumerate(order)},
        grad=(lambda i: order[i].grad) if grads is None else grads.__getitem__,
        show_grad=show_grad,
        edge_labels=edge_labels,
        record=record,
        graph=new_graph(rankdir),
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
    if drawing.clusters or drawing.boxes:
        # Keep the order of declaration (creation order, see viz.ranks) within each rank:
        # dot's crossing minimisation would rotate a layer's neurons to save a few crossings.
        drawing.graph.graph_attr["mclimit"] = "0.01"
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
        add_legend(drawing, kinds)
    return drawing.finish()


def _box_label(drawing: _Drawing, box: ScopeInfo, indices: list[int]) -> str:
    lines = box_lines(box, drawing.order, drawing.grad, drawing.show_grad, len(indices))
    return "\\n".join(dot_text(line) for line in lines)


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
            tooltip=dot_text(f"{visible(box.path)}: draw with a larger depth= to open it"),
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
