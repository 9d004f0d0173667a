"""`chainrule --version` and `autograd.__version__` report the installed distribution."""

from __future__ import annotations

import re
from importlib.metadata import version

import autograd
from chainrule.cli import main


def test_version_is_the_distributions():
    assert autograd.__version__ == version("chainrule")
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", autograd.__version__)


def test_cli_prints_the_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"chainrule {autograd.__version__}\n"
