"""DOT text of drawings: goldens, slots, partials, kinds, clusters, collapse, options."""

import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import graphviz
import pytest

import viz
from autograd import Value, dot, no_grad, scope, total
from tests.viz import svg as svg_items
from tests.viz.helpers import needs_dot, seed_graph

GOLDEN = Path(__file__).parent / "golden"


def slots_graph() -> Value:
    """One edge per operand slot, and numbers folded into ops."""
    a = Value(3.0, "a")
    b = a + a  # two edges from a
    c = 2 - b  # "2 -"
    d = c**2  # "** 2"
    e = (-d).leaky_relu(0.1)  # "LeakyReLU(·, 0.1)"
    f = abs(e) * 1.0001  # "* 1.0001"
    f.backward()
    return f


def neuron_graph() -> Value:
    """A layer of two neurons, as nn builds them: scopes and parameters."""
    inputs = [Value(1.0, "x0"), Value(-2.0, "x1")]
    outputs = []
    with scope("Layer"):
        for j in range(2):
            with scope("Neuron"):
                weights = [Value(0.5 - j, f"w{j}{i}", parameter=True) for i in range(2)]
                bias = Value(0.1, f"b{j}", parameter=True)
                act = weights[0] * inputs[0] + weights[1] * inputs[1] + bias
                outputs.append(act.tanh())
    loss = (outputs[0] + outputs[1] - 1.0) ** 2
    loss.label = "loss"
    loss.backward()
    return loss


def variadic_graph() -> Value:
    """The engine's variadic ops: one node with any number of parents."""
    w = [Value(0.5, "w0", parameter=True), Value(-1.0, "w1", parameter=True)]
    x = [Value(2.0, "x0"), Value(3.0, "x1")]
    s = total([dot(w, x), x[0], x[0], 1.5])
    s.backward()
    return s


GRAPHS: dict[str, tuple[Callable[[], Value], dict]] = {
    "seed": (seed_graph, {}),
    "seed_partials_tb": (seed_graph, {"show_partials": True, "rankdir": "TB"}),
    "seed_no_grad": (seed_graph, {"show_grad": False}),
    "slots": (slots_graph, {"show_partials": True}),
    "neuron": (neuron_graph, {}),
    "neuron_collapsed": (neuron_graph, {"collapse": ["Neuron"]}),
    "variadic": (variadic_graph, {"show_partials": True}),
    "summary": (neuron_graph, {"max_nodes": 5}),
    "neuron_depth0": (neuron_graph, {"depth": 0}),
}


@pytest.mark.parametrize("name", GRAPHS)
def test_dot_text_matches_its_golden_file(name):
    build, options = GRAPHS[name]
    text = viz.to_dot(build(), **options)
    path = GOLDEN / f"{name}.dot"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), (
        f"{path.name} differs; if the change is intended, rerun with UPDATE_GOLDEN=1"
    )


@pytest.mark.parametrize("name", ["seed", "slots", "neuron", "variadic"])
def test_the_same_expression_gives_byte_identical_dot(name):
    build, options = GRAPHS[name]
    assert viz.to_dot(build(), **options) == viz.to_dot(build(), **options)


def test_node_ids_come_from_topological_position(seed):
    from autograd import topological_order  # noqa: PLC0415

    text = viz.to_dot(seed)
    declared = re.findall(r"^\t(n\d+) \[", text, flags=re.MULTILINE)
    assert declared == [f"n{i}" for i in range(len(topological_order(seed)))]
    assert re.findall(r"^\t(n\d+_op) \[", text, flags=re.MULTILINE) == ["n2_op", "n4_op"]


def edges(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if "->" in line]


def test_a_plus_a_draws_two_arrows():
    a = Value(3.0, "a")
    b = a + a
    assert edges(viz.to_dot(b)) == ["n1_op -> n1", "n0 -> n1_op", "n0 -> n1_op"]


