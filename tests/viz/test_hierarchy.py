"""Folded drawings of real models: depth=, the default depth, box contents, bundled edges."""

import math
import re

import pytest

import viz
from autograd import Value, scope, topological_order
from nn import MLP
from nn.losses import cross_entropy, hinge
from tests.viz import svg as svg_items
from tests.viz.helpers import ENGINES, engine_param
from viz.scopes import BUDGET, ScopeTree

MAX_PT = 2500.0  # "fits on a screen": the bound for both default drawings


def moons_loss() -> Value:
    """micrograd's MLP(2, [16, 16, 1]) hinge loss on one sample (442 values)."""
    model = MLP(2, [16, 16, 1], seed=0)
    loss = hinge([model([0.5, -1.0])], [1.0])
    loss.backward()
    return loss


def digits_loss() -> Value:
    """MLP(64, [32, 10]) with a cross-entropy loss on one sample."""
    model = MLP(64, [32, 10], seed=0)
    loss = cross_entropy(model([0.01 * i for i in range(64)]), 3)
    loss.backward()
    return loss


def svg_size(svg: str) -> tuple[float, float]:
    found = re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg)
    assert found, svg[:300]
    return float(found.group(1)), float(found.group(2))


def boxes(text: str) -> list[str]:
    return re.findall(r'^\t+n\d+_box \[label="([^"]*)"', text, re.MULTILINE)


@pytest.mark.parametrize("engine", [engine_param(e) for e in ENGINES])
@pytest.mark.parametrize("build", [moons_loss, digits_loss], ids=["moons", "digits"])
def test_default_drawings_of_real_models_fit_on_a_screen(build, engine):
    width, height = svg_size(viz.to_svg(build(), engine=engine))
    assert width <= MAX_PT
    assert height <= MAX_PT


def test_the_default_depth_opens_layers_into_neurons():
    text = viz.to_dot(moons_loss())
    names = [label.split(" (")[0] for label in boxes(text)]
    assert names == [f"Neuron {j}" for j in range(16)] * 2 + ["Neuron 0"]  # creation order
    assert "depth 1 of 2: 33 boxes fold 435 of 442 values." in text
    assert "viz.explore(root)" in text


def test_inputs_are_grouped_and_layers_drawn_in_creation_order():
    text = viz.to_dot(digits_loss())
    labels = boxes(text)
    assert labels[0] == "Inputs (64 values)"
    assert [label.split(" (")[0] for label in labels[1:33]] == [f"Neuron {j}" for j in range(32)]
    assert labels[1].startswith("Neuron 0 (68 values, 65 params)")  # 64 w, b, dot, +, relu
    assert len(labels) == 1 + 32 + 10 + 1  # the loss's max tree: one box "shift (9 values)"
    assert labels[-1].startswith("shift (9 values)")
    # The 64 inputs reach each first-layer neuron as one edge counted 64 times.
    assert (
        len(
            re.findall(
                r"n\d+_box -> n\d+_box \[headlabel="
                + re.escape(f'"\N{MULTIPLICATION SIGN}64" {ROOM}2.4]'),
                text,
            )
        )
        == 32
    )


@pytest.mark.parametrize(
    ("depth", "count", "names"),
    [
        (0, 3, ["Layer 0", "Layer 1", "Layer 2"]),
        (1, 33, None),
        (2, 0, []),
        (7, 0, []),
    ],
)
def test_depth_is_the_number_of_scope_levels_drawn_open(depth, count, names):
    text = viz.to_dot(moons_loss(), depth=depth)
    labels = boxes(text)
    assert len(labels) == count
    if names is not None:
        assert [label.split(" (")[0] for label in labels] == names
    if count == 0:  # every Value is drawn: no caption about folding
        assert len(re.findall(r"^\t+n\d+ \[", text, re.MULTILINE)) == 442
        assert "To see more" not in text


def test_a_folded_neuron_shows_its_output_and_parameter_gradient_norm():
    loss = moons_loss()
    order = topological_order(loss)
    tree = ScopeTree(order)
    neuron = next(s for s in tree.scopes if s.path == "Layer 1/Neuron 1")
    (output,) = neuron.outputs
    node = order[output]
    assert node.op.name == "relu"
    # An independent sum over the neuron's parameters, found through the graph's scopes.
    params = [v for v in order if v.is_parameter and v.scope is neuron.scope]
    assert len(params) == 17
    norm = math.sqrt(sum(p.grad**2 for p in params))
    label = next(b for b in boxes(viz.to_dot(loss, depth=1)) if b.startswith("Neuron 1 (20"))
    assert label.split("\\n") == [
        "Neuron 1 (20 values, 17 params)",
        f"out: data {viz.format_number(node.data)} · grad {viz.format_number(node.grad)}",
        f"param grad norm {viz.format_number(norm)}",
    ]


