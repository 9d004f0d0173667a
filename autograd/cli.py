"""The ``chainrule`` command line (also ``python -m autograd``).

``chainrule demo`` prints the worked example z = (x + y) * w and draws it; ``chainrule
graph`` builds any small expression, runs backward, prints the gradients and draws the
graph. Expressions are parsed with :mod:`ast` and checked against a whitelist (numbers,
names, ``+ - * / **``, unary ``-`` and ``+``, calls of the op table's functions): nothing
is ever evaluated by Python.

``viz`` (and through it graphviz) is imported only by the commands that draw, so
``import autograd`` never imports it. Every error is one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import ast
import keyword
import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from autograd import __version__
from autograd.engine import local_partials, topological_order
from autograd.ops import OPS, Op
from autograd.value import Value, apply

MAX_LENGTH = 1000
"""The longest expression ``chainrule graph`` accepts, in characters."""

MAX_DEPTH = 50
"""The deepest nesting of operations ``chainrule graph`` accepts."""

MAX_MAGNITUDE = 1e6
"""The largest number an expression may contain (bounds ``x ** 1e300`` and the like)."""

FILE_TYPES = (".svg", ".dot", ".gv", ".png", ".pdf")
DEFAULT_OUTPUT = "graph.svg"

# Functions callable by name: the op table's entries written as calls (tanh(x), dot(...)).
FUNCTIONS: dict[str, Op] = {name: op for name, op in OPS.items() if op.notation == "call"}

_OPERATORS: dict[type[ast.AST], str] = {
    ast.Add: "add",
    ast.Sub: "sub",
    ast.Mult: "mul",
    ast.Div: "div",
    ast.Pow: "pow",
}

_SYMBOLS: dict[type[ast.AST], str] = {
    ast.Mod: "%",
    ast.FloorDiv: "//",
    ast.MatMult: "@",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.BitAnd: "&",
    ast.Invert: "~",
    ast.Not: "not",
}

_CONSTRUCTS: dict[type[ast.AST], str] = {
    ast.Attribute: "attribute access",
    ast.Subscript: "subscripts",
    ast.Lambda: "lambda",
    ast.ListComp: "comprehensions",
    ast.SetComp: "comprehensions",
    ast.DictComp: "comprehensions",
    ast.GeneratorExp: "comprehensions",
    ast.Compare: "comparisons",
    ast.BoolOp: "'and' / 'or'",
    ast.IfExp: "conditional expressions",
    ast.JoinedStr: "f-strings",
    ast.NamedExpr: "':='",
    ast.Starred: "'*' unpacking",
    ast.Tuple: "tuples",
    ast.List: "lists",
    ast.Dict: "dicts",
    ast.Set: "sets",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
}


class InputError(ValueError):
    """Bad input to a command: the message is the one line the command line prints."""


def _number(x: float) -> str:
    return f"{x:g}"


def _describe(node: Value, names: dict[Value, str]) -> str:
    """How ``node`` was computed, in terms of its operands' names: "x + y", "tanh(q)"."""
    op = node.op
    if op is None:
        return "input"
    shown = [names[o] if isinstance(o, Value) else _number(o) for o in op.operands(node.parents)]
    if op.notation == "infix":
        return f" {op.symbol} ".join(shown)
    if op.notation == "prefix" and len(shown) == 1:
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


def seed_example() -> Value:
    """The seed notes' worked example after backward: z = (x + y) * w, x=2, y=3, w=4.

    Every node is labelled (x, y, w, q = x + y, z = q * w).

    Example:
        >>> z = seed_example()
        >>> z.data, [p.grad for p in z.parents]
        (20.0, [4.0, 5.0])
    """
    x, y, w = Value(2.0, "x"), Value(3.0, "y"), Value(4.0, "w")
    q = x + y
    q.label = "q"
    z = q * w
    z.label = "z"
    z.backward()
    return z


def demo() -> str:
    """The worked example from the seed notes: z = (x + y) * w with x=2, y=3, w=4."""
    return "z = (x + y) * w with x = 2, y = 3, w = 4\n\n" + explain(seed_example())


