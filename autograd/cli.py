"""The ``chainrule`` command line (also ``python -m autograd``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from autograd.engine import local_partials, topological_order
from autograd.value import Value


def _number(x: float) -> str:
    return f"{x:g}"


def _describe(node: Value, names: dict[Value, str]) -> str:
    """How ``node`` was computed, in terms of its operands' names: "x + y", "tanh(q)"."""
    op = node.op
    if op is None:
        return "input"
    shown = [names[o] if isinstance(o, Value) else _number(o) for o in op.operands(node.parents)]
    if op.notation == "infix":
        return f"{shown[0]} {op.symbol} {shown[1]}"
    if op.notation == "prefix":
        return f"{op.symbol}{shown[0]}"
    return f"{op.symbol}({', '.join(shown)})"


def explain(root: Value) -> str:
    """A text report of a graph after backward: values, gradients, the chain rule per edge.

    Each node's value and gradient, then each edge's upstream gradient x local partial
    = contribution. Nodes without a label are named n0, n1, ... in topological order.
    """
    order = topological_order(root)
    names: dict[Value, str] = {}
    for index, node in enumerate(order):
        names[node] = node.label or f"n{index}"
    out = names[root]
    width = max(4, *(len(n) for n in names.values()))
    rows = [f"{'node':<{width}}  {'computed as':<16} {'value':>10} {'grad d' + out + '/dnode':>16}"]
    rows.extend(
        f"{names[node]:<{width}}  {_describe(node, names):<16} "
        f"{_number(node.data):>10} {_number(node.grad):>16}"
        for node in order
    )
    rows.append("")
    rows.append("chain rule on each edge (upstream gradient x local partial = contribution):")
    for node in reversed(order):
        for parent, partial in zip(node.parents, local_partials(node), strict=True):
            rows.append(
                f"  d{out}/d{names[parent]} += d{out}/d{names[node]} * "
                f"d{names[node]}/d{names[parent]} = {_number(node.grad)} * "
                f"{_number(partial)} = {_number(node.grad * partial)}"
            )
    return "\n".join(rows)


def demo() -> str:
    """The worked example from the seed notes: z = (x + y) * w with x=2, y=3, w=4."""
    x, y, w = Value(2.0, "x"), Value(3.0, "y"), Value(4.0, "w")
    q = x + y
    q.label = "q"
    z = q * w
    z.label = "z"
    z.backward()
    return "z = (x + y) * w with x = 2, y = 3, w = 4\n\n" + explain(z)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chainrule", description="A scalar autograd engine you can see."
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser(
        "demo", help="build z = (x + y) * w, run backward, print values and gradients"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (2 for bad usage)."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "demo":
        print(demo())
        return 0
    parser.print_usage(sys.stderr)
    print("chainrule: error: a command is required (try: chainrule demo)", file=sys.stderr)
    return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
