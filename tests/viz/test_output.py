"""Files: the extension picks the format, writes are atomic, failures leave nothing."""

import os
import shutil
import stat
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import viz
from tests.viz import png as png_items
from tests.viz import svg as svg_items
from tests.viz.helpers import needs_dot
from viz import engines, output


def test_to_svg_draws_with_the_drawing_options(seed):
    svg = viz.to_svg(seed, show_grad=False, show_partials=True, rankdir="TB")
    nodes = svg_items.nodes(svg)
    assert nodes["n0"].texts == ("x", "data 2")
    edge_texts = [i.texts for i in svg_items.items(svg) if i.kind == "edge" and i.texts]
    assert ("∂=5 · g=1 → 5",) in edge_texts


@pytest.mark.parametrize("name", ["z.svg", "Z.SVG"])
def test_save_svg(seed, tmp_path, name):
    path = viz.save(seed, tmp_path / name)
    assert path == tmp_path / name
    ET.fromstring(path.read_bytes())  # noqa: S314 - our own output
    assert svg_items.nodes(path.read_text())["n4"].texts == ("z", "data 20", "grad 1")
    assert os.listdir(tmp_path) == [name]


@pytest.mark.parametrize("name", ["z.dot", "z.gv"])
def test_save_dot_text(seed, tmp_path, name):
    path = viz.save(seed, tmp_path / name, show_partials=True)
    assert path.read_text(encoding="utf-8") == viz.to_dot(seed, show_partials=True)


@needs_dot
@pytest.mark.parametrize(("name", "magic"), [("z.png", b"\x89PNG"), ("z.pdf", b"%PDF")])
def test_save_png_and_pdf_with_the_system_dot(seed, tmp_path, name, magic):
    assert viz.save(seed, tmp_path / name).read_bytes().startswith(magic)


def test_png_without_the_system_dot(hide_dot, seed, tmp_path):
    path = viz.save(seed, tmp_path / "z.png", show_partials=True)
    svg = viz.to_svg(seed, show_partials=True)
    assert path.read_bytes() == engines.svg_to_png(svg)
    assert sorted(os.listdir(tmp_path)) == ["empty-path", "z.png"]


def test_pdf_without_the_system_dot_is_a_render_error_and_writes_nothing(hide_dot, seed, tmp_path):
    with pytest.raises(viz.RenderError, match="PDF needs the system Graphviz"):
        viz.save(seed, tmp_path / "z.pdf")
    assert os.listdir(tmp_path) == ["empty-path"]


@pytest.mark.parametrize("name", ["z.jpg", "z", "z.svg.txt"])
def test_unsupported_extensions_are_refused_before_anything_is_written(seed, tmp_path, name):
    with pytest.raises(ValueError, match=r"save: cannot write .* unsupported extension"):
        viz.save(seed, tmp_path / name)
    assert os.listdir(tmp_path) == []


def test_a_failed_render_keeps_the_old_file_and_leaves_no_temporary(monkeypatch, seed, tmp_path):
    target = tmp_path / "z.svg"
    target.write_text("old")

    def broken(*args, **kwargs):
        raise viz.RenderError("no engine", "digraph {}")

    monkeypatch.setattr(output, "render", broken)
    with pytest.raises(viz.RenderError):
        viz.save(seed, target)
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["z.svg"]


def test_a_failed_write_removes_its_temporary_file(monkeypatch, tmp_path):
    def refuse(source, destination):
        raise PermissionError(13, "Permission denied", str(destination))

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(PermissionError):
        viz.write_atomic(tmp_path / "a.svg", b"<svg/>")
    assert os.listdir(tmp_path) == []


def test_write_atomic_replaces_a_file_with_the_usual_permissions(tmp_path):
    target = tmp_path / "a.svg"
    target.write_bytes(b"old")
    previous = os.umask(0o022)
    try:
        viz.write_atomic(target, b"new")
    finally:
        os.umask(previous)
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert os.listdir(tmp_path) == ["a.svg"]


def test_a_missing_folder_is_an_os_error(seed, tmp_path):
    with pytest.raises(FileNotFoundError):
        viz.save(seed, tmp_path / "missing" / "z.svg")
    assert os.listdir(tmp_path) == []


def test_the_command_line_writes_png_without_the_system_dot(tmp_path):
    # The command line draws through viz.save: its -o g.png works right after install.
    beside_python = Path(sys.executable).parent
    executable = shutil.which("chainrule") or shutil.which("chainrule", path=beside_python)
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("the chainrule console script is not installed")
        pytest.skip("the chainrule console script is not installed here")
    empty = tmp_path / "empty-path"
    empty.mkdir()
    result = subprocess.run(
        [executable, "graph", "(x + y) * w", "x=2", "y=3", "w=4", "-o", "g.png"],
        env={**os.environ, "PATH": str(empty)},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[-1] == "wrote g.png"
    width, height = png_items.size((tmp_path / "g.png").read_bytes())
    assert width > 400
    assert 100 < height < width
