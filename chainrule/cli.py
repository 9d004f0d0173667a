"""The ``chainrule`` command line (also ``python -m chainrule``).

``chainrule demo`` prints the worked example z = (x + y) * w and draws it; ``chainrule
graph`` builds any small expression with :func:`autograd.parse` (a whitelist: nothing is
ever evaluated by Python), runs backward, prints the gradients and draws the graph.

Every failure is one line on stderr and exit status 2, never a traceback: bad input, a
math domain error, a renderer that fails or runs out of memory, a full disk, a NUL byte in
a path. A closed pipe (``chainrule graph ... | head -1``) ends the command quietly, as
Unix tools do (status 2, no message). The output folder and every file the command will
replace are checked before anything slow runs (only a regular file, or a symlink to one,
is replaced: see :func:`autograd.files.destination`), and files are written into a hidden
folder beside their destination and moved into place only when everything has succeeded:
a failed or interrupted command leaves nothing written. SIGTERM and SIGHUP clean up as
Ctrl-C does, then end the process by that same signal (so a shell reports 143 for
SIGTERM, and a parent process sees it killed by the signal).
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NoReturn

from autograd import Value, topological_order
from autograd.files import destination, move_atomically
from autograd.parse import ParseError, check_name, parse
from chainrule.arguments import MAX_STEPS, build_parser, expression_hint, protected_expression
from chainrule.examples import demo, number, train_moons, write_demo_files

FILE_TYPES = (".svg", ".dot", ".gv", ".png", ".pdf")
DEMO_FILES = ("z.svg", "z_steps.html", "moons.png")  # what demo writes (moons.png if it trains)


class CommandError(Exception):
    """A failure of a command: the message is the one line the command line prints."""


class _Terminated(BaseException):  # a BaseException, like KeyboardInterrupt: not an error
    """SIGTERM or SIGHUP arrived: clean up, then end by the same signal."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


# Signals that end the command: it cleans up first. Not SIGINT: Python already raises
# KeyboardInterrupt for it.
_ENDING = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


def _raise_terminated(signum: int, frame: object) -> None:
    # Further signals are ignored while the command cleans up (a second SIGTERM must not
    # interrupt the removal of the staging folder); main re-sends the signal at the end.
    for ending in _ENDING:
        signal.signal(ending, signal.SIG_IGN)
    raise _Terminated(signum)


@contextlib.contextmanager
def _ending_signals_raise() -> Iterator[None]:
    """SIGTERM and SIGHUP raise :class:`_Terminated` in the block (main thread only).

    A signal whose handler is SIG_IGN when the command starts (``nohup``) stays ignored.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}
    for ending in _ENDING:
        handler = signal.getsignal(ending)
        if handler is not signal.SIG_IGN:
            previous[ending] = handler
            signal.signal(ending, _raise_terminated)
    try:
        yield
    finally:
        for ending, handler in previous.items():
            signal.signal(ending, handler)


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold back SIGINT, SIGTERM and SIGHUP in the block: its steps happen all or none.

    A signal that arrives meanwhile is delivered when the block ends.
    """
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = {signal.SIGINT, *_ENDING}
    before = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def _end_by_signal(signum: int) -> int:
    """End this process by ``signum``, as if it had not been caught: the caller sees it."""
    signal.signal(signum, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signum})
    os.kill(os.getpid(), signum)
    return 128 + signum  # only if the signal did not end the process


class _ClosedPipe(Exception):  # noqa: N818 - not an error for the user: the reader left
    """stdout's reader has gone (``| head``): stop quietly."""


def _fail(message: str) -> NoReturn:
    raise CommandError(message)


def _one_line(message: str) -> str:
    return " ".join(message.split())


def _silence_stdout() -> None:
    """Point file descriptor 1 at /dev/null.

    The interpreter's last flush of what could not be written (a closed pipe, a full
    disk) then cannot fail a second time, with a message of its own.
    """
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # a StringIO under test: nothing to do
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)


