"""Executing the notebooks, and comparing what they print with what is stored in them.

The notebooks in ``notebooks/`` are committed with their outputs, so a learner browsing them
on a code-hosting site sees every picture. The test run (``notebooks/conftest.py``)
executes each notebook once and fails if its text outputs changed: the stored outputs must
be current. ``python -m tests.notebooks.refresh`` executes them and stores the new outputs.

Both execute a notebook the same way (:func:`execute`): a fresh ``python3`` kernel in the
notebook's folder, with ``PYTHONHASHSEED=0`` so that set and dict orders cannot vary
between runs. What may differ between two honest runs is normalised before comparing
(:func:`comparable`): lines that measure time or memory, memory addresses, and the
tracebacks' file paths.
"""

from __future__ import annotations

import copy
import math
import os
import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "notebooks"
MAX_BYTES = 1_000_000
"""The most a committed notebook may weigh, outputs included."""

TIMEOUT = 600
"""Seconds one cell may run."""

NEEDS = {"13_moving_to_pytorch.ipynb": ("torch", "chainrule[torch]")}
"""Notebook file name -> the module it needs and the extra that provides it."""

# A line that reports a time or a speed-up measured while the notebook ran: it cannot be
# the same twice, so it is compared by its words only.
_TIMED = re.compile(
    r"\d\s*(?:s|ms|µs|us|ns|sec|seconds?|min)\b|it/s|s/it|\d\s*x\s+(?:faster|slower)|"
    r"\bfaster\b|\bslower\b|speed-?up|\btook\b|elapsed",
    re.IGNORECASE,
)
_ADDRESS = re.compile(r"\b0x[0-9a-fA-F]{6,}\b")
_NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")
# tqdm's bar: "training: 100%|████| 50/50 [00:01<00:00, 41.2it/s, loss=0.1]"
_BAR = re.compile(r"\|[^|]*\|\s*\d+/\d+\s*\[[^\]]*\]")


def notebooks() -> list[Path]:
    """Every committed notebook, in order."""
    return sorted(FOLDER.glob("*.ipynb"))


def missing_need(path: Path) -> str | None:
    """Why ``path`` cannot run here (an optional extra is missing), or None."""
    need = NEEDS.get(path.name)
    if need is None:
        return None
    import importlib.util  # noqa: PLC0415

    try:
        found = importlib.util.find_spec(need[0]) is not None
    except ValueError:  # sys.modules[module] is None: imports of it are blocked
        found = False
    return None if found else f'{need[0]} is not installed: pip install "{need[1]}"'


def execute(path: Path) -> Any:
    """``path`` executed top to bottom in a fresh kernel: the notebook with its outputs.

    Raises:
        nbclient.exceptions.CellExecutionError: a cell raised (the message names it).
    """
    import nbclient  # noqa: PLC0415 - the test extra; only this runner needs it
    import nbformat  # noqa: PLC0415

    notebook = nbformat.read(path, as_version=4)
    saved = dict(os.environ)
    try:
        # The kernel inherits this environment: one hash seed, no colour codes, and the
        # notebook's folder as its working directory (as a learner's Jupyter starts it).
        os.environ.update(PYTHONHASHSEED="0", NO_COLOR="1")
        client = nbclient.NotebookClient(
            notebook,
            timeout=TIMEOUT,
            kernel_name="python3",
            resources={"metadata": {"path": str(path.parent)}},
            record_timing=False,
        )
        client.execute()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return notebook


def stored(path: Path) -> Any:
    """The notebook as committed."""
    import nbformat  # noqa: PLC0415

    return nbformat.read(path, as_version=4)


def _merged_streams(outputs: list[Any]) -> list[Any]:
    """``outputs`` with consecutive stream outputs of one name joined into one.

    A kernel sends printed text in chunks as it comes: one run may store a table as one
    output, the next as two (a header, then the rows). Joined, both read the same.
    """
    merged: list[Any] = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and output.get("output_type") == "stream"
            and previous.get("output_type") == "stream"
            and previous.get("name") == output.get("name")
        ):
            joined = copy.deepcopy(previous)
            joined["text"] = _joined(previous["text"]) + _joined(output["text"])
            merged[-1] = joined
        else:
            merged.append(output)
    return merged


def _joined(text: str | list[str]) -> str:
    return text if isinstance(text, str) else "".join(text)


def _text_of(output: dict[str, Any]) -> list[str]:
    kind = output.get("output_type")
    if kind == "stream":
        if output.get("name") == "stderr":
            return []  # progress bars and warnings: how, not what, the notebook computed
        text = output.get("text", "")
    elif kind in ("execute_result", "display_data"):
        text = output.get("data", {}).get("text/plain", "")
    elif kind == "error":
        return [f"{output.get('ename')}: {output.get('evalue')}"]
    else:
        return []
    return (text if isinstance(text, str) else "".join(text)).splitlines()


