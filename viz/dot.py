"""Drawing a computation graph as DOT: one box per Value, one small node per operation.

A Value's box shows its label (if any), ``data`` and ``grad``, formatted with
:func:`format_number` (``{:.4g}``: four significant digits, so 20.0 shows as ``20`` and
0.000123456 as ``0.0001235``); its tooltip in SVG has the full values. Fill colours tell
the kinds apart: the output is green, parameters orange, other leaves (inputs, and
results of ``no_grad``) blue, intermediate values white, operations grey.

An operation node shows ``op.symbol`` with any number folded into the op (``* 2``,
``2 -``, ``LeakyReLU(·, 0.01)``). It has one incoming edge per operand slot, in slot order
(``a + a`` draws two arrows; with ``rankdir="LR"`` the first operand enters on top).

Node ids come from topological position: Value ``i`` of ``topological_order(root)`` is
``n{i}`` and its operation ``n{i}_op``; clusters are numbered by first appearance. Nothing
depends on ``id()`` or on the order of a set, so one expression always gives byte-identical
DOT text.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field

import graphviz

from autograd import CompiledFunction, Scope, Value, local_partials, operands, topological_order
from viz.engines import display_bundle, render_svg
from viz.summary import count_nodes, graph_stats

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

MAX_LABEL = 32
"""Labels longer than this are cut, with an ellipsis, to keep boxes small."""

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

    Everything of ``graphviz.Digraph`` works (``.source``, ``.render()``, ``.pipe()``,
    which need the system ``dot``). Jupyter display and :meth:`svg` fall back on the
    WebAssembly Graphviz, and display never raises: without any engine it shows the DOT
    text and how to install one.

    Example:
        >>> from autograd import Value
        >>> graph = draw(Value(2.0, "x") * 3)
        >>> graph.source.splitlines()[0]
        'digraph chainrule {'
        >>> "<svg" in graph.svg()
        True
    """

    def svg(self, engine: str = "auto") -> str:
        """This graph as SVG text (see :func:`viz.render_svg`)."""
        return render_svg(self.source, engine)

    def _repr_mimebundle_(
        self,
        include: Iterable[str] | None = None,
        exclude: Iterable[str] | None = None,
        **_: object,
    ) -> dict[str, str]:
        return display_bundle(self.source, include, exclude)

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
    boxes: dict[int, Scope] = field(default_factory=dict)
    box_ids: dict[Scope, str] = field(default_factory=dict)
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


def _matches(scope: Scope, collapse: Collection[str | Scope]) -> bool:
    return scope in collapse or scope.name in collapse


def _outermost_collapsed(node: Value, collapse: Collection[str | Scope]) -> Scope | None:
    found = None
    scope = node.scope
    while scope is not None:
        if _matches(scope, collapse):
            found = scope
        scope = scope.parent
    return found


def _edge_label(drawing: _Drawing, node: Value, slot: int, partials: tuple[float, ...]) -> str:
    if not partials:
        return "∂ undefined"
    partial = partials[slot]
    if drawing.edge_labels == "local":
        return f"∂={format_number(partial)}"
    upstream = drawing.grad(drawing.index[node])
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
    for slot, parent in enumerate(node.parents):
        p = drawing.index[parent]
        attributes: dict[str, str] = {}
        if labelled:
            attributes["label"] = _text(_edge_label(drawing, node, slot, partials))
        if drawing.highlight is not None and i == drawing.highlight.node:
            attributes.update(color=HIGHLIGHT, penwidth="2")
        if p not in drawing.wanted:
            tail = "more"
        elif p in drawing.boxes:
            tail = drawing.box_ids[drawing.boxes[p]]
        else:
            tail = f"n{p}"
        drawing.edges.append((tail, f"n{i}_op", attributes))


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
    if collapse:
        for i in drawn:
            box = _outermost_collapsed(order[i], collapse)
            if box is not None:
                drawing.boxes[i] = box
        _collapsed_nodes(drawing)
    root = order[-1]
    for i in drawn:
        if i in drawing.boxes:
            continue
        node = order[i]
        _value_node(drawing, i, node_kind(node, root))
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
    return drawing.finish()


