"""The ``chainrule`` command line."""

import subprocess
import sys

import pytest

from autograd.cli import main


def test_demo_prints_the_worked_example(capsys):
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    rows = {
        line.split()[0]: line.split()
        for line in out.splitlines()
        if line[:2] in {"x ", "y ", "q ", "w ", "z "}
    }
    # node, computed as..., value, gradient dz/dnode (SEED-NOTES: q = 5, z = 20; 4, 4, 5)
    assert rows["x"][-2:] == ["2", "4"]
    assert rows["y"][-2:] == ["3", "4"]
    assert rows["q"][-2:] == ["5", "4"]
    assert rows["w"][-2:] == ["4", "5"]
    assert rows["z"][-2:] == ["20", "1"]
    assert "dz/dx += dz/dq * dq/dx = 4 * 1 = 4" in out


def test_no_command_is_a_usage_error(capsys):
    assert main([]) == 2
    err = capsys.readouterr().err
    assert "a command is required" in err


def test_unknown_command_exits_2_without_traceback():
    result = subprocess.run(
        [sys.executable, "-m", "autograd", "frobnicate"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "invalid choice" in result.stderr


@pytest.mark.parametrize("command", [[sys.executable, "-m", "autograd", "demo"]])
def test_module_entry_point_runs_the_demo(command):
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    assert "z = (x + y) * w with x = 2, y = 3, w = 4" in result.stdout
