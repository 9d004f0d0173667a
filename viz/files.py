"""Files: atomic writes, and ``Digraph.pipe`` / ``render`` that work without a system Graphviz.

:class:`viz.Graph` (what :func:`viz.draw` returns) is a ``graphviz.Digraph``. Its ``pipe``
and ``render`` call :func:`pipe_digraph` and :func:`render_digraph`: with the system
Graphviz on PATH they are graphviz's own (every format, renderer and layout engine);
without it, SVG and PNG with the ``dot`` layout come from :func:`viz.engines.render`
(Graphviz in WebAssembly, resvg for PNG), and anything else is a :class:`RenderError`
that says what would make it work. On any error no file is left behind.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import graphviz

from autograd import write_atomically
from viz.engines import INSTALL_GRAPHVIZ, WASI_FORMATS, RenderError, render

# One atomic writer for every file chainrule saves (a replaced file keeps its mode, a
# failure leaves nothing behind and names the user's path); viz's public name for it.
write_atomic = write_atomically


def _has_system_graphviz(layout: str) -> bool:
    return shutil.which(layout) is not None


def _check_without_system(who: str, fmt: str, layout: str, custom: bool, source: str) -> None:
    """Raise RenderError unless the pip-installed engines can do this without Graphviz."""
    if fmt not in graphviz.FORMATS:
        raise ValueError(
            f"{who}: unknown format {fmt!r} (graphviz knows {sorted(graphviz.FORMATS)})"
        )
    wanted = []
    if fmt not in WASI_FORMATS:
        wanted.append(f"format={fmt!r}")
    if layout != "dot":
        wanted.append(f"engine={layout!r}")
    if custom:
        wanted.append("renderer= / formatter=")
    if wanted:
        raise RenderError(
            f"{who}: {', '.join(wanted)} needs the system Graphviz ({layout} is not on PATH;"
            f" without it, format='svg' or 'png' with the dot layout work). To fix it,"
            f" {INSTALL_GRAPHVIZ}",
            source,
        )


def pipe_digraph(  # noqa: PLR0913, PLR0917 - Digraph.pipe's own signature
    graph: graphviz.Digraph,
    system_pipe: Callable[..., bytes | str],
    format: str | None = None,
    renderer: str | None = None,
    formatter: str | None = None,
    neato_no_op: bool | int | None = None,
    quiet: bool = False,
    *,
    engine: str | None = None,
    encoding: str | None = None,
) -> bytes | str:
    """``graph.pipe(...)``: graphviz's ``system_pipe`` if the system Graphviz is there, else ours.

    Args:
        graph: the Digraph.
        system_pipe: ``graphviz.Digraph.pipe`` bound to ``graph``.
        format: see ``graphviz.Digraph.pipe`` (default ``graph.format``).
        renderer: see ``graphviz.Digraph.pipe``.
        formatter: see ``graphviz.Digraph.pipe``.
        neato_no_op: see ``graphviz.Digraph.pipe``.
        quiet: see ``graphviz.Digraph.pipe``.
        engine: the layout engine (default ``graph.engine``).
        encoding: decode the output with it (bytes if None).

    Returns:
        The rendered bytes, or text if ``encoding`` is given.

    Raises:
        ValueError: an unknown format.
        RenderError: this cannot be rendered without the system Graphviz.

    Example:
        >>> g = graphviz.Digraph(body=["a -> b"])
        >>> pipe_digraph(g, g.pipe, format="svg", encoding="utf-8").count('<g id="node')
        2
    """
    return _piped(graph, system_pipe, "pipe", format, renderer, formatter, neato_no_op, quiet,
                  engine=engine, encoding=encoding)  # fmt: skip


def _piped(  # noqa: PLR0913, PLR0917 - pipe's arguments, and who is calling
    graph: graphviz.Digraph,
    system_pipe: Callable[..., bytes | str],
    who: str,
    format: str | None,
    renderer: str | None,
    formatter: str | None,
    neato_no_op: bool | int | None,
    quiet: bool,
    *,
    engine: str | None,
    encoding: str | None = None,
) -> bytes | str:
    layout = engine or graph.engine
    if _has_system_graphviz(layout):
        return system_pipe(
            format=format,
            renderer=renderer,
            formatter=formatter,
            neato_no_op=neato_no_op,
            quiet=quiet,
            engine=engine,
            encoding=encoding,
        )
    fmt = (format or graph.format).lower()
    custom = renderer is not None or formatter is not None
    _check_without_system(who, fmt, layout, custom, graph.source)
    data = render(graph.source, fmt, "wasi")
    return data.decode(encoding) if encoding is not None else data


def render_digraph(  # noqa: PLR0913, PLR0917 - Digraph.render's signature
    graph: graphviz.Digraph,
    system_pipe: Callable[..., bytes | str],
    filename: str | os.PathLike[str] | None = None,
    directory: str | os.PathLike[str] | None = None,
    view: bool = False,
    cleanup: bool = False,
    format: str | None = None,
    renderer: str | None = None,
    formatter: str | None = None,
    neato_no_op: bool | int | None = None,
    quiet: bool = False,
    quiet_view: bool = False,
    *,
    outfile: str | os.PathLike[str] | None = None,
    engine: str | None = None,
    raise_if_result_exists: bool = False,
    overwrite_source: bool = False,
) -> str:
    """``graph.render(...)`` as graphviz's, with every file written atomically.

    It does what graphviz's ``render`` does: saves the DOT source (``filename``, default
    ``graph.filename``, in ``directory``), writes the picture next to it
    (``<source>[.formatter][.renderer].<format>``) or to ``outfile``, deletes the source if
    ``cleanup``, opens a viewer if ``view`` and returns the picture's path. The picture
    comes from :func:`pipe_digraph` (the system Graphviz, every format, if it is there;
    else SVG and PNG from the pip-installed engines) before anything is written, so an
    error leaves no file behind; graphviz's own render would let ``dot`` write the
    picture in place, and write through a symlink to a device.

    Args:
        graph: the Digraph.
        system_pipe: ``graphviz.Digraph.pipe`` bound to ``graph``.
        filename: see ``graphviz.Digraph.render``.
        directory: see ``graphviz.Digraph.render``.
        view: see ``graphviz.Digraph.render``.
        cleanup: see ``graphviz.Digraph.render``.
        format: see ``graphviz.Digraph.render`` (default: ``outfile``'s suffix, else
            ``graph.format``).
        renderer: see ``graphviz.Digraph.render``.
        formatter: see ``graphviz.Digraph.render``.
        neato_no_op: see ``graphviz.Digraph.render``.
        quiet: see ``graphviz.Digraph.render``.
        quiet_view: see ``graphviz.Digraph.render``.
        outfile: see ``graphviz.Digraph.render``.
        engine: see ``graphviz.Digraph.render``.
        raise_if_result_exists: see ``graphviz.Digraph.render``.
        overwrite_source: see ``graphviz.Digraph.render``.

    Returns:
        The path of the rendered file.

    Raises:
        ValueError: an unknown format, or ``outfile`` is the source file.
        graphviz.FileExistsError: the result exists and ``raise_if_result_exists``.
        RenderError: this cannot be rendered without the system Graphviz.

    Example:
        >>> import tempfile
        >>> g = graphviz.Digraph(body=["a -> b"], directory=tempfile.mkdtemp())
        >>> path = render_digraph(g, g.pipe, format="svg")
        >>> Path(path).name, Path(path).read_text().count('<g id="node')
        ('Digraph.gv.svg', 2)
    """
    # As graphviz does: the format comes from outfile's suffix unless given; a relative
    # outfile lies in the graph's directory unless a directory is given.
    out = None if outfile is None else Path(outfile)
    if out is not None and format is None:
        format = out.suffix.lstrip(".").lower() or None
    fmt = (format or graph.format).lower()
    if out is not None and directory is None:
        out = Path(graph.directory, out)
    if out is not None and filename is None:
        filename = out.with_suffix(".gv")
    # Everything that can fail for a reason of ours, before anything is written.
    data = _piped(graph, system_pipe, "render", fmt, renderer, formatter, neato_no_op, quiet,
                  engine=engine)  # fmt: skip
    # Where graph.save(filename, directory=directory) will write, as graphviz joins it.
    source = Path(
        os.path.join(
            graph.directory if directory is None else directory,
            graph.filename if filename is None else filename,
        )
    )
    suffix = ".".join(part for part in (formatter, renderer, fmt) if part)
    result = out if out is not None else Path(f"{source}.{suffix}")
    if raise_if_result_exists and result.exists():
        raise graphviz.FileExistsError(f"output file exists: {os.fspath(result)!r}")
    if result.resolve() == source.resolve() and not overwrite_source:
        raise ValueError(
            f"render: outfile {os.fspath(result)!r} is the source file (pass overwrite_source=True)"
        )
    existed = source.exists()
    saved = Path(save_digraph(graph, filename, directory))
    try:
        write_atomic(result, data, "render", "outfile")  # type: ignore[arg-type]
    except BaseException:
        if not existed:
            saved.unlink(missing_ok=True)
        raise
    if cleanup:
        saved.unlink()
    if view or quiet_view:
        graphviz.view(result, quiet=quiet_view)
    return os.fspath(result)


def save_digraph(
    graph: graphviz.Digraph,
    filename: str | os.PathLike[str] | None = None,
    directory: str | os.PathLike[str] | None = None,
    *,
    skip_existing: bool | None = False,
) -> str:
    """``graph.save(...)`` as graphviz's (the DOT source to ``directory/filename``), atomically.

    Example:
        >>> import tempfile
        >>> g = graphviz.Digraph(body=["a -> b"], directory=tempfile.mkdtemp())
        >>> Path(save_digraph(g, "g.gv")).read_text().count("a -> b")
        1
    """
    if filename is not None:
        graph.filename = os.fspath(filename)
    if directory is not None:
        graph.directory = os.fspath(directory)
    path = graph.filepath
    if skip_existing and os.path.exists(path):
        return path
    folder = os.path.dirname(path)
    if folder:
        os.makedirs(folder, exist_ok=True)
    write_atomic(path, "".join(graph).encode(graph.encoding), "save", "filename")
    return path
