"""Big graphs in the explorer: 100,000 and 1,000,000-value chains, a tiny GPT step, the cut.

No timing is asserted (the machine's load decides it): ``tests/benchmarks/bench_explorer.py``
measures it. These check that such pages open readable, draw only what is near the view,
and that every control answers.
"""

import json
import time

import pytest

from autograd import Value, scope, topological_order
from tests.benchmarks import microgpt
from tests.viz.test_explorer import READABLE, open_page
from viz.explorer import MAX_VALUES, explore


def chain(size: int) -> Value:
    y = Value(0.5, "x")
    for k in range(size - 1):
        y = y * 1.0000001 if k % 2 else y + 0.001
    y.backward()
    return y


def million_chain(size: int = 1_000_000) -> Value:
    """``y = y * 1.0001 + 0.0001`` looped: ``size`` values (a constant is no Value)."""
    y = Value(0.5, "x")
    for k in range(size - 1):
        y = y * 1.0001 if k % 2 == 0 else y + 0.0001
    y.backward()
    return y


def small_graph() -> Value:
    a, b = Value(1.5, "a"), Value(-2.0, "b", parameter=True)
    c = a * b
    c.label = "c"
    d = c + a
    d.label = "d"
    e = d * b
    e.label = "e"
    f = (e + c).tanh()
    f.label = "f"
    g = f * d
    g.label = "g"
    g.backward()
    return g


def test_a_graph_over_max_values_is_summarised_up_front_saying_what_was_cut():
    root = small_graph()
    order = topological_order(root)
    assert [node.label for node in order] == ["a", "b", "c", "d", "e", "", "f", "g"]
    page = explore(root, max_values=5)
    data = page.data
    values = data["values"]
    # The five nearest the output (the first a backward walk visits), after one cut box.
    assert [v["label"] for v in values] == ["3 earlier values (not shown)", "d", "e", "", "f", "g"]
    assert values[0]["kind"] == "cut"
    assert values[-1]["kind"] == "output"
    assert values[0]["parents"] == []
    assert values[0]["grad"] == ""
    # d = c + a, e = d * b, e + c, f = tanh(e + c), g = f * d: a, b and c are cut, so
    # their four edges into shown values come from the cut box (0), and no other edge.
    assert [v["parents"] for v in values] == [[], [0, 0], [1, 0], [2, 0], [3], [4, 1]]
    # The grads shown are the real ones: backward ran on the whole graph.
    assert [v["gradFull"] for v in values[1:]] == [repr(node.grad) for node in order[3:]]
    assert data["cut"] == {"hidden": 3, "total": 8, "note": page.cut}
    assert page.cut == (
        "showing the 5 values nearest the output of 8 (3 earlier ones are cut: one dashed "
        "box); viz.explore(v, max_values=...) shows more"
    )
    assert repr(page) == "Explorer(5 values of 8, 0 scopes, starting at depth 0 of 0)"
    assert "shows more" in page._fallback()  # no Graphviz drawing of the whole graph
    assert explore(root, max_values=7).cut.startswith("showing the 7 values nearest the output "
                                                      "of 8 (1 earlier one is cut")  # fmt: skip
    # At or under the limit nothing is cut, and the rule for max_values itself stands.
    assert explore(root, max_values=8).cut is None
    assert len(explore(root, max_values=8).data["values"]) == 8
    for bad in (0, -1, True, 2.5):
        with pytest.raises(ValueError, match="explore: max_values must be an int >= 1"):
            explore(root, max_values=bad)
    assert MAX_VALUES >= 100_000  # the scale the explorer is built for opens by default


