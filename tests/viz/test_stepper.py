"""The backward stepper: frames in backward's order, its gradients, one self-contained page."""

import base64
import json
import re
import sys
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings

import viz
from autograd import Value, dot, no_grad, topological_order
from autograd.strategies import expressions
from tests.viz import svg as svg_items
from tests.viz.helpers import ENGINES, engine_param, seed_graph
from viz import display, engines
from viz.dot import HIGHLIGHT, UPDATED


def fresh_seed() -> Value:
    """z = (x + y) * w before backward, labelled as in SEED-NOTES."""
    x, y, w = Value(2.0, "x"), Value(3.0, "y"), Value(4.0, "w")
    q = x + y
    q.label = "q"
    z = q * w
    z.label = "z"
    return z


def test_frames_follow_backward_through_the_seed_example():
    z = fresh_seed()
    steps = viz.backward_steps(z)
    # order: x, y, q, w, z
    assert [(f.step, f.node, f.updated) for f in steps.frames] == [
        (0, 4, (4,)),  # start: dz/dz = 1
        (1, 4, (2, 3)),  # z = q * w passes 1 * 4 to q and 1 * 5 to w
        (2, 2, (0, 1)),  # q = x + y passes 4 * 1 to x and to y
    ]
    assert steps.frames[1].contributions == ((2, 4.0, 4.0), (3, 5.0, 5.0))
    assert steps.frames[2].contributions == ((0, 1.0, 4.0), (1, 1.0, 4.0))
    assert [f.grads for f in steps.frames] == [
        (0.0, 0.0, 0.0, 0.0, 1.0),
        (0.0, 0.0, 4.0, 5.0, 1.0),
        (4.0, 4.0, 4.0, 5.0, 1.0),
    ]
    assert [n.grad for n in topological_order(z)] == [0.0] * 5  # nothing touched
    z.backward()
    assert steps.frames[-1].grads == tuple(n.grad for n in topological_order(z))


def test_captions_tell_the_chain_rule():
    steps = viz.backward_steps(fresh_seed())
    assert [steps.caption(f) for f in steps.frames] == [
        "Start: the output's own gradient dz/dz = 1.",
        "Step 1 of 2: z = q * w passes dz/dz = 1 to its operands: "
        "dz/dq += 1 · 4 = 4; dz/dw += 1 · 5 = 5",
        "Step 2 of 2: q = x + y passes dz/dq = 4 to its operands: "
        "dz/dx += 4 · 1 = 4; dz/dy += 4 · 1 = 4",
    ]


def test_every_name_a_caption_uses_is_drawn_in_its_frame():
    # The lecture's tanh through exp: the intermediate values have no label, so the
    # captions call them n2, n3, ...; each frame must show those names on their boxes.
    n = Value(0.8814, "n")
    e = (2 * n).exp()
    o = (e - 1) / (e + 1)
    o.label = "o"
    steps = viz.backward_steps(o)
    assert "n3 = n2 - 1" in steps.caption(steps.frames[3])  # the names, as tested elsewhere
    for frame, svg in zip(steps.frames, steps.svgs(), strict=True):
        boxes = svg_items.nodes(svg)
        # Each value's box starts with its name: the name is on the box it names.
        drawn = [boxes[f"n{i}"].texts[0] for i in range(len(steps.order))]
        assert drawn == steps.names
        caption = steps.caption(frame)
        used = set(re.findall(r"/d(\w+)", caption)) | set(re.findall(r"\b(n\d+)\b", caption))
        assert used, caption
        assert used <= set(drawn), (caption, used - set(drawn))


def test_reused_values_accumulate_and_the_caption_shows_the_sum():
    a = Value(3.0, "a")
    b = a * a
    b.label = "b"
    c = b + a
    c.label = "c"
    steps = viz.backward_steps(c)
    assert steps.caption(steps.frames[2]) == (
        "Step 2 of 2: b = a * a passes dc/db = 1 to its operands: "
        "dc/da += 1 · 3 = 3 (now 4); dc/da += 1 · 3 = 3 (now 7)"
    )
    assert steps.frames[-1].grads == (7.0, 1.0, 1.0)  # dc/da = 2a + 1


