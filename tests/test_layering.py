"""Imports run downward: autograd at the bottom, nn and viz on it, chainrule on top.

Every import statement of each package (at any depth of the module, lazy ones included)
is read from the syntax tree, so a new upward import fails here, not in a user's process.
"""

import ast
import subprocess
import sys
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


# PyTorch is optional: only these modules may import it, and only inside functions, so that
# `import autograd`, `import nn` and `import viz` work (and stay fast) without it.
TORCH_MODULES = {
    "nn/torch_bridge/export.py",
    "nn/optim/torch_bridge.py",
    "autograd/compiler/torch_code.py",
}


def test_torch_is_imported_only_lazily_by_the_bridges():
    found = []
    for package in ("autograd", "nn", "viz", "chainrule"):
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            tree = ast.parse(path.read_text(encoding="utf-8"))
            top_level = {id(node) for node in tree.body}
            for node in ast.walk(tree):
                names = imported_modules_of(node)
                if any(name.split(".", 1)[0] == "torch" for name in names) and (
                    relative not in TORCH_MODULES or id(node) in top_level
                ):
                    found.append(relative)
            text = path.read_text(encoding="utf-8")
            if relative not in TORCH_MODULES and 'import_module("torch")' in text:
                found.append(relative)
    assert found == []


def imported_modules_of(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        return [node.module]
    return []


def test_importing_the_packages_never_imports_torch():
    code = (
        "import sys, autograd, nn, viz, nn.torch_bridge, nn.optim.torch_bridge\n"
        "import autograd.compiler.torch_code\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'torch'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
