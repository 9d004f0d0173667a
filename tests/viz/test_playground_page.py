"""The playground page as a learner uses it: controls, clicks, views, and the Python API.

The browser tests drive the page through its controls and ``window.chainrule.playground``;
the oracle for every number is the Python engine (``fit``, ``nn.optim``), and the
``page`` fixture fails a test whose page makes a network request or logs an error.
"""

import re

import numpy as np
import pytest

import viz
from nn import MLP, datasets, fit, optim
from viz.playground import Playground, playground

API = "window.chainrule.playground"


@pytest.fixture
def opened(page, tmp_path):
    def open_page(made=None):
        path = (made or playground()).save_html(tmp_path / "play.html")
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(path.as_uri())
        page.wait_for_function(f"{API} !== undefined")
        return page

    return open_page


def test_the_page_is_one_small_offline_file(tmp_path):
    path = playground().save_html(tmp_path / "play.html")
    text = path.read_text(encoding="utf-8")
    assert path.stat().st_size <= 1_500_000
    assert not re.search(r"(src|href)=\"(https?:)?//", text)
    assert "<script src" not in text
    assert "<link" not in text


def test_play_trains_until_pause_and_reset_returns_to_the_seed(opened):
    page = opened()
    start = page.evaluate(f"{API}.weights()")
    page.click(".cp-play")
    page.wait_for_function(f"{API}.losses().length >= 5")
    page.click(".cp-play")
    count = page.evaluate(f"{API}.losses().length")
    page.wait_for_timeout(200)
    assert page.evaluate(f"{API}.losses().length") == count  # paused: no more steps
    assert page.evaluate(f"{API}.weights()") != start
    assert page.inner_text(".cp-counter").startswith(str(count))
    page.click("text=reset")
    assert page.evaluate(f"{API}.losses()") == []
    assert page.evaluate(f"{API}.weights()") == start


def test_the_step_button_takes_one_step_of_fit(opened):
    X, y = datasets.make_moons(100, noise=0.1, seed=1337)
    page = opened()
    page.click("button:text-is('step')")
    page.click("button:text-is('step')")
    history = fit(MLP(2, [16, 16, 1], seed=1337), X, y, epochs=2, progress=False)
    assert page.evaluate(f"{API}.losses()") == history.loss


def test_clicks_add_and_remove_points_of_each_class(opened):
    page = opened()
    box = page.locator(".cp-boundary").bounding_box()
    page.click("text=add class 1")
    page.mouse.click(box["x"] + 20, box["y"] + 20)
    points = page.evaluate(f"{API}.points()")
    assert len(points) == 101
    assert points[-1][2] == 1
    page.click("text=add class 0")
    page.mouse.click(box["x"] + 30, box["y"] + 250)
    assert page.evaluate(f"{API}.points()")[-1][2] == 0
    page.click("text=remove a point")
    page.mouse.click(box["x"] + 20, box["y"] + 20)
    after = page.evaluate(f"{API}.points()")
    assert len(after) == 101
    assert [p[2] for p in after[-1:]] == [0]
    page.click("text=add class 2")  # a third class: the loss becomes cross-entropy
    page.mouse.click(box["x"] + 150, box["y"] + 150)
    assert page.evaluate(f"{API}.settings().loss") == "cross_entropy"
    assert len(page.evaluate(f"{API}.predict(0, 0)")) == 3


def test_layers_neurons_and_activations_change_from_the_controls(opened):
    page = opened(playground(layers=[3]))
    page.click(".cp-net-head button:text-is('+')")
    assert page.evaluate(f"{API}.settings().layers") == [3, 4]
    page.locator(".cp-layer-head").nth(2).locator("button:text-is('+')").click()
    assert page.evaluate(f"{API}.settings().layers") == [3, 5]
    page.locator(".cp-layer-head").nth(1).locator("select").select_option("tanh")
    settings = page.evaluate(f"{API}.settings()")
    assert settings["activation"] == ["tanh", "relu"]
    expected = MLP(2, [3, 5, 1], activation="tanh", seed=1337)
    # Layer 1 is relu (He bounds), layer 0 tanh: compare the tanh layer's weights only.
    weights = page.evaluate(f"{API}.weights()")
    assert weights[:9] == [p.data for p in expected.layers[0].parameters()]
    page.click(".cp-net-head button[title='remove the last hidden layer']")
    assert page.evaluate(f"{API}.settings().layers") == [3]
    assert page.get_attribute(".cp-weights", "data-maps") == str(2 + 3 + 1)