def test_leaves_and_no_grad_values_get_no_frame():
    x = Value(2.0, "x")
    with no_grad():
        frozen = x * 3
    y = frozen * x
    steps = viz.backward_steps(y)
    assert [f.node for f in steps.frames] == [2, 2]  # frozen (a leaf) passes nothing
    assert viz.backward_steps(Value(1.0)).frames[0].grads == (1.0,)


def test_variadic_nodes_pass_to_every_parent():
    w = [Value(0.5, "w0"), Value(-1.0, "w1")]
    x = [Value(2.0, "x0"), Value(3.0, "x1")]
    s = dot(w, x)
    steps = viz.backward_steps(s)
    assert steps.frames[1].updated == (0, 1, 2, 3)
    s.backward()
    assert steps.frames[-1].grads == tuple(n.grad for n in topological_order(s))


@settings(max_examples=40, deadline=None)
@given(expressions(max_steps=8))
def test_final_gradients_equal_backward_on_random_graphs(expression):
    root = expression(*expression.inputs)
    steps = viz.backward_steps(root, max_nodes=1000)
    root.backward()
    order = topological_order(root)
    assert steps.frames[-1].grads == pytest.approx([n.grad for n in order], rel=1e-12, abs=1e-12)
    assert [f.node for f in steps.frames[1:]] == [
        i for i in reversed(range(len(order))) if order[i].parents
    ]


def test_html_is_one_self_contained_page_with_one_svg_per_frame():
    steps = viz.backward_steps(seed_graph())
    page = steps.to_html(engine="wasi")
    assert page.startswith("<!DOCTYPE html>")
    assert page.count("<svg") == len(steps.frames) == 3
    lowered = page.lower()
    for outside in ("src=", "<link", "href=", "@import", "url(", "<iframe", "<object"):
        assert outside not in lowered, outside
    # The only URLs are XML namespace names, which nothing fetches.
    urls = re.findall(r"https?://[^\s\"'<>]+", page)
    assert set(urls) <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
    assert "<script>" in page
    assert "<style>" in page
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))  # three SVGs on one page: no id twice


def frame_svgs(page: str) -> list[str]:
    return re.findall(r"<svg.*?</svg>", page, flags=re.DOTALL)


def strokes(svg: str, title: str) -> set[str]:
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    for group in root.iter("{http://www.w3.org/2000/svg}g"):
        found = group.find("{http://www.w3.org/2000/svg}title")
        if found is not None and found.text == title:
            return {e.get("stroke") for e in group.iter() if e.get("stroke")}
    raise AssertionError(title)


def test_frames_highlight_the_node_and_the_gradients_it_updates():
    steps = viz.backward_steps(seed_graph())
    svgs = frame_svgs(steps.to_html(engine="wasi"))
    # Step 1: z = q * w is processed (z and its op in red), q and w updated (orange).
    assert HIGHLIGHT in strokes(svgs[1], "n4")
    assert HIGHLIGHT in strokes(svgs[1], "n4_op")
    assert UPDATED in strokes(svgs[1], "n2")
    assert UPDATED in strokes(svgs[1], "n3")
    assert HIGHLIGHT not in strokes(svgs[1], "n2_op")
    # Gradients shown are those after each step.
    grads = [svg_items.nodes(svg)["n0"].texts[-1] for svg in svgs]
    assert grads == ["grad 0", "grad 0", "grad 4"]
    assert svg_items.nodes(svgs[2])["n3"].texts == ("w", "data 4", "grad 5")


def test_no_frame_moves_a_node():
    a = Value(1.5, "a")
    d = (a * a + a).tanh() * 123.456
    steps = viz.backward_steps(d)
    positions = []
    for svg in steps.svgs("wasi"):
        nodes = svg_items.nodes(svg)
        # The legend's edge-label entry is bare text (no outline); the legend is tested below.
        boxes = {title: n for title, n in nodes.items() if not title.startswith("legend_")}
        positions.append({title: (min(n.xs), max(n.xs)) for title, n in boxes.items()})
    assert all(p == positions[0] for p in positions)
    assert len(positions[0]) == 2 * len(steps.order) - 1  # each Value but the leaf has an op


