"""The explorer: its data (the drawing's numbers), its file, and the page in headless Chromium."""

import base64
import fnmatch
import json
import os
import re
import stat
import tempfile
import tomllib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import viz
from autograd import Value, scope, topological_order
from tests.viz.test_hierarchy import digits_loss, moons_loss
from viz.explorer import Explorer, explore, graph_data
from viz.scopes import ScopeTree

MAX_BYTES = 2_000_000


def units(root: Value, open_paths: set[str]) -> set[str]:
    """What the page should show with ``open_paths`` open: an independent reading of scopes."""
    order = topological_order(root)
    tree = ScopeTree(order)
    shown = set()
    for i in range(len(order)):
        closed = [s for s in tree.chain(i) if s.path not in open_paths]
        shown.add(closed[0].path if closed else f"n{i}")
    return shown


def related(root: Value, start_index: int) -> set[int]:
    """Value ``i`` with everything it depends on and everything that depends on it."""
    order = topological_order(root)
    index = {node: i for i, node in enumerate(order)}
    start = order[start_index]
    up, stack = {start}, [start]
    while stack:
        for parent in stack.pop().parents:
            if parent not in up:
                up.add(parent)
                stack.append(parent)
    down = {start}
    for node in order[start_index + 1 :]:  # topological order: one pass finds them all
        if any(parent in down for parent in node.parents):
            down.add(node)
    return {index[node] for node in up | down}


def unit_of(root: Value, i: int, open_paths: set[str]) -> str:
    tree = ScopeTree(topological_order(root))
    closed = [s for s in tree.chain(i) if s.path not in open_paths]
    return closed[0].path if closed else f"n{i}"


# --- the data the page shows ---------------------------------------------------------


def test_boxes_show_the_lines_of_the_static_drawing():
    loss = moons_loss()
    dot = viz.to_dot(loss, depth=1)
    drawn = re.findall(r'n\d+_box \[label="([^"]*)"', dot)
    data = graph_data(loss)
    by_path = {s["path"]: s["lines"] for s in data["scopes"]}
    neurons = [p for p in by_path if p.count("/") == 1]
    assert len(drawn) == len(neurons) == 33
    assert sorted("\\n".join(by_path[p]) for p in neurons) == sorted(drawn)


def test_edges_carry_the_chain_rule_of_the_static_drawing():
    x, w = Value(2.0, "x"), Value(-3.0, "w", parameter=True)
    y = (x * w + x).tanh()
    y.backward()
    dot = viz.to_dot(y, show_partials=True)
    drawn = dict(re.findall(r"(n\d+ -> n\d+_op) \[label=\"([^\"]*)\"\]", dot))
    data = graph_data(y)
    shown = {}
    for i, value in enumerate(data["values"]):
        for parent, text in zip(value["parents"], value["chain"], strict=True):
            shown[f"n{parent} -> n{i}_op"] = text
    assert shown == drawn
    assert data["values"][-1]["grad"] == "1"


def test_the_explorer_starts_at_the_drawings_default_depth():
    assert graph_data(moons_loss())["depth"] == 1
    assert graph_data(digits_loss())["depth"] == 1
    assert graph_data(moons_loss(), depth=0)["depth"] == 0
    assert graph_data(moons_loss(), depth=9)["depth"] == 2  # capped at the deepest scope


def test_the_page_is_one_small_offline_file(tmp_path):
    path = explore(digits_loss()).save_html(tmp_path / "digits.html")
    text = path.read_text(encoding="utf-8")
    assert path.stat().st_size <= MAX_BYTES
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~_umask()
    assert os.listdir(tmp_path) == ["digits.html"]  # no temporary file left
    assert text.count("<script") == 2  # the data and the script, both inline
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", text)
    assert "http://" not in text.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in text


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def test_no_asset_can_end_its_script_early():
    from viz.explorer import _asset  # noqa: PLC0415

    assert "</script" not in _asset("explore.js").lower()
    assert "</style" not in _asset("explore.css").lower()
    label = Value(1.0, "</script><b>x")
    page = explore(label * 2).page()
    assert page.lower().count("</script") == 2


