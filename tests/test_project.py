"""The project's promises about itself: README commands, CI script, shown output, layout."""

import ast
import contextlib
import io
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from autograd import OPS
from chainrule.examples import demo

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def readme_commands() -> list[str]:
    return re.findall(r"```bash\n(.+?)\n```", README)


def test_readme_opens_with_the_demo_and_the_test_command():
    demo_command, test_command = readme_commands()[:2]
    assert demo_command.endswith("pip install . && chainrule demo")
    assert "python -m pytest" in test_command
    assert README.index(demo_command) < README.index("## ")


def test_ci_runs_exactly_the_readme_test_command():
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert readme_commands()[1] in script.splitlines()


def _ci_setup(tmp_path: Path, present: tuple[str, ...]) -> tuple[str, str]:
    """Run .ci/run's system-package step (before its first venv) as root with a fake apt-get."""
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    setup = script.split("python3 -m venv", 1)[0]
    (tmp_path / ".ci").mkdir()
    (tmp_path / ".ci" / "setup").write_text(setup, encoding="utf-8")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fakes = {"id": "echo 0", "apt-get": f'echo "$*" >> {tmp_path}/apt.log'}
    fakes |= dict.fromkeys(present, "true")
    for name, body in fakes.items():
        (bin_dir / name).write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
        (bin_dir / name).chmod(0o755)
    (bin_dir / "dirname").symlink_to(shutil.which("dirname") or "/usr/bin/dirname")
    result = subprocess.run(
        ["/bin/bash", str(tmp_path / ".ci" / "setup")],
        env={"PATH": str(bin_dir)},
        capture_output=True,
        text=True,
        check=True,
    )
    log = tmp_path / "apt.log"
    return result.stdout, log.read_text(encoding="utf-8") if log.exists() else ""


def test_ci_installs_chromium_and_graphviz_before_the_tests(tmp_path):
    printed, apt = _ci_setup(tmp_path, present=())
    assert printed == ".ci/run: apt-get install chromium graphviz\n"
    assert apt.splitlines() == [
        "update -qq",
        "install -y -qq --no-install-recommends chromium graphviz",
    ]


def test_ci_installs_nothing_that_is_already_there(tmp_path):
    assert _ci_setup(tmp_path, present=("chromium", "dot")) == ("", "")