def test_the_legend_keys_what_the_stepper_draws_and_its_marks():
    steps = viz.backward_steps(fresh_seed())  # z = (x + y) * w: no parameter, no scope
    expected = ["input", "output", "value", "op", "current", "updated", "edge"]
    for frame in steps.frames:  # the same entries in every frame: no frame moves the layout
        text = steps.dot(frame)
        assert re.findall(r"^\s*legend_(\w+) \[", text, re.MULTILINE) == expected
        assert re.search(r'legend_edge \[label="edge label:\\n∂=local partial"', text)
        assert "upstream" not in text
        current = re.search(r"legend_current \[(.*)\]$", text, re.MULTILINE).group(1)
        updated = re.search(r"legend_updated \[(.*)\]$", text, re.MULTILINE).group(1)
        assert f'color="{HIGHLIGHT}"' in current
        assert "current step" in current
        assert f'color="{UPDATED}"' in updated
        assert '"gradient just updated"' in updated
    w = Value(0.5, "w", parameter=True)
    steps = viz.backward_steps(w * Value(3.0, "x"))  # a parameter, no computed value
    text = steps.dot(steps.frames[1])
    entries = re.findall(r"^\s*legend_(\w+) \[", text, re.MULTILINE)
    assert entries == ["input", "parameter", "output", "op", "current", "updated", "edge"]
    assert "legend_collapsed" not in text


def test_a_legend_frame_shows_both_marks_in_their_colours():
    steps = viz.backward_steps(fresh_seed())
    svg = steps.svgs("wasi")[1]  # z = q * w updates q and w
    nodes = svg_items.nodes(svg)
    assert nodes["legend_current"].texts == ("current step",)
    assert nodes["legend_updated"].texts == ("gradient just updated",)
    assert "folded scope (depth=, collapse=)" not in svg
    assert ">parameter<" not in svg
    for title, colour in [("n4", HIGHLIGHT), ("n2", UPDATED), ("n3", UPDATED)]:
        assert f'stroke="{colour}"' in _group(svg, title)
    assert f'stroke="{UPDATED}"' in _group(svg, "legend_updated")
    assert f'stroke="{HIGHLIGHT}"' in _group(svg, "legend_current")


@pytest.mark.parametrize("engine", [engine_param(e) for e in ENGINES])
@pytest.mark.parametrize("rankdir", ["LR", "RL", "TB", "BT"])
def test_the_legend_reads_in_order_in_every_direction(engine, rankdir):
    svg = viz.backward_steps(fresh_seed(), rankdir=rankdir).svgs(engine)[1]
    place = {}
    for _x, y, text in re.findall(r'<text[^>]*x="(-?[\d.]+)" y="(-?[\d.]+)"[^>]*>([^<]+)<', svg):
        place[text] = float(y)  # one column, read top down
    column = ["input (a leaf)", "output", "computed value"]
    column += ["operation", "current step", "gradient just updated", "edge label:"]
    assert sorted(column, key=place.__getitem__) == column


def _group(svg: str, title: str) -> str:
    """The SVG text of the node titled ``title``."""
    found = re.search(rf"<title>{title}</title>(.*?)</g>", svg, re.DOTALL)
    assert found, title
    return found.group(1)


@pytest.mark.parametrize("legend", [True, False])
def test_the_legend_option_keys_every_frame_and_moves_no_node(legend):
    steps = viz.backward_steps(seed_graph(), legend=legend)
    for svg in steps.svgs("wasi"):
        legend_nodes = [item for item in svg_items.items(svg) if "legend" in item.classes]
        assert bool(legend_nodes) is legend
        if legend:  # the stepper's edges show the local partial only
            assert any("∂=local partial" in item.texts for item in legend_nodes)
    positions = [
        {t: (min(n.xs), max(n.xs)) for t, n in svg_items.nodes(svg).items() if t.startswith("n")}
        for svg in steps.svgs("wasi")
    ]
    assert all(p == positions[0] for p in positions)


def test_save_html_and_save_frames(tmp_path):
    steps = viz.backward_steps(seed_graph())
    page = steps.save_html(tmp_path / "z_steps.html", engine="wasi")
    assert page.read_text(encoding="utf-8") == steps.to_html(engine="wasi")
    paths = steps.save_frames(tmp_path / "frames", engine="wasi")
    assert [p.name for p in paths] == ["frame_000.svg", "frame_001.svg", "frame_002.svg"]
    for path, svg in zip(paths, steps.svgs("wasi"), strict=True):
        assert path.read_text(encoding="utf-8") == svg
        ET.fromstring(path.read_bytes())  # noqa: S314


