"""The playground's goals, measured in headless Chromium (issue 20).

For the default page (micrograd's moons model, MLP(2, [16, 16, 1]) on 100 points, hinge
loss, full-batch SGD) this reports:

- the page's size, and the time until it is usable (navigation start to the API ready,
  with every view drawn once: ``performance.now()`` in the page, and the wall time of
  Playwright's ``goto`` plus the wait);
- training speed in steps per second without drawing (``step(n)`` draws once at the end),
  with every view redrawn after each step (``step(1)`` in a loop), and with the live
  graph of one sample redrawn each step too (a point selected, its graph and the batch sum
  of a weight's gradient recomputed and drawn each step);
- ``play()``: frames and steps per second over a few seconds of animation (the page's
  ``speed`` setting, 60 steps a second by default: a late frame takes the steps it owes);
- the number of network requests (goal: zero).

Each speed is the median of ``--repeats`` runs.
Run: ``python tests/benchmarks/bench_playground.py``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.browser import CHROMIUM_ARGS, chromium_path
from viz.playground import playground

API = "window.chainrule.playground"

LOOP = """([n, select]) => {
  const api = window.chainrule.playground;
  api.reset();
  api.selectSample(select ? 0 : null);
  const start = performance.now();
  for (let i = 0; i < n; i++) api.step(1);
  return n / ((performance.now() - start) / 1000);
}"""

BATCH = """(n) => {
  const api = window.chainrule.playground;
  api.reset();
  api.selectSample(null);
  const start = performance.now();
  api.step(n);
  return n / ((performance.now() - start) / 1000);
}"""

PLAY = """async (seconds) => {
  const api = window.chainrule.playground;
  api.reset();
  api.selectSample(null);
  const frames0 = api.frames();
  const start = performance.now();
  api.play();
  await new Promise((done) => setTimeout(done, seconds * 1000));
  api.pause();
  const elapsed = (performance.now() - start) / 1000;
  return [(api.frames() - frames0) / elapsed, api.losses().length / elapsed];
}"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--play-seconds", type=float, default=4.0)
    parser.add_argument(
        "--screenshot",
        type=Path,
        help="also save a picture of the page (the README's: 150 steps, sample 5's graph)",
    )
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - test dependency

    executable = chromium_path()
    if executable is None:
        sys.exit("bench_playground: no Chromium found (set CHAINRULE_CHROMIUM)")
    folder = Path(tempfile.mkdtemp())
    path = playground().save_html(folder / "playground.html")
    requests: list[str] = []
    with sync_playwright() as driver:
        browser = driver.chromium.launch(
            executable_path=executable, headless=True, args=[*CHROMIUM_ARGS, "--no-sandbox"]
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on(
            "request",
            lambda r: (
                None if r.url.startswith(("file:", "data:", "blob:")) else requests.append(r.url)
            ),
        )
        opens, ready = [], []
        for _ in range(args.repeats):
            start = time.perf_counter()
            page.goto(path.as_uri())
            page.wait_for_function(f"{API} !== undefined")
            opens.append(time.perf_counter() - start)
            ready.append(page.evaluate(f"{API}.readyAt") / 1000)
        bare = [page.evaluate(BATCH, args.steps * 5) for _ in range(args.repeats)]
        drawn = [page.evaluate(LOOP, [args.steps, False]) for _ in range(args.repeats)]
        live = [page.evaluate(LOOP, [args.steps, True]) for _ in range(args.repeats)]
        played = [page.evaluate(PLAY, args.play_seconds) for _ in range(args.repeats)]
        if args.screenshot:
            page.evaluate(
                f"{API}.reset(), {API}.step(150), {API}.selectSample(5), "
                "document.querySelector('.cp-box[data-key=\"1/3\"]').click()"
            )
            page.screenshot(path=str(args.screenshot), full_page=True)
        browser.close()
    median = statistics.median
    print(
        f"chainrule playground, MLP(2, [16, 16, 1]) on 100 moons points, full-batch SGD, "
        f"headless Chromium ({executable}), median of {args.repeats}"
    )
    print(
        f"  page size                         {path.stat().st_size / 1e6:8.3f} MB   (goal <= 1.5)"
    )
    print(f"  usable after (in page, ready)     {median(ready):8.3f} s    (goal <= 1)")
    print(f"  usable after (goto + wait, wall)  {median(opens):8.3f} s")
    print(f"  steps/s without drawing           {median(bare):8.0f}")
    print(f"  steps/s, every view drawn each    {median(drawn):8.0f}      (goal >= 60)")
    print(f"  steps/s, + live sample graph      {median(live):8.0f}      (goal >= 20)")
    print(f"  play(): frames/s                  {median(p[0] for p in played):8.1f}")
    print(f"  play(): steps/s                   {median(p[1] for p in played):8.1f}")
    print(f"  network requests                  {len(requests):8d}      (goal 0)")


if __name__ == "__main__":
    main()
