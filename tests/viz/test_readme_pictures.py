"""The README's pictures of a whole MLP: the folded drawing and the explorer's screenshot.

notebooks/images/mlp.svg is what the README's own example draws (compared by content: every
node, edge and cluster with its texts, not the layout, which differs between Graphviz
builds). notebooks/images/explorer.png is a screenshot of that example's page in headless
Chromium. Regenerate both with::

    python -m tests.viz.test_readme_pictures
"""

import os
import re
import struct
import sys
from pathlib import Path

from tests.viz import svg as svg_items

ROOT = Path(__file__).resolve().parents[2]
IMAGES = ROOT / "notebooks" / "images"
DRAWING = IMAGES / "mlp.svg"
SCREENSHOT = IMAGES / "explorer.png"
REGENERATE = "regenerate it with: python -m tests.viz.test_readme_pictures"


def readme_example() -> str:
    """The README's python block that draws the MLP."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    (block,) = [b for b in blocks if '"mlp.svg"' in b]
    return block


def run_example(folder: Path) -> dict[str, object]:
    namespace: dict[str, object] = {"__name__": "readme"}
    cwd = Path.cwd()
    os.chdir(folder)
    try:
        exec(compile(readme_example(), "README.md", "exec"), namespace)  # noqa: S102 - our README
    finally:
        os.chdir(cwd)
    return namespace


def test_the_committed_drawing_is_what_the_readme_example_draws(tmp_path, capsys):
    run_example(tmp_path)
    capsys.readouterr()
    drawn = svg_items.content((tmp_path / "mlp.svg").read_text(encoding="utf-8"))
    committed = svg_items.content(DRAWING.read_text(encoding="utf-8"))
    assert drawn == committed, REGENERATE
    texts = [text for item in committed for text in item[3]]
    assert "Neuron 0 (6 values, 3 params)" in texts  # folded at the default depth


def test_the_readme_shows_both_pictures():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "](notebooks/images/mlp.svg)" in readme
    assert "](notebooks/images/explorer.png)" in readme


def test_the_screenshot_is_a_readable_png():
    data = SCREENSHOT.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1400, 800), REGENERATE
    assert len(data) < 600_000


def regenerate() -> None:
    """Write notebooks/images/mlp.svg and explorer.png from the README's example."""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - test extra

    from tests.browser import CHROMIUM_ARGS, chromium_path  # noqa: PLC0415

    namespace = run_example(IMAGES)
    (IMAGES / "mlp.html").unlink()
    page = namespace["page"]
    neuron = "Layer 1/Neuron 1"
    paths = [s["path"] for s in page.data["scopes"]]
    (relu,) = [
        i
        for i, value in enumerate(page.data["values"])
        if value["opName"] == "relu" and value["scope"] >= 0 and paths[value["scope"]] == neuron
    ]
    page_file = IMAGES.parent / ".explorer-screenshot.html"
    page.save_html(page_file)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium_path(),
                headless=True,
                args=[*CHROMIUM_ARGS, "--no-sandbox"],
            )
            tab = browser.new_page(viewport={"width": 1400, "height": 800})
            tab.goto(page_file.as_uri())
            tab.wait_for_function("window.chainrule !== undefined")
            tab.evaluate(
                "Object.assign(document.querySelector('.chainrule-explorer').style,"
                " {height: '784px', maxHeight: 'none'})"
            )
            values = page.data["values"]
            dot = values[values[relu]["parents"][0]]["parents"][0]  # relu(dot(w, x) + b)
            tab.evaluate(f"chainrule.reveal('n{dot}', 0.5)")  # the neuron in the middle
            tab.evaluate(f"chainrule.select('n{relu}')")  # its output's chain rule
            tab.screenshot(path=str(SCREENSHOT))
            browser.close()
    finally:
        page_file.unlink()


if __name__ == "__main__":
    regenerate()
    sys.exit(0)
