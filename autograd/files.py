"""Writing files atomically: the one writer every file chainrule saves goes through.

A model (``nn``), a picture or a page (``viz``) is written to a temporary file in the
destination's folder and renamed over it, so a reader never sees half a file and a failure
leaves nothing behind. Standard library only, like the rest of the engine, so that both
floors above can share it.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path


def write_atomically(
    path: str | os.PathLike[str], text: str | bytes, function: str = "write"
) -> Path:
    """Write ``text`` to ``path`` through a temporary file in the same folder and a rename.

    The temporary file is created with mode 0666 less the umask, as ``open`` would create
    ``path`` (so 0644 under umask 022); a file that is replaced keeps its mode. On any
    error nothing is left behind, and the error names ``function`` and ``path``, not the
    temporary file.

    Example:
        >>> import pathlib, tempfile
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> write_atomically(folder / "a.txt", "hi").read_text(), sorted(os.listdir(folder))
        ('hi', ['a.txt'])
    """
    target = Path(path)
    data = text.encode() if isinstance(text, str) else text
    try:
        info = os.stat(target)
        mode = stat.S_IMODE(info.st_mode) if stat.S_ISREG(info.st_mode) else None
    except OSError:
        mode = None
    temporary = None
    try:
        handle, temporary = _create_temporary(target)
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
        if error.errno is None:
            raise type(error)(f"{function}: cannot write {target}: {error}") from None
        raise type(error)(error.errno, f"{function}: {error.strerror}", str(target)) from None
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
    return target


def _create_temporary(target: Path) -> tuple[int, Path]:
    # os.open with 0o666 lets the umask decide the mode, as for any new file (mkstemp
    # would make it 0600, and the rename would keep that).
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    while True:
        temporary = target.parent / f".{target.name}.{secrets.token_hex(6)}.tmp"
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