def op_labels(text: str) -> list[str]:
    return [label.strip('"') for label in re.findall(r'_op \[label=("[^"]*"|\S+)', text)]


def test_folded_numbers_show_in_the_op_node():
    labels = op_labels(viz.to_dot(slots_graph()))
    # "·" is where the operand's arrow enters: "· - 1" subtracts 1, never reads as -1.
    assert labels == ["+", "2 - ·", "· ** 2", "-", "LeakyReLU(·, 0.1)", "abs", "· * 1.0001"]


def test_edges_carry_the_chain_rule_when_asked(seed):
    text = viz.to_dot(seed, show_partials=True)
    assert edges(text) == [
        "n2_op -> n2",
        'n0 -> n2_op [label="∂=1 · g=4 → 4"]',
        'n1 -> n2_op [label="∂=1 · g=4 → 4"]',
        "n4_op -> n4",
        'n2 -> n4_op [label="∂=4 · g=1 → 4"]',
        'n3 -> n4_op [label="∂=5 · g=1 → 5"]',
    ]
    assert "∂" not in viz.to_dot(seed)


def test_an_undefined_partial_is_labelled_not_raised():
    x = Value(0.0, "x")
    y = x.sqrt()  # sqrt'(0) is infinite: the engine refuses it
    with pytest.raises(ZeroDivisionError, match="sqrt"):
        y.backward()
    assert 'n0 -> n1_op [label="∂ undefined"]' in viz.to_dot(y, show_partials=True)


def kinds(text: str) -> dict[str, str]:
    return dict(re.findall(r"^\t(n\d+) \[.*class=(\w+)", text, flags=re.MULTILINE))


def test_leaves_parameters_and_the_output_are_distinct():
    x = Value(2.0, "x")
    w = Value(0.5, "w", parameter=True)
    with no_grad():
        frozen = x * 10  # a leaf: no_grad records no graph
    y = (w * x + frozen).tanh()
    text = viz.to_dot(y)
    assert kinds(text) == {
        "n0": "parameter",
        "n1": "input",
        "n2": "value",
        "n3": "input",
        "n4": "value",
        "n5": "output",
    }
    fills = dict(re.findall(r"class=(\w+) fillcolor=\"([^\"]+)\"", text))
    assert set(fills) == {"parameter", "input", "value", "output", "op"}
    assert len(set(fills.values())) == 5
    assert not [e for e in edges(text) if e.startswith(("n3 ", "n3_op")) and "-> n3" in e]
    assert "n3_op" not in text


def test_the_root_is_the_output_even_when_it_is_a_leaf():
    text = viz.to_dot(Value(1.5, "alone", parameter=True))
    assert kinds(text) == {"n0": "output"}
    assert edges(text) == []


def test_labels_are_escaped_and_cut():
    tricky = Value(1.0, 'a "b" {c} | <d> \\ e\nand a tail that is far too long')
    text = viz.to_dot(tricky * 2)
    # Cut to 32 characters with the ellipsis (the newline became a space); escaped for DOT.
    assert 'n0 [label="a \\"b\\" \\{c\\} \\| \\<d\\> \\\\ e and a tail… | data 1 | grad 0"' in text


@needs_dot
def test_escaped_labels_render_as_typed_in_both_engines():
    tricky = Value(1.0, 'a "b" {c} | <d> \\ e')
    for engine in ("system", "wasi"):
        svg = viz.to_svg(tricky * 2, engine=engine)
        assert svg_items.nodes(svg)["n0"].texts == ('a "b" {c} | <d> \\ e', "data 1", "grad 0")


def cluster_blocks(text: str) -> list[tuple[int, str, str]]:
    """(indent, cluster name, label) of each subgraph, in order."""
    found = []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        match = re.match(r"^(\t+)subgraph (cluster_\d+) \{", line)
        if match:
            label = re.search(r"label=(\w+)", lines[i + 1])
            found.append((len(match.group(1)), match.group(2), label.group(1) if label else ""))
    return found