def test_a_scope_cut_in_part_says_its_counts_are_of_the_values_shown():
    a, b = Value(1.0, "a"), Value(2.0, "b", parameter=True)
    with scope("early"):
        u = a * b
    with scope("late"):
        v = u * 2
        w = v + b
    root = w * 3
    root.backward()
    assert len(topological_order(root)) == 6  # a, b, u, v, w, root
    cut = explore(root, max_values=2).data  # w and root shown; v of "late" cut
    assert [sc["path"] for sc in cut["scopes"]] == ["late"]
    assert cut["scopes"][0]["lines"] == [
        "late (1 value)",
        "out: data 6 · grad 3",
        "part cut: counts are of those shown",
    ]
    whole = explore(root, max_values=3).data  # v, w and root: "late" whole
    assert [sc["path"] for sc in whole["scopes"]] == ["late"]
    assert whole["scopes"][0]["lines"] == ["late (2 values)", "out: data 6 · grad 3"]


@pytest.mark.browser
def test_the_cut_page_draws_only_real_edges_and_the_cut_ones_dashed(page, tmp_path):
    root = small_graph()
    page.set_viewport_size({"width": 1280, "height": 800})
    explorer = explore(root, max_values=5, depth=10)
    open_page(page, explorer.save_html(tmp_path / "small.html"))
    assert explorer.cut in page.inner_text(".cr-status")
    assert "5 values shown of 5" in page.inner_text(".cr-status")
    drawn = page.evaluate(
        "[...document.querySelectorAll('.cr-edge')].map(e => [+e.dataset.tail, +e.dataset.head,"
        " e.classList.contains('cr-cut-edge')])"
    )
    values = explorer.data["values"]
    real = {(p, head) for head, v in enumerate(values) for p in v["parents"]}
    assert drawn
    assert {(t, h) for t, h, _ in drawn} == real
    assert all(dashed == (t == 0) for t, _, dashed in drawn)
    box = page.evaluate("document.querySelector('.cr-node[data-id=n0]').textContent")
    assert "3 earlier" in box
    assert "not shown" in box
    assert page.evaluate("chainrule.select('n0')") == "n0"
    assert "real edge from one of" in page.inner_text(".cr-panel")


@pytest.mark.browser
def test_a_100k_chain_opens_readable_and_every_control_answers(page, tmp_path):
    size = 100_000
    root = chain(size)
    page.set_viewport_size({"width": 1280, "height": 800})
    open_page(page, explore(root).save_html(tmp_path / "chain.html"))
    page.evaluate(f"window.ids = ['n{size - 1}', 'n{size - 2}']")  # the output and its operand
    seen = page.evaluate(READABLE)
    assert min(seen["texts"]) >= 11
    assert all(seen["inView"])
    drawn = page.evaluate("document.querySelectorAll('.cr-node').length")
    assert 5 <= drawn < 2_000  # what is near the view, not one element per value
    assert page.evaluate("chainrule.step(1)") == f"n{size - 1}"
    assert page.evaluate("chainrule.step(1)") == f"n{size - 2}"
    assert page.evaluate("chainrule.search('x')") == ["n0"]
    assert page.evaluate("chainrule.reveal('n50000')") == "n50000"  # far away: drawn there
    assert page.evaluate("chainrule.highlighted('cr-selected')") == ["n50000"]
    assert len(page.evaluate("chainrule.expandAll()")) == size
    assert len(page.evaluate("chainrule.collapseAll()")) == size
    page.evaluate("document.querySelector('[data-act=fit]').click()")
    assert "zoom in to see the values" in page.inner_text(".cr-status")  # bands, not 100k boxes
    assert page.evaluate("document.querySelectorAll('.cr-node').length") == 0
    assert page.evaluate("document.querySelectorAll('.cr-band').length") > 0
    page.evaluate("chainrule.reset()")
    assert page.evaluate(READABLE)["inView"] == [True, True]


class Recording(microgpt.Model):
    """The microgpt model, keeping each softmax's outputs (the attention weights)."""

    def softmax(self, logits):
        weights = super().softmax(logits)
        self.calls.append(weights)
        return weights


