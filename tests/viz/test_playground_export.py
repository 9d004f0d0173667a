"""The playground's exports: code that runs and predicts as the page does, data, and runs.

The exported chainrule code is run here, in this Python; its predictions must be the
page's own (the page's forward is the engine's formulas in JavaScript, so equal to the
last bit here). PyTorch's export is checked in tests/reference/test_playground.py.
"""

import csv
import io

import pytest

from viz.playground import playground

API = "window.chainrule.playground"
PROBES = [[0.0, 0.0], [1.0, -0.5], [-1.2, 0.7], [2.0, 1.5], [0.3, -0.9]]


@pytest.fixture
def opened(page, tmp_path):
    def open_page(made, fragment=""):
        path = made.save_html(tmp_path / "play.html")
        page.goto(path.as_uri() + fragment)
        page.wait_for_function(f"{API} !== undefined")
        return page

    return open_page


def run_exported(code):
    namespace = {"__name__": "exported"}
    exec(compile(code, "<exported>", "exec"), namespace)  # noqa: S102 - the code under test
    return namespace


@pytest.mark.parametrize(
    "options",
    [
        {},
        {
            "layers": [4, 3],
            "activation": ["tanh", "leaky_relu"],
            "features": ["x1", "x2", "sin(x1)"],
        },
        {"dataset": "blobs", "layers": [5], "activation": "sigmoid", "optimizer": "adam"},
        {"layers": [], "features": ["x1^2", "x2^2", "x1*x2"], "loss": "bce"},
    ],
)
def test_the_exported_chainrule_code_runs_and_predicts_as_the_page(opened, options):
    from nn import predict  # noqa: PLC0415

    page = opened(playground(**options))
    page.evaluate(f"{API}.step(25)")
    namespace = run_exported(page.evaluate(f"{API}.exportPython()"))
    mine = predict(namespace["model"], [namespace["features"](*p) for p in PROBES])
    theirs = [page.evaluate(f"{API}.predict({x1}, {x2})") for x1, x2 in PROBES]
    rows = [m if isinstance(m, list) else [m] for m in mine]
    assert rows == theirs


def test_the_data_exports_as_csv_with_its_split(opened):
    page = opened(playground(test_fraction=0.2))
    rows = list(csv.DictReader(io.StringIO(page.evaluate(f"{API}.exportCSV()"))))
    points = page.evaluate(f"{API}.points()")
    assert [[float(r["x1"]), float(r["x2"]), int(r["class"])] for r in rows] == points
    assert [r["split"] for r in rows] == ["train"] * 80 + ["test"] * 20


def test_a_saved_run_reopens_and_continues_step_for_step(opened, page):
    page = opened(playground(optimizer="adam", lr=0.02, batch_size=16, layers=[6]))
    page.evaluate(f"{API}.step(13)")  # mid-epoch: the shuffle's place matters
    saved = page.evaluate(f"{API}.exportState()")
    link = page.evaluate(f"{API}.link()")
    weights = page.evaluate(f"{API}.weights()")
    continued = page.evaluate(f"{API}.step(9)")
    page.evaluate(f"{API}.settings({{dataset: 'circles', layers: [2]}})")
    assert page.evaluate(f"{API}.loadState({saved!r})") == 13
    assert page.evaluate(f"{API}.weights()") == weights
    assert page.evaluate(f"{API}.step(9)") == continued
    page.goto("about:blank")
    page.goto(link)
    page.wait_for_function(f"{API} !== undefined")
    assert page.evaluate(f"{API}.losses().length") == 13
    assert page.evaluate(f"{API}.weights()") == weights


@pytest.mark.parametrize(
    ("text", "message"),
    [("not json", "not JSON"), ("{}", "not a saved playground run")],
)
def test_a_bad_run_is_refused_and_nothing_changes(opened, text, message):
    page = opened(playground())
    page.evaluate(f"{API}.step(2)")
    with pytest.raises(Exception, match=message):
        page.evaluate(f"{API}.loadState({text!r})")
    assert len(page.evaluate(f"{API}.losses()")) == 2
