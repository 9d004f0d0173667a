"""Inside autograd, imports run one way: no module imports one that (indirectly) imports it.

Each module's imports of other autograd modules are read from its syntax tree: those at
the top of the module, and any inside a function (a lazy import, the usual way to break a
cycle) are refused outright, so the floors of the engine stay visible in the imports.
Imports under ``if TYPE_CHECKING:`` are for type hints only and never run.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "autograd"
MODULES = sorted(PACKAGE.rglob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def autograd_imports(node: ast.AST) -> list[str]:
    """Names of the autograd modules imported by the statements under ``node``."""
    found = []
    for child in ast.walk(node):
        if isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
            if child.module.split(".")[0] == "autograd":
                found.append(child.module)
                # `from autograd import ops` imports the module autograd.ops
                found.extend(f"{child.module}.{a.name}" for a in child.names)
        elif isinstance(child, ast.Import):
            found.extend(a.name for a in child.names if a.name.split(".")[0] == "autograd")
    return found


def top_level_imports(tree: ast.Module) -> list[str]:
    statements = [
        s
        for s in tree.body
        if not (isinstance(s, ast.If) and "TYPE_CHECKING" in ast.unparse(s.test))
    ]
    return [m for s in statements for m in autograd_imports(s)]


def lazy_imports(tree: ast.Module) -> list[str]:
    functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    return [m for f in functions for m in autograd_imports(f)]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_no_lazy_import_inside_autograd(path):
    assert lazy_imports(ast.parse(path.read_text(encoding="utf-8"))) == []


def test_the_import_graph_of_autograd_has_no_cycle():
    names = {module_name(p) for p in MODULES}
    graph: dict[str, set[str]] = {}
    for path in MODULES:
        name = module_name(path)
        imported = top_level_imports(ast.parse(path.read_text(encoding="utf-8")))
        # A package's __init__ imports its own modules: that edge runs down, not back up.
        graph[name] = {
            m for m in imported if m in names and m != name and not m.startswith(name + ".")
        }
    done: set[str] = set()
    for start, children_of_start in graph.items():
        stack, path = [(start, iter(sorted(children_of_start)))], [start]
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                path.pop()
                done.add(node)
                continue
            assert child not in path, f"import cycle: {' -> '.join([*path, child])}"
            if child not in done:
                stack.append((child, iter(sorted(graph[child]))))
                path.append(child)
