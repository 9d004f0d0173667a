"""The size budget: rooms a newcomer can read, and a library that does not creep.

Every module of a budgeted package stays at or under ``MODULE_LIMIT`` lines, and each
package under its own ceiling of lines (comments, docstrings and blank lines counted:
they are read too). tinygrad checks its line count in CI the same way.
"""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MODULE_LIMIT = 500

# Ceilings near the measured size, to be raised on purpose (a reviewed line here), never
# by drift. Measured 2026-12-07: autograd 5,502 after issue 18's restructure (sin and cos
# included), 5,716 with compile(fn).to_torch()'s writer (issue 22), 6,796 with
# autograd.testing, the derivative checker (issue 21), 6,910 with the generated node
# builder (issue 23), then the fused softmax and the numpy program's loops (issue 23:
# compiler/softmax.py, 325 lines, and loops shared by both programs): 7,430, 7,463 with
# Constant (issue 19), 7,567 with backward's own walk (one template, two walks) and its
# dispatch generated with add and mul inlined (issue 23: a faster backward), 7,580 with the
# builder's folds of a signed zero and of an int, 7,598 with their examples, then the
# parameter store (issue 23: autograd/store.py, optimizers and compiled calls on two arrays
# instead of a pass per Value): 7,908, and matrix inputs of compiled calls (issue 23: a 2-D
# array supplies several inputs: their checks, and the batch program's arguments): 8,068,
# 8,079 with dot and total making their node without a second check (row C about 10 % faster);
# 8,089 with softmax's shift built the same at any traced point (a trace at infinities froze
# the eager branch), 8,093 with compiled functions that copy and pickle after a call, 8,125
# with gradcheck checking its arguments (once a NaN order passed, an inf one recursed),
# 8,151 with numpy arrays beside a Value (a 0-d one is its number, an n-d one a clear
# error), 8,181 with one check of every yes/no argument (compile(verify="no") passed),
# 8,182 with CompiledFunction.grad saying reduce= leaves input gradients unscaled,
# 8,199 with Function's ctx.mark_non_differentiable (PyTorch's), 8,232 with check_gradients
# checking every option by name (a NaN or negative tolerance reported a right derivative wrong),
# 8,291 with the hypothesis strategies checking their options when made (not at a draw);
# then +223 with pow's derivative ops (autograd/powlog.py: the powlog family
# x ** y log(x) ** k and pow_corner, their registry rows and spaces), which make pow's
# second and higher derivatives right or raising at x = 0, at x = inf and at a subnormal x;
# nn 5,803 with the
# PyTorch bridge, 5,915 with optimizers on a store's arrays (issue 23) and their change-
# counting params list, 5,932 with fit putting back all a failed run changed (gradients,
# modes, a given optimizer's state and Values), 5,951 with compiled fit refusing a custom
# loss that is no mean over samples, 5,956 with Module.parameters() listing a shared
# parameter once, 5,975 with Dropout taking one Value and naming a bad input;
# viz 3,488, 4,133 with the explorer's walk
# and scale (issue 19) and the
# playground (issue 20: its page writer and JavaScript space), then issue 19's creation order
# on every Graphviz (viz/ranks.py), drawn constants and the notebook pictures: 4,434;
# 4,516 with explore's cut of a graph over max_values (issue 19), 4,526 with
# viz.embed.html_document (one page wrapper for three pages, with its doctest), 4,576 with
# Graph.render / Graph.save written atomically with the system Graphviz too (viz.files) and
# collapse= names checked, 4,583 with the legend in one packed column and the counts
# of bundled edges moved off their arrowheads (the outside audit's pictures), 4,592 with
# viz.scopes.preview, the one list of scope names in explore's and draw's errors, 4,617
# with a notebook PNG's palette keeping the colours its SVG names (a 16-colour median cut
# drew a whole network's output box grey), 4,623 with the legend declared first (under the
# drawing, not over it), 4,631 with the stepper's buttons greyed at its ends; chainrule
# 633, 731 with the hint for an expression that argparse reads as an option (-x*2: put --
# before it, or name it 'out = -x*2'), the two commands built from the words given.
CEILINGS = {
    "autograd": 8_520,
    "nn": 5_975,
    "viz": 4_631,
    "chainrule": 731,
}


def lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize(
    "path",
    [path for package in CEILINGS for path in modules(package)],
    ids=lambda path: str(path.relative_to(ROOT)),
)
def test_no_module_is_over_the_limit(path):
    assert lines(path) <= MODULE_LIMIT, f"{path.relative_to(ROOT)}: {lines(path)} lines"


@pytest.mark.parametrize("package", list(CEILINGS))
def test_each_package_is_under_its_ceiling(package):
    total = sum(lines(path) for path in modules(package))
    assert total <= CEILINGS[package], f"{package}: {total} lines"


DUPLICATE_PAIRS_BEFORE = 17  # `duplicates` over the four packages at b24f535 (issue 18)


def test_the_library_repeats_itself_less_than_before_the_renovation(tmp_path):
    # The workplace's `duplicates` tool (on PATH on the project's machines, CI included)
    # pairs places that share six or more lines; it reads a folder of just the library.
    tool = shutil.which("duplicates")
    if tool is None:
        pytest.skip("the duplicates tool is not on PATH (it comes with the project's machines)")
    for package in CEILINGS:
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    found = subprocess.run(
        [tool, "--repo", str(tmp_path), "--seconds", "60"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "incomplete" not in found, found
    first = found.splitlines()[0]
    pairs = 0 if first.startswith("no duplicates") else int(first.split()[0])
    assert pairs < DUPLICATE_PAIRS_BEFORE, found
