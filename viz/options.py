"""The drawing options: one frozen object, checked once, that every drawing function takes.

:func:`viz.draw`, :func:`viz.to_dot`, :func:`viz.to_svg`, :func:`viz.save` and the
stepper take the same keywords (``rankdir=``, ``show_grad=``, ...). They are declared once,
as the fields of :class:`DrawOptions`; :func:`takes_options` gives a function those
keywords (``inspect.signature`` and ``help()`` show them) and hands it one checked
:class:`DrawOptions`. Every check lives in :meth:`DrawOptions.__post_init__`, and each
error names the function called, the argument and the value.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable
from dataclasses import InitVar, dataclass, fields
from typing import Any, TypeVar

from autograd import CompiledFunction, Scope, Value

RANKDIRS = ("LR", "TB", "RL", "BT")
"""Layout directions: "LR" draws inputs on the left, the output on the right."""


@dataclass(frozen=True)
class DrawOptions:
    """How to draw a graph: the keywords of :func:`viz.draw`, checked when made.

    Each field is one keyword (``rankdir``, ``show_grad``, ``show_partials``,
    ``max_nodes``, ``collapse``, ``depth``, ``legend``), with its default; what each does
    is documented once, in :func:`viz.draw`. ``collapse`` is kept as a frozenset (a str
    is one name). ``function`` is no field: it is the function an error names.

    Example:
        >>> DrawOptions(rankdir="TB", collapse="Layer 1").collapse
        frozenset({'Layer 1'})
        >>> DrawOptions(max_nodes=0, function="draw")
        Traceback (most recent call last):
        ValueError: draw: max_nodes must be a positive int, got 0
    """

    rankdir: str = "LR"
    show_grad: bool = True
    show_partials: bool = False
    max_nodes: int = 500
    collapse: Iterable[str | Scope] = ()
    depth: int | None = None
    legend: bool = False
    function: InitVar[str] = "DrawOptions"

    def __post_init__(self, function: str) -> None:
        if not isinstance(self.rankdir, str) or self.rankdir not in RANKDIRS:
            raise ValueError(f"{function}: rankdir must be one of {RANKDIRS}, got {self.rankdir!r}")
        for name in ("show_grad", "show_partials", "legend"):
            value = getattr(self, name)
            if not isinstance(value, bool):
                raise TypeError(f"{function}: {name} must be True or False, got {value!r}")
        max_nodes = self.max_nodes
        if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
            raise ValueError(f"{function}: max_nodes must be a positive int, got {max_nodes!r}")
        depth = self.depth
        if depth is not None and (
            isinstance(depth, bool) or not isinstance(depth, int) or depth < 0
        ):
            raise ValueError(f"{function}: depth must be None or an int >= 0, got {depth!r}")
        collapse = self.collapse
        if isinstance(collapse, str | Scope):
            collapse = (collapse,)
        try:
            names = frozenset(collapse)
        except TypeError:
            raise TypeError(
                f"{function}: collapse must be scope names or Scopes, got {collapse!r:.60}"
            ) from None
        wrong = [name for name in names if not isinstance(name, str | Scope)]
        if wrong:
            raise TypeError(
                f"{function}: collapse must hold scope names (str) or Scopes, got {wrong[0]!r}"
            )
        object.__setattr__(self, "collapse", names)


NAMES = tuple(option.name for option in fields(DrawOptions))
"""The option keywords, in the order signatures show them."""

Function = TypeVar("Function", bound=Callable[..., Any])


def takes_options(function: Function) -> Function:
    """Give ``function`` the drawing options as keywords, and pass it them as one object.

    ``function`` takes an ``options`` parameter (a :class:`DrawOptions`); the function
    returned takes, instead of it, every option as a keyword with its default (after the
    positional parameters, before ``function``'s own keywords), checks them once and calls
    ``function`` with the :class:`DrawOptions` they make.

    Example:
        >>> @takes_options
        ... def layout(root, options, *, verbose=False):
        ...     return options.rankdir
        >>> print(*inspect.signature(layout).parameters)
        root rankdir show_grad show_partials max_nodes collapse depth legend verbose
        >>> layout(None, rankdir="TB")
        'TB'
        >>> layout(None, rankdir="up")
        Traceback (most recent call last):
        ValueError: layout: rankdir must be one of ('LR', 'TB', 'RL', 'BT'), got 'up'
    """
    own = inspect.signature(function)
    keyword = inspect.Parameter.KEYWORD_ONLY
    leading = [p for p in own.parameters.values() if p.name != "options" and p.kind != keyword]
    trailing = [p for p in own.parameters.values() if p.kind == keyword]
    # The fields' own annotations (strings here, as every annotation of this package).
    drawn = [
        inspect.Parameter(option.name, keyword, default=option.default, annotation=option.type)
        for option in fields(DrawOptions)
    ]
    signature = own.replace(parameters=[*leading, *drawn, *trailing])
    name = function.__name__

    @functools.wraps(function)
    def with_options(*args: Any, **kwargs: Any) -> Any:
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError as error:  # as Python says it, with the function's name
            raise TypeError(f"{name}: {error}") from None
        given = bound.arguments
        chosen = {option: given.pop(option) for option in NAMES if option in given}
        given["options"] = DrawOptions(**chosen, function=name)
        return function(**given)

    with_options.__signature__ = signature  # type: ignore[attr-defined]
    return with_options  # type: ignore[return-value]


def check_root(root: object, function: str) -> Value:
    """The Value to draw for ``root``: itself, or a compiled function's traced output.

    Example:
        >>> check_root(3.0, "draw")
        Traceback (most recent call last):
        TypeError: draw: expected a Value, got float: 3.0
    """
    if isinstance(root, CompiledFunction):  # a compiled graph is drawn as its trace
        root = root.output
    if not isinstance(root, Value):
        raise TypeError(f"{function}: expected a Value, got {type(root).__name__}: {root!r:.60}")
    return root