def test_a_folded_layer_counts_its_outputs():
    labels = boxes(viz.to_dot(moons_loss(), depth=0))
    assert labels[1].split("\\n")[:2] == ["Layer 1 (320 values, 272 params)", "16 outputs"]
    assert labels[1].split("\\n")[2].startswith("param grad norm ")


# A count stands clear of its arrowhead, farther the longer it is (tests/viz/test_edge_counts.py).
ROOM = "labelangle=-35 labeldistance="


def test_edges_between_boxes_are_bundled_with_a_count():
    x = Value(1.0, "x")
    with scope("a"):
        a1, a2 = x * 2, x * 3
    with scope("b"):
        b = a1 * a2 + a1
    text = viz.to_dot(b, depth=0)
    edges = re.findall(r"^\t(n\d+(?:_box)?) -> (n\d+(?:_box)?)(.*)$", text, re.MULTILINE)
    assert [(e[0], e[1], e[2]) for e in edges if e[1].endswith("_box")] == [
        ("n0", "n1_box", f' [headlabel="\N{MULTIPLICATION SIGN}2" {ROOM}2.1]'),  # x into a twice
        (
            "n1_box",
            "n3_box",
            f' [headlabel="\N{MULTIPLICATION SIGN}3" {ROOM}2.1]',
        ),  # a1 twice and a2 once into b
    ]


def test_the_default_depth_is_the_deepest_within_the_budget():
    x = Value(1.0, "x")
    outputs = []
    with scope("outer"):
        for j in range(BUDGET):
            with scope(f"inner {j}"):
                outputs.append(x * 2 + 1)
        total = sum(outputs, Value(0.0))
    tree = ScopeTree(topological_order(total))
    assert tree.box_count(0) < BUDGET < tree.box_count(1)
    assert tree.default_depth() == 0
    assert "depth 0 of 2" in viz.to_dot(total)
    assert "depth 1 of 2" in viz.to_dot(total, depth=1, max_nodes=1000)


@pytest.mark.parametrize("made", [(10, 2, 1), (1, 2, 10), (2, 10, 1)])
def test_siblings_come_in_creation_order_whatever_their_names(made):
    # The graph reaches the scopes in another order (the sum reads the last one first).
    x = Value(1.0, "x")
    parts = []
    for j in made:
        with scope(f"part {j}"):
            parts.append(x * j)
    tree = ScopeTree(topological_order(parts[2] + parts[1] + parts[0]))
    assert [s.name for s in tree.scopes] == [f"part {j}" for j in made]


def test_two_blocks_with_one_name_get_distinct_paths():
    x = Value(1.0)
    with scope("block"):
        a = x * 2
    with scope("block"):
        b = a + 1
    assert [s.path for s in ScopeTree(topological_order(b)).scopes] == ["block", "block (2)"]


@pytest.mark.parametrize("depth", [-1, 1.0, True, "1"])
def test_a_bad_depth_is_a_clear_error(depth):
    with pytest.raises(ValueError, match=r"draw: depth must be None or an int >= 0, got"):
        viz.draw(Value(1.0) * 2, depth=depth)


def test_the_legend_names_the_colours_and_the_edge_label():
    text = viz.to_dot(Value(2.0, "x") * 3, legend=True, show_partials=True)
    for kind, words, attribute in [
        ("input", "input (a leaf)", f'fillcolor="{viz.dot.COLOURS["input"]}"'),
        ("output", "output", f'fillcolor="{viz.dot.COLOURS["output"]}"'),
        ("op", "operation", f'fillcolor="{viz.dot.COLOURS["op"]}"'),
    ]:
        line = re.search(f"legend_{kind} \\[label=(.*)\\]$", text, re.MULTILINE).group(1)
        assert line.startswith((f'"{words}"', f"{words} "))
        assert attribute in line
    edge = re.search(r'legend_edge \[label="([^"]*)"', text).group(1).split("\\n")
    assert edge == ["edge label:", "∂=local partial ·", "g=upstream gradient", "→ contribution"]
    assert "legend" not in viz.to_dot(Value(2.0, "x") * 3)


