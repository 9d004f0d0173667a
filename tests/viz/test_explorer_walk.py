"""The explorer's backward walk, its panel's names, focus and expand-all, in headless Chromium."""

import re

import pytest

from autograd import topological_order
from tests.viz.test_explorer import READABLE, check_geometry, open_page
from tests.viz.test_hierarchy import digits_loss, moons_loss
from viz.explorer import explore
from viz.scopes import ScopeTree

pytestmark = pytest.mark.browser

# One call walks every step and records what the learner sees at each.
WALK = """() => {
  const canvas = document.querySelector('.cr-canvas').getBoundingClientRect();
  const cx = canvas.left + canvas.width / 2, cy = canvas.top + canvas.height / 2;
  const seen = [];
  for (let k = 0; k < window.total; k++) {
    const id = chainrule.step(1);
    const node = document.querySelector(`.cr-node[data-id="${id}"]`);
    const r = node ? node.getBoundingClientRect() : null;
    seen.push({id, drawn: !!node,
      inView: !!r && r.left >= canvas.left && r.right <= canvas.right &&
        r.top >= canvas.top && r.bottom <= canvas.bottom,
      off: r ? Math.hypot(r.left + r.width / 2 - cx, r.top + r.height / 2 - cy) : 1e9,
      current: chainrule.highlighted('cr-current'),
      // Everything the panel says, its table included.
      panel: [...document.querySelectorAll('.cr-panel > *')].map(e => e.innerText)
        .join(' | '),
      open: chainrule.open()});
  }
  return seen;
}"""


def test_the_walk_visits_every_value_backward_opening_and_centring_it(page, tmp_path):
    root = moons_loss()
    order = topological_order(root)
    tree = ScopeTree(order)
    page.set_viewport_size({"width": 1280, "height": 800})
    open_page(page, explore(root).save_html(tmp_path / "moons.html"))
    learner = "Layer 1/Neuron 3"  # opened by the learner: the walk never folds it
    page.evaluate("p => chainrule.expand(p)", learner)
    page.evaluate(f"window.total = {len(order)}")
    seen = page.evaluate(WALK)
    assert [s["id"] for s in seen] == [f"n{i}" for i in reversed(range(len(order)))]
    for k, step in enumerate(seen):
        i = len(order) - 1 - k
        assert step["drawn"], step["id"]  # its own box: every scope around it is open
        assert step["inView"], step["id"]
        assert step["off"] < 30, (step["id"], step["off"])  # centred
        assert step["current"] == [step["id"]]
        assert f"Backward step {k + 1} of {len(order)}" in step["panel"]
        # Names a learner reads, never internal ids such as "from dot n505".
        assert not re.search(r"\bn\d+\b", step["panel"]), step["panel"][:300]
        wanted = {s.path for s in tree.chain(i)}
        assert wanted <= set(step["open"])
        # What the walk opened and left is folded again; the default and the learner's stay.
        extra = set(step["open"]) - wanted - {"Layer 0", "Layer 1", "Layer 2", learner}
        assert not extra, (step["id"], extra)
    assert learner in seen[-1]["open"]
    # The way back: step(-1) returns to the value before, with its scopes.
    assert page.evaluate("chainrule.step(-1)") == "n1"
    assert page.evaluate("chainrule.highlighted('cr-current')") == ["n1"]


def test_the_panel_names_operands_by_label_and_scope(page, tmp_path):
    root = moons_loss()
    order = topological_order(root)
    index = {node: i for i, node in enumerate(order)}
    dot = next(i for i, node in enumerate(order) if node.op and node.op.name == "dot")
    open_page(page, explore(root).save_html(tmp_path / "moons.html"))
    page.evaluate(f"chainrule.reveal('n{dot}')")
    chains = page.locator(".cr-panel li.cr-chain").all_inner_texts()
    node = order[dot]
    assert len(chains) == len(node.parents)
    for text, parent in zip(chains, node.parents, strict=True):
        assert text.startswith(parent.label or "input"), text  # x0, w0, ...: labels first
    users = page.locator(".cr-panel li.cr-received").all_inner_texts()
    assert users
    assert all(u.startswith("from add") for u in users), users
    everything = page.evaluate(
        "[...document.querySelectorAll('.cr-panel > *')].map(e => e.innerText).join()"
    )
    assert not re.search(r"\bn\d+\b", everything)
    # A value inside a folded neuron is named with its scope.
    relu = next(i for i in range(dot + 1, len(order)) if order[i].op and order[i].op.name == "relu")
    user = next(n for n in order if order[relu] in n.parents)
    page.evaluate(f"chainrule.reveal('n{index[user]}')")
    assert any("(in Layer" in t for t in page.locator(".cr-panel li").all_inner_texts())