def _emit(text: str) -> None:
    """Write ``text`` to stdout now (flushed), turning every failure into one line."""
    if sys.stdout is None:  # started with stdout closed (>&-)
        _fail("cannot write the output: stdout is closed")
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
        raise _ClosedPipe from None
    except (OSError, ValueError) as error:  # a full disk, a closed or unencodable stream
        _silence_stdout()
        reason = getattr(error, "strerror", None) or str(error)
        _fail(f"cannot write the output: {reason}")


def _note(text: str) -> None:
    """A progress line on stderr ("wrote z.svg"); a stderr that fails cannot be told."""
    with contextlib.suppress(OSError, ValueError):
        print(text, file=sys.stderr, flush=True)


def _check_path(text: str, what: str) -> Path:
    if "\0" in text:
        _fail(f"cannot write {text!r}: the {what} contains a NUL byte")
    return Path(text)


def _replaceable(path: Path, shown: str, option: str) -> None:
    """Fail now unless ``path`` is a regular file, a symlink to one, or nothing yet.

    A symlink's file must be creatable too: a dangling link into no folder fails here,
    not after the work, when the files are moved into place.
    """
    real = os.path.realpath(path)
    plain = not path.is_symlink() or real == os.path.abspath(path)  # a loop: named as itself
    shown = repr(shown) if plain else f"{shown!r} (a symlink to {real!r})"
    try:
        target = destination(path, option, "")
    except OSError as error:
        if error.errno is None:  # a directory, FIFO, device or socket: the message says so
            _fail(str(error))
        _fail(f"cannot write {shown}: {os.strerror(error.errno)}")
    if path.is_symlink() and not target.exists():  # a file in a folder elsewhere
        folder = target.parent
        if not folder.is_dir():  # a file on the way is ENOTDIR above
            _fail(f"cannot write {shown}: No such file or directory")
        if not os.access(folder, os.W_OK | os.X_OK):
            _fail(f"cannot write {shown}: Permission denied")


def _writable_folder(folder: Path, shown: str) -> None:
    """Fail now (before anything slow) unless files can be created in ``folder``.

    A folder that does not exist yet is fine if the nearest one that exists is writable.
    """
    existing = folder
    while not existing.exists():
        if existing.is_symlink() or existing == existing.parent:
            break
        existing = existing.parent
    if not existing.exists():
        _fail(f"cannot write to {shown!r}: No such file or directory")
    if not existing.is_dir():
        _fail(f"cannot write to {shown!r}: Not a directory")
    if not os.access(existing, os.W_OK | os.X_OK):
        _fail(f"cannot write to {shown!r}: Permission denied")


