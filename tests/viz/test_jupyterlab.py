"""A shared notebook, opened untrusted in JupyterLab in headless Chromium, shows pictures.

A notebook executed elsewhere and shared is untrusted where it is opened: JupyterLab then
drops ``image/svg+xml`` from its outputs and renders ``text/html`` sanitized (no script,
style or inline SVG), preferring that HTML over an ``image/png`` beside it. This test
executes a notebook (a Value, a Graph, the backward stepper and the explorer), opens it
unsigned in a real JupyterLab and checks that every output is a picture a reader sees.
Then it signs the notebook (trusted) and checks that the stepper's picture becomes the
player. One JupyterLab server, one kernel: about 30-60 s, so it is marked slow.
"""

import contextlib
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.browser import missing

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CELLS = {
    "value": "import viz\nfrom chainrule.examples import seed_example\n\nz = seed_example()\nz",
    "graph": "viz.draw(z, show_partials=True)",
    "stepper": "viz.backward_steps(z)",
    "explorer": "viz.explore(z)",
    # A whole network: its drawing is wider than the notebook's column.
    "network": (
        "import nn\n\nmodel = nn.MLP(2, [16, 16, 1], seed=0)\n"
        "loss = nn.losses.hinge([model([0.5, -1.0])], [1.0])\nloss.backward()\nviz.draw(loss)"
    ),
    "network explorer": "viz.explore(loss)",
}
INTERACTIVE_LATER = "it becomes interactive when the notebook is trusted or run"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _jupyter_environment(home: Path) -> dict[str, str]:
    """A Jupyter of its own: config, data (the trust database), runtime under ``home``."""
    environment = dict(os.environ)
    for name, folder in [
        ("HOME", home),
        ("JUPYTER_CONFIG_DIR", home / "config"),
        ("JUPYTER_DATA_DIR", home / "data"),
        ("JUPYTER_RUNTIME_DIR", home / "runtime"),
        ("IPYTHONDIR", home / "ipython"),
    ]:
        folder.mkdir(parents=True, exist_ok=True)
        environment[name] = str(folder)
    environment["JUPYTER_PLATFORM_DIRS"] = "1"
    return environment


def _executed_notebook(path: Path, environment: dict[str, str]) -> None:
    """Write the notebook of CELLS to ``path``, executed, with outputs and no signature."""
    nbclient = pytest.importorskip("nbclient")
    nbformat = pytest.importorskip("nbformat")
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    notebook.cells = [
        nbformat.v4.new_code_cell(source, metadata={"tags": [name]})
        for name, source in CELLS.items()
    ]
    saved = dict(os.environ)
    try:
        os.environ.update(environment)  # the kernel's IPython dir, not the user's
        nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    nbformat.write(notebook, path)  # nbformat.write does not sign: untrusted


@contextlib.contextmanager
def _jupyterlab(root: Path, environment: dict[str, str], while_starting: Callable[[], None]):
    """A JupyterLab server on 127.0.0.1 with a token; yields its base URL and token.

    ``while_starting`` runs while the server starts (both take seconds).
    """
    try:
        import jupyterlab  # noqa: F401, PLC0415
    except ImportError:
        missing("JupyterLab is not installed (it is in the test extra)")
    port, token = _free_port(), secrets.token_hex(16)
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        # Nothing from the network: no news feed, no update check, no extension search.
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # CI runs as root, in a container
    log = (root.parent / "jupyterlab.log").open("wb")
    server = subprocess.Popen(command, env=environment, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        while_starting()
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2):  # noqa: S310
                    break
            except (urllib.error.URLError, ConnectionError):
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(
                        "JupyterLab did not start:\n" + (root.parent / "jupyterlab.log").read_text()
                    ) from None
                time.sleep(0.3)
        yield base, token
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def _output(page, name: str):
    """The output area of the cell tagged ``name`` (cells are in CELLS' order)."""
    index = list(CELLS).index(name)
    return (
        page.locator(".jp-Notebook .jp-Cell.jp-CodeCell")
        .nth(index)
        .locator(".jp-OutputArea-output")
    )


def _shown_images(output) -> list[dict]:
    """Each <img> in an output: where its data comes from, its natural and shown size."""
    return output.locator("img").evaluate_all(
        "images => images.map(i => ({src: i.src.slice(0, 22), natural: i.naturalWidth,"
        " shown: i.getBoundingClientRect().width}))"
    )