@pytest.mark.parametrize("system_dot", [True, False], ids=["system-dot", "no-system-dot"])
def test_notebook_display_carries_a_picture_for_untrusted_output(system_dot, request):
    if not system_dot:
        request.getfixturevalue("hide_dot")
    loss = moons_loss()
    html = explore(loss)._repr_html_()
    fallback = re.search(r'<div class="cr-fallback">(.*?)</div>', html).group(1)
    # The top of the starting view at full size, in a box that scrolls (issue 19).
    assert fallback.startswith(
        '<div style="overflow:auto;max-height:640px;max-width:100%">'
        '<img alt="the graph at the starting depth" src="data:image/png;base64,'
    )
    # Shown at the drawing's own size (a point is 4/3 CSS pixels), with one PNG pixel per
    # CSS pixel (fewer for a PNG at resvg's size cap): without a width it showed at
    # twice its size where resvg made the PNG.
    found = re.search(r'base64,([A-Za-z0-9+/=]+)" width="(\d+)"', fallback)
    assert found, fallback[-200:]
    png, width = base64.b64decode(found.group(1)), int(found.group(2))
    points = re.search(r'<svg width="([\d.]+)pt"', viz.to_svg(loss)).group(1)
    assert width == round(float(points) * 96 / 72)
    assert abs(int.from_bytes(png[16:20], "big") - width) <= 1  # the IHDR width


def test_it_works_without_a_system_graphviz(hide_dot, tmp_path):
    page = explore(moons_loss())
    assert page.save_html(tmp_path / "a.html").stat().st_size > 0
    assert "<script" in page._repr_html_()


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: explore(3.0), TypeError, "explore: expected a Value, got float"),
        (lambda: explore(Value(1.0), depth=-1), ValueError, "explore: depth must be None or"),
        (lambda: explore(Value(1.0), depth=True), ValueError, "explore: depth must be None or"),
    ],
)
def test_bad_arguments_are_clear_errors(call, error, message):
    with pytest.raises(error, match=re.escape(message)):
        call()


def test_the_page_assets_ship_with_the_package():
    config = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["viz"]
    for asset in ("explore.js", "explore.css"):
        assert any(fnmatch.fnmatch(asset, pattern) for pattern in patterns)


def test_explorer_is_exported():
    assert viz.explore is explore
    assert isinstance(viz.explore(Value(1.0) * 2), Explorer)
    assert repr(explore(moons_loss())) == (
        "Explorer(442 values, 36 scopes, starting at depth 1 of 2)"
    )


# --- the page in headless Chromium ---------------------------------------------------


@pytest.fixture(scope="module")
def digits() -> Value:
    return digits_loss()


@pytest.fixture
def opened(page, tmp_path, digits):
    path = explore(digits).save_html(tmp_path / "digits.html")
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(path.as_uri())
    page.wait_for_function("window.chainrule !== undefined")
    return page


DEFAULT_OPEN = {"Layer 0", "Layer 1", "log_softmax"}  # its max tree, "shift", stays folded


@pytest.mark.browser
def test_the_page_opens_at_the_default_depth_without_errors_or_requests(opened, page_log, digits):
    assert set(opened.evaluate("chainrule.visible()")) == units(digits, DEFAULT_OPEN)
    assert opened.locator(".cr-fallback").is_hidden()
    assert "67 values shown" not in opened.inner_text(".cr-status")
    assert opened.inner_text(".cr-status").startswith("44 boxes, 24 values shown of 2623")
    page_log.assert_clean()


@pytest.mark.browser
def test_expand_and_collapse_by_the_api(opened, digits):
    neuron = "Layer 1/Neuron 3"
    after = set(opened.evaluate(f"chainrule.expand({neuron!r})"))
    assert after == units(digits, DEFAULT_OPEN | {neuron})
    assert neuron not in after
    assert set(opened.evaluate(f"chainrule.collapse({neuron!r})")) == units(digits, DEFAULT_OPEN)
    everything = opened.evaluate("chainrule.expandAll()")
    assert len(everything) == len(topological_order(digits))
    assert set(opened.evaluate("chainrule.collapseAll()")) == units(digits, set())
    with pytest.raises(Exception, match=r"chainrule\.expand: no scope"):
        opened.evaluate("chainrule.expand('Layer 9')")


