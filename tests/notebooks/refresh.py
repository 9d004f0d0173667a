"""Store the notebooks' outputs: ``python -m tests.notebooks.refresh [NAME ...]``.

Executes each notebook in ``notebooks/`` (or the ones named, e.g. ``03_mlp``) top to bottom
in a fresh kernel, as the test run does, and writes it back with its outputs. A cell that
prints what it stored (times and memory addresses aside) keeps its stored outputs, so a
refresh of unchanged code changes no byte. Run it after
changing a notebook or anything a notebook shows; the test run fails while a stored output
is out of date. A notebook over 1 MB is not written (the command says which, and exits 1);
one that needs a missing extra (13 needs PyTorch) is left as it is, with a note.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from autograd import write_atomically
from tests.notebooks.run import (
    MAX_BYTES,
    cleaned,
    execute,
    keep_unchanged,
    missing_need,
    notebooks,
    serialised,
    stored,
)


def _chosen(names: list[str]) -> list[Path]:
    every = notebooks()
    if not names:
        return every
    chosen = []
    for name in names:
        matches = [p for p in every if name in (p.name, p.stem) or p.stem.startswith(f"{name}_")]
        if len(matches) != 1:
            raise SystemExit(f"refresh: no single notebook named {name!r} in notebooks/")
        chosen.extend(matches)
    return chosen


def main(argv: list[str] | None = None) -> int:
    """Execute and store the chosen notebooks; 0 if every one was stored."""
    parser = argparse.ArgumentParser(prog="python -m tests.notebooks.refresh", description=__doc__)
    parser.add_argument("names", nargs="*", metavar="NAME", help="e.g. 03_mlp (default: all)")
    args = parser.parse_args(argv)
    status = 0
    for path in _chosen(args.names):
        reason = missing_need(path)
        if reason:
            print(f"{path.name}: left as stored ({reason})")
            continue
        start = time.perf_counter()
        text = serialised(keep_unchanged(stored(path), cleaned(execute(path))))
        size = len(text.encode("utf-8"))
        seconds = time.perf_counter() - start
        if size > MAX_BYTES:
            print(f"{path.name}: NOT written: {size:,} bytes with outputs (limit {MAX_BYTES:,})")
            status = 1
            continue
        changed = text != path.read_text(encoding="utf-8")
        if changed:
            write_atomically(path, text.encode("utf-8"), "refresh", "notebook")
        print(
            f"{path.name}: {'written' if changed else 'unchanged'},"
            f" {size:,} bytes ({seconds:.0f} s)"
        )
    return status


if __name__ == "__main__":
    sys.exit(main())
