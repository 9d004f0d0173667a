"""Reading the PNG that viz writes: its size, and where each SVG text put ink."""

import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import numpy as np
from PIL import Image  # a dependency of matplotlib, so always here

from tests.viz.svg import SVG

_TRANSLATE = re.compile(r"translate\(([-\d.]+)[ ,]([-\d.]+)\)")
_TEXT = re.compile(r"<text\b[^>]*>.*?</text>", re.S)


def pixels(png: bytes) -> np.ndarray:
    """The PNG as an RGBA array (height x width x 4)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"), dtype=np.int16)


def size(png: bytes) -> tuple[int, int]:
    """(width, height) in pixels."""
    with Image.open(io.BytesIO(png)) as image:
        return image.size


def without_text(svg: str) -> str:
    """The same SVG with every <text> removed (the boxes, edges and fills stay)."""
    return _TEXT.sub("", svg)


@dataclass(frozen=True)
class Ink:
    text: str
    expected_width: float  # the text's width in DejaVu Sans, in pixels
    inked_width: float  # how wide the pixels the text changed are, in pixels


def text_ink(svg: str, with_text: bytes, no_text: bytes, scale: float) -> list[Ink]:
    """For each <text> of ``svg``: how wide the ink is that it added to the picture.

    ``with_text`` and ``no_text`` are the PNGs of ``svg`` and of ``without_text(svg)``;
    the pixels that differ are the texts' glyphs. Each text's ink is looked for in its own
    line box (from its x, y, anchor and font size).
    """
    from tests.viz.helpers import text_width  # noqa: PLC0415

    changed = np.abs(pixels(with_text) - pixels(no_text)).sum(axis=2) > 60
    root = ET.fromstring(svg.encode())  # noqa: S314 - our own output
    group = next(root.iter(f"{SVG}g"))
    shift = _TRANSLATE.search(group.get("transform", ""))
    dx, dy = float(shift[1]), float(shift[2])
    found = []
    for element in root.iter(f"{SVG}text"):
        text = "".join(element.itertext())
        font = float(element.get("font-size", "14"))
        x, y = (float(element.get(a)) + d for a, d in (("x", dx), ("y", dy)))
        width = text_width(text, font)
        anchor = element.get("text-anchor", "start")
        left = x - width / 2 if anchor == "middle" else x - width if anchor == "end" else x
        # The line box, a little wider than the text: resvg and matplotlib differ slightly.
        top, bottom = int((y - font) * scale), int((y + 0.3 * font) * scale) + 1
        x0, x1 = int((left - 0.2 * width - 2) * scale), int((left + 1.2 * width + 2) * scale) + 1
        box = changed[max(top, 0) : bottom, max(x0, 0) : x1]
        columns = np.flatnonzero(box.any(axis=0))
        inked = float(columns[-1] - columns[0] + 1) if columns.size else 0.0
        found.append(Ink(text, width * scale, inked))
    return found
