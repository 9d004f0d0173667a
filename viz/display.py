"""Notebook display of drawings: MIME bundles, pictures that survive untrusted notebooks.

A front end picks what it can show from a bundle: SVG where it may, PNG (an untrusted
JupyterLab drops SVG and shows PNG), and HTML when there is no picture at all (why, the
fixes, and the DOT text). :func:`picture_html` wraps a live widget (the stepper, the
explorer) so that a notebook whose scripts do not run still shows its picture. Nothing
here raises on display: a notebook would print a traceback where the picture goes.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import re
from collections.abc import Iterable

from viz.embed import script_json
from viz.engines import first_line, render_svg, svg_size, svg_to_png

CSS_PX_PER_PT = 96 / 72
"""A browser draws an SVG point as 4/3 CSS pixels: a PNG shown this wide looks the same."""


NOTEBOOK_PNG_SCALE = CSS_PX_PER_PT
"""Pixels per point of a notebook's PNG: one per CSS pixel, as the picture is shown.

A notebook stores every picture (base64 in its JSON), and shows the PNG only where SVG is
dropped (an untrusted JupyterLab, a code-hosting site): there one pixel per CSS pixel
reads well and weighs less than half of the two per point of a saved PNG file.
"""

PALETTE = 16
"""Colours of a notebook's PNG: a drawing's few fills and the grey steps of its text edges."""


_NAMED = re.compile(r'(?:fill|stroke)="#([0-9a-fA-F]{6})"')


def svg_colours(svg: str | bytes) -> list[str]:
    """The colours an SVG names for its fills and strokes ("#rrggbb", sorted), and white.

    Example:
        >>> svg_colours('<rect fill="#B7E4C7" stroke="#495057"/><path fill="none"/>')
        ['#495057', '#b7e4c7', '#ffffff']
    """
    text = svg.decode("utf-8", "replace") if isinstance(svg, bytes) else svg
    return sorted({f"#{found.lower()}" for found in _NAMED.findall(text)} | {"#ffffff"})


def compact_png(png: bytes, top: float | None = None, keep: Iterable[str] = ()) -> bytes:
    """``png`` in at most :data:`PALETTE` colours (a palette PNG), cut to its ``top`` rows.

    The colours in ``keep`` ("#rrggbb": a drawing's fills, see :func:`svg_colours`) stay
    exact, beyond the :data:`PALETTE`; a median cut alone merged a fill that covers few
    pixels (the output's green box in a whole network) into a grey.

    A notebook stores every picture it shows, base64 in its JSON: a whole network's PNG
    weighs about a third as much in a palette, and looks the same (a drawing has a few
    flat fills; dithering would only add noise). Pillow (which matplotlib depends on)
    does it; without it ``png`` is returned as it is.

    Args:
        png: the PNG's bytes.
        top: keep only this many rows from the top (None: all).
        keep: colours ("#rrggbb") to keep exact.

    Example:
        >>> png = svg_to_png(render_svg("digraph { a -> b }"))
        >>> small = compact_png(png)
        >>> small[1:4], len(small) < len(png)
        (b'PNG', True)
    """
    try:
        from PIL import Image  # noqa: PLC0415 - optional, and slow to import
    except ImportError:
        return png
    with Image.open(io.BytesIO(png)) as image:
        picture = image.convert("RGBA")
    if top is not None and top < picture.height:
        picture = picture.crop((0, 0, picture.width, max(1, round(top))))
    # Onto white (a drawing's background), then a palette without dithering: flat fills
    # stay flat, and the same picture always gives the same bytes.
    flat = Image.alpha_composite(Image.new("RGBA", picture.size, "white"), picture).convert("RGB")
    cut = flat.quantize(colors=PALETTE, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    kept = [tuple(bytes.fromhex(colour[1:])) for colour in keep]
    if kept:  # the kept colours first, then the cut's; every pixel to the nearest of them
        values = iter(cut.getpalette()[: 3 * len(cut.getcolors())])
        colours = list(dict.fromkeys([*kept, *zip(values, values, values, strict=True)]))[:256]
        fixed = Image.new("P", (1, 1))
        fixed.putpalette([value for colour in colours for value in colour])
        cut = flat.quantize(palette=fixed, dither=Image.Dither.NONE)
    out = io.BytesIO()
    cut.save(out, "PNG", optimize=True)
    return out.getvalue()


def png_display(svg: str | bytes, top: float | None = None) -> tuple[str, dict[str, int | bool]]:
    """``svg`` as PNG for a notebook: base64 text, and the width to show it at (metadata).

    The PNG has one pixel per CSS pixel (:data:`NOTEBOOK_PNG_SCALE`), shown at the SVG's
    width: as large as the SVG. It is stored compact (:func:`compact_png`); with ``top``
    (CSS pixels as shown), only the top of the picture is kept.

    Raises:
        ImportError: resvg-py is not installed.
        ValueError: resvg cannot read the SVG.

    Example:
        >>> data, metadata = png_display(render_svg("digraph { a -> b }"))
        >>> data[:8], metadata["width"] in range(70, 90), metadata["unconfined"]
        ('iVBORw0K', True, True)
    """
    png = svg_to_png(svg, NOTEBOOK_PNG_SCALE)
    size = svg_size(svg)
    width = round(size[0] * CSS_PX_PER_PT) if size else None
    rows = None
    if top is not None and size:
        rows = top * int.from_bytes(png[16:20], "big") / (size[0] * CSS_PX_PER_PT)
    png = compact_png(png, rows, svg_colours(svg))
    # Unconfined: JupyterLab shows the picture at that width and the output scrolls
    # sideways, instead of shrinking a whole network to the column, where no label reads.
    metadata: dict[str, int | bool] = {"width": width, "unconfined": True} if width else {}
    return base64.b64encode(png).decode("ascii"), metadata


_PICTURE_SCRIPT = """
(function () {
  var me = document.currentScript;
  var box = me && me.previousElementSibling;
  if (!box || box.getAttribute('data-chainrule-picture') !== '%(key)s') {
    box = document.querySelector('[data-chainrule-picture="%(key)s"]:not([data-live])');
  }
  if (!box || box.hasAttribute('data-live')) { return; }
  box.setAttribute('data-live', '');
  box.innerHTML = %(live)s;
  // Scripts set through innerHTML do not run: run each one, in order, as a new element.
  var scripts = box.querySelectorAll('script');
  for (var i = 0; i < scripts.length; i++) {
    var run = document.createElement('script');
    run.textContent = scripts[i].textContent;
    scripts[i].parentNode.replaceChild(run, scripts[i]);
  }
})();
"""


def picture_html(live_html: str, svg: str, alt: str, caption: str = "") -> str:
    """HTML that is ``live_html`` where scripts run, and a PNG of ``svg`` where they do not.

    A notebook opened untrusted in JupyterLab, one rendered by a code-hosting site or
    converted statically drops scripts, styles and inline SVG from HTML output. This
    HTML is then still a picture: an ``<img>`` with ``svg`` as a PNG data URI, and
    ``caption`` under it. Where scripts run, its script replaces the picture with
    ``live_html`` (which may hold its own ``<style>`` and ``<script>``: they run).

    Args:
        live_html: the interactive HTML (a stepper, an explorer).
        svg: the picture to show instead (e.g. its first frame or default view).
        alt: the image's text alternative.
        caption: a line of text under the picture (e.g. how to get the live view).

    Raises:
        ImportError: resvg-py is not installed.
        ValueError: resvg cannot read the SVG.

    Example:
        >>> svg = render_svg("digraph { a -> b }")
        >>> page = picture_html("<p>live</p>", svg, "a graph", "Trust the notebook to play.")
        >>> page.count('<img alt="a graph" src="data:image/png;base64,'), "<p>live" in page
        (1, False)
    """
    data, metadata = png_display(svg)
    key = hashlib.sha256(live_html.encode("utf-8")).hexdigest()[:16]
    # As a JS string that nothing inside can end or bend the script with (see viz.embed).
    live = script_json(live_html)
    text = f'<p class="chainrule-picture-caption">{html.escape(caption)}</p>' if caption else ""
    return (
        f'<div class="chainrule-picture" data-chainrule-picture="{key}">'
        f"{scrolled_picture(data, alt, metadata.get('width'))}{text}</div>"
        f"<script>{_PICTURE_SCRIPT % {'key': key, 'live': live}}</script>"
    )


SCROLL_HEIGHT = 640
"""CSS pixels of a still picture shown before it scrolls (its top, at full size)."""


def scrolled_picture(data: str, alt: str, width: int | None) -> str:
    """A PNG (base64 ``data``) at full size in a box that scrolls, for HTML without scripts.

    A notebook's column would shrink a wide drawing until its labels are unreadable:
    here the image keeps its width (``max-width:none``) and the box scrolls both ways,
    showing the top of a tall drawing first. Inline styles only: an untrusted JupyterLab
    keeps them and drops style sheets.

    Example:
        >>> print(scrolled_picture("iVBO", "a graph", 300)[:63])
        <div style="overflow:auto;max-height:640px;max-width:100%"><img
    """
    size = f' width="{width}"' if width else ""
    return (
        f'<div style="overflow:auto;max-height:{SCROLL_HEIGHT}px;max-width:100%">'
        f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}"{size}'
        ' style="max-width:none"></div>'
    )


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


MimeBundle = tuple[dict[str, str], dict[str, dict[str, int | bool]]]
"""A Jupyter display: ``(data by mime type, metadata by mime type)``."""

PICTURE_TYPES = ("image/svg+xml", "image/png", "text/html")

SVG_BUDGET = 100_000
"""Characters of SVG above which a notebook display carries the PNG only (see display_data)."""


def display_data(
    dot_source: str,
    include: Iterable[str] | None = None,
    exclude: Iterable[str] | None = None,
) -> MimeBundle:
    """A Jupyter display of DOT text: SVG and PNG, or the DOT text and a hint. Never raises.

    The PNG is there for front ends that show no SVG: JupyterLab drops ``image/svg+xml``
    from an untrusted notebook's outputs, and shows ``image/png``. No ``text/html`` goes
    with them, since an untrusted JupyterLab would prefer it, sanitized of its picture.
    A drawing whose SVG is over :data:`SVG_BUDGET` characters (a whole network) is shown
    as its PNG only: a notebook stores every output, and must stay small enough to share.

    Args:
        dot_source: the DOT text.
        include: the mime types the front end wants (all if None).
        exclude: mime types it does not want.

    Returns:
        ``({"image/svg+xml": svg, "image/png": base64}, {"image/png": {"width": px,
        "unconfined": True}})``;
        ``{"text/html": ...}`` (the reason, the fixes and the DOT text) if no engine can
        render it; ``({}, {})`` if no picture type is wanted.

    Example:
        >>> data, metadata = display_data("digraph { a -> b }")
        >>> sorted(data), list(metadata)
        (['image/png', 'image/svg+xml'], ['image/png'])
        >>> display_data("digraph { a -> b }", include=["text/plain"])
        ({}, {})
    """
    wanted = set(PICTURE_TYPES if include is None else include) - set(exclude or ())
    if not wanted & set(PICTURE_TYPES):
        return {}, {}
    try:
        svg = render_svg(dot_source)
    # A display hook must not raise: a notebook would show a traceback instead of the
    # value. Whatever went wrong is shown as text, with the DOT text to render elsewhere.
    except Exception as error:
        return {"text/html": fallback_html(dot_source, first_line(error))}, {}
    data: dict[str, str] = {}
    metadata: dict[str, dict[str, int | bool]] = {}
    if "image/svg+xml" in wanted:
        data["image/svg+xml"] = svg
    if "image/png" in wanted:
        try:
            data["image/png"], shown = png_display(svg)
            metadata["image/png"] = shown
        # Without resvg the SVG still shows wherever SVG is allowed.
        except (ImportError, ValueError):
            pass
        else:
            if len(svg) > SVG_BUDGET:
                # A notebook stores every output: for a whole network the PNG alone (shown at
                # the SVG's size) halves what it weighs, and keeps it small enough to share.
                data.pop("image/svg+xml", None)
    if not data and "text/html" in wanted:
        # Front ends that take HTML only get the same picture inline.
        data["text/html"] = svg[svg.find("<svg") :]
    return data, metadata


def display_bundle(
    dot_source: str,
    include: Iterable[str] | None = None,
    exclude: Iterable[str] | None = None,
) -> dict[str, str]:
    """The data of :func:`display_data` (no metadata). Never raises.

    Example:
        >>> sorted(display_bundle("digraph { a -> b }"))
        ['image/png', 'image/svg+xml']
        >>> display_bundle("digraph { a -> b }", include=["text/plain"])
        {}
    """
    return display_data(dot_source, include, exclude)[0]
