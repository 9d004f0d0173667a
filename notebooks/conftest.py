"""The notebooks' test run (nbmake): a notebook that needs an optional extra skips without it.

``13_moving_to_pytorch.ipynb`` needs PyTorch (``pip install "chainrule[torch]"``, which
.ci/run installs); without it the notebook is reported as skipped, with that reason, so
the default test command passes on a machine that has no PyTorch.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

# notebook file name -> the module it needs and the extra that provides it
NEEDS = {"13_moving_to_pytorch.ipynb": ("torch", "chainrule[torch]")}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        need = NEEDS.get(Path(str(item.path)).name)
        if need and not _installed(need[0]):
            reason = f'{need[0]} is not installed: pip install "{need[1]}"'
            item.add_marker(pytest.mark.skip(reason=reason))


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ValueError:  # sys.modules[module] is None: imports of it are blocked
        return False