def test_focus_has_a_style_and_a_legend_entry_of_its_own(page, tmp_path):
    root = moons_loss()
    open_page(page, explore(root).save_html(tmp_path / "moons.html"))
    page.evaluate("chainrule.step(1)")
    page.evaluate(f"chainrule.focus('n{len(topological_order(root)) - 2}')")
    styles = page.evaluate(
        """() => ['.cr-current', '.cr-lit:not(.cr-current)'].map(s => {
          const r = document.querySelector('.cr-view ' + s + ' rect');
          const c = getComputedStyle(r);
          return [c.stroke, c.strokeDasharray];
        })"""
    )
    assert styles[0] != styles[1], styles
    legend = page.inner_text(".cr-legend")
    assert "step's node" in legend
    assert "focus" in legend
    key = page.evaluate(
        """() => [...document.querySelectorAll('.cr-legend span')].map(s =>
          [getComputedStyle(s).borderTopColor, getComputedStyle(s).borderTopStyle,
            getComputedStyle(s).backgroundColor].join(' '))"""
    )
    assert len(set(key)) == len(key)  # each marking has its own key


def test_expand_all_stays_readable_around_the_selection(page, tmp_path):
    root = digits_loss()
    order = topological_order(root)
    page.set_viewport_size({"width": 1280, "height": 800})
    open_page(page, explore(root).save_html(tmp_path / "digits.html"))
    chosen = f"n{len(order) // 3}"
    page.evaluate(f"chainrule.select('{chosen}')")
    page.evaluate("chainrule.expandAll()")
    page.evaluate(f"window.ids = ['{chosen}']")
    seen = page.evaluate(READABLE)
    assert min(seen["texts"]) >= 11
    assert seen["inView"] == [True]
    check_geometry(page, root, {s["path"] for s in explore(root).data["scopes"]})
    page.evaluate("chainrule.collapseAll()")
    seen = page.evaluate(READABLE.replace("window.ids.map(inView)", "[]"))
    assert min(seen["texts"]) >= 11


@pytest.mark.parametrize("width", [1280, 1024])
def test_each_legend_key_stays_on_one_line_with_its_words(page, tmp_path, width):
    page.set_viewport_size({"width": width, "height": 800})
    open_page(page, explore(moons_loss()).save_html(tmp_path / "moons.html"))
    entries = page.evaluate(
        """() => [...document.querySelectorAll('.cr-legend span')].map(key => {
          const words = document.createRange();
          words.selectNodeContents(key.parentNode);
          words.setStartAfter(key);
          let next = key.nextSibling;  // the words end at the next key, if it shares the parent
          while (next && next.nodeName !== 'SPAN') next = next.nextSibling;
          if (next) words.setEndBefore(next);
          const k = key.getBoundingClientRect(), lines = words.getClientRects();
          return [words.toString(), lines.length,
                  lines.length ? Math.abs((lines[0].top + lines[0].bottom) / 2 -
                                          (k.top + k.bottom) / 2) : 99];
        })"""
    )
    assert len(entries) >= 9, entries
    for words, lines, offset in entries:
        assert lines == 1, f"{words!r} is broken over {lines} lines"
        assert offset < 4, f"{words!r} is {offset:.1f} px off its key's line"


# Where a scope's frame is on screen, in the canvas's rectangle, and the size of its text.
FRAME = """path => {
  const canvas = document.querySelector('.cr-canvas').getBoundingClientRect();
  const frame = document.querySelector(`.cr-frame[data-path="${path}"]`);
  if (!frame) return null;
  const r = frame.querySelector('rect').getBoundingClientRect();
  const t = frame.querySelector('text').getBoundingClientRect();
  return {frame: [r.left, r.top, r.right, r.bottom], canvas: [canvas.left, canvas.top,
    canvas.right, canvas.bottom], title: [t.left, t.top, t.right, t.bottom], text: t.height};
}"""


