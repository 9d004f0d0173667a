"""The max_nodes guard: counting that stops early, and the summary of a large graph."""

import re
import sys

import pytest

import viz
from autograd import Value, topological_order
from tests.viz import svg as svg_items
from tests.viz.helpers import chain
from viz.summary import count_nodes, graph_stats


def test_count_nodes_is_exact_below_the_limit_and_stops_above():
    x = Value(2.0)
    y = (x * x + x).tanh()  # x is reached three times, counted once
    assert count_nodes(y, limit=100) == 4
    assert count_nodes(y, limit=4) == 4
    assert count_nodes(y, limit=3) == 4  # more than the limit: stop at limit + 1
    assert count_nodes(y, limit=1) == 2


def test_count_nodes_visits_only_limit_plus_one_nodes(monkeypatch):
    root = chain(1000)
    visits = []
    real = Value.parents

    def counting(node):
        visits.append(node)
        return real.__get__(node)

    monkeypatch.setattr(Value, "parents", property(counting))
    assert count_nodes(root, limit=10) == 11
    assert len(visits) <= 11  # not the 2,001 nodes of the chain


def test_graph_stats_counts_nodes_depth_ops_leaves_and_parameters():
    x = Value(1.0)
    w = Value(2.0, parameter=True)
    y = ((w * x + 1.0).tanh() * w).relu()
    stats = graph_stats(y)
    assert stats.nodes == 7
    assert stats.leaves == 2
    assert stats.parameters == 1
    assert stats.depth == 5
    assert stats.op_counts == (("mul", 2), ("add", 1), ("relu", 1), ("tanh", 1))
    assert stats.order == topological_order(y)


def test_exactly_max_nodes_is_drawn_whole_and_one_more_is_summarised():
    y = chain(5)  # 11 values
    assert "summary" not in viz.to_dot(y, max_nodes=11)
    text = viz.to_dot(y, max_nodes=10)
    assert "Too large to draw: 11 values (max_nodes=10)" in text


def test_the_summary_names_counts_depth_ops_output_and_draws_the_end():
    y = chain(50)
    y.backward()
    text = viz.to_dot(y, max_nodes=20)
    summary = re.search(r'\tfontsize=10 label="([^"]*)" labeljust=l labelloc=t', text)
    summary = summary.group(1).split("\\l")
    assert summary == [
        "Too large to draw: 101 values (max_nodes=20)",
        "depth: 100 operations from the inputs to the output",
        "leaves: 1, parameters: 0",
        "operations: add: 50, mul: 50",
        f"output: data {viz.format_number(y.data)}, grad 1",
        "showing the 8 values nearest the output.",
        "To see more: draw a Value nearer the inputs, or build the graph in",
        "`with scope(name):` blocks and fold them with depth= or collapse=;",
        "viz.explore(root) browses it in a page.",
        "",
    ]
    drawn = re.findall(r"^\t(n\d+) \[", text, flags=re.MULTILINE)
    assert drawn == [f"n{i}" for i in range(93, 101)]  # ids keep their topological position
    assert "more -> n93_op" in text
    assert 'more [label="… 93 more nodes"' in text


def test_a_100000_step_chain_is_summarised_without_recursion():
    y = chain(100_000)
    y.backward()
    limit = sys.getrecursionlimit()
    assert limit <= 10_000  # a recursive walk of 200,001 nodes would fail
    graph = viz.draw(y)
    assert "Too large to draw: 200,001 values (max_nodes=500)" in graph.source
    assert "depth: 200,000 operations" in graph.source
    assert len(graph.source) < 10_000
    svg = viz.to_svg(y, engine="wasi")
    texts = [text for item in svg_items.items(svg) for text in item.texts]
    assert ">Too large to draw: 200,001 values (max_nodes=500)</text>" in svg
    assert "… 199,993 more nodes" in texts


@pytest.mark.parametrize("max_nodes", [1, 2])
def test_tiny_limits_still_draw_the_output(max_nodes):
    y = chain(3)
    text = viz.to_dot(y, max_nodes=max_nodes)
    assert "n6 [" in text
    assert "class=output" in text
