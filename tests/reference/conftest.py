"""Live comparisons with independent references: PyTorch (CPU, float64) and scikit-learn.

Every test in this folder is marked `reference`. The oracles come from the `reference` extra
(`pip install "chainrule[reference]"`, which .ci/run installs); without them the tests skip
with a reason, so the default test command passes on a machine that has neither.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

import pytest

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.reference)


def _oracle(module: str, extra_reason: str) -> ModuleType:
    try:
        return importlib.import_module(module)
    except ImportError:
        pytest.skip(f"{module} is not installed: {extra_reason}")


@pytest.fixture(scope="session")
def torch() -> ModuleType:
    """PyTorch in float64 on one thread (the comparisons are exact to rounding)."""
    torch = _oracle("torch", 'the PyTorch reference needs pip install "chainrule[reference]"')
    torch.set_default_dtype(torch.float64)
    torch.set_num_threads(1)
    return torch


@pytest.fixture(scope="session")
def sklearn() -> ModuleType:
    """scikit-learn, the reference for datasets and fit-style results."""
    return _oracle("sklearn", 'the scikit-learn reference needs pip install "chainrule[reference]"')