@pytest.mark.browser
def test_clicking_a_box_opens_it_and_clicking_its_frame_folds_it(opened, digits):
    neuron = "Layer 1/Neuron 0"
    opened.click('[data-act="fit"]')  # the whole graph (it starts at full size, at the output)
    opened.locator(f'.cr-node[data-path="{neuron}"]').click()
    assert set(opened.evaluate("chainrule.visible()")) == units(digits, DEFAULT_OPEN | {neuron})
    opened.evaluate("chainrule.collapse('Layer 1/Neuron 0')")
    opened.mouse.move(1, 1)  # off the canvas
    # A click without moving the pointer (hovering over what opened shows that instead).
    opened.locator(f'.cr-node[data-path="{neuron}"]').dispatch_event("click")
    assert set(opened.evaluate("chainrule.visible()")) == units(digits, DEFAULT_OPEN | {neuron})
    panel = opened.inner_text(".cr-panel")
    assert "Open: click its frame to fold it." in panel
    assert "Click the box to open it" not in panel
    opened.click('[data-act="fit"]')
    frame = opened.locator(f'.cr-frame[data-path="{neuron}"] rect')
    frame.click(position={"x": 3, "y": 3})
    assert set(opened.evaluate("chainrule.visible()")) == units(digits, DEFAULT_OPEN)


@pytest.mark.browser
def test_clicking_a_value_shows_its_chain_rule(opened, digits):
    order = topological_order(digits)
    root = len(order) - 1
    opened.locator(f'.cr-node[data-id="n{root}"]').click()
    panel = opened.inner_text(".cr-panel")
    data = graph_data(digits)["values"][root]
    assert f"grad\t{order[root].grad!r}" in panel
    for text in data["chain"]:
        assert text in panel


@pytest.mark.browser
def test_search_highlights_the_boxes_holding_the_matches(opened, digits):
    opened.fill("input[type=search]", "x1")
    order = topological_order(digits)
    expected = {
        unit_of(digits, i, DEFAULT_OPEN) for i, node in enumerate(order) if "x1" in node.label
    }
    assert expected == {"Inputs"}  # x1, x10 ... x19 are all folded into the inputs' box
    assert set(opened.evaluate("chainrule.highlighted()")) == expected
    opened.evaluate("chainrule.expand('Layer 0/Neuron 2')")
    opened.fill("input[type=search]", "w1")
    expected = {
        unit_of(digits, i, DEFAULT_OPEN | {"Layer 0/Neuron 2"})
        for i, node in enumerate(order)
        if "w1" in node.label
    }
    assert len(expected) > 2
    assert set(opened.evaluate("chainrule.highlighted()")) == expected


@pytest.mark.browser
def test_focus_lights_the_values_its_gradient_flows_through(opened, digits):
    order = topological_order(digits)
    opened.evaluate("chainrule.expand('Layer 1/Neuron 3')")
    open_paths = DEFAULT_OPEN | {"Layer 1/Neuron 3"}
    tree = ScopeTree(order)
    weight = next(
        i
        for i, node in enumerate(order)
        if node.label == "w5" and tree.chain(i)[-1].path == "Layer 1/Neuron 3"
    )
    lit = set(opened.evaluate(f"chainrule.focus('n{weight}')"))
    expected = {unit_of(digits, i, open_paths) for i in related(digits, weight)}
    assert lit == expected
    assert set(opened.evaluate("chainrule.highlighted('cr-lit')")) == expected
    dimmed = set(opened.evaluate("chainrule.highlighted('cr-dim')"))
    assert dimmed == units(digits, open_paths) - expected
    assert "Layer 1/Neuron 4" in dimmed  # another neuron of the same layer
    opened.click('[data-act="clear"]')
    assert opened.evaluate("chainrule.highlighted('cr-dim')") == []