def test_datasets_noise_split_and_features_from_the_data_panel(opened):
    page = opened()
    page.click(".cp-datasets button:text-is('circles')")
    assert page.evaluate(f"{API}.settings().dataset") == "circles"
    radii = [np.hypot(x, y) for x, y, _ in page.evaluate(f"{API}.points()")]
    assert min(radii) > 0.2
    assert max(radii) < 1.6
    page.evaluate(f"{API}.settings({{testFraction: 0.2}})")
    page.evaluate(f"{API}.step(3)")
    assert all(loss is not None for loss in page.evaluate(f"{API}.testLosses()"))
    page.locator(".cp-features label", has_text="x1*x2").locator("input").check()
    assert page.evaluate(f"{API}.settings().features") == ["x1", "x2", "x1*x2"]
    page.click(".cp-datasets button:text-is('spiral')")
    assert len(page.evaluate(f"{API}.points()")) == 100


def test_mini_batches_take_one_step_each(opened):
    page = opened()
    page.evaluate(f"{API}.settings({{batchSize: 10}})")
    assert len(page.evaluate(f"{API}.step(25)")) == 25


def test_adams_state_of_a_clicked_weight_is_pythons(opened):
    X, y = datasets.make_moons(100, noise=0.1, seed=1337)
    page = opened(playground(optimizer="adam", lr=0.01))
    page.evaluate(f"{API}.step(3)")
    lines = page.eval_on_selector(".cp-weights", "c => c.cpWeights")
    line, px, py = clear_point(lines)
    page.locator(".cp-weights").click(position={"x": px, "y": py})
    k = page.evaluate(f"{API}.state().param")
    assert k == line["k"]
    model = MLP(2, [16, 16, 1], seed=1337)
    adam = optim.Adam(model.parameters(), lr=0.01)
    fit(model, X, y, optimizer=adam, epochs=3, progress=False)
    state = adam.state_dict()
    table = page.inner_text(".cp-optimizer")
    assert "m (1st moment)" in table
    assert "v (2nd moment)" in table
    run = page.evaluate(f"({{m: {API}.state().run.opt.m[{k}], v: {API}.state().run.opt.v[{k}]}})")
    assert run["m"] == state["first_moments"][k]
    assert run["v"] == state["second_moments"][k]


def distance(line, x, y):
    dx, dy = line["x2"] - line["x1"], line["y2"] - line["y1"]
    t = max(0.0, min(1.0, ((x - line["x1"]) * dx + (y - line["y1"]) * dy) / (dx * dx + dy * dy)))
    return float(np.hypot(line["x1"] + t * dx - x, line["y1"] + t * dy - y))


def clear_point(lines):
    """A pixel on one weight's line that is at least 3 px from every other line."""
    for line in lines[30:]:
        for t in np.linspace(0.1, 0.9, 33):
            x = round(line["x1"] + t * (line["x2"] - line["x1"]))
            y = round(line["y1"] + t * (line["y2"] - line["y1"]))
            if distance(line, x, y) < 1 and all(
                distance(other, x, y) > 3 for other in lines if other is not line
            ):
                return line, x, y
    raise AssertionError("no weight line has a clear pixel")


def test_select_sample_checks_its_index(opened):
    page = opened()
    assert page.evaluate(f"{API}.selectSample(7)") == 7
    with pytest.raises(
        Exception, match=r"selectSample\(i\): i must be a point index in \[0, 100\)"
    ):
        page.evaluate(f"{API}.selectSample(100)")


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ("{lr: -1}", "lr must be a number"),
        ("{layers: [0]}", "layers must be up to 6 sizes"),
        ("{optimizer: 'rmsprop'}", "optimizer must be one of sgd, adam, adamw"),
        ("{colour: 1}", 'unknown setting "colour"'),
        ("{loss: 'hinge', dataset: 'blobs', classes: 3}", "loss hinge is for two classes"),
    ],
)
def test_bad_settings_are_refused_and_nothing_changes(opened, settings, message):
    page = opened()
    before = page.evaluate(f"{API}.settings()")
    with pytest.raises(Exception, match=re.escape(message)):
        page.evaluate(f"{API}.settings({settings})")
    assert page.evaluate(f"{API}.settings()") == before