class _Staging:
    """A hidden folder beside the destination: files are written there, then moved.

    ``commit`` moves every file into place; ``abort`` removes the staging folder and
    the destination folders it created, so a failed command leaves nothing written.
    """

    def __init__(self, destination: Path, option: str) -> None:
        self.destination = destination
        self.option = option
        self.created: list[Path] = []
        missing = []
        folder = destination
        while not folder.exists():
            missing.append(folder)
            folder = folder.parent
        for folder in reversed(missing):
            folder.mkdir()
            self.created.append(folder)
        self.folder = Path(tempfile.mkdtemp(prefix=".chainrule-", dir=destination))

    def commit(self, names: Sequence[str]) -> list[Path]:
        moved = []
        for name in names:
            # A rename, but through a symlink and never over a FIFO, device or directory.
            target = move_atomically(self.folder / name, self.destination / name, self.option, "")
            moved.append(target)
        shutil.rmtree(self.folder, ignore_errors=True)
        return moved

    def abort(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        for folder in reversed(self.created):
            try:
                folder.rmdir()
            except OSError:
                break


@contextlib.contextmanager
def _staged(folder: Path, failure: str, option: str) -> Iterator[_Staging]:
    """A :class:`_Staging` folder in ``folder``, removed again if the block fails.

    An ``OSError`` (creating the folder, writing, moving into place) ends the command in
    one line: ``failure``, which names the user's path, not the hidden staging folder.
    Any other exit (Ctrl-C, SIGTERM, an error) removes the staging folder too. Creating
    and removing it hold signals back, so no signal can come between the folder's
    creation and the code that removes it.
    """
    staging = None
    try:
        with _signals_deferred():
            staging = _Staging(folder, option)
        yield staging
    except OSError as error:
        _abort(staging)
        _fail(f"{failure}: {error.strerror or error}")
    except BaseException:
        _abort(staging)
        raise


def _abort(staging: _Staging | None) -> None:
    if staging is not None:
        with _signals_deferred():
            staging.abort()


def parse_variables(assignments: Sequence[str]) -> dict[str, float]:
    r"""Parse ``NAME=NUMBER`` arguments: names NFKC-normalised as in the expression.

    Example:
        >>> parse_variables(["x=2", "\uff57=-4.5e1"])
        {'x': 2.0, 'w': -45.0}
    """
    variables: dict[str, float] = {}
    for assignment in assignments:
        given, sign, text = assignment.partition("=")
        given = given.strip()
        if not sign:
            _fail(f"expected NAME=NUMBER, got {assignment!r:.60}")
        try:
            name = check_name(given)
        except ParseError as error:
            _fail(f"{error} (in {assignment!r:.60})")
        if name in variables:
            _fail(f"{name} is given twice")
        try:
            value = float(text)
        except ValueError:
            _fail(f"the value of {name} is not a number: {text!r:.40}")
        if not math.isfinite(value):
            _fail(f"the value of {name} must be finite, got {text!r:.40}")
        variables[name] = value
    return variables


def build(text: str, variables: dict[str, float]) -> tuple[Value, dict[str, Value]]:
    """Build ``text`` with :func:`autograd.parse` and run backward; check it is finite.

    Returns:
        The output Value and the input Value of each variable (in the given order).

    Example:
        >>> z, inputs = build("(x + y) * w", {"x": 2.0, "y": 3.0, "w": 4.0})
        >>> z.data, [v.grad for v in inputs.values()]
        (20.0, [4.0, 4.0, 5.0])
    """
    try:
        parsed = parse(text, **variables)
        root = parsed.output
        _check_finite(root, "value")
        root.backward()
    except (ArithmeticError, ValueError) as error:  # ParseError, or backward's domain error
        _fail(str(error))
    _check_finite(root, "gradient")
    return root, parsed.inputs


def _check_finite(root: Value, what: str) -> None:
    for node in topological_order(root):
        value = node.data if what == "value" else node.grad
        if not math.isfinite(value):
            name = node.label or (f"the {node.op.name} node" if node.op is not None else "an input")
            _fail(f"{what}s overflow: the {what} of {name} is {value}")


def _table(root: Value, inputs: dict[str, Value]) -> str:
    out = root.label or "output"
    width = max(6, len(out), *(len(name) for name in inputs))
    lines = [f"{'name':<{width}}  {'value':>12}  {'gradient d' + out + '/dname':>20}"]
    rows = [*inputs.items()]
    if root not in inputs.values():  # "chainrule graph x x=1": the output is an input
        rows.append((out, root))
    lines.extend(
        f"{name:<{width}}  {number(value.data):>12}  {number(value.grad):>20}"
        for name, value in rows
    )
    return "\n".join(lines) + "\n"


def _graph_command(args: argparse.Namespace) -> int:
    output = _check_path(args.output, "path")
    if output.suffix.lower() not in FILE_TYPES:
        _fail(
            f"cannot write {args.output!r}: unsupported extension "
            f"{output.suffix or '(none)'!r}; use one of {', '.join(FILE_TYPES)}"
        )
    folder = output.parent
    if not folder.is_dir():
        reason = "Not a directory" if folder.exists() else "No such file or directory"
        _fail(f"cannot write {args.output!r}: {reason}")
    if output.is_dir():
        _fail(f"cannot write {args.output!r}: Is a directory")
    if not os.access(folder, os.W_OK | os.X_OK):
        _fail(f"cannot write {args.output!r}: Permission denied")
    _replaceable(output, args.output, "--output")
    root, inputs = build(args.expression, parse_variables(args.variables))
    import viz  # noqa: PLC0415 - drawing needs graphviz; only this command pays for it

    with _staged(folder, f"cannot write {args.output!r}", "--output") as staging:
        viz.save(root, staging.folder / output.name, rankdir=args.rankdir,
                 show_partials=args.partials)  # fmt: skip
        _emit(_table(root, inputs))
        with _signals_deferred():
            staging.commit([output.name])
    _note(f"wrote {output}")
    return 0


def _demo_command(args: argparse.Namespace) -> int:
    if args.steps < 0:
        _fail(f"--steps must be 0 or more, got {args.steps}")
    if args.steps > MAX_STEPS:  # a typo's 10**20 steps would run for ages, silently
        _fail(f"--steps must be at most {MAX_STEPS}, got {args.steps}")
    folder = _check_path(args.output_dir, "folder")
    _writable_folder(folder, args.output_dir)
    for name in DEMO_FILES[: 3 if args.steps else 2]:
        _replaceable(folder / name, os.path.join(args.output_dir, name), "--output-dir")
    _emit(demo() + "\n")
    with _staged(folder, f"cannot write to {args.output_dir!r}", "--output-dir") as staging:
        names = [path.name for path in write_demo_files(staging.folder)]
        if args.steps:
            _emit("\n")
            summary, plot = train_moons(staging.folder, args.steps)
            names.append(plot.name)
            _emit(summary + "\n")
        with _signals_deferred():
            written = staging.commit(names)
    for path in written:
        _note(f"wrote {path}")
    return 0


def _message(error: BaseException) -> str:
    """The one line for any failure."""
    if isinstance(error, CommandError | ParseError):
        return str(error)
    if isinstance(error, MemoryError):
        return "out of memory" + (f": {error}" if str(error) else "")
    if isinstance(error, OSError):
        where = f" {error.filename!r}" if error.filename else ""
        return f"cannot write{where}: {error.strerror or error}"
    if type(error).__name__ == "RenderError":  # viz's: its message names the fixes
        return str(error)
    return f"{type(error).__name__}: {error}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status: 0, or 2 after a one-line error."""
    parser = build_parser()
    words, protected = protected_expression(list(sys.argv[1:] if argv is None else argv))
    try:
        args, extra = parser.parse_known_args(words)
        if extra:
            hint = "" if protected is not None else expression_hint(words, args, extra)
            parser.error(f"unrecognized arguments: {' '.join(extra)}{hint}")
        if args.command == "graph":
            if protected is not None:
                given = [] if args.expression is None else [args.expression]
                args.expression, args.variables = protected, given + args.variables
            if args.expression is None:
                args.usage_error("the following arguments are required: EXPRESSION")
    except SystemExit as stop:  # --help, or a usage error already printed
        return stop.code if isinstance(stop.code, int) else 0
    commands = {"demo": _demo_command, "graph": _graph_command}
    if args.command not in commands:
        _note("chainrule: error: a command is required (try: chainrule demo)")
        return 2
    try:
        with _ending_signals_raise():
            return commands[args.command](args)
    except _Terminated as ended:  # cleaned up: now end as the signal would have
        return _end_by_signal(ended.signum)
    except _ClosedPipe:
        return 2
    except (Exception, KeyboardInterrupt) as error:  # every failure is one line
        text = "interrupted" if isinstance(error, KeyboardInterrupt) else _message(error)
        _note(f"chainrule: error: {_one_line(text)}")
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
