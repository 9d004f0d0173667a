r"""A safe expression language: build a graph from text such as ``"q = x + y; z = q * w"``.

Expressions are parsed with :mod:`ast` and checked against a whitelist before anything is
built: numbers, names, ``+ - * / **``, unary ``-`` and ``+``, and calls of the op table's
functions (``tanh(x)``, ``leaky_relu(x, 0.1)``, ``dot(w0, x0, w1, x1)``). Nothing is ever
evaluated by Python, and the work is bounded (length, nesting depth, size of numbers).
Intermediate results are named with ``name = expression;`` statements; the last statement
is the output.

Names are compared after NFKC normalisation, as Python compares identifiers: the
expression ``\uff58 * 2`` (a full-width x) reads the variable given as ``\uff58``
or ``x``.

Example:
    >>> from autograd import parse
    >>> graph = parse("q = x + y; z = q * w", x=2, y=3, w=4)
    >>> graph.output.backward()
    >>> graph.output.data, graph["q"].data, [graph[n].grad for n in "xyw"]
    (20.0, 5.0, [4.0, 4.0, 5.0])
"""

from __future__ import annotations

import ast
import keyword
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, NoReturn

from autograd.coercion import as_number
from autograd.ops import OPS, Op
from autograd.value import Value, apply

MAX_LENGTH = 1000
"""The longest expression :func:`parse` accepts, in characters."""

MAX_DEPTH = 50
"""The deepest nesting of operations :func:`parse` accepts."""

MAX_MAGNITUDE = 1e6
"""The largest number an expression may contain (bounds ``x ** 1e300`` and the like)."""

FUNCTIONS: Mapping[str, Op] = {name: op for name, op in OPS.items() if op.notation == "call"}
"""Functions callable by name: the op table's entries written as calls (tanh, dot, ...)."""

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


class ParseError(ValueError):
    """Bad text or variables for :func:`parse`; the message is one line, for people."""


@dataclass(frozen=True)
class Parsed:
    """What :func:`parse` built: the output and every named Value.

    Attributes:
        output: the last statement's Value (labelled with its name, if it has one).
        inputs: the Value of each given variable, in the order given.
        names: every named Value: the inputs, then each ``name = ...`` in order.
    """

    output: Value
    inputs: dict[str, Value] = field(default_factory=dict)
    names: dict[str, Value] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Value:
        """The Value called ``name`` (after NFKC normalisation)."""
        return self.names[normalize(name)]

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)


def normalize(name: str) -> str:
    r"""A name as Python's parser sees it: NFKC-normalised (full-width x, U+FF58, is x).

    Example:
        >>> normalize("\uff58")
        'x'
    """
    return unicodedata.normalize("NFKC", name)


def _fail(message: str) -> NoReturn:
    raise ParseError(message)


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
        known = ", ".join(sorted(FUNCTIONS))
        _fail(f"unknown function {function.id!r}{_where(node)}; known: {known}")
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


def _module(text: str) -> ast.Module:
    """The syntax tree of ``text``, bounded in length; :class:`ParseError` if there is none."""
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
    return module


def parse_statements(text: str) -> list[tuple[str | None, ast.expr]]:
    """Parse ``[name = expression;]... expression``: the statements, checked, in order.

    The last statement is the output; it may be named (``z = q * w``) or not.

    Raises:
        ParseError: not a string, bad syntax, or anything outside the whitelist.

    Example:
        >>> [(name, ast.unparse(e)) for name, e in parse_statements("q = x + y; q * w")]
        [('q', 'x + y'), (None, 'q * w')]
    """
    if not isinstance(text, str):
        raise TypeError(f"parse: the expression must be a str, got {type(text).__name__}")
    module = _module(text)
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


def check_name(name: str) -> str:
    r"""``name`` normalised (NFKC), if it can name a variable; else :class:`ParseError`.

    Example:
        >>> check_name("\uff57")
        'w'
    """
    normal = normalize(name)
    if not normal.isidentifier() or keyword.iskeyword(normal):
        _fail(f"{name!r:.40} is not a valid variable name")
    if normal in FUNCTIONS:
        _fail(f"{normal!r} is a function name, not a variable")
    return normal


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


def _inputs(variables: Mapping[str, Any]) -> dict[str, Value]:
    """Each variable as a Value: a number becomes a leaf labelled with its name."""
    inputs: dict[str, Value] = {}
    for given, value in variables.items():
        name = check_name(given)
        if name in inputs:
            _fail(f"{name} is given twice")
        if isinstance(value, Value):
            inputs[name] = value
            continue
        number = None if isinstance(value, bool) else as_number(value, f"parse({name})")
        if number is None:
            raise TypeError(
                f"parse: the value of {name} must be a number or a Value, "
                f"got {type(value).__name__}: {value!r:.40}"
            )
        inputs[name] = Value(number, name)
    return inputs


def parse(text: str, /, **variables: Any) -> Parsed:
    """Build the graph of ``text`` with the given variables (numbers or Values).

    ``text`` is ``[name = expression;]... expression``: numbers, variables, ``+ - * / **``,
    unary ``-``/``+`` and the op table's functions (:data:`FUNCTIONS`). A number variable
    becomes a leaf labelled with its name; a Value variable is used as it is. Every named
    result is labelled with its name (unless it has a label already). No backward is run.

    Args:
        text: the program.
        **variables: a value for each name the program reads; each must be used.

    Returns:
        A :class:`Parsed`: ``output``, ``inputs`` and ``names`` (``parsed["q"]`` too).

    Raises:
        ParseError: bad syntax, anything outside the whitelist, a missing, unused or
            repeated variable, a math domain error of an op (the message names the op).
        TypeError: ``text`` is not a str, or a variable is not a number or a Value.

    Example:
        >>> p = parse("h = tanh(w * x + b); h * h", w=0.5, x=2.0, b=0.0)
        >>> round(p.output.data, 6), round(p["h"].data, 6), p.output.op.name
        (0.580026, 0.761594, 'mul')
    """
    statements = parse_statements(text)
    inputs = _inputs(variables)
    used = {
        node.id
        for _, expression in statements
        for node in ast.walk(expression)
        if isinstance(node, ast.Name)
    }
    for name, value in inputs.items():
        if name not in used:
            _fail(f"{name}={value.data:g} is given but the expression does not use it")
    scope: dict[str, Value | float] = dict(inputs)
    names: dict[str, Value] = dict(inputs)
    result: Value | float = 0.0
    try:
        for name, expression in statements:
            if name is not None and name in scope:
                given = "given" if name in inputs else "assigned"
                _fail(f"{name} is {given} already; use a new name")
            result = _evaluate(expression, scope)
            if name is not None:
                if isinstance(result, Value):
                    if not result.label:
                        result.label = name
                    names[name] = result
                scope[name] = result
    except ParseError:
        raise
    except (ArithmeticError, ValueError) as error:  # an op's domain error, named by the op
        _fail(str(error))
    if not isinstance(result, Value):
        _fail("the result depends on no variable: there is nothing to differentiate")
    return Parsed(result, inputs, names)