def test_the_legend_keys_only_what_a_drawing_shows():
    x = Value(2.0, "x")
    graph = viz.draw(x * 3, legend=True)  # no parameter, no scope, no edge label
    assert viz.dot.legend_entries(graph) == ["input", "output", "op"]
    graph = viz.dot.build_graph(topological_order(x * 3 + 1), edge_labels="local", legend=True)
    assert viz.dot.legend_entries(graph) == ["input", "output", "value", "op", "edge"]
    assert "∂=local partial" in graph.source
    assert "upstream" not in graph.source
    loss = moons_loss()
    opened = viz.draw(loss, depth=3, legend=True)  # every Value drawn, parameters among them
    assert viz.dot.legend_entries(opened) == ["input", "parameter", "output", "value", "op"]
    folded = viz.draw(loss, depth=0, legend=True)  # the parameters are inside the boxes
    entries = viz.dot.legend_entries(folded)
    assert entries == ["input", "output", "value", "op", "collapsed", "edge"]
    assert f"{viz.dot.TIMES}n: n edges drawn as one" in folded.source  # bundled edges
    for graph in (opened, folded):  # the stepper's marks only in the stepper
        assert "legend_current" not in graph.source
        assert "legend_updated" not in graph.source


@pytest.mark.parametrize("engine", [engine_param(e) for e in ENGINES])
def test_the_legend_renders_in_both_engines(engine):
    svg = viz.to_svg(moons_loss(), legend=True, depth=0, engine=engine, show_partials=True)
    texts = {text for item in svg_items.items(svg) for text in item.texts}
    assert {"input (a leaf)", "operation", "folded scope (depth=, collapse=)"} <= texts
    assert {"∂=local partial ·", "g=upstream gradient", "→ contribution"} <= texts
    assert not {"parameter", "the stepper's current node", "current step"} & texts


@pytest.mark.parametrize("engine", [engine_param(e) for e in ENGINES])
def test_the_legend_leaves_the_scopes_in_creation_order(engine):
    model = MLP(2, [3, 1], seed=0)
    loss = (model([Value(0.5, "a"), Value(-1.0, "b")]) - 1.0) ** 2
    loss.backward()

    def layer_0(**options: bool) -> list[str]:
        svg = viz.to_svg(loss, depth=1, engine=engine, **options)
        found = re.findall(r'y="(-?[\d.]+)"[^>]*>(Neuron \d) \(6 values, 3', svg)
        return [name for _, name in sorted(found, key=lambda item: float(item[0]))]

    # The order without a legend (the two Graphviz builds may stack it either way) is kept.
    creation = ["Neuron 0", "Neuron 1", "Neuron 2"]
    for partials in (False, True):
        plain = layer_0(show_partials=partials)
        assert plain in (creation, creation[::-1])
        assert layer_0(legend=True, show_partials=partials) == plain


def test_save_passes_depth_on(tmp_path):
    path = viz.save(moons_loss(), tmp_path / "g.dot", depth=0)
    assert len(boxes(path.read_text(encoding="utf-8"))) == 3


def test_a_chain_without_scopes_is_summarised_with_views_that_fit():
    y = Value(1.0, "x")
    for _ in range(1200):
        y = y * 1.0001 + 0.0001
    text = viz.to_dot(y)
    assert "max_nodes=2401" not in text  # no advice to draw thousands of boxes
    assert "build the graph in" in text
    assert "viz.explore(root)" in text
    # The summary is the graph's label, so it cannot sit on top of the drawing's edges.
    assert "labelloc=t" in text
    assert "summary [" not in text


def test_a_huge_chain_is_not_sent_to_the_explorer():
    y = Value(1.0, "x")
    for _ in range(10_001):  # 20,003 values: above viz.dot.EXPLORE_LIMIT
        y = y * 1.0001 + 0.0001
    text = viz.to_dot(y)
    assert "viz.explore" not in text
    assert "fold them with depth= or collapse=." in text


@pytest.mark.parametrize("function", [viz.draw, viz.to_dot, viz.to_svg])
def test_collapse_naming_no_scope_is_an_error_not_a_silent_no_op(function):
    with scope("Layer 1"):
        hidden = Value(2.0, "x") * 3.0
    out = hidden + 1.0
    assert "cluster" not in viz.to_dot(out, collapse=["Layer 1"])  # the real name folds
    with pytest.raises(ValueError, match=rf"^{function.__name__}: collapse names no scope") as e:
        function(out, collapse=["Layer 1", "Layr 1"])
    assert "['Layr 1']" in str(e.value)
    assert "(scopes: Layer 1)" in str(e.value)
