"""The one atomic writer that nn and viz share (autograd/files.py)."""

import contextlib
import io
import os
import shutil
import socket
import stat

import pytest

import viz
from autograd import write_atomically
from chainrule.cli import main
from nn import MLP, datasets, plot_decision_boundary


def test_nn_and_viz_write_through_the_same_function():
    assert viz.write_atomic is write_atomically


def test_a_replaced_file_keeps_its_mode(tmp_path):
    target = tmp_path / "g.svg"
    target.write_bytes(b"old")
    target.chmod(0o600)
    viz.write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert os.listdir(tmp_path) == ["g.svg"]


def test_a_failed_write_names_the_users_path_and_leaves_nothing(tmp_path, monkeypatch):
    def refuse(source, destination):
        raise PermissionError(13, "Permission denied", str(source))

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(PermissionError) as raised:
        write_atomically(tmp_path / "a.html", "page", "save_html")
    assert raised.value.filename == str(tmp_path / "a.html")
    assert str(raised.value).startswith("[Errno 13] save_html(path): Permission denied")
    assert os.listdir(tmp_path) == []


# --- every writer, every kind of destination -------------------------------------------
# The rule (autograd.files.destination): a regular file is replaced (keeping its mode), a
# symlink is written through (the link stays, its target is replaced or created), nothing
# else is ever replaced; the refusal names the function, its argument and the path, and
# comes before anything changes. A file name of any legal length saves.


def _root():
    from autograd import Value  # noqa: PLC0415

    x = Value(2.0, "x")
    y = x * 3
    y.backward()
    return y