def test_jupyter_gets_the_widget_and_never_an_exception(no_engine):
    steps = viz.backward_steps(seed_graph())
    with pytest.raises(viz.RenderError):
        steps.to_html()
    shown = steps._repr_html_()
    assert "Step 2 of 2: q = x + y passes dz/dq = 4" in shown
    assert "apt-get install graphviz" in shown
    assert "digraph chainrule" in shown


def live_html(shown: str) -> str:
    """The player inside picture_html's script (a JSON string), as HTML."""
    literal = re.search(r"box\.innerHTML = (\".*?[^\\]\");", shown, flags=re.DOTALL)[1]
    return json.loads(literal)


def test_jupyter_gets_a_picture_of_the_last_frame_that_the_script_replaces():
    steps = viz.backward_steps(seed_graph())
    shown = steps._repr_html_()
    assert "<html" not in shown
    # What an untrusted notebook keeps: the image and its caption, no SVG, no style.
    picture = shown.split("<script>")[0]
    assert picture.count("<img ") == 1
    assert "<svg" not in picture
    assert "<style" not in picture
    source = re.search(r'src="data:image/png;base64,([^"]+)"', picture)[1]
    assert base64.b64decode(source) == display.compact_png(
        engines.svg_to_png(steps.svgs()[-1], display.NOTEBOOK_PNG_SCALE),
        keep=display.svg_colours(steps.svgs()[-1]),
    )
    width = int(re.search(r'width="(\d+)"', picture)[1])
    assert width == round(engines.svg_size(steps.svgs()[-1])[0] * 4 / 3)
    assert "Step 2 of 2: q = x + y passes dz/dq = 4" in picture
    assert "save_html(), to step through backward" in picture
    # What the script puts in its place: the whole player.
    live = live_html(shown)
    assert live == steps._widget("auto")
    assert live.count("<svg") == 3
    assert shown.count("</script>") == 1  # the player's own script is escaped inside


def test_without_resvg_jupyter_gets_the_player_alone(monkeypatch):
    monkeypatch.setitem(sys.modules, "resvg_py", None)
    steps = viz.backward_steps(seed_graph())
    assert steps._repr_html_() == steps._widget("auto")


def test_bad_input_is_refused_with_the_operation_named():
    with pytest.raises(TypeError, match="backward_steps: expected a Value, got float"):
        viz.backward_steps(1.0)
    with pytest.raises(ValueError, match="backward_steps: rankdir must be one of"):
        viz.backward_steps(seed_graph(), rankdir="up")
    with pytest.raises(TypeError, match="backward_steps: legend must be True or False, got 1"):
        viz.backward_steps(seed_graph(), legend=1)
    y = Value(1.0)
    for _ in range(60):
        y = y * 2
    with pytest.raises(ValueError, match="more than max_nodes=50"):
        viz.backward_steps(y, max_nodes=50)
    with pytest.raises(ZeroDivisionError, match="sqrt: derivative undefined"):
        viz.backward_steps(Value(0.0).sqrt())


def test_repr_is_short():
    assert repr(viz.backward_steps(seed_graph())) == "BackwardSteps(5 nodes, 3 frames)"


# --- in a browser ---------------------------------------------------------------------


def player_state(page, which: int = 0) -> tuple[str, str, list[str]]:
    """(counter, caption, captions of the visible frames) of a player on the page."""
    player = page.locator(".chainrule-steps").nth(which)
    visible = player.locator(".frame").evaluate_all(
        "frames => frames.filter(f => !f.hidden).map(f => f.dataset.caption)"
    )
    return (
        player.locator(".counter").inner_text(),
        player.locator("p.caption").inner_text(),
        visible,
    )


def expect_step(page, steps, k: int, which: int = 0) -> None:
    caption = steps.caption(steps.frames[k])
    last = len(steps.frames) - 1
    assert player_state(page, which) == (f"step {k} of {last}", caption, [caption])