@pytest.mark.browser
def test_backward_steps_walk_the_shown_values_from_the_output(opened, digits):
    order = topological_order(digits)
    opened.evaluate("chainrule.expand('Layer 1/Neuron 3')")
    opened.click('[data-act="next"]')
    root = len(order) - 1
    assert opened.evaluate("chainrule.highlighted('cr-current')") == [f"n{root}"]
    parents = {f"n{order.index(p)}" for p in order[root].parents}
    assert set(opened.evaluate("chainrule.highlighted('cr-updated')")) == parents
    opened.click('[data-act="next"]')
    (current,) = opened.evaluate("chainrule.highlighted('cr-current')")
    assert int(current[1:]) < root
    assert "backward step 2/" in opened.inner_text(".cr-status")
    opened.click('[data-act="back"]')
    assert opened.evaluate("chainrule.highlighted('cr-current')") == [f"n{root}"]


@pytest.mark.browser
def test_expand_opens_named_scopes_at_the_start(page, tmp_path, digits):
    neuron = "Layer 1/Neuron 3"
    path = explore(digits, expand=[neuron]).save_html(tmp_path / "open.html")
    page.goto(path.as_uri())
    page.wait_for_function("window.chainrule !== undefined")
    assert set(page.evaluate("chainrule.visible()")) == units(digits, DEFAULT_OPEN | {neuron})
    page.click('[data-act="reset"]')  # the default view keeps it open
    assert neuron not in page.evaluate("chainrule.visible()")


def test_expand_names_an_unknown_scope_clearly():
    with pytest.raises(
        ValueError, match=r"explore: expand names no scope of this graph: \['Layer 7'\]"
    ):
        explore(moons_loss(), expand=["Layer 7"])


def test_explore_and_draw_list_the_scopes_alike_even_none():
    bare = Value(2.0, "x") * 3.0  # no scope at all
    for call, name in [
        (lambda: explore(bare, expand="x"), "expand"),
        (lambda: viz.draw(bare, collapse=["x"]), "collapse"),
    ]:
        with pytest.raises(ValueError, match=f"{name} names no scope") as e:
            call()
        assert str(e.value).endswith("['x'] (scopes: none)")
    with pytest.raises(ValueError, match="expand names no scope") as e:
        explore(digits_loss(), expand="Layer 9")  # 43 scopes: the first six, then "..."
    assert str(e.value).endswith(
        "(scopes: Inputs, Layer 0, Layer 0/Neuron 0, Layer 0/Neuron 1, Layer 0/Neuron 10, "
        "Layer 0/Neuron 11, ...)"
    )


@pytest.mark.browser
def test_hovering_a_value_shows_its_details(opened, digits):
    order = topological_order(digits)
    root = len(order) - 1
    opened.hover(f'.cr-node[data-id="n{root}"]')
    rows = dict(row.split("\t", 1) for row in opened.locator(".cr-panel tr").all_inner_texts())
    node = order[root]
    # The learner's words: label, data, grad, op; never the drawing's internal id.
    assert rows["data"] == repr(node.data)
    assert rows["grad"] == repr(node.grad) == "1.0"
    assert rows["op"].endswith(f"({node.op.name})")
    assert "id" not in rows
    assert not re.search(r"\bn\d+\b", opened.inner_text(".cr-panel"))


@pytest.mark.browser
def test_the_buttons_expand_and_collapse_everything(opened, digits):
    opened.click('[data-act="expand-all"]')
    assert len(opened.evaluate("chainrule.visible()")) == len(topological_order(digits))
    opened.click('[data-act="collapse-all"]')
    assert set(opened.evaluate("chainrule.visible()")) == units(digits, set())
    opened.click('[data-act="reset"]')
    assert set(opened.evaluate("chainrule.visible()")) == units(digits, DEFAULT_OPEN)


def _transform(page) -> tuple[float, float, float]:
    text = page.get_attribute(".cr-view", "transform")
    x, y, k = (float(n) for n in re.findall(r"-?[\d.]+(?:e-?\d+)?", text))
    return x, y, k


