"""The notebooks in the test run: each is executed once and must print what it stores.

The notebooks are committed with their outputs (pictures a learner sees on a code-hosting
site). Each ``.ipynb`` here is one test: it is executed top to bottom in a fresh kernel
(``tests/notebooks/run.py``), so a notebook that breaks fails, and its text outputs are
compared with the stored ones, so a notebook whose stored outputs are out of date fails
too, naming the cell; ``python -m tests.notebooks.refresh`` stores them anew.

``13_moving_to_pytorch.ipynb`` needs PyTorch (``pip install "chainrule[torch]"``, which
.ci/run installs); without it the notebook is reported as skipped, with that reason, so
the default test command passes on a machine that has no PyTorch.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.notebooks import run


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.suffix == ".ipynb" and file_path.parent == run.FOLDER:
        return NotebookFile.from_parent(parent, path=file_path)
    return None


class NotebookFile(pytest.File):
    """One notebook: one test."""

    def collect(self):
        yield NotebookRun.from_parent(self, name=self.path.name)


class NotebookRun(pytest.Item):
    """Execute the notebook once; fail if it raises or prints other than what it stores."""

    def runtest(self) -> None:
        reason = run.missing_need(self.path)
        if reason:
            pytest.skip(reason)
        fresh = run.execute(self.path)
        changed = run.differences(run.stored(self.path), fresh)
        if changed:
            raise NotebookOutOfDateError(self.path.name, changed)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style=None) -> str:
        if isinstance(excinfo.value, NotebookOutOfDateError):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"notebook {self.path.name}"


class NotebookOutOfDateError(AssertionError):
    """A notebook's stored outputs are not what it prints today."""

    def __init__(self, name: str, changed: list[str]) -> None:
        lines = "\n".join(f"  {line}" for line in changed[:10])
        super().__init__(
            f"{name}: the stored outputs are out of date:\n{lines}\n"
            f"If the change is intended: python -m tests.notebooks.refresh {Path(name).stem}"
        )