def test_scopes_are_nested_clusters_numbered_by_first_appearance():
    text = viz.to_dot(neuron_graph())
    assert cluster_blocks(text) == [
        (1, "cluster_0", "Layer"),
        (2, "cluster_1", "Neuron"),
        (2, "cluster_2", "Neuron"),
    ]
    neuron = text.split("subgraph cluster_1 {")[1].split("}")[0]
    assert re.findall(r"label=\"(w\d\d|b\d)", neuron) == ["w00", "w01", "b0"]
    assert "x0" not in neuron  # inputs were made outside every scope


def test_clusters_render_with_their_labels():
    svg = viz.to_svg(neuron_graph(), engine="wasi")
    clusters = [(i.title, i.texts) for i in svg_items.items(svg) if i.kind == "cluster"]
    # In title order: an engine that reverses a cluster's inside is given it reversed
    # (viz.ranks), so the SVG lists the clusters in either order; where they are drawn
    # is creation order (tests/viz/test_ranks.py).
    assert sorted(clusters) == [
        ("cluster_0", ("Layer",)),
        ("cluster_1", ("Neuron",)),
        ("cluster_2", ("Neuron",)),
    ]


def test_collapse_draws_each_scope_block_as_one_box():
    loss = neuron_graph()
    text = viz.to_dot(loss, collapse=["Neuron"])
    boxes = re.findall(r'^\t+(n\d+_box) \[label="Neuron \((\d+) values', text, re.MULTILINE)
    assert [count for _, count in boxes] == ["8", "8"]  # 2 weights, bias, 2 *, 2 +, tanh
    first, second = (name for name, _ in boxes)
    # x0 (n1) and x1 (n4) go into each neuron once; w00 (n0) is hidden in the first box
    assert [e for e in edges(text) if e.endswith("_box")] == [
        f"n1 -> {first}",
        f"n4 -> {first}",
        f"n1 -> {second}",
        f"n4 -> {second}",
    ]
    assert f"{first} -> " in text  # the neuron's output goes on to the loss
    assert "w00" not in text  # parameters are inside the boxes
    assert cluster_blocks(text) == [(1, "cluster_0", "Layer")]
    assert text == viz.to_dot(loss, collapse="Neuron")


def test_collapse_by_scope_object_keeps_other_blocks_open():
    x = Value(1.0, "x")
    with scope("block") as first:
        a = x * 2
    with scope("block"):
        b = a + 1
    text = viz.to_dot(b, collapse=[first])
    assert re.findall(r"(n\d+_box) \[", text) == ["n1_box"]
    assert 'label="data 3' in text  # the second block is drawn node by node
    assert cluster_blocks(text) == [(1, "cluster_0", "block")]


def test_a_collapsed_output_is_coloured_as_the_output():
    x = Value(1.0, "x")
    with scope("head"):
        y = (x * 3).tanh()
    text = viz.to_dot(y, collapse=["head"])
    assert re.search(
        r'n1_box \[label="head \(2 values\)\\nout: data 0.9951 · grad 0" class=collapsed '
        r'fillcolor="#b7e4c7"',
        text,
    )


def test_variadic_nodes_draw_one_edge_per_parent():
    s = variadic_graph()
    text = viz.to_dot(s)
    assert [len(s.parents), len(s.parents[0].parents)] == [4, 4]
    assert [e for e in edges(text) if e.endswith("-> n4_op")] == [
        "n0 -> n4_op",  # dot(w0, x0, w1, x1), in slot order
        "n1 -> n4_op",
        "n2 -> n4_op",
        "n3 -> n4_op",
    ]
    assert [e for e in edges(text) if e.endswith("-> n6_op")] == [
        "n4 -> n6_op",  # total([dot, x0, x0, 1.5]): x0 twice, 1.5 became a leaf
        "n1 -> n6_op",
        "n1 -> n6_op",
        "n5 -> n6_op",
    ]
    assert op_labels(text) == ["dot", "Σ"]