def test_readme_shows_what_the_demo_prints():
    block = README.split("<!-- demo-output", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    assert block.rstrip("\n") == demo()


def test_top_level_is_the_designed_layout():
    tracked = subprocess.run(
        ["git", "ls-files"],  # noqa: S607 - git from PATH, as a developer runs it
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if tracked.returncode != 0:
        pytest.skip("not a git checkout")
    top = {line.split("/", 1)[0] for line in tracked.stdout.splitlines()}
    allowed = {"README.md", "pyproject.toml", "CHANGELOG.md", ".ci", ".gitignore"}
    allowed |= {"autograd", "nn", "viz", "chainrule", "tests", "notebooks"}
    assert top <= allowed


@pytest.mark.parametrize("package", ["nn", "viz"])
def test_nn_and_viz_use_only_the_public_autograd_api(package):
    import autograd  # noqa: PLC0415

    public = set(autograd.__all__) | {"strategies"}
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "autograd":
                names = {alias.name for alias in node.names}
                assert names <= public, f"{path}: {names - public}"
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("autograd."):
                pytest.fail(f"{path} imports engine internals from {node.module}")


def test_console_script_is_installed(tmp_path):
    executable = shutil.which("chainrule")
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("the chainrule console script is not on PATH after installation")
        pytest.skip("chainrule is not installed in this environment")
    result = subprocess.run(
        [executable, "demo", "--steps", "3"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    assert result.stdout.rstrip("\n").rsplit("\n\n", 1)[0] == demo()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["moons.png", "z.svg", "z_steps.html"]


def test_readme_lists_the_ops_in_the_order_of_the_table():
    from autograd import TABLE  # noqa: PLC0415

    listed = re.findall(r"^\| `(\w+)` \|", README, flags=re.MULTILINE)
    assert listed == [op.name for op in TABLE]


@pytest.mark.parametrize("name", list(OPS))
def test_readme_lists_every_op_of_the_table(name):
    # The row is generated from the entry (python -m tests.readme_ops rewrites the table).
    from tests.readme_ops import row  # noqa: PLC0415

    op = OPS[name]
    assert all(op.doc[:2]), f"{name}: Op(doc=...) needs how it is written and its partials"
    assert row(op) in README.splitlines()


def _python_examples() -> list[tuple[str, str | None]]:
    """Each python block of the README, with the text block right after it (if any)."""
    pattern = r"```python\n(.*?)```\s*(?:```text\n(.*?)```)?"
    return [(code, shown or None) for code, shown in re.findall(pattern, README, flags=re.S)]


def test_readme_python_examples_print_what_they_show(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the examples write z.svg, moons.json, ...
    namespace: dict[str, object] = {"__name__": "readme"}
    examples = _python_examples()
    assert len(examples) >= 5
    for code, shown in examples:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - our own README
        printed = out.getvalue().splitlines()
        for expected in re.findall(r"^print\(.*\)  # (.*)$", code, flags=re.M):
            assert expected in printed, (expected, printed)
        if shown is not None:
            assert shown.rstrip("\n") in out.getvalue(), (shown, out.getvalue())


NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 6


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_committed_with_its_outputs(path):
    # Committed executed, so a learner browsing the repository sees every picture; the
    # test run executes each notebook once and checks that these outputs are current
    # (notebooks/conftest.py); `python -m tests.notebooks.refresh` stores them.
    text = path.read_text(encoding="utf-8")
    assert len(text.encode("utf-8")) <= 1_000_000, f"{path.name} is over 1 MB with its outputs"
    document = json.loads(text)
    assert document["metadata"]["kernelspec"]["name"] == "python3"
    code = [cell for cell in document["cells"] if cell["cell_type"] == "code"]
    # Executed top to bottom in one kernel, every cell once: counts 1, 2, 3, ...
    assert [cell["execution_count"] for cell in code] == list(range(1, len(code) + 1)), path.name
    pictures = 0
    for number, cell in enumerate(code, start=1):
        assert "execution" not in cell["metadata"], (path.name, number)  # no timings stored
        for output in cell["outputs"]:
            assert output["output_type"] != "error", (path.name, number)
            data = output.get("data", {})
            page = "".join(data.get("text/html", ""))
            # A code-hosting site shows image/png and image/svg+xml, and HTML without its
            # scripts: a live view (stepper, explorer) must carry a picture of itself.
            if "<script" in page:
                assert 'src="data:image/png;base64,' in page, (path.name, number)
            assert "application/vnd.jupyter.widget-view+json" not in data or "text/plain" in data
            if {"image/png", "image/svg+xml"} & set(data) or 'src="data:image/png;base64,' in page:
                pictures += 1
    assert pictures >= 1, path.name  # every tutorial shows at least one picture


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_readme_lists_every_notebook(path):
    assert f"notebooks/{path.name}" in README


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebooks_use_only_the_public_api(path):
    document = json.loads(path.read_text(encoding="utf-8"))
    code = "\n".join(
        line
        for cell in document["cells"]
        if cell["cell_type"] == "code"
        for line in "".join(cell["source"]).splitlines()
        if not line.lstrip().startswith(("%", "!"))
    )
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.ImportFrom) and node.module:
            assert not any(part.startswith("_") for part in node.module.split(".")), node.module
            assert not any(alias.name.startswith("_") for alias in node.names), node.module
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in {"autograd", "nn", "viz"}
        ):
            assert not node.attr.startswith("_"), f"{node.value.id}.{node.attr}"