def write_demo_files(output_dir: str | os.PathLike[str] = ".") -> list[Path]:
    """Draw the worked example: ``z.svg`` (the graph) and ``z_steps.html`` (the stepper).

    The graph's edges show the chain rule (``show_partials``), as the printed report does.
    ``output_dir`` is created if needed. Returns the paths written.
    """
    import viz  # noqa: PLC0415 - drawing needs graphviz; `import autograd` must not

    folder = Path(output_dir)
    folder.mkdir(parents=True, exist_ok=True)
    z = seed_example()
    return [
        viz.save(z, folder / "z.svg", show_partials=True),
        viz.backward_steps(z).save_html(folder / "z_steps.html"),
    ]


MOONS_SIZES = [16, 16, 1]


def train_moons(
    output_dir: str | os.PathLike[str] = ".", steps: int = 100, progress: bool = True
) -> tuple[str, Path]:
    """Train micrograd's moons model and plot its decision boundary to ``moons.png``.

    ``MLP(2, [16, 16, 1])`` on 100 moons points (noise 0.1, seed 0), hinge loss + 1e-4 L2,
    full-batch SGD with the rate decaying linearly from 1.0 to 0.1. Returns the summary line
    and the plot's path.
    """
    from nn import MLP, datasets, evaluate, fit, plot_decision_boundary  # noqa: PLC0415

    X, y = datasets.make_moons(100, noise=0.1, seed=0)  # noqa: N806 - a sample matrix
    model = MLP(2, MOONS_SIZES, seed=0)
    fit(model, X, y, loss="hinge", l2=1e-4, lr=1.0, lr_decay="linear", epochs=steps,
        progress=progress)  # fmt: skip
    _, accuracy = evaluate(model, X, y, loss="hinge")
    title = f"MLP(2, {MOONS_SIZES}) on moons: training accuracy {accuracy:.0%}"
    path = Path(output_dir) / "moons.png"
    plot_decision_boundary(model, X, y, path, title=title)
    summary = (
        f"moons: MLP(2, {MOONS_SIZES}), hinge loss + 1e-4 L2, {steps} steps of SGD "
        f"on 100 points: training accuracy {accuracy:.0%}"
    )
    return summary, path


# --- chainrule graph: a safe expression language ------------------------------------------


def _fail(message: str) -> NoReturn:
    raise InputError(message)


def _construct(node: ast.AST) -> str:
    """What ``node`` is, in words, for an error message."""
    if isinstance(node, ast.Constant):
        return f"the constant {node.value!r:.40}"
    if isinstance(node, ast.BinOp | ast.UnaryOp | ast.AugAssign):
        return f"the operator {_SYMBOLS.get(type(node.op), type(node.op).__name__)}"
    for kind, words in _CONSTRUCTS.items():
        if isinstance(node, kind):
            return words
    return type(node).__name__


def _where(node: ast.AST) -> str:
    column = getattr(node, "col_offset", None)
    return "" if column is None else f" (at column {column + 1})"


def _check_call(node: ast.Call) -> Op:
    function = node.func
    if not isinstance(function, ast.Name):
        _fail(f"only functions of the op table can be called, not {_construct(function)}")
    op = FUNCTIONS.get(function.id)
    if op is None:
        _fail(
            f"unknown function {function.id!r}{_where(node)}; known: {', '.join(sorted(FUNCTIONS))}"
        )
    if node.keywords:
        _fail(f"{function.id}() takes no keyword arguments")
    count = len(node.args)
    if op.variadic:
        if count == 0 or count % op.arity:
            _fail(
                f"{function.id}() takes a positive multiple of {op.arity} arguments "
                f"({', '.join(op.inputs)} per group), got {count}"
            )
    else:
        # Fewer arguments than slots only where Value's method has defaults: leaky_relu(x).
        fewest = 1 if hasattr(Value, op.name) else op.arity
        if not fewest <= count <= op.arity:
            expected = f"{op.arity}" if fewest == op.arity else f"{fewest} to {op.arity}"
            plural = "s" if op.arity > 1 else ""
            _fail(f"{function.id}() takes {expected} argument{plural}, got {count}")
    return op