@pytest.mark.parametrize("width", [1280, 1024])
def test_the_page_opens_on_the_scope_expand_asked_for(page, tmp_path, width):
    neuron = "Layer 1/Neuron 1"  # the README's example: far from the output
    page.set_viewport_size({"width": width, "height": 800})
    open_page(page, explore(moons_loss(), expand=[neuron]).save_html(tmp_path / "open.html"))
    for view in ("start", "reset"):
        if view == "reset":
            page.mouse.wheel(0, 2000)  # zoomed out, then the default view again
            page.click('[data-act="reset"]')
        seen = page.evaluate(FRAME, neuron)
        left, top, right, bottom = seen["canvas"]
        # Its title is on screen at full size, and the frame's middle is in view.
        title_left, title_top, title_right, title_bottom = seen["title"]
        assert left <= title_left < title_right <= right, (view, seen)
        assert top <= title_top < title_bottom <= bottom, (view, seen)
        middle = (seen["frame"][1] + seen["frame"][3]) / 2
        assert top <= middle <= bottom, (view, seen)
        assert seen["text"] >= 11, (view, seen)  # readable: scale 1


def test_step_back_before_any_step_does_nothing_and_says_so(page, tmp_path):
    from autograd import Value  # noqa: PLC0415

    x, y = Value(2.0, "x"), Value(3.0, "y")
    root = x * y + x
    root.backward()
    size = len(topological_order(root))
    open_page(page, explore(root).save_html(tmp_path / "small.html"))
    back, ahead = page.locator('[data-act="back"]'), page.locator('[data-act="next"]')

    def state() -> tuple[bool, bool, list[str]]:
        return (
            back.is_disabled(),
            ahead.is_disabled(),
            page.evaluate("chainrule.highlighted('cr-current')"),
        )

    # At the start there is no step to go back to (it once jumped to the last step).
    assert state() == (True, False, [])
    assert page.evaluate("chainrule.step(-1)") is None
    assert state() == (True, False, [])
    grey = back.evaluate("b => getComputedStyle(b).color")
    assert grey != ahead.evaluate("b => getComputedStyle(b).color")  # visibly so
    ahead.click()
    assert state() == (True, False, [f"n{size - 1}"])  # the first step: nothing before it
    for _ in range(size - 1):
        ahead.click()
    assert state() == (False, True, ["n0"])  # the last step: nothing after it
    back.click()
    assert state() == (False, False, ["n1"])


# Each value's box against the canvas (px to spare on each side) and its text's size.
BOXES = """() => {
  const c = document.querySelector('.cr-canvas').getBoundingClientRect();
  return Object.fromEntries([...document.querySelectorAll('.cr-node')].map(n => {
    const r = n.getBoundingClientRect(), t = n.querySelector('text').getBoundingClientRect();
    return [n.getAttribute('data-id'),
      [r.left - c.left, c.right - r.right, r.top - c.top, c.bottom - r.bottom, t.height]];
  }));
}"""


def _tiny():
    from autograd import Value  # noqa: PLC0415

    x, y = Value(2.0, "x"), Value(3.0, "y")
    out = x * y + x  # three columns and a lane: 692 px of boxes, a 707 px canvas at 1024
    out.backward()
    return out


@pytest.mark.parametrize("width", [1024, 1280])
@pytest.mark.parametrize("graph", ["tiny", "moons"])
def test_the_start_view_shows_a_small_graph_whole_and_a_big_one_at_its_output(
    page, tmp_path, width, graph
):
    root = _tiny() if graph == "tiny" else moons_loss()
    page.set_viewport_size({"width": width, "height": 800})
    open_page(page, explore(root).save_html(tmp_path / "start.html"))
    for view in ("start", "reset"):
        if view == "reset":
            page.mouse.wheel(0, 2000)
            page.click('[data-act="reset"]')
        boxes = page.evaluate(BOXES)
        out = f"n{len(topological_order(root)) - 1}"
        assert min(boxes[out][:4]) >= 0, (view, boxes[out])  # the output, whole
        assert min(box[4] for box in boxes.values()) >= 11, view  # scale 1: readable
        if graph == "tiny":  # it fits: every box wholly in view (x was cut at 1024)
            assert all(min(box[:4]) >= 0 for box in boxes.values()), (view, boxes)