def _open(page, base: str, token: str, name: str) -> None:
    page.goto(f"{base}/lab/tree/{name}?token={token}")
    page.wait_for_selector(".jp-Notebook .jp-OutputArea-output", timeout=60_000)
    # Every output rendered (images decoded) before looking.
    page.wait_for_function(
        f"document.querySelectorAll('.jp-Notebook .jp-Cell.jp-CodeCell').length === {len(CELLS)}"
        " && [...document.querySelectorAll('.jp-OutputArea-output img')]"
        ".every(i => i.complete)",
        timeout=30_000,
    )


_SCROLL_BOX = """i => {
  const b = i.parentElement;
  return {height: b.clientHeight, scrollHeight: b.scrollHeight, width: b.clientWidth,
          scrollWidth: b.scrollWidth, overflow: getComputedStyle(b).overflow};
}"""


def _check_wide_pictures_stay_readable(page) -> None:
    """A network wider than the column is shown at full size, scrolling, not shrunk."""
    column = _output(page, "value").evaluate("e => e.clientWidth")
    for name in ("network", "network explorer"):
        assert _shown_images(_output(page, name))[0]["shown"] > column * 1.5, name
    # The explorer's still picture: its top at full size in a box that scrolls, and a
    # line saying how it comes alive.
    for name in ("explorer", "network explorer"):
        assert INTERACTIVE_LATER in _output(page, name).inner_text(), name
    box = _output(page, "network explorer").locator("img").evaluate(_SCROLL_BOX)
    assert box["overflow"] == "auto", box
    assert box["height"] <= 650, box
    assert box["scrollHeight"] > box["height"], box
    assert box["scrollWidth"] > box["width"], box


def test_an_untrusted_notebook_shows_a_picture_for_every_display(browser, tmp_path):
    home = tmp_path / "home"
    root = tmp_path / "notebooks"
    root.mkdir()
    environment = _jupyter_environment(home)
    notebook = root / "shared.ipynb"

    with _jupyterlab(root, environment, lambda: _executed_notebook(notebook, environment)) as (
        base,
        token,
    ):
        context = browser.new_context(viewport={"width": 1400, "height": 2400})
        outside: list[str] = []

        def local_only(route):
            if route.request.url.startswith(base):
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        context.route("**/*", local_only)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        try:
            _open(page, base, token, "shared.ipynb")
            # Untrusted: no SVG output anywhere, and no script of ours ran.
            assert page.locator(".jp-OutputArea-output .jp-RenderedSVG").count() == 0
            assert page.locator(".jp-OutputArea-output svg").count() == 0
            assert page.locator(".chainrule-steps").count() == 0
            for name in CELLS:
                images = _shown_images(_output(page, name))
                assert len(images) == 1, (name, images)
                (image,) = images
                assert image["src"] == "data:image/png;base64,", name
                assert image["natural"] > 200, (name, image)
                assert image["shown"] > 100, (name, image)
            # The PNGs are shown as wide as their SVG would be (one pixel per CSS pixel,
            # 4/3 per point), and not shrunk to the column when wider than it (the
            # network: its labels stay readable, the output scrolls).
            for name in CELLS:
                image = _shown_images(_output(page, name))[0]
                assert image["shown"] == pytest.approx(image["natural"], abs=2), name
            _check_wide_pictures_stay_readable(page)
            caption = _output(page, "stepper").inner_text()
            assert "Step 2 of 2: q = x + y passes dz/dq = 4" in caption
            page.screenshot(path=str(tmp_path / "untrusted.png"), full_page=True)
            _output(page, "network explorer").screenshot(path=str(tmp_path / "explorer.png"))

            # Trusted (signed here), the stepper's script replaces its picture with the player.
            subprocess.run(
                [sys.executable, "-m", "jupyter", "trust", str(notebook)],
                env=environment,
                check=True,
                capture_output=True,
            )
            _open(page, base, token, "shared.ipynb")
            page.wait_for_selector(".chainrule-steps .counter", timeout=30_000)
            assert page.inner_text(".chainrule-steps .counter") == "step 0 of 2"
            assert _shown_images(_output(page, "stepper")) == []
        finally:
            context.close()
        assert outside == []
        assert errors == []
