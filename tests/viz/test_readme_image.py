"""The README's picture, notebooks/images/z.svg, is what the current code draws.

SVG bytes differ between Graphviz versions (the system dot, the WebAssembly build), so the
comparison is of what the picture shows: every node, edge and cluster, with its texts and
kind, but not where the layout put it.
"""

from pathlib import Path

import viz
from chainrule.cli import main
from chainrule.examples import write_demo_files
from tests.viz import svg as svg_items
from tests.viz.helpers import seed_graph

IMAGE = Path(__file__).resolve().parents[2] / "notebooks" / "images" / "z.svg"
COMMAND = [
    "graph",
    "q = x + y; z = q * w",
    "x=2",
    "y=3",
    "w=4",
    "--partials",
    "-o",
    "notebooks/images/z.svg",
]
REGENERATE = f"regenerate it with: chainrule {' '.join(COMMAND)} (quote the expression)"


def test_the_committed_picture_shows_what_the_code_draws():
    committed = svg_items.content(IMAGE.read_text(encoding="utf-8"))
    assert committed == svg_items.content(viz.to_svg(seed_graph(), show_partials=True)), REGENERATE
    texts = {item[1]: item[3] for item in committed}
    assert texts["n4"] == ("z", "data 20", "grad 1")
    assert texts["n2->n4_op"] == ("∂=4 · g=1 → 4",)


def test_the_readme_command_and_the_demo_draw_that_picture(tmp_path, capsys):
    assert main([*COMMAND[:-1], str(tmp_path / "z.svg")]) == 0
    expected = svg_items.content(IMAGE.read_text(encoding="utf-8"))
    assert svg_items.content((tmp_path / "z.svg").read_text(encoding="utf-8")) == expected
    picture, _ = write_demo_files(tmp_path / "demo")
    assert svg_items.content(picture.read_text(encoding="utf-8")) == expected
    capsys.readouterr()
