"""Drawings as SVG text and as files (SVG, DOT, PNG, PDF), written atomically."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from autograd import Scope, Value
from viz.dot import draw
from viz.engines import render, render_svg
from viz.files import write_atomic

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


def to_svg(  # noqa: PLR0913 - the options of draw and the engine, all keywords
    root: Value,
    *,
    rankdir: str = "LR",
    show_grad: bool = True,
    show_partials: bool = False,
    max_nodes: int = 500,
    collapse: Iterable[str | Scope] = (),
    engine: str = "auto",
    depth: int | None = None,
    legend: bool = False,
) -> str:
    """The drawing of :func:`viz.draw` (same arguments) as SVG text.

    Args:
        root: the output Value.
        rankdir: see :func:`viz.draw`.
        show_grad: see :func:`viz.draw`.
        show_partials: see :func:`viz.draw`.
        max_nodes: see :func:`viz.draw`.
        collapse: see :func:`viz.draw`.
        engine: "auto" (the system ``dot`` if on PATH, else WebAssembly), "system" or "wasi".
        depth: see :func:`viz.draw`.
        legend: see :func:`viz.draw`.

    Raises:
        RenderError: no engine could render it.

    Example:
        >>> from autograd import Value
        >>> svg = to_svg(Value(2.0, "x") * 3)
        >>> "data 6" in svg
        True
    """
    graph = draw(
        root,
        rankdir=rankdir,
        show_grad=show_grad,
        show_partials=show_partials,
        max_nodes=max_nodes,
        collapse=collapse,
        depth=depth,
        legend=legend,
    )
    return render_svg(graph.source, engine)


def save(  # noqa: PLR0913 - the options of draw and the engine, all keywords
    root: Value,
    path: str | os.PathLike[str],
    *,
    rankdir: str = "LR",
    show_grad: bool = True,
    show_partials: bool = False,
    max_nodes: int = 500,
    collapse: Iterable[str | Scope] = (),
    engine: str = "auto",
    depth: int | None = None,
    legend: bool = False,
) -> Path:
    """Write the drawing of ``root`` to ``path``; the extension picks the format.

    ``.svg`` and ``.png`` work everywhere (without a system Graphviz, PNG is the
    WebAssembly Graphviz's SVG rasterized by resvg); ``.dot`` / ``.gv`` write the DOT text;
    ``.pdf`` needs the system Graphviz. The file is written atomically: on any error
    nothing is left behind.

    Args:
        root: the output Value.
        path: where to write.
        rankdir: see :func:`viz.draw`.
        show_grad: see :func:`viz.draw`.
        show_partials: see :func:`viz.draw`.
        max_nodes: see :func:`viz.draw`.
        collapse: see :func:`viz.draw`.
        engine: see :func:`to_svg`.
        depth: see :func:`viz.draw`.
        legend: see :func:`viz.draw`.

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
    source = draw(
        root,
        rankdir=rankdir,
        show_grad=show_grad,
        show_partials=show_partials,
        max_nodes=max_nodes,
        collapse=collapse,
        depth=depth,
        legend=legend,
    ).source
    data = source.encode("utf-8") if fmt == "dot" else render(source, fmt, engine)
    return write_atomic(path, data, "save")