@pytest.mark.browser
def test_a_tiny_gpt_step_opens_folded_and_an_attention_weight_is_found(page, tmp_path):
    model = Recording(Value, 0, scope)
    model.calls = []
    loss = model.loss(microgpt.encode(max(microgpt.DOCUMENTS, key=len)))
    loss.backward()
    order = topological_order(loss)
    assert len(order) > 70_000
    index = {node: i for i, node in enumerate(order)}
    page.set_viewport_size({"width": 1280, "height": 800})
    open_page(page, explore(loss).save_html(tmp_path / "gpt.html"))
    # Folded by the code's scopes: one box per embedding, attention, mlp and loss k.
    shown = set(page.evaluate("chainrule.visible()"))
    assert {"embedding", "attention", "attention (3)", "mlp", "loss 0"} <= shown
    assert len(shown) < 10_000
    page.evaluate(f"window.ids = ['n{len(order) - 1}']")
    seen = page.evaluate(READABLE)
    assert min(seen["texts"]) >= 11
    assert seen["inView"] == [True]
    # Position 2 (its attention scope is the third), head 1: softmax call 2 * 5 + 1 (four
    # heads and the loss's softmax per position). Its weights are the divisions there.
    weights = model.calls[2 * 5 + 1]
    assert len(weights) == 3
    expected = sorted(f"n{index[w]}" for w in weights)
    page.fill("input[type=search]", "attention (3)/head 1/div")
    assert sorted(page.evaluate("chainrule.search(document.querySelector('input').value)")) == (
        expected
    )
    page.press("input[type=search]", "Enter")  # opens the boxes and shows the first
    assert {"attention (3)", "attention (3)/head 1"} <= set(page.evaluate("chainrule.open()"))
    (selected,) = page.evaluate("chainrule.highlighted('cr-selected')")
    assert selected in expected
    grad = next(w for w in weights if f"n{index[w]}" == selected).grad
    assert f"grad\t{grad!r}" in page.inner_text(".cr-panel")
    # By opening boxes (what a click on each runs): attention (3), then its head 1.
    page.evaluate("chainrule.reset()")
    for path in ("attention (3)", "attention (3)/head 1"):
        page.evaluate(f"chainrule.expand({json.dumps(path)})")
    assert f"n{index[weights[0]]}" in page.evaluate("chainrule.visible()")


@pytest.mark.browser
def test_a_million_value_chain_opens_cut_to_the_values_nearest_the_output(page, tmp_path):
    size = 1_000_000
    root = million_chain(size)
    start = time.perf_counter()
    explorer = explore(root)
    path = explorer.save_html(tmp_path / "million.html")
    print(f"explore + save_html of {size:,} values: {time.perf_counter() - start:.1f} s")
    hidden = size - MAX_VALUES
    assert explorer.cut.startswith(f"showing the {MAX_VALUES:,} values nearest the output of")
    assert len(explorer.data["values"]) == MAX_VALUES + 1
    page.set_viewport_size({"width": 1280, "height": 800})
    open_page(page, path)
    status = page.inner_text(".cr-status")
    assert f"{MAX_VALUES:,} values nearest the output of {size:,}" in status
    assert f"{hidden:,} earlier ones are cut" in status
    page.evaluate(f"window.ids = ['n{MAX_VALUES}']")  # the output
    seen = page.evaluate(READABLE)
    assert min(seen["texts"]) >= 11
    assert seen["inView"] == [True]
    assert page.evaluate("chainrule.step(1)") == f"n{MAX_VALUES}"
    assert page.evaluate("chainrule.step(1)") == f"n{MAX_VALUES - 1}"
    # The oldest value shown is fed by the cut box, along a dashed edge.
    assert page.evaluate("chainrule.reveal('n1')") == "n1"
    assert f"{hidden:,} earlier" in page.evaluate(
        "document.querySelector('.cr-node[data-id=n0]').textContent"
    )
    edge = page.evaluate(
        "[...document.querySelectorAll('.cr-edge[data-tail=\"0\"]')]"
        ".map(e => [e.dataset.head, e.classList.contains('cr-cut-edge')])"
    )
    assert edge == [["1", True]]