def _operands_of(node: ast.AST) -> list[ast.expr]:
    """The sub-expressions of a whitelisted node, in operand order."""
    if isinstance(node, ast.BinOp):
        return [node.left, node.right]
    if isinstance(node, ast.UnaryOp):
        return [node.operand]
    if isinstance(node, ast.Call):
        return list(node.args)
    return []


def _check(expression: ast.expr) -> None:
    """Refuse anything outside the whitelist, numbers too large, and deep nesting.

    An explicit stack, as everywhere in chainrule: the tree is walked without recursion.
    """
    stack: list[tuple[ast.AST, int]] = [(expression, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            _fail(f"the expression nests deeper than {MAX_DEPTH} levels")
        arithmetic = (isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS) or (
            isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd)
        )
        if arithmetic:
            pass  # its operands are checked in turn
        elif isinstance(node, ast.Call):
            _check_call(node)
        elif isinstance(node, ast.Name):
            if node.id in FUNCTIONS:
                _fail(f"{node.id!r} is a function: call it, as in {node.id}(x)")
        elif isinstance(node, ast.Constant) and type(node.value) in (int, float):
            if not abs(node.value) <= MAX_MAGNITUDE:  # also false for nan
                shown = repr(node.value)
                if len(shown) > 20:
                    shown = f"{shown[:10]}... ({len(shown)} digits)"
                _fail(f"the number {shown} is too large (at most {MAX_MAGNITUDE:g})")
        else:
            _fail(f"not allowed in an expression: {_construct(node)}{_where(node)}")
        stack.extend((child, depth + 1) for child in _operands_of(node))


def parse_program(text: str) -> list[tuple[str | None, ast.expr]]:
    """Parse ``[name = expression;]... expression``: the statements, checked, in order.

    The last statement is the output; it may be named (``z = q * w``) or not.

    Raises:
        InputError: bad syntax, or anything outside the whitelist.

    Example:
        >>> [(name, ast.unparse(e)) for name, e in parse_program("q = x + y; q * w")]
        [('q', 'x + y'), (None, 'q * w')]
    """
    if len(text) > MAX_LENGTH:
        _fail(f"the expression is {len(text)} characters long; the limit is {MAX_LENGTH}")
    if not text.strip():
        _fail("the expression is empty")
    try:
        module = ast.parse(text, mode="exec")
    except SyntaxError as error:
        column = f" (at column {error.offset})" if error.offset else ""
        _fail(f"syntax error: {error.msg}{column}")
    except (ValueError, RecursionError, MemoryError) as error:  # null bytes, absurd nesting
        _fail(f"cannot parse the expression: {error}")
    if not module.body:
        _fail("the expression is empty")
    statements: list[tuple[str | None, ast.expr]] = []
    for position, statement in enumerate(module.body, start=1):
        last = position == len(module.body)
        if isinstance(statement, ast.Expr) and last:
            statements.append((None, statement.value))
        elif (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
        ):
            statements.append((statement.targets[0].id, statement.value))
        elif isinstance(statement, ast.Expr):
            _fail("only the last statement may be a bare expression; name the others: q = ...")
        else:
            shown = ast.get_source_segment(text, statement) or type(statement).__name__
            _fail(f"not allowed: the statement {shown!r:.50}; write name = expression")
    for name, expression in statements:
        if name is not None and (name in FUNCTIONS or keyword.iskeyword(name)):
            _fail(f"cannot assign to {name!r}: it is a function name")
        _check(expression)
    return statements


def parse_variables(assignments: Sequence[str]) -> dict[str, float]:
    """Parse ``name=number`` arguments into a dict, refusing repeats and non-finite numbers.

    Example:
        >>> parse_variables(["x=2", "w=-4.5e1"])
        {'x': 2.0, 'w': -45.0}
    """
    variables: dict[str, float] = {}
    for assignment in assignments:
        name, sign, text = assignment.partition("=")
        name = name.strip()
        if not sign:
            _fail(f"expected NAME=NUMBER, got {assignment!r:.60}")
        if not name.isidentifier() or keyword.iskeyword(name):
            _fail(f"{name!r:.40} is not a valid variable name (in {assignment!r:.60})")
        if name in FUNCTIONS:
            _fail(f"{name!r} is a function name, not a variable")
        if name in variables:
            _fail(f"{name} is given twice")
        try:
            value = float(text)
        except ValueError:
            _fail(f"the value of {name} is not a number: {text!r:.40}")
        if not math.isfinite(value):
            _fail(f"the value of {name} must be finite, got {text!r:.40}")
        variables[name] = value
    return variables


def _operate(op: Op, operands: list[Value | float]) -> Value | float:
    """Apply ``op`` to operands that may be numbers, through the engine (its errors name it)."""
    constant = not any(isinstance(operand, Value) for operand in operands)
    if constant:  # 2 ** 3: throwaway nodes, so that the engine computes and checks it
        operands = [Value(operand) for operand in operands]
    if len(operands) < op.arity and not op.variadic:  # leaky_relu(x): the method's default
        result = getattr(operands[0], op.name)()
    else:
        result = apply(op, *operands)
    return result.data if constant else result


def _evaluate(expression: ast.expr, scope: dict[str, Value | float]) -> Value | float:
    """Build the graph of a checked expression, without recursion (post-order, own stack)."""
    results: dict[ast.AST, Value | float] = {}
    stack: list[tuple[ast.AST, bool]] = [(expression, False)]
    while stack:
        node, ready = stack.pop()
        if isinstance(node, ast.Constant):
            results[node] = float(node.value)
        elif isinstance(node, ast.Name):
            if node.id not in scope:
                _fail(f"no value for {node.id!r}: give it as {node.id}=NUMBER")
            results[node] = scope[node.id]
        elif not ready:
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(_operands_of(node)))
        elif isinstance(node, ast.BinOp):
            operands = [results[node.left], results[node.right]]
            results[node] = _operate(OPS[_OPERATORS[type(node.op)]], operands)
        elif isinstance(node, ast.UnaryOp):
            value = results[node.operand]
            results[node] = (
                value if isinstance(node.op, ast.UAdd) else _operate(OPS["neg"], [value])
            )
        elif isinstance(node, ast.Call):
            function = node.func
            assert isinstance(function, ast.Name)  # noqa: S101 - _check_call made sure
            results[node] = _operate(FUNCTIONS[function.id], [results[a] for a in node.args])
    return results[expression]


