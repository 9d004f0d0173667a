"""A loss over several samples in the explorer: inputs named by sample, samples folded."""

import json

import pytest

from autograd import Value, scope, topological_order
from nn import MLP
from nn.losses import hinge
from tests.viz.test_explorer import check_geometry, open_page
from viz.explorer import explore, graph_data
from viz.scopes import SAMPLE_SCOPES, ScopeTree, sample_inputs

POINTS = [(0.5, -1.0), (1.2, 0.3), (-0.7, 0.9), (0.1, 0.4)]


def moons_batch(count: int = 4, scoped: bool = False) -> tuple[Value, list[list[Value]]]:
    """micrograd's MLP(2, [16, 16, 1]) hinge loss over ``count`` samples, and the inputs."""
    model = MLP(2, [16, 16, 1], seed=0)
    inputs = [[Value(a, "x0"), Value(b, "x1")] for a, b in (POINTS * 3)[:count]]
    scores = []
    for k, x in enumerate(inputs):
        if scoped:  # nn's layers re-enter their own scopes: only the scaling is inside
            with scope(f"sample {k}"):
                scores.append(model(x) * 1.0)
        else:
            scores.append(model(x))
    loss = hinge(scores, [1.0, -1.0] * (count // 2) + [1.0] * (count % 2))
    loss.backward()
    return loss, inputs


def descendants(order: list[Value], starts: set[Value]) -> set[Value]:
    found = set(starts)
    for node in order:  # topological order: one pass
        if any(parent in found for parent in node.parents):
            found.add(node)
    return found


def test_inputs_are_numbered_by_sample_in_the_order_the_code_gave_them():
    loss, inputs = moons_batch(4)
    order = topological_order(loss)
    index = {node: i for i, node in enumerate(order)}
    numbered = sample_inputs(order)
    assert numbered == {index[x]: k for k, sample in enumerate(inputs) for x in sample}
    labels = [v["label"] for v in graph_data(loss)["values"]]
    for k, (x0, x1) in enumerate(inputs):
        assert (labels[index[x0]], labels[index[x1]]) == (f"x0[{k}]", f"x1[{k}]")


def test_each_sample_scope_holds_what_only_its_inputs_compute():
    loss, inputs = moons_batch(4)
    order = topological_order(loss)
    index = {node: i for i, node in enumerate(order)}
    tree = ScopeTree(order, samples=True)
    reach = [descendants(order, set(sample)) for sample in inputs]
    for k in range(len(inputs)):
        others = set().union(*(reach[j] for j in range(len(inputs)) if j != k))
        expected = {index[node] for node in reach[k] - others}
        (info,) = [s for s in tree.scopes if s.path == f"sample {k}"]
        assert set(info.members) == expected
        # Its copy of the model's scopes: sample k/Layer 0/Neuron 3, ...
        assert f"sample {k}/Layer 1/Neuron 3" in {s.path for s in tree.scopes}
    # What no sample owns alone (the parameters, the sum over samples) stays outside.
    owned = set().union(*(s.members for s in tree.scopes if s.parent is None and s.scope is None))
    assert {index[p] for p in order if p.is_parameter}.isdisjoint(owned)
    assert len(order) - 1 not in owned
    shared = [s.path for s in tree.scopes if s.shared]
    assert {"Layer 0", "Layer 1", "Layer 2"} <= set(shared)


def test_few_samples_are_named_but_not_folded_and_the_codes_own_scopes_win():
    loss, _ = moons_batch(SAMPLE_SCOPES - 1)
    data = graph_data(loss)
    assert not any(s["path"].startswith("sample") for s in data["scopes"])
    assert {"x0[0]", "x0[1]"} <= {v["label"] for v in data["values"]}
    loss, _ = moons_batch(4, scoped=True)  # the loss code made its sample scopes itself
    order = topological_order(loss)
    inferred = ScopeTree(order, samples=True).scopes
    paths = [s.path for s in inferred]
    assert paths.count("sample 0") == 1
    assert "sample 0/Layer 0" not in paths
    # Nothing inferred: the code's own tree, numbers and all.
    assert paths == [s.path for s in ScopeTree(order).scopes]
    assert not any(s.shared for s in inferred)
    # The static drawing's tree is the code's alone.
    assert all(not s.shared for s in ScopeTree(topological_order(moons_batch(4)[0])).scopes)


TEXTS = """() => [...document.querySelectorAll('.cr-view text')].map(t => {
  const r = t.getBoundingClientRect();
  return [r.left, r.top, r.right, r.bottom, t.textContent];
})"""


@pytest.mark.browser
def test_a_four_sample_loss_is_readable_at_the_default_depth(page, tmp_path):
    loss, inputs = moons_batch(4)
    order = topological_order(loss)
    page.set_viewport_size({"width": 1280, "height": 800})
    open_page(page, explore(loss).save_html(tmp_path / "batch.html"))
    opened = set(page.evaluate("chainrule.open()"))
    assert opened == {f"sample {k}" for k in range(4)}
    check_geometry(page, loss, opened, samples=True)
    page.evaluate("document.querySelector('[data-act=fit]').click()")
    size = page.evaluate("(() => { const b = document.querySelector('.cr-view').getBBox();"
                         " return [b.width, b.height]; })()")  # fmt: skip
    assert max(size) * 0.75 <= 2500  # in pt (a CSS px is 0.75 pt), as the drawings' bound
    page.evaluate("chainrule.reset()")
    texts = page.evaluate(TEXTS)
    assert texts
    assert all(bottom - top >= 11 for _, top, _, bottom, _ in texts)
    texts.sort()
    for k, (_left, top, right, bottom, text) in enumerate(texts):  # no two labels overlap
        for left2, top2, _right2, bottom2, text2 in texts[k + 1 :]:
            if left2 >= right:
                break
            assert top2 >= bottom or top >= bottom2, (text, text2)
    # Layer 0 -> Layer 1 of one sample is one edge, counting every operand edge it bundles.
    edge = page.evaluate(
        """() => { const e = [...document.querySelectorAll('.cr-edge')].find(p =>
          document.querySelector(`.cr-node[data-unit="${p.dataset.tail}"]`)?.dataset.path ===
            'sample 2/Layer 0' &&
          document.querySelector(`.cr-node[data-unit="${p.dataset.head}"]`)?.dataset.path ===
            'sample 2/Layer 1');
          return e ? e.nextElementSibling.textContent : null; }"""
    )
    tree = ScopeTree(order, samples=True)
    members = {s.path: set(s.members) for s in tree.scopes}
    index = {node: i for i, node in enumerate(order)}
    bundled = sum(
        1
        for i in members["sample 2/Layer 1"]
        for p in order[i].parents
        if index[p] in members["sample 2/Layer 0"]
    )
    assert edge == f"\N{MULTIPLICATION SIGN}{bundled}"
    assert bundled == 16 * 16
    assert json.dumps(sorted(page.evaluate("chainrule.search('x0[')"))) == json.dumps(
        sorted(f"n{order.index(x)}" for x, _ in inputs)
    )