@pytest.mark.browser
def test_wheel_zooms_and_dragging_pans(opened):
    box = opened.locator(".cr-canvas svg").bounding_box()
    middle = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    before = _transform(opened)
    opened.mouse.move(*middle)
    opened.mouse.wheel(0, -300)  # scroll up: zoom in around the pointer
    zoomed = _transform(opened)
    assert zoomed[2] > before[2] * 1.3
    opened.mouse.down()
    opened.mouse.move(middle[0] + 120, middle[1] + 80, steps=4)
    opened.mouse.up()
    panned = _transform(opened)
    assert panned[0] == pytest.approx(zoomed[0] + 120, abs=1)
    assert panned[1] == pytest.approx(zoomed[1] + 80, abs=1)
    assert panned[2] == zoomed[2]


# --- hostile text and scope names ---------------------------------------------------
# Labels and scope names are user text: none may end or bend the page's scripts (the data
# script once swallowed the page's own script after "<!--<script "), and none may be read
# as a value id ("n0") or an object key ("__proto__").

HOSTILE = [
    "</script>",
    "</SCRIPT ",
    "<!--<script ",
    "<!--",
    "-->",
    "<script>",
    "]]>",
    "<![CDATA[",
    '"',
    "'",
    "\\",
    "\\u003c",
    "&amp;",
    "\u2028",
    "\u2029",
    "\U0001f600",
    "\0",
    "\n",
    "\udc80",  # a lone surrogate: no UTF-8 for it
    "n0",
    "__proto__",
    "x",
]


def shown(text: str) -> str:
    """The page's rule for showing text: control characters as their control pictures
    (U+2400 + code, DEL as U+2421), a lone surrogate as U+FFFD, everything else as typed."""
    out = []
    for char in text:
        code = ord(char)
        if code < 0x20:
            out.append(chr(0x2400 + code))
        elif code == 0x7F:
            out.append("\u2421")
        elif 0xD800 <= code <= 0xDFFF:
            out.append("\ufffd")
        else:
            out.append(char)
    return "".join(out)


def hostile_graph(labels: list[str], outer: str, inner: str) -> Value:
    x = Value(1.5, labels[0])
    with scope(outer):
        with scope(inner):
            w = Value(-2.0, labels[1], parameter=True)
            product = x * w
            product.label = labels[2]
        total = product + 1
    out = total.tanh()
    out.label = labels[3]
    out.backward()
    return out


def open_page(page, path) -> None:
    page.goto(path.as_uri())
    page.wait_for_function("window.chainrule !== undefined")


hostile_text = st.lists(st.sampled_from(HOSTILE), min_size=0, max_size=3).map("".join)


def test_no_user_text_reaches_a_script_unescaped():
    labels = ["<!--<script ", "</script>", "\u2028]]>", "&\udc80"]
    page = explore(hostile_graph(labels, "<!--<script>", "</script ")).page()
    data = re.search(r'class="cr-data">(.*?)</script>', page, re.DOTALL).group(1)
    for forbidden in ("<", ">", "&", "\u2028", "\u2029"):
        assert forbidden not in data
    assert page.lower().count("</script") == page.lower().count("<script") == 2
    page.encode("utf-8")  # a lone surrogate travels as an escape, so the page can be written
    assert json.loads(data)["values"][0][0] == labels[0]


@pytest.mark.browser
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(labels=st.lists(hostile_text, min_size=4, max_size=4), outer=hostile_text,
       inner=hostile_text)  # fmt: skip
@example(labels=["<!--<script ", "</script>", "\0\u2028", "n1"], outer="n0", inner="__proto__")
def test_hostile_labels_and_scope_names_are_shown_as_typed(page, page_log, labels, outer, inner):
    root = hostile_graph(labels, outer, inner)
    with tempfile.TemporaryDirectory() as folder:
        path = explore(root, depth=2).save_html(Path(folder) / "hostile.html")
        open_page(page, path)
    page_log.assert_clean()
    data = graph_data(root, depth=2)
    count = len(data["values"])
    # Everything open: every value is drawn, as a box of its own.
    assert sorted(page.evaluate("chainrule.visible()")) == sorted(f"n{i}" for i in range(count))
    assert page.locator(".cr-node").count() == count
    for i, value in enumerate(data["values"]):
        page.evaluate(f"chainrule.select({i})")
        row = page.locator(".cr-panel tr", has_text="label").first
        assert row.locator("td").nth(1).text_content() == (shown(value["label"]) or "(none)")
    assert len(data["scopes"]) == 2
    for k, info in enumerate(data["scopes"]):
        text = page.locator(f'.cr-frame[data-scope="{k}"] text').text_content()
        assert text == shown(info["name"]) + "  (click to fold)"
    # Folded, each scope is one box that opens again by its path.
    outer_path = data["scopes"][0]["path"]
    assert sorted(page.evaluate("chainrule.collapseAll()")) == unit_list(root, set())
    opened = page.evaluate("p => chainrule.expand(p)", outer_path)
    assert sorted(opened) == unit_list(root, {outer_path})
    page_log.assert_clean()