def _collapsed_nodes(drawing: _Drawing) -> None:
    """Declare one node per collapsed scope, named after its first Value's index."""
    members: dict[Scope, list[int]] = {}
    for i, scope in drawing.boxes.items():
        members.setdefault(scope, []).append(i)
    last = len(drawing.order) - 1
    for scope, indices in members.items():
        name = f"n{indices[0]}_box"
        drawing.box_ids[scope] = name
        count = len(indices)
        drawing.container(scope.parent).node(
            name,
            label=_text(_plain(scope.name)) + f"\\n{count:,} value{'s' if count != 1 else ''}",
            shape="box3d",
            style="filled",
            fillcolor=COLOURS["output" if last in indices else "collapsed"],
            **{"class": "collapsed"},
        )


def _box_edges(drawing: _Drawing) -> None:
    """Edges into collapsed boxes: one per (source, box) pair, from outside the box only."""
    seen: set[tuple[str, str]] = set()
    for i, scope in drawing.boxes.items():
        head = drawing.box_ids[scope]
        for parent in drawing.order[i].parents:
            p = drawing.index[parent]
            if p not in drawing.wanted:
                tail = "more"
            elif p in drawing.boxes:
                if drawing.boxes[p] is scope:
                    continue
                tail = drawing.box_ids[drawing.boxes[p]]
            else:
                tail = f"n{p}"
            if (tail, head) not in seen:
                seen.add((tail, head))
                drawing.edges.append((tail, head, {}))


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


def _draw_summary(
    root: Value, rankdir: str, show_grad: bool, show_partials: bool, max_nodes: int
) -> Graph:
    stats = graph_stats(root)
    index = {node: i for i, node in enumerate(stats.order)}
    near = _near_output(root, index, min(NEAR_OUTPUT, max_nodes))
    graph = build_graph(
        stats.order,
        rankdir=rankdir,
        show_grad=show_grad,
        edge_labels="chain" if show_partials else "none",
        subset=near,
    )
    shown_ops = ", ".join(f"{name}: {count:,}" for name, count in stats.op_counts[:8])
    if len(stats.op_counts) > 8:
        shown_ops += f", and {len(stats.op_counts) - 8} more ops"
    lines = [
        f"Too large to draw: {stats.nodes:,} values (max_nodes={max_nodes:,})",
        f"depth: {stats.depth:,} operations from the inputs to the output",
        f"leaves: {stats.leaves:,}, parameters: {stats.parameters:,}",
        f"operations: {shown_ops or 'none'}",
        f"output: data {format_number(root.data)}, grad {format_number(root.grad)}",
        f"showing the {len(near)} values nearest the output;",
        f"draw(..., max_nodes={stats.nodes}) draws them all",
    ]
    graph.node(
        "summary",
        label=_text("\n".join(lines)).replace("\n", "\\l") + "\\l",
        shape="note",
        style="filled",
        fillcolor="#fff9db",
        fontsize="10",
        **{"class": "summary"},
    )
    return graph


def draw(  # noqa: PLR0913 - drawing options, all keywords with defaults
    root: Value,
    *,
    rankdir: str = "LR",
    show_grad: bool = True,
    show_partials: bool = False,
    max_nodes: int = 500,
    collapse: Iterable[str | Scope] = (),
) -> Graph:
    """Draw the computation graph that produced ``root``.

    Args:
        root: the output Value; every Value that reaches it is drawn.
        rankdir: "LR" (inputs left, output right), "TB", "RL" or "BT".
        show_grad: show each Value's ``.grad`` (run ``backward()`` first).
        show_partials: label each edge with the chain rule: ``∂=4 · g=1 → 4`` is the local
            partial d node / d parent, the node's gradient (upstream) and their product,
            the contribution added to the parent's gradient.
        max_nodes: above this many Values, draw a summary (counts, depth, ops, the output
            and the few Values nearest it) instead of the whole graph.
        collapse: scope names (or :class:`~autograd.Scope` objects) drawn as one box per
            ``with scope(...)`` block; other scopes are drawn as labelled clusters.

    Returns:
        A :class:`Graph` (a ``graphviz.Digraph``): ``.source`` is the DOT text.

    Raises:
        TypeError: ``root`` is not a Value.
        ValueError: an unknown ``rankdir`` or a ``max_nodes`` below 1.

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
    wanted = frozenset(collapse) if not isinstance(collapse, str) else frozenset((collapse,))
    if count_nodes(root, max_nodes) > max_nodes:
        return _draw_summary(root, rankdir, show_grad, show_partials, max_nodes)
    return build_graph(
        topological_order(root),
        rankdir=rankdir,
        show_grad=show_grad,
        edge_labels="chain" if show_partials else "none",
        collapse=wanted,
    )


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
    ).source
