"""Data inside a page's ``<script>``: JSON that no label or scope name can end or bend.

The explorer, the stepper and the notebook pictures embed user text (labels, scope names,
captions) in HTML pages. Inside an element's content it is escaped by ``html.escape``;
inside a ``<script>`` it must be escaped for the HTML parser instead, which reads a
script's text without decoding entities and ends it at the first ``</script``. Worse,
``<!--`` followed by ``<script`` switches the parser into a state where even the page's own
``</script>`` no longer ends the script: the data swallows the code after it and the page
stays blank. :func:`script_json` is the one way viz puts data into a script.
"""

from __future__ import annotations

import html
import json
from typing import Any

# Escaped as JSON \\u escapes, which JSON.parse and JavaScript read back as the same text:
# "<" (no "</script", "<!--" or "<script" can form), ">" (no "-->"), "&" (safe in XHTML
# too), U+2028 / U+2029 (line terminators in JavaScript before ES2019), and lone
# surrogates (no UTF-8 encoding exists for them: a page holding one could not be written).
_SCRIPT_SAFE = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
    **{code: f"\\u{code:04x}" for code in range(0xD800, 0xE000)},
}


def script_json(value: Any) -> str:
    r"""``value`` as JSON text that is safe anywhere inside an HTML ``<script>`` element.

    The text is valid JSON (for ``JSON.parse`` of a ``type="application/json"`` script's
    ``textContent``) and a valid JavaScript expression (in a script's code), and it holds
    no ``<``, ``>``, ``&``, U+2028, U+2029 or lone surrogate: the HTML parser sees nothing
    in it that could end the script or change how it is read. Every other character stays
    as it is (UTF-8 pages carry emoji and accents unescaped).

    Args:
        value: anything ``json.dumps`` accepts, without NaN or infinities (JSON has none).

    Raises:
        ValueError: ``value`` holds a NaN or an infinity.
        TypeError: ``value`` holds something JSON cannot represent.

    Example:
        >>> print(script_json({"label": "</script><!--<script", "name": "é\u2028"}))
        {"label":"\u003c/script\u003e\u003c!--\u003cscript","name":"é\u2028"}
        >>> json.loads(script_json(["a<b", "\udc80"])) == ["a<b", "\udc80"]
        True
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.translate(_SCRIPT_SAFE)


def html_document(title: str, body: str, *, fill: bool = False) -> str:
    """A whole HTML document around ``body`` (markup), titled ``title`` (text, escaped).

    ``fill`` is for a page that lays itself out to the window (the explorer, the
    playground): a viewport for phones and no margin around the body.

    Example:
        >>> page = html_document("a < b", "<p>hi</p>")
        >>> page.startswith("<!DOCTYPE html>"), "<title>a &lt; b</title>" in page
        (True, True)
        >>> page.rstrip().endswith("<body><p>hi</p></body></html>")
        True
    """
    head = '<meta name="viewport" content="width=device-width, initial-scale=1">' if fill else ""
    body_tag = '<body style="margin:0">' if fill else "<body>"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"{head}<title>{html.escape(title)}</title></head>{body_tag}{body}</body></html>\n"
    )
