"""How big a graph the explorer opens, and how fast: page size and time per value.

For each graph this writes the explorer page (``viz.explore(root).save_html``) and opens
it in headless Chromium (the system's, as the browser tests do) on a 1280x800 window:

- ``python s``: building the page in Python (``explore`` and ``save_html``);
- ``MB`` and ``B/value``: the page's size;
- ``open s``: from navigation until the page is usable (its script has laid the graph
  out and drawn the starting view), and ``µs/value``;
- ``layout ms``: the script's own layout time (its ``timings()``);
- the time of each control once open: a backward ``step``, ``search``, ``expand all``,
  ``collapse all`` and ``default view``.

The graphs: chains of 1,000, 10,000 and 100,000 values (``y = y * 1.0000001 + 0.001``,
no scopes: the worst case, every value is its own box), and one training step of
``tests/benchmarks/microgpt.py`` (about 78,000 values, folded by its scopes), and a
1,000,000-value chain (``y = y * 1.0001 + 0.0001``) explored with the default
``max_values``: the page shows the 200,000 values nearest the output and one box for the
cut ones (``shown``); ``--million`` also builds its whole page (``max_values`` raised) and
opens it.

Run: ``python tests/benchmarks/bench_explorer.py`` (``--quick``: the 1,000 and 10,000
chains only).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from autograd import Value, topological_order
from tests.benchmarks import microgpt
from tests.browser import CHROMIUM_ARGS, chromium_path
from tests.viz.test_explorer_scale import chain, million_chain  # the scale tests' chains
from viz.explorer import explore

CONTROLS = {
    "step": "chainrule.step(1)",
    "search": "chainrule.search('x')",
    "expand all": "chainrule.expandAll()",
    "collapse all": "chainrule.collapseAll()",
    "default view": "chainrule.reset()",
}


def gpt() -> Value:
    """One training step of the microgpt workload, with its scopes, backward run."""
    root = microgpt.graph()
    root.backward()
    return root


def measure(browser: Any, name: str, root: Value, folder: Path, **options: Any) -> dict:
    """Build, save and open one page; the figures of one row."""
    start = time.perf_counter()
    explorer = explore(root, **options)
    page_file = explorer.save_html(folder / f"{name}.html")
    built = time.perf_counter() - start
    shown = len(explorer.data["values"]) - (1 if explorer.cut else 0)
    size = len(topological_order(root))
    tab = browser.new_page(viewport={"width": 1280, "height": 800})
    start = time.perf_counter()
    tab.goto(page_file.as_uri(), timeout=600_000)
    tab.wait_for_function("window.chainrule !== undefined", timeout=600_000)
    opened = time.perf_counter() - start
    layout = tab.evaluate("chainrule.timings().layout")
    controls = {}
    for label, call in CONTROLS.items():
        controls[label] = tab.evaluate(
            f"() => {{ const t = performance.now(); {call}; return performance.now() - t; }}"
        )
    tab.close()
    return {
        "graph": name,
        "values": size,
        "shown": shown,
        "python s": built,
        "MB": page_file.stat().st_size / 1e6,
        "B/value": page_file.stat().st_size / shown,
        "open s": opened,
        "µs/value": opened / shown * 1e6,
        "layout ms": layout,
        **{f"{label} ms": ms for label, ms in controls.items()},
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print one row per graph."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the small chains only")
    parser.add_argument("--million", action="store_true", help="also open a 1,000,000 page")
    args = parser.parse_args(argv)
    executable = chromium_path()
    if executable is None:
        print("no Chromium found: install chromium or set CHAINRULE_CHROMIUM")
        return 2
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - optional test dep

    graphs: list[tuple[str, Any, dict]] = [
        ("chain 1k", lambda: chain(1_000), {}),
        ("chain 10k", lambda: chain(10_000), {}),
    ]
    if not args.quick:
        graphs += [
            ("chain 100k", lambda: chain(100_000), {}),
            ("microgpt step", gpt, {}),
            ("chain 1M cut", million_chain, {}),
        ]
    if args.million:
        graphs.append(("chain 1M whole", million_chain, {"max_values": 1_000_000}))
    rows = []
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as folder:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=[*CHROMIUM_ARGS, "--no-sandbox"]
        )
        for name, build, options in graphs:
            rows.append(measure(browser, name, build(), Path(folder), **options))
            print(" ".join(f"{k}={v:,.3g}" if isinstance(v, float) else f"{k}={v}"
                           for k, v in rows[-1].items()), flush=True)  # fmt: skip
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
