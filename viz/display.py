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
from collections.abc import Iterable

from viz.embed import script_json
from viz.engines import first_line, render_svg, svg_size, svg_to_png

CSS_PX_PER_PT = 96 / 72
"""A browser draws an SVG point as 4/3 CSS pixels: a PNG shown this wide looks the same."""


def png_display(svg: str | bytes) -> tuple[str, dict[str, int]]:
    """``svg`` as PNG for a notebook: base64 text, and the width to show it at (metadata).

    The PNG has two pixels per point; shown at the SVG's width it is as large and sharp.

    Raises:
        ImportError: resvg-py is not installed.
        ValueError: resvg cannot read the SVG.

    Example:
        >>> data, metadata = png_display(render_svg("digraph { a -> b }"))
        >>> data[:8], metadata["width"] in range(70, 90)
        ('iVBORw0K', True)
    """
    png = svg_to_png(svg)
    size = svg_size(svg)
    width = round(size[0] * CSS_PX_PER_PT) if size else None
    return base64.b64encode(png).decode("ascii"), ({"width": width} if width else {})


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
    width = f' width="{metadata["width"]}"' if "width" in metadata else ""
    # As a JS string that nothing inside can end or bend the script with (see viz.embed).
    live = script_json(live_html)
    text = f'<p class="chainrule-picture-caption">{html.escape(caption)}</p>' if caption else ""
    return (
        f'<div class="chainrule-picture" data-chainrule-picture="{key}">'
        f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}"{width}>{text}</div>'
        f"<script>{_PICTURE_SCRIPT % {'key': key, 'live': live}}</script>"
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


MimeBundle = tuple[dict[str, str], dict[str, dict[str, int]]]
"""A Jupyter display: ``(data by mime type, metadata by mime type)``."""

PICTURE_TYPES = ("image/svg+xml", "image/png", "text/html")


def display_data(
    dot_source: str,
    include: Iterable[str] | None = None,
    exclude: Iterable[str] | None = None,
) -> MimeBundle:
    """A Jupyter display of DOT text: SVG and PNG, or the DOT text and a hint. Never raises.

    The PNG is there for front ends that show no SVG: JupyterLab drops ``image/svg+xml``
    from an untrusted notebook's outputs, and shows ``image/png``. No ``text/html`` goes
    with them, since an untrusted JupyterLab would prefer it, sanitized of its picture.

    Args:
        dot_source: the DOT text.
        include: the mime types the front end wants (all if None).
        exclude: mime types it does not want.

    Returns:
        ``({"image/svg+xml": svg, "image/png": base64}, {"image/png": {"width": px}})``;
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
    metadata: dict[str, dict[str, int]] = {}
    if "image/svg+xml" in wanted:
        data["image/svg+xml"] = svg
    if "image/png" in wanted:
        try:
            data["image/png"], shown = png_display(svg)
            metadata["image/png"] = shown
        # Without resvg the SVG still shows wherever SVG is allowed.
        except (ImportError, ValueError):
            pass
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