def comparable(notebook: Any) -> list[list[str]]:
    """Per code cell, the lines it printed, as two honest runs print them alike.

    Standard output and each result's ``text/plain``: lines that report a time are kept as
    their words only, memory addresses and tqdm bars are blanked. Numbers stay (compared
    with a tolerance by :func:`differences`).
    """
    cells = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        lines = []
        for output in _merged_streams(cell.get("outputs", [])):
            for raw in _text_of(output):
                line = _ADDRESS.sub("0x…", _BAR.sub("|…|", raw.rstrip()))
                if _TIMED.search(line):  # its words only: numbers, and the padding they set
                    line = "(timed) " + " ".join(_NUMBER.sub("#", line).split())
                lines.append(line)
        cells.append(lines)
    return cells


def _same_line(old: str, new: str, rel: float) -> bool:
    if old == new:
        return True
    old_words, new_words = _NUMBER.split(old), _NUMBER.split(new)
    if old_words != new_words:
        return False
    for a, b in zip(_NUMBER.findall(old), _NUMBER.findall(new), strict=True):
        x, y = float(a), float(b)
        if not (x == y or math.isclose(x, y, rel_tol=rel, abs_tol=1e-12)):
            return False
    return True


def differences(old: Any, new: Any, rel: float = 1e-9) -> list[str]:
    """Where ``new``'s printed text differs from ``old``'s: one message per cell, empty if none.

    Numbers agree within ``rel`` (the last digits of a sum may differ across numpy builds).
    """
    found = []
    before, after = comparable(old), comparable(new)
    if len(before) != len(after):
        return [f"{len(before)} code cells stored, {len(after)} executed"]
    for number, (was, now) in enumerate(zip(before, after, strict=True), start=1):
        if len(was) == len(now) and all(
            _same_line(a, b, rel) for a, b in zip(was, now, strict=True)
        ):
            continue
        first = next(
            (
                i
                for i, (a, b) in enumerate(zip(was, now, strict=False))
                if not _same_line(a, b, rel)
            ),
            min(len(was), len(now)),
        )
        shown_was = was[first] if first < len(was) else "(nothing)"
        shown_now = now[first] if first < len(now) else "(nothing)"
        found.append(
            f"code cell {number}, line {first + 1}: stored {shown_was!r}, now {shown_now!r}"
        )
    return found


def cleaned(notebook: Any) -> Any:
    """``notebook`` as it is committed: outputs kept, run-specific metadata removed."""
    notebook = copy.deepcopy(notebook)
    for cell in notebook.cells:
        for key in ("execution", "collapsed", "scrolled"):
            cell.metadata.pop(key, None)
        if cell.cell_type != "code":
            continue
        cell.outputs = _merged_streams(cell.outputs)
        for output in cell.outputs:
            if output.get("output_type") == "stream":
                # tqdm redraws its bar with carriage returns: keep what a terminal shows last.
                output["text"] = "\n".join(
                    line.rsplit("\r", 1)[-1] for line in output["text"].split("\n")
                )
            output.pop("transient", None)
            # A widget (tqdm's bar) is a view of kernel state that is not stored: keep its
            # text, which every viewer shows, not a random model id that none can.
            output.get("data", {}).pop("application/vnd.jupyter.widget-view+json", None)
    notebook.metadata.pop("widgets", None)  # widget state: a kernel's, not the lesson's
    notebook.metadata.pop("papermill", None)
    return notebook


def serialised(notebook: Any) -> str:
    """The notebook's text as committed: nbformat's JSON, one space indent, final newline."""
    import nbformat  # noqa: PLC0415

    nbformat.validate(notebook)
    text = nbformat.writes(notebook)
    return text if text.endswith("\n") else text + "\n"


def _pictures(cell: Any) -> list[Any]:
    """A code cell's outputs without their text: pictures, HTML, widgets, as stored."""
    found = []
    for output in cell.get("outputs", []):
        data = {k: v for k, v in output.get("data", {}).items() if k != "text/plain"}
        found.append((output.get("output_type"), data, output.get("metadata", {})))
    return found


def keep_unchanged(old: Any, new: Any) -> Any:
    """``new``, with each cell that printed the same as in ``old`` keeping ``old``'s outputs.

    "The same" as the currency check says it (a time measured anew, a memory address):
    so a refresh of unchanged code rewrites no byte, and a real change still shows.
    """
    kept = copy.deepcopy(new)
    old_code = [cell for cell in old.cells if cell.cell_type == "code"]
    new_code = [cell for cell in kept.cells if cell.cell_type == "code"]
    if len(old_code) != len(new_code):
        return kept
    for was, now in zip(old_code, new_code, strict=True):
        if was.source != now.source or _pictures(was) != _pictures(now):
            continue
        single_old, single_new = copy.deepcopy(old), copy.deepcopy(old)
        single_old.cells, single_new.cells = [was], [now]
        if not differences(single_old, single_new):
            now.outputs = copy.deepcopy(was.outputs)
    return kept
