"""Imports run downward: autograd at the bottom, nn and viz on it, chainrule on top.

Every import statement of each package (at any depth of the module, lazy ones included)
is read from the syntax tree, so a new upward import fails here, not in a user's process.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# package -> the packages of this project it must never import
FORBIDDEN = {
    "autograd": {"nn", "viz", "chainrule"},
    "nn": {"chainrule"},
    "viz": {"chainrule"},
}
# The one accepted upward reference (STYLE.md): Value's Jupyter hook (autograd/notebook.py)
# imports viz.jupyter lazily, inside the method a notebook calls, so `import autograd`
# stays free of viz. autograd.testing's failure report draws itself the same way: viz is
# imported inside the drawing methods only.
ACCEPTED = {("autograd/notebook.py", "viz.jupyter"), ("autograd/testing/_report.py", "viz")}


def imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.append(node.module)
    return modules


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_package_imports_upward(package):
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        for module in imported_modules(path):
            top = module.split(".", 1)[0]
            if top in FORBIDDEN[package] and (relative, module) not in ACCEPTED:
                found.append(f"{relative} imports {module}")
    assert found == []


def test_the_check_can_fail(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from chainrule.cli import main\n    import nn.layers\n")
    assert imported_modules(bad) == ["chainrule.cli", "nn.layers"]
