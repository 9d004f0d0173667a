"""Every line of text the explorer draws fits inside its box or frame, whatever its letters."""

import pytest

from autograd import Value, scope
from tests.viz.test_explorer import open_page
from viz.explorer import explore

pytestmark = pytest.mark.browser

ELLIPSIS = "\u2026"

# Each drawn line, its box (a value's, a folded scope's, or an open scope's frame) and its
# room, in the box's own units: the measured ink of the text, not a count of characters.
LINES = """() => {
  const found = [];
  for (const g of document.querySelectorAll('.cr-view .cr-node, .cr-view .cr-frame')) {
    const rect = g.querySelector(':scope > rect');
    const left = +rect.getAttribute('x') || 0, width = +rect.getAttribute('width');
    for (const t of g.querySelectorAll(':scope > text')) {
      const box = t.getBBox();
      found.push({text: t.textContent, kind: g.getAttribute('class'),
        left: box.x - left, right: left + width - (box.x + box.width), width});
    }
  }
  return found;
}"""

WIDE = {
    "W" * 30: "a wide Latin letter",
    "\u6f22\u5b57" * 12: "CJK ideographs, twice a Latin letter's width",
    "\U0001f600" * 16: "emoji (astral code points)",
    "ok": "a short label, never cut",
}


def wide_graph() -> Value:
    leaves = [Value(float(k + 1), label) for k, label in enumerate(WIDE)]
    with scope("M" * 60):  # an open frame around one value: narrower than its name
        total = leaves[0] * leaves[1] + leaves[2] * leaves[3]
    out = total.tanh()
    out.label = "M" * 26
    out.backward()
    return out


@pytest.mark.parametrize("width", [1280, 1024])
def test_every_line_fits_inside_its_box(page, tmp_path, width):
    page.set_viewport_size({"width": width, "height": 800})
    open_page(page, explore(wide_graph()).save_html(tmp_path / "wide.html"))
    for state in ("start", "expand-all"):
        if state != "start":
            page.click(f'[data-act="{state}"]')
        lines = page.evaluate(LINES)
        shown = {line["text"].rstrip(ELLIPSIS) for line in lines}
        for label in WIDE:  # every label is drawn, cut or whole
            assert any(label.startswith(text) and text for text in shown), (label, state)
        assert "ok" in {line["text"] for line in lines}  # what fits is never cut
        for line in lines:
            assert line["left"] >= 2, (state, line)
            assert line["right"] >= 2, (state, line)
            if line["text"].endswith(ELLIPSIS):  # cut to the room, not far short of it
                assert line["width"] - line["left"] - line["right"] > 0.6 * line["width"], line


def test_the_panel_names_each_kind_as_the_legend_does(page, tmp_path):
    x, w = Value(2.0, "x"), Value(-1.0, "w", parameter=True)
    p = x * w
    p.label = "p"
    h = p.tanh()
    h.label = "h"
    out = h + 1.0
    out.backward()
    open_page(page, explore(out).save_html(tmp_path / "kinds.html"))
    legend = set(page.locator(".cr-panel .cr-legend i.cr-entry").all_inner_texts())
    kinds = {}
    for node in page.locator(".cr-node").all():
        node.hover()
        rows = dict(r.split("\t", 1) for r in page.locator(".cr-panel tr").all_inner_texts())
        kinds[rows["label"]] = rows["kind"]
    assert kinds == {
        "x": "input",
        "w": "parameter",
        "p": "computed",
        "h": "computed",
        "(none)": "output",
    }
    assert set(kinds.values()) <= {entry.strip() for entry in legend}, legend


def test_search_finds_a_value_by_the_op_its_box_shows(page, tmp_path):
    from tests.viz.test_hierarchy import moons_loss  # noqa: PLC0415 - one test needs it

    made = explore(moons_loss())
    open_page(page, made.save_html(tmp_path / "moons.html"))
    shown = [value["op"] for value in made.data["values"]]
    for symbol in ("Σ", "ReLU", "1 - ·"):  # what the loss's boxes show, as drawn
        wanted = {f"n{i}" for i, op in enumerate(shown) if symbol.lower() in op.lower()}
        assert wanted, symbol
        assert wanted <= set(page.evaluate("q => chainrule.search(q)", symbol)), symbol