OBJECT_AND_ID_NAMES = ["n0", "n1", "__proto__", "constructor", "toString", "hasOwnProperty"]


def unit_list(root: Value, open_paths: set[str]) -> list[str]:
    """What the page shows with ``open_paths`` open, sorted, repeats kept (a scope "n0"
    folded and the value n0 are two units with one spelling)."""
    tree = ScopeTree(topological_order(root))
    values, boxes = [], set()
    for i in range(len(tree.order)):
        closed = [s for s in tree.chain(i) if s.path not in open_paths]
        if closed:
            boxes.add(closed[0].path)
        else:
            values.append(f"n{i}")
    return sorted(values + list(boxes))


@pytest.fixture
def named_scopes(page, tmp_path):
    x = Value(2.0, "x")
    parts = []
    for k, name in enumerate(OBJECT_AND_ID_NAMES):
        with scope(name):
            parts.append(x * (k + 1))
    total = parts[0]
    for part in parts[1:]:
        total = total + part
    total.backward()
    open_page(page, explore(total).save_html(tmp_path / "names.html"))
    page.evaluate("chainrule.collapseAll()")
    return page, total


@pytest.mark.browser
@pytest.mark.parametrize("name", OBJECT_AND_ID_NAMES)
def test_scopes_named_like_ids_or_object_keys_open_and_fold(named_scopes, name):
    page, root = named_scopes
    assert page.evaluate("chainrule.open()") == []
    assert sorted(page.evaluate("chainrule.visible()")) == unit_list(root, set())
    page.click('[data-act="fit"]')  # the whole graph (it starts at full size, at the output)
    page.locator(f'.cr-node[data-path="{name}"]').click()
    assert page.evaluate("chainrule.open()") == [name]
    assert sorted(page.evaluate("chainrule.visible()")) == unit_list(root, {name})
    assert page.locator(f'.cr-node[data-path="{name}"]').count() == 0
    assert page.locator(".cr-panel h3").text_content() == name
    page.click('[data-act="fit"]')
    page.locator(f'.cr-frame[data-path="{name}"] rect').click(position={"x": 3, "y": 3})
    assert page.evaluate("chainrule.open()") == []
    assert sorted(page.evaluate("chainrule.visible()")) == unit_list(root, set())
    assert sorted(page.evaluate("n => chainrule.expand(n)", name)) == unit_list(root, {name})
    assert page.evaluate("chainrule.open()") == [name]


@pytest.mark.browser
@pytest.mark.parametrize("name", ["valueOf", "__defineGetter__", "isPrototypeOf", "n2", ""])
def test_names_that_are_no_scope_are_refused_even_if_objects_have_them(named_scopes, name):
    page, _ = named_scopes
    with pytest.raises(Exception, match=r"chainrule\.expand: no scope"):
        page.evaluate("n => chainrule.expand(n)", name)
    assert page.evaluate("chainrule.open()") == []


# --- truthful geometry: every edge drawn exists, and runs only into its own two boxes -----

GEOMETRY = """() => {
  const view = document.querySelector('.cr-view');
  const ids = new Map(), boxes = {};
  for (const g of view.querySelectorAll('.cr-node')) {
    const unit = g.getAttribute('data-unit');
    ids.set(unit, g.getAttribute('data-id') ?? g.getAttribute('data-path'));
    const m = g.transform.baseVal.consolidate().matrix, r = g.querySelector('rect');
    boxes[ids.get(unit)] = [m.e, m.f, r.width.baseVal.value, r.height.baseVal.value];
  }
  const edges = [...view.querySelectorAll('.cr-edge')].map(path => [
    ids.get(path.getAttribute('data-tail')), ids.get(path.getAttribute('data-head')),
    path.getAttribute('d')]);
  return {edges, boxes};
}"""


