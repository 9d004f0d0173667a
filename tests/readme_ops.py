"""The README's op table, generated from the op table's entries (``Op.doc``).

``python -m tests.readme_ops`` rewrites the table in README.md; tests/test_project.py
checks every row against its entry, so a new op cannot be missing from the README.
"""

from pathlib import Path

from autograd import TABLE, Op

README = Path(__file__).resolve().parent.parent / "README.md"
HEADER = "| op | written | local partials | domain, kinks |\n|---|---|---|---|\n"


def row(op: Op) -> str:
    """The README's row for ``op``."""
    written, partials, notes = op.doc
    cells = [f"`{op.name}`", f"`{written}`", partials, notes]
    return " ".join(["|", " | ".join(cells), "|"]).replace("|  |", "| |")


def rewrite(text: str) -> str:
    """``text`` (the README) with the rows under the op table's header generated anew."""
    start = text.index(HEADER) + len(HEADER)
    end = text.index("\n\n", start)
    return text[:start] + "\n".join(row(op) for op in TABLE) + text[end:]


if __name__ == "__main__":
    README.write_text(rewrite(README.read_text(encoding="utf-8")), encoding="utf-8")
