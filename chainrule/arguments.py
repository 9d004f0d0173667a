"""The ``chainrule`` command's arguments: the parser, and the expression ``--`` protects.

Usage errors are one line (and exit status 2), as every failure of the command is.
"""

from __future__ import annotations

import argparse
import shlex
from typing import NoReturn

from autograd import __version__
from autograd.parse import FUNCTIONS

DEFAULT_OUTPUT = "graph.svg"
MAX_STEPS = 100_000  # the demo's training: about 0.3 s a hundred steps, so a few minutes


class _Parser(argparse.ArgumentParser):
    """argparse, with usage errors in one line (and no usage dump)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {' '.join(message.split())} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The ``chainrule`` command's arguments: ``demo`` and ``graph``."""
    parser = _Parser(prog="chainrule", description="A scalar autograd engine you can see.")
    parser.add_argument("--version", action="version", version=f"chainrule {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo_parser = commands.add_parser(
        "demo",
        help="z = (x + y) * w drawn to z.svg and z_steps.html; train the moons MLP (moons.png)",
    )
    demo_parser.add_argument(
        "--output-dir",
        default=".",
        help="where to write z.svg, z_steps.html and moons.png (default: .)",
    )
    demo_parser.add_argument(
        "--steps",
        type=int,
        default=100,
        help=f"training steps of the moons MLP (default: 100; 0 skips; at most {MAX_STEPS})",
    )
    graph = commands.add_parser(
        "graph",
        usage="%(prog)s [-h] [-o OUTPUT] [--partials] [--rankdir {LR,TB,RL,BT}] [--] "
        "EXPRESSION [NAME=VALUE ...]",
        help="build an expression, run backward, print gradients, draw the graph",
        description=(
            "Build EXPRESSION with the given variables, run backward, print each variable's "
            "value and gradient, and draw the graph. EXPRESSION uses numbers, variables, "
            "+ - * / **, and the functions " + ", ".join(sorted(FUNCTIONS)) + "; name "
            "intermediate results with 'q = x + y; z = q * w'. Put -- before an expression "
            "that starts with '-'."
        ),
    )
    # Optional to argparse only: main() takes an expression after -- itself and checks
    # that there is one (see protected_expression).
    graph.add_argument("expression", metavar="EXPRESSION", nargs="?", help='e.g. "(x + y) * w"')
    graph.add_argument("variables", metavar="NAME=VALUE", nargs="*", help="e.g. x=2 y=3 w=4")
    graph.add_argument(
        "-o",
        "--output",
        default=DEFAULT_OUTPUT,
        help=f"the drawing: .svg, .dot/.gv, .png, or .pdf (needs a system Graphviz); "
        f"default {DEFAULT_OUTPUT}",
    )
    graph.add_argument(
        "--partials", action="store_true", help="label each edge with the chain rule"
    )
    graph.add_argument(
        "--rankdir", choices=["LR", "TB", "RL", "BT"], default="LR", help="layout direction"
    )
    # main() checks the expression after parsing; its usage error is the subcommand's.
    graph.set_defaults(usage_error=graph.error)
    return parser


def protected_expression(argv: list[str]) -> tuple[list[str], str | None]:
    """Take out the expression that ``--`` protects in ``chainrule graph``.

    ``--help`` says to put ``--`` before an expression that starts with "-"; to argparse,
    ``--`` would also turn every later option into a positional (``-- "-x*2" x=3 -o
    neg.svg`` read ``-o`` as a variable). A NAME=VALUE never starts with "-", so only the
    one expression needs protecting: it is taken out here and options keep working after it.

    Example:
        >>> protected_expression(["graph", "--", "-x*2", "x=3", "-o", "neg.svg"])
        (['graph', 'x=3', '-o', 'neg.svg'], '-x*2')
        >>> protected_expression(["graph", "x*2", "x=3"])
        (['graph', 'x*2', 'x=3'], None)
    """
    if "--" not in argv:
        return argv, None
    end = argv.index("--")
    command = next((word for word in argv[:end] if not word.startswith("-")), None)
    if command != "graph" or end + 1 == len(argv):
        return argv, None
    return argv[:end] + argv[end + 2 :], argv[end + 1]


def expression_hint(words: list[str], args: argparse.Namespace, extra: list[str]) -> str:
    """How to pass the expression argparse took for an unknown option ("" if it took none).

    ``-x*2`` reads as an option; one such word before the expression argparse found (then
    a NAME=VALUE), or with none found, was the expression. Call it only when no ``--``
    protected an expression.

    Example:
        >>> words = ["graph", "-x", "x=1"]
        >>> hint = expression_hint(words, *build_parser().parse_known_args(words))
        >>> hint.endswith("chainrule graph -- -x x=1, or chainrule graph 'out = -x' x=1")
        True
    """
    if args.command != "graph":
        return ""
    given = [] if args.expression is None else [args.expression, *args.variables]
    before = words[: words.index(args.expression)] if given else words
    dashed = [word for word in extra if word[:1] == "-" != word[1:2] and word in before]
    if not dashed:
        return ""
    ways = [f"-- {shlex.quote(dashed[0])}", shlex.quote(f"out = {dashed[0]}")]
    commands = [" ".join(["chainrule graph", way, *map(shlex.quote, given)]) for way in ways]
    return '; put -- before an expression that starts with "-", or name it: ' + ", or ".join(
        commands
    )
