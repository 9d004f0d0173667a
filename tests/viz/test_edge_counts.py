"""The count of a bundled edge ("times n") stands clear of the arrowhead it counts."""

import re

import pytest

import viz
from autograd import Value
from nn import MLP
from tests.viz.helpers import ENGINES, engine_param

_EDGE = re.compile(r'<g id="edge\d+" class="edge">(.*?)</g>', re.DOTALL)
_POINTS = re.compile(r'<polygon[^>]*points="([^"]+)"')
_TEXT = re.compile(
    r'<text[^>]*x="(-?[\d.]+)" y="(-?[\d.]+)"[^>]*font-size="([\d.]+)"[^>]*>([^<]+)<'
)


def _gaps(svg: str) -> list[float]:
    """For each counted edge, the room (points) between its count's text and its arrowhead."""
    gaps = []
    for body in _EDGE.findall(svg):
        counts = [t for t in _TEXT.findall(body) if t[3].startswith("\N{MULTIPLICATION SIGN}")]
        if not counts:
            continue
        head = [tuple(map(float, p.split(","))) for p in _POINTS.search(body).group(1).split()]
        hx = [x for x, _ in head]
        hy = [y for _, y in head]
        x, y, size, text = counts[0]
        x, y, size = float(x), float(y), float(size)
        # The text's box, generously: 0.65 em a character, 0.8 em above the baseline, 0.25 below.
        half = 0.65 * size * len(text) / 2
        across = max(min(hx) - (x + half), (x - half) - max(hx))
        along = max(min(hy) - (y + 0.25 * size), (y - 0.8 * size) - max(hy))
        gaps.append(max(across, along))
    return gaps


@pytest.mark.parametrize("engine", [engine_param(e) for e in ENGINES])
@pytest.mark.parametrize("rankdir", ["LR", "TB"])
@pytest.mark.parametrize("width", [3, 120])  # a count is as wide as it is long
def test_a_bundled_edges_count_does_not_touch_its_arrowhead(engine, rankdir, width):
    model = MLP(2, [width, 1], seed=0)
    loss = (model([Value(0.5, "a"), Value(-1.0, "b")]) - 1.0) ** 2
    loss.backward()
    gaps = _gaps(viz.to_svg(loss, depth=0, rankdir=rankdir, engine=engine))
    assert len(gaps) == 3  # a and b into Layer 0, Layer 0 into Layer 1: width each
    assert min(gaps) >= 2, gaps