def path_points(d: str, columns: np.ndarray) -> np.ndarray:
    """Points along an SVG path of absolute M, L and C commands, at most 2 px apart across
    and 12 px apart down (boxes are wider and taller), wherever the path may meet a box.

    A piece of the path lies in the convex hull of its points (a curve's control points),
    so a piece whose hull meets no box's x-range (``columns``: the (left, right) of each)
    can meet no box and is not sampled.
    """
    assert re.fullmatch(r"M[-\d.e,]+(?:[LC][-\d.e, ]+)*", d), d
    points = []
    here = None
    for command, numbers in re.findall(r"([MLC])([^MLC]+)", d):
        xy = np.array([float(t) for t in re.split(r"[ ,]", numbers.strip())]).reshape(-1, 2)
        if command == "M":
            points.append(xy)
            here = xy[-1]
            continue
        corners = np.vstack([here, xy])
        here = xy[-1]
        low, high = corners[:, 0].min(), corners[:, 0].max()
        if not np.any((columns[:, 0] + 0.5 < high) & (columns[:, 1] - 0.5 > low)):
            points.append(xy[-1:])
            continue
        steps = np.abs(np.diff(corners, axis=0)).sum(axis=0) / [2.0, 12.0]
        t = np.linspace(0.0, 1.0, int(max(2, steps.max() + 1)))[:, None]
        if command == "L":
            points.append(corners[0] + t * (corners[1] - corners[0]))
        else:
            u = 1 - t
            points.append(
                u**3 * corners[0]
                + 3 * u**2 * t * corners[1]
                + 3 * u * t**2 * corners[2]
                + t**3 * corners[3]
            )
    return np.vstack(points)


def expected_edges(
    root: Value, open_paths: set[str], samples: bool = False
) -> set[tuple[str, str]]:
    """The edges between what is shown: one per pair of units some operand edge joins."""
    order = topological_order(root)
    tree = ScopeTree(order, samples=samples)
    index = {node: i for i, node in enumerate(order)}

    def unit(i: int) -> str:
        closed = [s for s in tree.chain(i) if s.path not in open_paths]
        return closed[0].path if closed else f"n{i}"

    pairs = set()
    for i, node in enumerate(order):
        for parent in node.parents:
            pair = (unit(index[parent]), unit(i))
            if pair[0] != pair[1]:
                pairs.add(pair)
    return pairs


def check_geometry(page, root: Value, open_paths: set[str], samples: bool = False) -> None:
    """Every edge drawn joins two units an operand edge joins, from the right side of its
    tail to the left side of its head, and no point of it lies inside any other box; no
    two boxes overlap."""
    drawn = page.evaluate(GEOMETRY)
    boxes = drawn["boxes"]
    assert {(tail, head) for tail, head, _ in drawn["edges"]} == expected_edges(
        root, open_paths, samples
    )
    names = sorted(boxes)
    number = {name: k for k, name in enumerate(names)}
    chunks, ends = [], []
    columns = np.array(sorted({(x, x + w) for x, _, w, _ in boxes.values()}))
    for tail, head, d in drawn["edges"]:
        points = path_points(d, columns)
        x, y, w, h = boxes[tail]
        assert points[0][0] == pytest.approx(x + w, abs=0.5)
        assert y <= points[0][1] <= y + h
        x, y, w, h = boxes[head]
        assert points[-1][0] == pytest.approx(x, abs=0.5)
        assert y <= points[-1][1] <= y + h
        chunks.append(points)
        ends.append(np.tile([number[tail], number[head]], (len(points), 1)))
    points, owners = np.vstack(chunks), np.vstack(ends)
    by_x = np.argsort(points[:, 0])
    points, owners = points[by_x], owners[by_x]
    crossings = set()
    for k, name in enumerate(names):
        x, y, w, h = boxes[name]
        lo, hi = np.searchsorted(points[:, 0], [x + 0.5, x + w - 0.5])
        inside = (points[lo:hi, 1] > y + 0.5) & (points[lo:hi, 1] < y + h - 0.5)
        inside &= (owners[lo:hi, 0] != k) & (owners[lo:hi, 1] != k)
        for tail, head in owners[lo:hi][inside]:
            crossings.add((names[tail], names[head], name))
    assert sorted(crossings)[:10] == []
    rects = sorted(boxes.values())
    for k, (x, y, w, h) in enumerate(rects):  # no two boxes overlap
        for x2, y2, w2, h2 in rects[k + 1 :]:
            if x2 >= x + w:
                break
            assert y2 >= y + h or y >= y2 + h2, ((x, y, w, h), (x2, y2, w2, h2))


