"""Big graphs in the explorer: a 100,000-value chain, one step of a tiny GPT, the size guard.

No timing is asserted (the machine's load decides it): ``tests/benchmarks/bench_explorer.py``
measures it. These check that such pages open readable, draw only what is near the view,
and that every control answers.
"""

import json

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


def test_the_size_guard_refuses_a_huge_graph_at_once_saying_what_to_do():
    root = chain(2_001)
    with pytest.raises(ValueError, match=r"explore: the graph has 2,001 values, more than "
                       r"max_values=2,000.*viz\.explore\(v\).*max_values="):  # fmt: skip
        explore(root, max_values=2_000)
    assert len(explore(root, max_values=2_001).data["values"]) == 2_001
    for bad in (0, -1, True, 2.5):
        with pytest.raises(ValueError, match="explore: max_values must be an int >= 1"):
            explore(root, max_values=bad)
    assert MAX_VALUES >= 100_000  # the scale the explorer is built for opens by default


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
