"""The legend's block is compact: one column of its entries, no wider than a small graph."""

import itertools
import re

import pytest

import viz
from autograd import Value
from tests.viz import svg as svg_items
from tests.viz.helpers import ENGINES, engine_param


def _width(svg: str) -> float:
    return float(re.search(r'<svg width="([\d.]+)pt', svg).group(1))


def _small() -> Value:
    x, y = Value(2.0, "x"), Value(3.0, "y")
    z = x * y + x
    z.backward()
    return z


@pytest.mark.parametrize("engine", [engine_param(e) for e in ENGINES])
@pytest.mark.parametrize("partials", [False, True])
def test_the_legend_is_one_column_as_wide_as_its_widest_entry(engine, partials):
    svg = viz.to_svg(_small(), legend=True, show_partials=partials, engine=engine)
    found = svg_items.items(svg)
    cluster = next(i for i in found if i.kind == "cluster" and "legend" in i.texts)
    entries = [i for i in found if i.kind == "node" and i.title.startswith("legend_")]
    outlined = [i for i in entries if i.xs]  # the edge label's key is bare text
    if not partials:
        widest = max(max(i.xs) - min(i.xs) for i in outlined)
        # Graphviz's cluster margin is 8 points a side: no room beyond it (the block once
        # spanned three ranks of the drawing, with their widths between its columns).
        assert max(cluster.xs) - min(cluster.xs) <= widest + 2 * 8 + 1
    centres = [(min(i.xs) + max(i.xs)) / 2 for i in outlined]
    assert max(centres) - min(centres) < 1
    # Packed: an entry (0.25 inch high, an ellipse a point more) and nodesep (0.25 inch).
    place = {
        text: float(y) for y, text in re.findall(r'<text[^>]*y="(-?[\d.]+)"[^>]*>([^<]+)<', svg)
    }
    column = [place[t] for t in ("input (a leaf)", "output", "computed value", "operation")]
    steps = [after - before for before, after in itertools.pairwise(column)]
    assert all(0 < step <= 36 + 2 for step in steps), steps


@pytest.mark.parametrize("engine", [engine_param(e) for e in ENGINES])
def test_the_legend_never_widens_a_small_drawing_beyond_its_column(engine):
    root = _small()
    plain = _width(viz.to_svg(root, engine=engine))
    keyed = viz.to_svg(root, legend=True, engine=engine)
    cluster = next(i for i in svg_items.items(keyed) if i.kind == "cluster")
    column = max(cluster.xs) - min(cluster.xs)
    assert column < plain / 3  # the key is a narrow part of the picture
    # It sits over the inputs' rank: at most its own width more than without it.
    assert _width(keyed) <= plain + column


@pytest.mark.parametrize("engine", [engine_param(e) for e in ENGINES])
def test_the_legend_goes_under_the_drawing_not_over_it(engine):
    # Over it, a stepper's graph started below a short notebook output's fold.
    steps = viz.backward_steps(_small())
    svg = steps.svgs(engine)[1]
    place = {t: float(y) for y, t in re.findall(r'<text[^>]*y="(-?[\d.]+)"[^>]*>([^<]+)<', svg)}
    assert place["legend"] > max(place["x"], place["y"])  # SVG's y grows downwards