def _cli(argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    if code != 0:
        assert err.getvalue().count("\n") == 1, err.getvalue()
        assert err.getvalue().startswith("chainrule: error: ")
        raise _CommandFailedError(err.getvalue())


class _CommandFailedError(Exception):
    pass


def _model_save(path):
    return MLP(2, [2], seed=0).save(path)


def _plot(path):
    X, y = datasets.make_moons(10, seed=0)
    plot_decision_boundary(MLP(2, [2, 1], seed=0), X, y, path, resolution=5)


# (id, file name or None for a fixed one inside a folder, write(path), who)
WRITERS = [
    ("model.save", "m.json", _model_save, "save(path)"),
    ("viz.save", "g.svg", lambda p: viz.save(_root(), p), "save(path)"),
    ("viz.save-dot", "g.dot", lambda p: viz.save(_root(), p), "save(path)"),
    ("explore.save_html", "e.html", lambda p: viz.explore(_root()).save_html(p), "save_html(path)"),
    ("steps.save_html", "s.html", lambda p: viz.backward_steps(_root()).save_html(p),
     "save_html(path)"),
    ("steps.save_frames", None, lambda p: viz.backward_steps(_root()).save_frames(p.parent),
     "save_frames(directory)"),
    ("plot_decision_boundary", "b.png", _plot, "plot_decision_boundary(path)"),
    ("cli graph -o", "c.svg", lambda p: _cli(["graph", "x * 2", "x=1", "-o", str(p)]), "--output"),
    ("cli demo --output-dir", None,
     lambda p: _cli(["demo", "--steps", "0", "--output-dir", str(p.parent)]), "--output-dir"),
]  # fmt: skip
FIXED_NAMES = {"steps.save_frames": "frame_000.svg", "cli demo --output-dir": "z.svg"}


def _snapshot(folder):
    """Every entry under ``folder``: its type, and a regular file's bytes and mode."""
    found = {}
    for entry in sorted(folder.rglob("*")):
        info = entry.lstat()
        if stat.S_ISREG(info.st_mode):
            found[str(entry)] = ("file", entry.read_bytes(), stat.S_IMODE(info.st_mode))
        elif stat.S_ISLNK(info.st_mode):
            found[str(entry)] = ("link", os.readlink(entry))
        else:
            found[str(entry)] = (stat.S_IFMT(info.st_mode),)
    return found


def _regular(path):
    path.write_bytes(b"old")
    path.chmod(0o640)


def _link_to_regular(path):
    target = path.parent / "elsewhere" / "target"
    target.parent.mkdir()
    _regular(target)
    path.symlink_to(target)


def _dangling(path):
    (path.parent / "elsewhere").mkdir()
    path.symlink_to(path.parent / "elsewhere" / "target")


def _fifo(path):
    os.mkfifo(path)


def _char_device(path):
    os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # what /dev/null is


def _link_to_dev_null(path):
    path.symlink_to("/dev/null")


def _directory(path):
    path.mkdir()
    (path / "inside").write_text("keep")


def _socket(path):
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.close()


def _loop(path):
    path.symlink_to(path.name)


# (id, prepare(path), written: the file that must hold the new bytes (relative), or None
# for a refusal, with the error class a Python writer raises)
DESTINATIONS = [
    ("nothing", lambda p: None, ".", None),
    ("regular", _regular, ".", None),
    ("symlink-to-regular", _link_to_regular, "elsewhere/target", None),
    ("dangling-symlink", _dangling, "elsewhere/target", None),
    ("fifo", _fifo, None, shutil.SpecialFileError),
    ("char-device", _char_device, None, shutil.SpecialFileError),
    ("symlink-to-dev-null", _link_to_dev_null, None, shutil.SpecialFileError),
    ("directory", _directory, None, IsADirectoryError),
    ("socket", _socket, None, shutil.SpecialFileError),
    ("symlink-loop", _loop, None, OSError),
]


@pytest.mark.parametrize(("kind", "prepare", "written", "error"), DESTINATIONS,
                         ids=[d[0] for d in DESTINATIONS])  # fmt: skip
@pytest.mark.parametrize(("writer", "name", "write", "who"), WRITERS, ids=[w[0] for w in WRITERS])
def test_every_writer_replaces_only_regular_files(  # noqa: PLR0917 - the table's columns
    tmp_path, kind, prepare, written, error, writer, name, write, who
):
    if kind == "char-device" and os.geteuid() != 0:
        pytest.skip("only root can make a device node")
    folder = tmp_path / "out"
    folder.mkdir()
    path = folder / (name or FIXED_NAMES[writer])
    prepare(path)
    before = _snapshot(tmp_path)
    if written is None:
        expected = _CommandFailedError if writer.startswith("cli") else error
        with pytest.raises(expected) as raised:
            write(path)
        message = str(raised.value)
        # The command line names the option where the path is no file at all; a directory
        # or a symlink loop is "cannot write PATH: Is a directory", as for any other command.
        if not writer.startswith("cli") or error is shutil.SpecialFileError:
            assert who in message
        assert str(path) in message or repr(str(path)) in message
        assert _snapshot(tmp_path) == before  # nothing changed, nothing left behind
        return
    write(path)
    result = folder / written if written != "." else path
    assert result.is_file()
    assert result.read_bytes() not in (b"", b"old")
    if kind in {"regular", "symlink-to-regular"}:
        assert stat.S_IMODE(result.stat().st_mode) == 0o640  # a replaced file keeps its mode
    if "symlink" in kind:  # the link stays, and points where it did
        assert path.is_symlink()
        assert path.resolve() == result.resolve()
    # Nothing hidden is left: no temporary file, no staging folder.
    assert not list(tmp_path.rglob(".*"))


NAMED_WRITERS = [w for w in WRITERS if w[1] is not None]


@pytest.mark.parametrize(("writer", "name", "write", "who"), NAMED_WRITERS,
                         ids=[w[0] for w in NAMED_WRITERS])  # fmt: skip
def test_a_file_name_of_250_characters_saves(tmp_path, writer, name, write, who):
    stem, suffix = os.path.splitext(name)
    path = tmp_path / (stem * (250 - len(suffix)) + suffix)
    assert len(path.name) == 250  # NAME_MAX is 255: the temporary name used to pass it
    write(path)
    assert path.stat().st_size > 0
    assert os.listdir(tmp_path) == [path.name]


def test_nothing_is_checked_by_name_alone(tmp_path):
    # A regular file called like a device is an ordinary file; a device is refused by what
    # it is, whatever it is called.
    (tmp_path / "null").write_text("x")
    assert write_atomically(tmp_path / "null", "y").read_text() == "y"
    # Never /dev/null itself: a writer with the old bug would replace the machine's device.
    (tmp_path / "link").symlink_to("/dev/null")
    with pytest.raises(
        shutil.SpecialFileError, match=r"write\(path\): cannot replace '.*link' \(a"
    ):
        write_atomically(tmp_path / "link", "y")
    assert os.readlink(tmp_path / "link") == "/dev/null"


def test_a_nul_byte_in_the_path_is_a_value_error_naming_it(tmp_path):
    with pytest.raises(ValueError, match=r"save\(path\): not a usable path: 'a\\x00b'"):
        write_atomically("a\0b", "y", "save")
