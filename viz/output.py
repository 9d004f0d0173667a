"""Drawings as SVG text and as files (SVG, DOT, PNG, PDF), written atomically."""

from __future__ import annotations

import os
from pathlib import Path

from autograd import Value
from viz.dot import graph_of
from viz.engines import check_engine, render, render_svg
from viz.files import write_atomic
from viz.options import DrawOptions, takes_options

FILE_TYPES = {".svg": "svg", ".dot": "dot", ".gv": "dot", ".png": "png", ".pdf": "pdf"}
"""What :func:`save` writes for each file extension (PDF needs the system Graphviz)."""


def file_type(path: str | os.PathLike[str]) -> str:
    """The format :func:`save` writes to ``path``, from its extension.

    Raises:
        ValueError: an extension not in :data:`FILE_TYPES`.

    Example:
        >>> file_type("z.SVG"), file_type("z.gv")
        ('svg', 'dot')
    """
    suffix = Path(path).suffix.lower()
    if suffix not in FILE_TYPES:
        known = ", ".join(FILE_TYPES)
        raise ValueError(
            f"save: cannot write {os.fspath(path)!r}: unsupported extension {suffix or '(none)'!r}"
            f" (use one of {known})"
        )
    return FILE_TYPES[suffix]


@takes_options
def to_svg(root: Value, options: DrawOptions, *, engine: str = "auto") -> str:
    """The drawing of :func:`viz.draw` (same arguments) as SVG text.

    Args:
        root: the output Value.
        options: the keywords of :func:`viz.draw` (``rankdir=``, ``show_grad=``, ...).
        engine: "auto" (the system ``dot`` if on PATH, else WebAssembly), "system" or "wasi".

    Raises:
        RenderError: no engine could render it.

    Example:
        >>> from autograd import Value
        >>> svg = to_svg(Value(2.0, "x") * 3)
        >>> "data 6" in svg
        True
    """
    check_engine("to_svg", engine)
    return render_svg(graph_of(root, options, "to_svg").source, engine)


@takes_options
def save(
    root: Value, path: str | os.PathLike[str], options: DrawOptions, *, engine: str = "auto"
) -> Path:
    """Write the drawing of ``root`` to ``path``; the extension picks the format.

    ``.svg`` and ``.png`` work everywhere (without a system Graphviz, PNG is the
    WebAssembly Graphviz's SVG rasterized by resvg); ``.dot`` / ``.gv`` write the DOT text;
    ``.pdf`` needs the system Graphviz. The file is written atomically: on any error
    nothing is left behind.

    Args:
        root: the output Value.
        path: where to write.
        options: the keywords of :func:`viz.draw` (``rankdir=``, ``show_grad=``, ...).
        engine: see :func:`to_svg`.

    Returns:
        The path written.

    Raises:
        ValueError: an unsupported extension.
        RenderError: no engine can write this format here.
        OSError: the file cannot be written.

    Example:
        >>> import pathlib, tempfile
        >>> from autograd import Value
        >>> path = save(Value(2.0, "x") * 3, pathlib.Path(tempfile.mkdtemp()) / "g.dot")
        >>> path.read_text().startswith("digraph chainrule {")
        True
    """
    fmt = file_type(path)
    check_engine("save", engine)
    source = graph_of(root, options, "save").source
    data = source.encode("utf-8") if fmt == "dot" else render(source, fmt, engine)
    return write_atomic(path, data, "save")