def build(text: str, variables: dict[str, float]) -> tuple[Value, dict[str, Value]]:
    """Build the program ``text`` with the given variables and run backward.

    Returns:
        The output Value and the input Value of each variable (in the given order).

    Raises:
        InputError: anything wrong with the input, including a math domain error of an op
            (the message names the op), a result or gradient that is not finite, an
            unused or missing variable.

    Example:
        >>> z, inputs = build("(x + y) * w", {"x": 2.0, "y": 3.0, "w": 4.0})
        >>> z.data, [v.grad for v in inputs.values()]
        (20.0, [4.0, 4.0, 5.0])
    """
    statements = parse_program(text)
    inputs = {name: Value(value, name) for name, value in variables.items()}
    used = {
        node.id
        for _, expression in statements
        for node in ast.walk(expression)
        if isinstance(node, ast.Name)
    }
    for name in inputs:
        if name not in used:
            _fail(f"{name}={_number(variables[name])} is given but the expression does not use it")
    scope: dict[str, Value | float] = dict(inputs)
    result: Value | float = 0.0
    try:
        for name, expression in statements:
            if name is not None and name in scope:
                given = "given" if name in inputs else "assigned"
                _fail(f"{name} is {given} already; use a new name")
            result = _evaluate(expression, scope)
            if name is not None:
                if isinstance(result, Value) and not result.label:
                    result.label = name
                scope[name] = result
        if not isinstance(result, Value):
            _fail("the result depends on no variable: there is nothing to differentiate")
        _check_finite(result, "value")
        result.backward()
        _check_finite(result, "gradient")
    except (ArithmeticError, ValueError) as error:
        if isinstance(error, InputError):
            raise
        _fail(str(error))
    return result, inputs


def _check_finite(root: Value, what: str) -> None:
    for node in topological_order(root):
        number = node.data if what == "value" else node.grad
        if not math.isfinite(number):
            name = node.label or (f"the {node.op.name} node" if node.op is not None else "an input")
            _fail(f"{what}s overflow: the {what} of {name} is {number}")