@pytest.mark.browser
def test_the_saved_page_steps_through_the_frames_in_a_browser(page, page_log, tmp_path):
    steps = viz.backward_steps(seed_graph())
    page.goto(steps.save_html(tmp_path / "steps.html").as_uri())
    expect_step(page, steps, 0)
    page.click("text=next")
    expect_step(page, steps, 1)
    page.click("text=last")
    expect_step(page, steps, 2)
    page.click("text=previous")
    expect_step(page, steps, 1)
    page.click("text=first")
    expect_step(page, steps, 0)
    page.locator(".chainrule-steps input[type=range]").fill("2")
    expect_step(page, steps, 2)
    page.focus(".chainrule-steps")
    page.keyboard.press("ArrowLeft")
    expect_step(page, steps, 1)
    page.keyboard.press("ArrowRight")
    expect_step(page, steps, 2)
    # play starts over from the first frame and stops on the last.
    page.click("text=play")
    assert page.inner_text("[data-action=play]") == "pause"
    page.wait_for_function(
        "document.querySelector('[data-action=play]').textContent === 'play'", timeout=10_000
    )
    expect_step(page, steps, 2)
    # The highlighted frame is drawn: its SVG is on screen, with the processed node in red.
    box = page.locator(".frame:not([hidden]) svg").bounding_box()
    assert box["width"] > 300
    assert box["height"] > 100
    page_log.assert_clean()


@pytest.mark.browser
def test_the_players_ends_grey_the_buttons_that_cannot_move(page, page_log, tmp_path):
    steps = viz.backward_steps(seed_graph())
    page.goto(steps.save_html(tmp_path / "steps.html").as_uri())

    def disabled() -> list[str]:
        return page.eval_on_selector_all(
            ".chainrule-steps button:disabled", "bs => bs.map(b => b.dataset.action)"
        )

    assert disabled() == ["first", "previous"]  # step 0: nothing before it
    grey = page.eval_on_selector("[data-action=previous]", "b => getComputedStyle(b).color")
    assert grey != page.eval_on_selector("[data-action=next]", "b => getComputedStyle(b).color")
    page.click("text=next")
    assert disabled() == []
    page.click("text=last")
    assert disabled() == ["next", "last"]
    page.keyboard.press("ArrowLeft")  # the player keeps the focus its greyed button lost
    assert disabled() == []
    expect_step(page, steps, 1)
    page_log.assert_clean()


def notebook_output_page(tmp_path, html_fragment: str):
    path = tmp_path / "output.html"
    path.write_text(f"<!DOCTYPE html><html><body>{html_fragment}</body></html>", "utf-8")
    return path.as_uri()


@pytest.mark.browser
def test_where_scripts_run_the_picture_becomes_the_player(page, page_log, tmp_path):
    steps = viz.backward_steps(seed_graph())
    # Shown twice, as when a notebook displays it in two cells: each becomes a player.
    shown = steps._repr_html_()
    page.goto(notebook_output_page(tmp_path, shown + shown))
    assert page.locator("img").count() == 0
    assert page.locator(".chainrule-steps").count() == 2
    expect_step(page, steps, 0, which=0)
    expect_step(page, steps, 0, which=1)
    page.locator(".chainrule-steps").nth(1).locator("text=next").click()
    expect_step(page, steps, 0, which=0)
    expect_step(page, steps, 1, which=1)
    page_log.assert_clean()


@pytest.mark.browser
def test_where_scripts_do_not_run_the_picture_shows(browser, tmp_path):
    steps = viz.backward_steps(seed_graph())
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(notebook_output_page(tmp_path, steps._repr_html_()))
        image = page.locator(".chainrule-picture img")
        assert image.is_visible()
        natural = page.eval_on_selector(".chainrule-picture img", "i => [i.naturalWidth, i.width]")
        width_pt, _ = engines.svg_size(steps.svgs()[-1])
        # One PNG pixel per CSS pixel (a notebook stores it: half the weight of two).
        assert natural == [round(width_pt * 4 / 3), round(width_pt * 4 / 3)]
        assert page.locator("button").count() == 0
        assert "to step through backward" in page.inner_text(".chainrule-picture")
    finally:
        context.close()
