"""The words and numbers of a drawing: what each box, operation and edge says.

Every view of a graph reads its text from here, so the drawing (:mod:`viz.build`), the
explorer, the backward stepper and ``chainrule explain`` say the same things:

- numbers: :func:`format_number` for values (``{:.4g}``), :func:`format_constant` for a
  number folded into an op (``{:.6g}``);
- user text (labels, scope names): :func:`visible` shows every character, folding
  whitespace to one space and giving a visible stand-in to what a picture cannot hold;
  :func:`one_line` also cuts it to :data:`MAX_LABEL` characters;
- operations, written once: :func:`expression` spells how a node was computed from named
  operands (``x - 1``, ``-x``, ``tanh(q)``), and :func:`op_text` is the op node's label,
  the same rule with ``·`` for each operand arrow (``· - 1``, ``2 - ·``,
  ``LeakyReLU(·, 0.1)``), or the bare symbol when every operand is an arrow (``*``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence

from autograd import Op, Value, operands
from viz.scopes import ScopeInfo

MAX_LABEL = 32
"""Labels longer than this are cut, with an ellipsis, to keep boxes small."""

OPERAND = "·"
"""Where an operand's arrow enters, in an op node's label (``· - 1``)."""

# What SVG (XML 1.0) cannot hold, and Graphviz cannot read (a NUL ends its input): the C0
# controls other than whitespace (whitespace folds to a space first) are shown as their
# Control Pictures symbol (NUL as ␀), DEL as ␡; lone surrogates (which UTF-8 cannot encode)
# and the non-characters U+FFFE/U+FFFF as the replacement character �.
_UNDRAWABLE = re.compile("[\x00-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def _stand_in(match: re.Match[str]) -> str:
    code = ord(match[0])
    if code < 0x20:
        return chr(0x2400 + code)
    return "\u2421" if code == 0x7F else "\ufffd"


def visible(text: str) -> str:
    r"""``text`` as drawings show it: one line, every character visible or stood in for.

    Runs of whitespace (newlines, tabs...) become one space; control characters are shown
    as their symbols (NUL as ␀), so any label draws, in every engine.

    Example:
        >>> visible(" loss\n(train)\t"), visible("a\x00b"), visible("x\x1by")
        ('loss (train)', 'a␀b', 'x␛y')
    """
    return _UNDRAWABLE.sub(_stand_in, " ".join(text.split()))


def one_line(text: str) -> str:
    """:func:`visible` ``text``, cut to at most :data:`MAX_LABEL` characters.

    Example:
        >>> one_line("a label much longer than thirty-two characters")
        'a label much longer than thirty…'
    """
    text = visible(text)
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1].rstrip() + "…"


def format_number(x: float) -> str:
    """The fixed format of values in drawings: ``{:.4g}``, with ``-0`` shown as ``0``.

    Example:
        >>> [format_number(x) for x in (20.0, 1.0, 0.000123456, -0.0, 123456.0, float("nan"))]
        ['20', '1', '0.0001235', '0', '1.235e+05', 'nan']
    """
    return "0" if x == 0.0 else f"{x:.4g}"


def format_constant(x: float) -> str:
    """How a number folded into an op is shown: ``{:.6g}``, precise enough for ``* 1.0001``.

    Example:
        >>> format_constant(1.0001), format_constant(0.5), format_constant(-0.0)
        ('1.0001', '0.5', '-0')
    """
    return f"{x:.6g}"


def applied(op: Op, shown: Sequence[str]) -> str:
    """The op-printing rule: ``op`` applied to operands already written as ``shown``.

    Infix ops go between their operands, a prefix op before its one operand, any other
    op is called like a function.

    Example:
        >>> from autograd.ops import LEAKY_RELU, NEG, SUB
        >>> applied(SUB, ["x", "1"]), applied(NEG, ["x"]), applied(LEAKY_RELU, ["x", "0.1"])
        ('x - 1', '-x', 'LeakyReLU(x, 0.1)')
    """
    if op.notation == "infix":
        return f" {op.symbol} ".join(shown)
    if op.notation == "prefix" and len(shown) == 1:
        return f"{op.symbol}{shown[0]}"
    return f"{op.symbol}({', '.join(shown)})"


def expression(node: Value, name: Callable[[Value], str]) -> str:
    """How ``node`` was computed: its op over its operands, each named by ``name``.

    Folded numbers are written with :func:`format_constant`; a leaf is "input".

    Example:
        >>> x = Value(2.0, "x")
        >>> [expression(v, lambda v: v.label) for v in (x, x - 1.0, 2 ** x, -x, x.tanh())]
        ['input', 'x - 1', '2 ** x', '-x', 'tanh(x)']
    """
    if node.op is None:
        return "input"
    shown = [name(s) if isinstance(s, Value) else format_constant(s) for s in operands(node)]
    return applied(node.op, shown)


def op_text(node: Value) -> str:
    """The label of ``node``'s operation node: :func:`expression` with ``·`` per arrow.

    When every operand is an arrow, the bare symbol: the arrows say where they go.

    Example:
        >>> x = Value(3.0)
        >>> [op_text(v) for v in (x * x, x * 2, x - 1, 2 - x, x.tanh(), x.leaky_relu(0.1))]
        ['*', '· * 2', '· - 1', '2 - ·', 'tanh', 'LeakyReLU(·, 0.1)']
    """
    op = node.op
    if op is None:
        return ""
    if not op.constants:
        return op.symbol
    return expression(node, lambda _: OPERAND)


def node_kind(node: Value, root: Value) -> str:
    """The kind of ``node`` in a drawing of ``root``: its fill colour and SVG class.

    One of "output", "parameter", "constant" (a number an op made a leaf, as in
    ``total([x, 1])``), "input" (any other leaf) and "value" (computed).

    Example:
        >>> x, w = Value(1.0), Value(2.0, parameter=True)
        >>> y = x * w
        >>> [node_kind(v, y) for v in (x, w, y)]
        ['input', 'parameter', 'output']
        >>> from autograd import total
        >>> [node_kind(v, y) for v in total([x, 1]).parents]
        ['input', 'constant']
    """
    if node is root:
        return "output"
    if node.is_constant:
        return "constant"
    if node.is_parameter:
        return "parameter"
    return "input" if not node.parents else "value"


def chain_text(partial: float, upstream: float) -> str:
    """One edge's chain rule as drawings show it: local partial, upstream grad, product.

    Example:
        >>> chain_text(4.0, 1.0), chain_text(-0.5, 0.25)
        ('∂=4 · g=1 → 4', '∂=-0.5 · g=0.25 → -0.125')
    """
    return (
        f"∂={format_number(partial)} · g={format_number(upstream)} "
        f"→ {format_number(upstream * partial)}"
    )


def box_lines(
    box: ScopeInfo,
    order: Sequence[Value],
    grad: Callable[[int], float],
    show_grad: bool = True,
    count: int | None = None,
) -> list[str]:
    """What a folded scope shows: its name, its size and the numbers that matter there.

    For a scope with one output (a Neuron) its data and grad, else its number of outputs
    (a Layer); with parameters, the norm of their gradients.

    Args:
        box: the scope.
        order: the topological order its indices refer to.
        grad: the gradient of Value ``i``.
        show_grad: show gradients.
        count: the number of Values drawn in the box (all its members by default).

    Example:
        >>> from autograd import scope, topological_order
        >>> from viz.scopes import ScopeTree
        >>> with scope("Neuron"):
        ...     y = Value(2.0, parameter=True) * 3
        >>> tree = ScopeTree(topological_order(y))
        >>> box_lines(tree.scopes[0], tree.order, lambda i: 1.0)
        ['Neuron (2 values, 1 param)', 'out: data 6 · grad 1', 'param grad norm 1']
    """
    count = len(box.members) if count is None else count
    parameters = len(box.parameters)
    size = f"{count:,} value{'s' if count != 1 else ''}"
    if parameters:
        size += f", {parameters:,} param{'s' if parameters != 1 else ''}"
    lines = [f"{one_line(box.name)} ({size})"]
    outputs = box.outputs
    if len(outputs) == 1:
        out = outputs[0]
        text = f"out: data {format_number(order[out].data)}"
        if show_grad:
            text += f" · grad {format_number(grad(out))}"
        lines.append(text)
    elif outputs:
        lines.append(f"{len(outputs):,} outputs")
    if parameters and show_grad:
        norm = math.sqrt(math.fsum(grad(i) ** 2 for i in box.parameters))
        lines.append(f"param grad norm {format_number(norm)}")
    return lines


def check_texts(function: str, order: Sequence[Value]) -> None:
    """Raise a TypeError, naming ``function``, for a label or scope name that is not a str.

    ``Value.label`` and ``Scope.name`` are plain attributes: ``v.label = 5`` is possible,
    and would otherwise fail deep inside the drawing.

    Example:
        >>> x = Value(2.0)
        >>> x.label = 5
        >>> check_texts("draw", [x])
        Traceback (most recent call last):
        TypeError: draw: the label of Value n0 must be a str, got int: 5
    """
    seen = set()
    for i, node in enumerate(order):
        if not isinstance(node.label, str):
            raise TypeError(
                f"{function}: the label of Value n{i} must be a str, "
                f"got {type(node.label).__name__}: {node.label!r:.60}"
            )
        scope = node.scope
        while scope is not None and scope not in seen:
            seen.add(scope)
            if not isinstance(scope.name, str):
                raise TypeError(
                    f"{function}: the name of a scope of Value n{i} must be a str, "
                    f"got {type(scope.name).__name__}: {scope.name!r:.60}"
                )
            scope = scope.parent