def _one_line(message: str) -> str:
    return " ".join(message.split())


def _graph_command(args: argparse.Namespace) -> int:
    output = Path(args.output)
    if output.suffix.lower() not in FILE_TYPES:
        _fail(
            f"cannot write {args.output!r}: unsupported extension "
            f"{output.suffix or '(none)'!r}; use one of {', '.join(FILE_TYPES)}"
        )
    root, inputs = build(args.expression, parse_variables(args.variables))
    import viz  # noqa: PLC0415 - drawing needs graphviz; `import autograd` must not

    try:
        viz.save(root, output, rankdir=args.rankdir, show_partials=args.partials)
    except viz.RenderError as error:
        _fail(str(error))
    except OSError as error:
        _fail(f"cannot write {args.output!r}: {error.strerror or error}")
    out = root.label or "output"
    width = max(6, len(out), *(len(name) for name in inputs))
    print(f"{'name':<{width}}  {'value':>12}  {'gradient d' + out + '/dname':>20}")
    rows = [*inputs.items()]
    if root not in inputs.values():  # "chainrule graph x x=1": the output is an input
        rows.append((out, root))
    for name, value in rows:
        print(f"{name:<{width}}  {_number(value.data):>12}  {_number(value.grad):>20}")
    print(f"wrote {output}", file=sys.stderr)
    return 0


def _demo_command(args: argparse.Namespace) -> int:
    if args.steps < 0:
        _fail(f"--steps must be 0 or more, got {args.steps}")
    print(demo())
    try:
        paths = write_demo_files(args.output_dir)
    except OSError as error:
        _fail(f"cannot write to {args.output_dir!r}: {error.strerror or error}")
    for path in paths:
        print(f"wrote {path}", file=sys.stderr)
    if args.steps:
        print()
        try:
            summary, plot = train_moons(args.output_dir, args.steps)
        except OSError as error:
            _fail(f"cannot write to {args.output_dir!r}: {error.strerror or error}")
        print(summary)
        print(f"wrote {plot}", file=sys.stderr)
    return 0


class _Parser(argparse.ArgumentParser):
    """argparse, with usage errors in one line (and no usage dump)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {_one_line(message)} (see {self.prog} --help)\n")


def _parser() -> argparse.ArgumentParser:
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
        help="training steps of the moons MLP (default: 100; 0 skips training)",
    )
    graph = commands.add_parser(
        "graph",
        help="build an expression, run backward, print gradients, draw the graph",
        description=(
            "Build EXPRESSION with the given variables, run backward, print each variable's "
            "value and gradient, and draw the graph. EXPRESSION uses numbers, variables, "
            "+ - * / **, and the functions " + ", ".join(sorted(FUNCTIONS)) + "; name "
            "intermediate results with 'q = x + y; z = q * w'. Put -- before an expression "
            "that starts with '-'."
        ),
    )
    graph.add_argument("expression", metavar="EXPRESSION", help='e.g. "(x + y) * w"')
    graph.add_argument("variables", metavar="NAME=VALUE", nargs="*", help="e.g. x=2 y=3 w=4")
    graph.add_argument(
        "-o",
        "--output",
        default=DEFAULT_OUTPUT,
        help=f"the drawing: .svg, .dot/.gv, or .png/.pdf (system Graphviz); "
        f"default {DEFAULT_OUTPUT}",
    )
    graph.add_argument(
        "--partials", action="store_true", help="label each edge with the chain rule"
    )
    graph.add_argument(
        "--rankdir", choices=["LR", "TB", "RL", "BT"], default="LR", help="layout direction"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status: 0, or 2 after a one-line error."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help, or a usage error already printed
        return stop.code if isinstance(stop.code, int) else 0
    try:
        if args.command == "demo":
            return _demo_command(args)
        if args.command == "graph":
            return _graph_command(args)
    except InputError as error:
        print(f"chainrule: error: {_one_line(str(error))}", file=sys.stderr)
        return 2
    print("chainrule: error: a command is required (try: chainrule demo)", file=sys.stderr)
    return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