def test_an_untrusted_notebook_shows_a_still_picture_the_script_hides(page, tmp_path):
    made = playground(layers=[3])
    html = made._repr_html_()
    assert '<img alt="the playground' in html
    assert "data:image/png;base64," in html
    path = tmp_path / "notebook.html"
    path.write_text(f"<!DOCTYPE html><html><body>{html}</body></html>", encoding="utf-8")
    page.goto(path.as_uri())
    page.wait_for_function(f"{API} !== undefined")
    assert not page.locator(".cr-fallback").is_visible()  # the script ran: the page instead
    assert page.locator(".cp-boundary").is_visible()


def test_the_playground_displays_in_jupyter_and_names_itself():
    made = playground(layers=[4])
    assert isinstance(made, Playground)
    assert viz.playground is playground
    html = made._repr_html_()
    assert "chainrulePlayground(" in html
    assert "it trains when its script runs" in html  # the still picture (resvg is a dependency)
    assert re.search(r"Playground\(100 points, layers=\[4\]", repr(made))


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"dataset": "swirl"}, ValueError, "playground(dataset): expected one of moons"),
        ({"layers": [0]}, ValueError, "playground(layers): expected an int in [1, 32]"),
        ({"activation": ["relu"], "layers": [2, 2]}, ValueError, "2 hidden layers but 1"),
        ({"loss": "hinge", "dataset": "blobs"}, ValueError, "hinge is a two-class loss"),
        ({"lr": float("nan")}, ValueError, "playground(lr)"),
        ({"seed": -1}, ValueError, "playground(seed)"),
        ({"features": ["x3"]}, ValueError, "playground(features)"),
        ({"batch_size": 1.5}, TypeError, "playground(batch_size): expected an int"),
    ],
)
def test_bad_options_are_refused_naming_them(kwargs, error, message):
    with pytest.raises(error, match=re.escape(message)):
        playground(**kwargs)


def test_your_own_data_needs_finite_points_and_labels():
    with pytest.raises(ValueError, match=r"playground\(X\): every coordinate must be finite"):
        playground([[0.0, np.nan], [1.0, 1.0]], [0, 1])
    with pytest.raises(TypeError, match=r"pass both X and y"):
        playground([[0.0, 1.0], [1.0, 1.0]])
    made = playground([[0.0, 1.0], [1.0, 1.0], [2.0, 0.0]], [-1, 1, 1])
    assert [row[2] for row in made.points] == [0.0, 1.0, 1.0]  # -1 is the first class


# The network view's columns: each layer's heading (and its controls) and its neurons'
# maps, on screen, against the visible part of the view.
COLUMNS = """() => {
  const view = document.querySelector('.cp-net-scroll').getBoundingClientRect();
  const heads = [...document.querySelectorAll('.cp-layer-head')].map(h => {
    const parts = [...h.querySelectorAll('button, select, span')]
      .map(e => e.getBoundingClientRect());
    return {text: h.innerText.split('\\n')[0], left: Math.min(...parts.map(r => r.left)),
      right: Math.max(...parts.map(r => r.right))};
  });
  const canvas = document.querySelector('.cp-weights').getBoundingClientRect();
  return {view: [view.left, view.right], heads, drawn: [canvas.left, canvas.right]};
}"""


def test_the_largest_network_fits_the_view_at_1280(opened):
    page = opened()
    for _ in range(6):  # the most the page allows: six hidden layers
        page.click("[title='add a hidden layer']")
    assert page.inner_text(".cp-net-head").split("\n")[-1].startswith("6 hidden layers")
    seen = page.evaluate(COLUMNS)
    left, right = seen["view"]
    assert len(seen["heads"]) == 8  # inputs, six layers, output
    assert seen["heads"][-1]["text"] == "output"
    drawn_left, drawn_right = seen["drawn"]
    assert left <= drawn_left < drawn_right <= right + 0.5, seen
    for head in seen["heads"]:
        assert left <= head["left"] < head["right"] <= right + 0.5, (head, seen["view"])
    for before, after in zip(seen["heads"], seen["heads"][1:], strict=False):
        assert before["right"] <= after["left"], (before, after)  # no control under another


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_the_column_borders_run_the_whole_body_down(opened, optimizer):
    page = opened(playground(optimizer=optimizer))
    box = page.evaluate(
        """() => Object.fromEntries(['.cp-data', '.cp-net', '.cp-out', '.cp-optimizer table']
          .map(s => [s, document.querySelector(s).getBoundingClientRect().bottom]))"""
    )
    # The borders between the columns reach below the last thing beside them: the
    # optimizer's table, at the foot of the output column (once drawn past the net's end).
    assert box[".cp-data"] == box[".cp-net"] == box[".cp-out"], box
    assert box[".cp-net"] >= box[".cp-optimizer table"], box