def test_draw_returns_a_graphviz_digraph(seed):
    graph = viz.draw(seed)
    assert isinstance(graph, graphviz.Digraph)
    assert isinstance(graph, viz.Graph)
    assert graph.source == viz.to_dot(seed)
    assert viz.draw_dot is viz.draw
    copy = graph.copy()
    assert isinstance(copy, viz.Graph)
    assert copy.source == graph.source


@needs_dot
def test_graphviz_methods_keep_working(seed, tmp_path):
    graph = viz.draw(seed)
    assert graph.pipe(format="svg").startswith(b"<?xml")
    written = graph.render(tmp_path / "z", format="svg")
    assert Path(written).read_bytes().startswith(b"<?xml")


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"rankdir": "XY"}, ValueError, "draw: rankdir must be one of"),
        ({"max_nodes": 0}, ValueError, "draw: max_nodes must be a positive int, got 0"),
        ({"max_nodes": True}, ValueError, "max_nodes must be a positive int, got True"),
        ({"max_nodes": 2.5}, ValueError, "got 2.5"),
    ],
)
def test_bad_options_are_named(seed, options, error, message):
    with pytest.raises(error, match=re.escape(message)):
        viz.draw(seed, **options)


def test_drawing_something_else_than_a_value_is_a_type_error():
    with pytest.raises(TypeError, match=re.escape("draw: expected a Value, got float: 2.0")):
        viz.draw(2.0)


def test_format_number_is_four_significant_digits():
    shown = [viz.format_number(x) for x in (20.0, 4.0, 0.5, 1 / 3, -2.5e-7, 1e10, -0.0, 3e-5)]
    assert shown == ["20", "4", "0.5", "0.3333", "-2.5e-07", "1e+10", "0", "3e-05"]


@pytest.mark.parametrize("engine", ["system", "wasi"])
def test_micrograds_draw_dot_call_gives_a_png_graph(engine, seed, tmp_path, request):
    # The lecture's helper is draw_dot(root, format='svg', rankdir='LR'); called with
    # format="png" it returns a Digraph whose render() and pipe() make PNG.
    if engine == "system":
        if shutil.which("dot") is None:
            pytest.skip("no system Graphviz (apt-get install graphviz)")
    else:
        request.getfixturevalue("hide_dot")
    graph = viz.draw_dot(seed, format="png", rankdir="LR")
    assert isinstance(graph, graphviz.Digraph)
    assert graph.format == "png"
    assert graph.source == viz.to_dot(seed, rankdir="LR")
    piped = graph.pipe()
    assert piped[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(piped[16:20], "big") > 100  # a real drawing, not an empty image
    written = Path(graph.render(tmp_path / "gout"))
    assert written.name == "gout.png"
    assert written.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # Jupyter still shows it (SVG with a PNG beside it), whatever the file format.
    data, _ = graph._repr_mimebundle_()
    assert data["image/png"][:4] == "iVBO"  # base64 of a PNG header
    # The default stays SVG, and rankdir is honoured.
    assert viz.draw_dot(seed).format == "svg"
    assert "rankdir=TB" in viz.draw_dot(seed, format="png", rankdir="TB").source


@pytest.mark.parametrize("bad", ["jpeg2", "", None, 3])
def test_draw_refuses_an_unknown_format(seed, bad):
    with pytest.raises(ValueError, match=r"^draw: format must be one of .* got "):
        viz.draw(seed, format=bad)


def test_a_graph_prints_without_a_memory_address(seed):
    # A notebook stores a drawing's text/plain: it must read the same every run.
    assert repr(viz.draw(seed)) == "<viz.Graph 'chainrule': 6 edges, format 'svg'>"
    assert repr(viz.draw(seed, format="png")).endswith("format 'png'>")
