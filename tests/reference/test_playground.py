"""The playground's PyTorch export against the page: the exported module, run in PyTorch.

The page exports its current model as a ``torch.nn.Sequential`` in float64 with its
weights; run here on the ``torch`` oracle, it must predict what the page predicts to
1e-12 (the same float64 formulas; PyTorch's kernels may round in another order).
"""

import pytest

from viz.playground import playground

API = "window.chainrule.playground"
PROBES = [[0.0, 0.0], [1.0, -0.5], [-1.2, 0.7], [2.0, 1.5], [0.3, -0.9], [-0.01, 0.02]]


@pytest.mark.parametrize(
    "options",
    [
        {},
        {
            "layers": [6, 4],
            "activation": ["tanh", "leaky_relu"],
            "features": ["x1", "x2", "sin(x2)"],
        },
        {"dataset": "blobs", "layers": [5, 5], "activation": "sigmoid", "optimizer": "adamw"},
        {"layers": [], "features": ["x1", "x1^2", "x2^2", "x1*x2"], "loss": "bce"},
    ],
)
def test_the_exported_pytorch_module_predicts_as_the_page(torch, page, tmp_path, options):
    path = playground(**options).save_html(tmp_path / "play.html")
    page.goto(path.as_uri())
    page.wait_for_function(f"{API} !== undefined")
    page.evaluate(f"{API}.step(40)")
    namespace = {"__name__": "exported"}
    exec(compile(page.evaluate(f"{API}.exportTorch()"), "<torch>", "exec"), namespace)  # noqa: S102
    with torch.no_grad():
        got = namespace["model"](namespace["features"](torch.tensor(PROBES))).tolist()
    want = [page.evaluate(f"{API}.predict({x1}, {x2})") for x1, x2 in PROBES]
    for row, expected in zip(got, want, strict=True):
        assert row == pytest.approx(expected, rel=1e-12, abs=1e-12)