def neuron_default(model: str) -> set[str]:
    return {"Layer 0", "Layer 1", "Layer 2"} if model == "moons" else DEFAULT_OPEN


@pytest.mark.browser
@pytest.mark.parametrize("model", ["moons", "digits"])
def test_no_edge_runs_through_a_box_that_is_not_its_own(page, tmp_path, model):
    root = moons_loss() if model == "moons" else digits_loss()
    open_page(page, explore(root).save_html(tmp_path / f"{model}.html"))
    page.set_viewport_size({"width": 1280, "height": 800})
    default = neuron_default(model)
    check_geometry(page, root, default)
    tree = ScopeTree(topological_order(root))
    neurons = [s.path for s in tree.scopes if s.path.count("/") == 1]
    opened = {neurons[0], neurons[len(neurons) // 2], neurons[-1]}
    for neuron in sorted(opened):
        page.evaluate("p => chainrule.expand(p)", neuron)
    check_geometry(page, root, default | opened)
    page.evaluate("chainrule.collapseAll()")
    check_geometry(page, root, set())
    page.evaluate("chainrule.expandAll()")
    check_geometry(page, root, {s["path"] for s in graph_data(root)["scopes"]})


READABLE = """() => {
  const texts = [...document.querySelectorAll('.cr-view text')]
    .map(t => t.getBoundingClientRect().height);
  const canvas = document.querySelector('.cr-canvas').getBoundingClientRect();
  const inView = id => {
    const r = document.querySelector(`.cr-node[data-id="${id}"], .cr-node[data-path="${id}"]`)
      .getBoundingClientRect();
    return r.left >= canvas.left && r.right <= canvas.right && r.top >= canvas.top &&
      r.bottom <= canvas.bottom;
  };
  const hint = document.querySelector('.cr-hint');
  return {texts, canvas: [canvas.width, canvas.height], inView: window.ids.map(inView),
    hint: hint.getBoundingClientRect().height > 0 ? hint.textContent : ''};
}"""


@pytest.mark.browser
@pytest.mark.parametrize("model", ["moons", "digits", "seed"])
def test_the_page_opens_readable_at_the_output(page, tmp_path, model):
    from tests.viz.helpers import seed_graph  # noqa: PLC0415

    root = {"moons": moons_loss, "digits": digits_loss, "seed": seed_graph}[model]()
    page.set_viewport_size({"width": 1280, "height": 800})
    open_page(page, explore(root).save_html(tmp_path / f"{model}.html"))
    order = topological_order(root)
    index = {node: i for i, node in enumerate(order)}
    opened = set() if model == "seed" else neuron_default(model)
    # The output and the values (or boxes) it is computed from.
    ids = {unit_of(root, len(order) - 1, opened)}
    ids |= {unit_of(root, index[p], opened) for p in order[-1].parents}
    page.evaluate(f"window.ids = {json.dumps(sorted(ids))}")
    seen = page.evaluate(READABLE)
    assert seen["texts"]
    assert min(seen["texts"]) >= 11  # every label drawn, in CSS px
    assert all(seen["inView"]), sorted(ids)
    assert seen["canvas"][1] >= 800 - 60  # the page's canvas fills the window below the bar
    assert seen["hint"] == "scroll to zoom, drag to pan"
