"""Writing files atomically: the one writer every file chainrule saves goes through.

A model (``nn``), a picture or a page (``viz``) is written to a temporary file in the
destination's folder and renamed over it, so a reader never sees half a file and a failure
leaves nothing behind. Standard library only, like the rest of the engine, so that both
floors above can share it.

What may be replaced is one rule, checked before anything is created (:func:`destination`):
a regular file, or nothing yet. A symlink is written through: the file it points to is
replaced (a dangling one gets its file created), the link stays. A directory, FIFO, device
or socket is refused with an error naming the function, its argument and the path, never
turned into a file (as root, a rename over ``/dev/full`` would replace the device itself).
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
import stat
from pathlib import Path

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def destination(
    path: str | os.PathLike[str], function: str = "write", argument: str = "path"
) -> Path:
    """The regular file a write to ``path`` replaces or creates: ``path``, or its symlink's target.

    Nothing is created or changed. Every symlink on the way is followed, as ``open``
    follows it; what is there must be a regular file, or nothing yet.

    Args:
        path: where the caller was asked to write.
        function: the public function writing (named in errors).
        argument: its argument that holds ``path`` (named in errors; "" names
            ``function`` alone, for a command line option).

    Returns:
        The real path to replace or create.

    Raises:
        IsADirectoryError: ``path`` is (or points to) a directory.
        shutil.SpecialFileError: ``path`` is (or points to) a FIFO, device or socket.
        OSError: ``path`` cannot be looked at (a symlink loop, a file as a folder, no
            permission), named as above.
        ValueError: ``path`` holds a NUL byte.

    Example:
        >>> destination("/dev/null", "save")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        shutil.SpecialFileError: save(path): cannot replace '/dev/null': it is a character ...
    """
    user = os.fspath(path)
    who = _who(function, argument)
    if isinstance(user, bytes) or "\0" in user:
        raise ValueError(f"{who}: not a usable path: {user!r:.80}")
    target = Path(os.path.realpath(user))  # a loop is left unresolved: stat names it below
    try:
        info = os.stat(target)
    except FileNotFoundError:
        return target  # nothing there yet (a missing folder is reported when writing)
    except OSError as error:
        raise _named(error, who, user) from None
    if stat.S_ISREG(info.st_mode):
        return target
    kind = next((name for test, name in _KINDS if test(info.st_mode)), "not a regular file")
    through = f" (a symlink to {os.fspath(target)!r})" if os.path.islink(user) else ""
    message = f"{who}: cannot replace {user!r}{through}: it is {kind}, not a regular file"
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(message)
    raise shutil.SpecialFileError(message)


def write_atomically(
    path: str | os.PathLike[str],
    text: str | bytes,
    function: str = "write",
    argument: str = "path",
) -> Path:
    """Write ``text`` to ``path`` through a temporary file in the same folder and a rename.

    ``path`` must be a regular file, a symlink to one (the file it points to is replaced;
    the link stays), or nothing yet: see :func:`destination`, checked before anything is
    created. The temporary file is created with mode 0666 less the umask, as ``open``
    would create ``path`` (so 0644 under umask 022); a file that is replaced keeps its
    mode. Its name is short, so a file name of any legal length saves. On any error
    nothing is left behind, and the error names ``function``, ``argument`` and ``path``,
    not the temporary file.

    Returns:
        ``path``, as a ``Path``.

    Example:
        >>> import pathlib, tempfile
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> write_atomically(folder / "a.txt", "hi").read_text(), sorted(os.listdir(folder))
        ('hi', ['a.txt'])
    """
    data = text.encode() if isinstance(text, str) else text
    user = os.fspath(path)
    target = destination(path, function, argument)
    who = _who(function, argument)
    temporary = None
    try:
        mode = _mode(target)
        handle, temporary = _create_temporary(target.parent)
        with os.fdopen(handle, "wb") as file:
            if mode is not None:
                os.fchmod(file.fileno(), mode)
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
        temporary = None
        _sync_folder(target.parent)
    except OSError as error:
        raise _named(error, who, user) from None
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
    return Path(user)


def move_atomically(
    source: str | os.PathLike[str],
    path: str | os.PathLike[str],
    function: str = "write",
    argument: str = "path",
) -> Path:
    """Move the finished file ``source`` to ``path``, under the rule of :func:`write_atomically`.

    For files written elsewhere first (the command line writes a command's files into a
    hidden folder, then moves them all into place). A replaced file keeps its mode; a
    symlink at ``path`` is written through; anything but a regular file is refused before
    anything changes. Where the rename cannot cross file systems (a symlink to another
    disk), the bytes are written there atomically instead and ``source`` is removed.

    Returns:
        ``path``, as a ``Path``.

    Example:
        >>> import pathlib, tempfile
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "new").write_text("hi")
        >>> move_atomically(folder / "new", folder / "a.txt").read_text(), os.listdir(folder)
        ('hi', ['a.txt'])
    """
    user = os.fspath(path)
    target = destination(path, function, argument)
    try:
        mode = _mode(target)
        if mode is not None:
            os.chmod(source, mode)
        os.replace(source, target)
    except OSError as error:
        if error.errno != errno.EXDEV:
            raise _named(error, _who(function, argument), user) from None
        write_atomically(path, Path(source).read_bytes(), function, argument)
        with contextlib.suppress(OSError):  # the copy is in place; a leftover is harmless
            os.unlink(source)
    else:
        _sync_folder(target.parent)
    return Path(user)


def _who(function: str, argument: str) -> str:
    return f"{function}({argument})" if argument else function


def _mode(target: Path) -> int | None:
    """The permission bits a replaced regular file keeps (None: a new file)."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        return None


def _named(error: OSError, who: str, path: str) -> OSError:
    """``error`` again, saying which function and argument failed, on the user's path."""
    if error.errno is None:
        return type(error)(f"{who}: cannot write {path}: {error}")
    return type(error)(error.errno, f"{who}: {error.strerror}", path)


def _create_temporary(folder: Path) -> tuple[int, Path]:
    # os.open with 0o666 lets the umask decide the mode, as for any new file (mkstemp
    # would make it 0600, and the rename would keep that). The name does not repeat the
    # destination's: 21 characters fit beside a file name of any legal length.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    while True:
        temporary = folder / f".{secrets.token_hex(8)}.tmp"
        try:
            return os.open(temporary, flags, 0o666), temporary
        except FileExistsError:
            continue


def _sync_folder(folder: Path) -> None:
    # The rename is durable only once the folder is on disk; not every system allows it.
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)
