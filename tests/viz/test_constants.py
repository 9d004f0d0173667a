"""A Python number that an op turns into a leaf (``sum(x, y, 1)``) is drawn as a constant.

Binary ops fold a number into the op (``x * 2`` draws ``· * 2``); a variadic op (``sum``,
``dot``) keeps it as a leaf. That leaf is no input: it is drawn with its number only, no
gradient and not in the inputs' blue, in drawings, the stepper and the explorer's data.
"""

import re

import pytest

import viz
from autograd import Value, dot, parse, total
from tests.viz import svg as svg_items
from viz.legend import COLOURS, legend_entries


def _summed():
    graph = parse("sum(x, y, 1)", x=2, y=3)
    graph.output.backward()
    return graph.output


def _node_line(text: str, node: str) -> str:
    (line,) = re.findall(rf"^\t+{node} \[.*$", text, re.MULTILINE)
    return line


def test_the_engine_marks_numbers_it_made_leaves():
    x = Value(2.0, "x")
    for result in (total([x, 1]), dot([x], [3.0]), parse("sum(x, 1)", x=2).output):
        kinds = [parent.is_constant for parent in result.parents]
        assert kinds.count(True) == 1, result
    assert not x.is_constant
    assert not Value(1.0).is_constant  # a leaf the user made is an input
    s = total([x, 1])
    s.backward()
    assert (s.data, x.grad) == (3.0, 1.0)


def test_a_constant_is_drawn_with_its_number_only():
    text = viz.to_dot(_summed(), show_partials=True, legend=True)
    line = _node_line(text, "n2")
    assert "class=constant" in line
    assert "label=1 " in line or "label=1]" in line or 'label="1"' in line
    assert "grad" not in line.split("tooltip")[0]
    assert COLOURS["input"] not in line
    assert "class=input" in _node_line(text, "n0")
    # Nothing flows into a constant: its edge has no chain-rule label, the others do.
    edges = {m[0]: m[1] for m in re.findall(r"^\t(n\d) -> n3_op(.*)$", text, re.MULTILINE)}
    assert "label" not in edges["n2"]
    assert "label" in edges["n0"]
    assert "label" in edges["n1"]
    # The legend keys constants as the drawing shows them.
    assert "constant" in legend_entries(viz.draw(_summed(), legend=True))
    assert 'legend_constant [label="constant (a number in an op)"' in text
    assert "style=dashed" in _node_line(text, "legend_constant")


@pytest.mark.parametrize("engine", ["wasi"])
def test_the_rendered_constant_shows_no_gradient(engine):
    svg = viz.to_svg(_summed(), engine=engine)
    nodes = svg_items.nodes(svg)
    assert nodes["n2"].classes == ("constant",)
    assert nodes["n2"].texts == ("1",)
    assert nodes["n0"].texts == ("x", "data 2", "grad 1")


def test_the_stepper_leaves_the_constant_out():
    steps = viz.backward_steps(_summed())
    caption = steps.caption(steps.frames[1])
    assert "d" + steps.names[-1] + "/dx += 1 · 1 = 1" in caption
    assert "/dy += " in caption
    assert "/d1 " not in caption
    assert "/dn2 " not in caption
    frame = steps.dot(steps.frames[1])
    assert "class=constant" in _node_line(frame, "n2")
    assert "grad" not in _node_line(frame, "n2").split("tooltip")[0]


def test_the_explorer_data_says_constant():
    page = viz.explore(_summed())
    kinds = [value["kind"] for value in page.data["values"]]
    assert kinds == ["input", "input", "constant", "output"]


@pytest.mark.browser
def test_the_explorer_draws_the_constant_dashed_with_its_number_only(page, tmp_path):
    path = viz.explore(_summed()).save_html(tmp_path / "constant.html")
    page.goto(path.as_uri())
    page.wait_for_function("window.chainrule !== undefined")
    node = page.locator("g.cr-constant")
    assert node.count() == 1
    assert node.locator("text").all_text_contents() == ["constant", "1"]
    dash = node.locator("rect").evaluate("r => getComputedStyle(r).strokeDasharray")
    assert dash not in ("", "none")
    # The inputs keep their gradient lines; the legend keys the dashed box.
    texts = page.locator("g.cr-input").first.locator("text").all_text_contents()
    assert texts[-1].startswith("grad ")
    assert "constant" in page.inner_text(".cr-legend")
