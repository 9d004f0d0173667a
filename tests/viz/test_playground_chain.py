"""The chain rule live: one sample's graph and one weight's batch sum, against the Python engine.

The page shows, at its current weights, every value and gradient of the selected point's
graph and how a weight's gradient adds up over the batch; the oracle is a model of the
Python engine holding the page's weights, its own ``backward``.
"""

import pytest

from autograd import total
from nn import MLP, datasets, losses
from viz.playground import playground

API = "window.chainrule.playground"


@pytest.fixture
def trained(page, tmp_path):
    made = playground(layers=[4, 3], l2=1e-3, lr=0.2, seed=4)
    page.goto(made.save_html(tmp_path / "play.html").as_uri())
    page.wait_for_function(f"{API} !== undefined")
    page.evaluate(f"{API}.step(20)")
    model = MLP(2, [4, 3, 1], seed=4)
    for p, value in zip(model.parameters(), page.evaluate(f"{API}.weights()"), strict=True):
        p.data = value
    X, y = datasets.make_moons(100, noise=0.1, seed=4)
    return page, model, X, [1.0 if label == 1 else -1.0 for label in y]


def test_a_selected_samples_values_and_gradients_are_the_engines(trained):
    page, model, X, signs = trained
    page.locator(".cp-boundary").click(position={"x": 5, "y": 5})  # no point there: nothing
    assert page.evaluate(f"{API}.sampleGraph()") is None
    page.evaluate(f"{API}.selectSample(7)")
    shown = page.evaluate(f"{API}.sampleGraph()")
    out = model(list(X[7]))
    loss = losses.hinge([out], [signs[7]])
    model.zero_grad()
    loss.backward()
    assert shown["paramGrads"] == [p.grad for p in model.parameters()]
    root = max(i for i, n in enumerate(shown["nodes"]) if n["kind"] == "op")
    assert shown["nodes"][root]["value"] == loss.data
    outputs = [n for n in shown["nodes"] if n["kind"] == "op" and n["scope"] == "Layer 2/Neuron 0"]
    assert outputs[-1]["value"] == out.data
    for edge in shown["edges"]:  # each product is the upstream gradient times the partial
        assert edge["product"] == shown["nodes"][edge["child"]]["grad"] * edge["partial"]


def test_a_weights_batch_gradient_is_the_sum_of_each_samples_share(trained):
    page, model, X, signs = trained
    k = 5
    shares = page.evaluate(f"{API}.contributions({k})")
    model.zero_grad()
    objective = losses.hinge([model(list(x)) for x in X], signs) + losses.l2(
        model.parameters(), 1e-3
    )
    objective.backward()
    weight = model.parameters()[k]
    assert shares["total"] == pytest.approx(weight.grad, rel=1e-12)
    for sample, share in zip(shares["samples"], shares["shares"], strict=True):
        model.zero_grad()
        one = total([losses.hinge([model(list(X[sample]))], [signs[sample]])]) / 100
        one.backward()
        assert share == pytest.approx(weight.grad, rel=1e-12, abs=1e-300)


def test_a_followed_weights_shares_are_kept_as_the_step_computes_them(trained):
    page, model, X, signs = trained
    k = 9
    page.evaluate(f"{API}.followParameter({k})")
    before = page.evaluate(f"{API}.weights()")
    page.evaluate(f"{API}.step(1)")
    shares = page.evaluate(f"{API}.contributions({k})")
    assert shares["atStep"] == 21
    assert shares["total"] == page.evaluate(f"{API}.state().run.G[{k}]")  # the step's gradient
    for p, value in zip(model.parameters(), before, strict=True):
        p.data = value
    model.zero_grad()
    scores = [model(list(x)) for x in X]
    (losses.hinge(scores, signs) + losses.l2(model.parameters(), 1e-3)).backward()
    assert shares["total"] == model.parameters()[k].grad


def test_the_backward_stepper_walks_from_the_loss_and_opens_the_neuron(trained):
    page, *_ = trained
    page.evaluate(f"{API}.selectSample(3)")
    button = page.locator("[data-act=back]")
    for _ in range(4):
        button.click()
    text = page.inner_text(".cp-stepper")
    assert "backward step 4 of" in text
    assert page.locator(".cp-box.on").count() == 1  # the output neuron, opened
    assert "?" in page.inner_text(".cp-graph")  # gradients not reached yet are not shown
    page.click("[data-act=all]")
    assert "?" not in page.inner_text(".cp-graph")
    page.locator(".cp-box[data-key='0/1']").click()
    # ReLU -> z; z = dot + b -> dot, b; dot -> w0, x1, w1, x2: seven edges, each shown
    assert page.locator(".cp-box.open[data-key='0/1'] .cp-edge").count() == 1 + 2 + 4


# Each box of the sample's graph, how far its widest line runs past the box's right edge
# (its content box, padding excluded) and the box past the strip's visible edge, in CSS
# px; and the page's own overflow.
SPILL = """() => {
  const strip = document.querySelector('.cp-graph').getBoundingClientRect().right;
  const spills = [...document.querySelectorAll('.cp-graph .cp-box')].map(box => {
    const edge = box.getBoundingClientRect().right - parseFloat(getComputedStyle(box).paddingRight);
    const range = document.createRange();
    range.selectNodeContents(box);
    const ink = Math.max(...[...range.getClientRects()].map(r => r.right));
    return {text: box.innerText.slice(0, 60), spill: ink - edge,
      hidden: box.getBoundingClientRect().right - strip};
  });
  return {spills, page: document.documentElement.scrollWidth - window.innerWidth};
}"""


@pytest.mark.parametrize("width", [1024, 1280])
def test_every_line_of_the_samples_graph_stays_inside_its_box(page, tmp_path, width):
    page.set_viewport_size({"width": width, "height": 768})
    made = playground(seed=2)  # micrograd's moons model: 16 neurons a layer
    page.goto(made.save_html(tmp_path / "play.html").as_uri())
    page.wait_for_function(f"{API} !== undefined")
    page.evaluate(f"{API}.step(150)")
    page.evaluate(f"{API}.selectSample(5)")
    page.locator(".cp-box[data-key='0/1']").click()  # one neuron opened: its chain rule
    seen = page.evaluate(SPILL)
    assert len(seen["spills"]) == 2 + 16 + 16 + 1 + 3  # inputs, layers, output, hinge's nodes
    assert [box for box in seen["spills"] if box["spill"] > 0.5] == []
    # No column hides behind the strip's edge: a column that has no room goes below.
    assert [box for box in seen["spills"] if box["hidden"] > 0.5] == []
    assert seen["page"] <= 0  # a wide graph scrolls in its own strip, not the page


def test_an_edge_names_a_neuron_as_its_box_does(trained):
    page, *_ = trained
    page.evaluate(f"{API}.selectSample(3)")
    for key in ("1/0", "2/0"):  # a hidden neuron and the output's, opened: edges into neurons
        page.locator(f".cp-box[data-key='{key}']").click()
    boxes = {" ".join(b.split()) for b in page.locator(".cp-box > b").all_inner_texts()}
    named = set()
    for line in page.locator(".cp-edge").all_inner_texts():
        name = line.split("→", 1)[1].split(":", 1)[0].strip()
        if "N" in name and "·" in name:
            named.add(" ".join(name.replace("·", " · ").split()))
    assert {"L0 · N0", "L1 · N0"} <= named  # the output's dot, and the loss, name neurons
    assert named <= boxes, named - boxes
