"""Scopes are drawn in creation order (Neuron 0 first) by every Graphviz engine.

Graphviz versions disagree about the direction of the declared order inside a cluster
(see viz/ranks.py); these tests draw one model with the system dot and with the
WebAssembly build, and read where each neuron landed inside its layer.
"""

import re
import xml.etree.ElementTree as ET

import pytest

import nn
import viz
from autograd import Value
from tests.viz.helpers import engine_param
from viz import engines
from viz.ranks import reverse_clusters

SVG = "{http://www.w3.org/2000/svg}"
ENGINE_PARAMS = [engine_param("system"), engine_param("wasi")]
Box = tuple[float, float, float, float]


def _outlines(svg: str) -> list[tuple[str, Box]]:
    """The first text and the outline (x0, y0, x1, y1) of every node and cluster."""
    found = []
    for group in ET.fromstring(svg.encode("utf-8")).iter(f"{SVG}g"):  # noqa: S314 - ours
        if group.get("class", "").split()[:1] not in (["node"], ["cluster"]):
            continue
        texts = [t.text or "" for t in group.iter(f"{SVG}text")]
        numbers = []
        for shape in group.iter():
            if shape.tag in (f"{SVG}polygon", f"{SVG}path"):
                outline = shape.get("points") or shape.get("d", "")
                numbers += [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", outline)]
        if texts and numbers:
            xs, ys = numbers[0::2], numbers[1::2]
            found.append((texts[0], (min(xs), min(ys), max(xs), max(ys))))
    return found


def neuron_order(svg: str, rankdir: str) -> dict[str, list[int]]:
    """Each layer's neurons (boxes or clusters) by number, top to bottom (LR) or left to right."""
    along = 1 if rankdir in ("LR", "RL") else 0
    outlines = _outlines(svg)
    order = {}
    for name, (x0, y0, x1, y1) in outlines:
        if not name.startswith("Layer"):
            continue
        inside = [
            ((box[along] + box[along + 2]) / 2, int(text.split()[1]))
            for text, box in outlines
            if text.startswith("Neuron")
            and x0 <= box[0]
            and box[2] <= x1
            and y0 <= box[1]
            and box[3] <= y1
        ]
        order[name] = [number for _, number in sorted(inside)]
    return order


def _loss(inputs: int, sizes: list[int]) -> Value:
    model = nn.MLP(inputs, sizes, seed=0)
    out = model([0.1 * (i + 1) for i in range(inputs)])
    loss = sum(out) if isinstance(out, list) else out * 1.0
    loss.backward()
    return loss


@pytest.mark.parametrize("engine", ENGINE_PARAMS)
@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_folded_neurons_come_in_creation_order(engine, rankdir):
    # The digits model at the default depth: one box per neuron inside its layer's frame
    # (with the WebAssembly Graphviz this drew Layer 0 as Neuron 31 ... 0).
    svg = engines.render_svg(viz.to_dot(_loss(64, [32, 10]), rankdir=rankdir), engine)
    assert neuron_order(svg, rankdir) == {"Layer 0": list(range(32)), "Layer 1": list(range(10))}


@pytest.mark.parametrize("engine", ENGINE_PARAMS)
@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_open_neuron_clusters_come_in_creation_order(engine, rankdir):
    # Every scope open: each neuron is a cluster inside its layer's cluster.
    svg = engines.render_svg(viz.to_dot(_loss(2, [6, 3]), rankdir=rankdir, depth=9), engine)
    assert neuron_order(svg, rankdir) == {"Layer 0": list(range(6)), "Layer 1": list(range(3))}


@pytest.mark.parametrize("engine", ENGINE_PARAMS)
def test_the_graph_object_draws_the_same_order_through_pipe(engine, hide_dot, request):
    # Graph.pipe and .render go through graphviz's own pipe with a system Graphviz.
    if engine == "system":
        request.getfixturevalue("monkeypatch").undo()
    graph = viz.draw(_loss(64, [32, 10]))
    svg = graph.pipe(format="svg").decode("utf-8")
    assert neuron_order(svg, "LR") == {"Layer 0": list(range(32)), "Layer 1": list(range(10))}


def test_the_dot_text_is_in_creation_order_and_engine_independent():
    text = viz.to_dot(_loss(2, [3, 1]), depth=1)
    boxes = [line.split()[0] for line in text.splitlines() if "_box" in line and "->" not in line]
    assert boxes == ["n1_box", "n10_box", "n17_box", "n0_box"]  # Layer 0's three, then Layer 1


def test_reverse_clusters_keeps_settings_first_and_the_top_level_as_it_is():
    text = viz.to_dot(_loss(2, [3, 1]), depth=1)
    turned = reverse_clusters(text)
    assert sorted(turned.splitlines()) == sorted(text.splitlines())
    lines = turned.splitlines()
    start = lines.index("\tsubgraph cluster_0 {")
    assert lines[start + 1].strip().startswith("graph [")
    assert [line.split()[0] for line in lines[start + 2 : start + 5]] == [
        "n17_box",
        "n10_box",
        "n1_box",
    ]
    top = [line for line in text.splitlines() if not line.startswith("\t\t")]
    assert [line for line in lines if not line.startswith("\t\t")] == top
    assert reverse_clusters(turned) == text
