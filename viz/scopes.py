"""The scopes of a graph as a tree: what a drawing folds at each depth, and what a fold shows.

``nn`` opens a scope per Layer and per Neuron, so a model's graph nests: ``Layer 1`` holds
``Neuron 0`` ... ``Neuron 15``, each holding its weights and its few operations. Drawn at
``depth=d``, every scope ``d`` levels down (0 = the outermost) becomes one box, and every
Value outside such a scope is drawn as itself. The drawing (:mod:`viz.dot`) and the
explorer (:mod:`viz.explorer`) both read this tree, so they fold the same way and show the
same numbers.

Scopes are ordered by creation, read from the graph: the topological order walks each
node's operands first to last, so ``Neuron 0``'s nodes come before ``Neuron 1``'s.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from autograd import Scope, Value

BUDGET = 100
"""The most boxes (folded scopes plus Values drawn alone) the default depth draws."""

INPUT_GROUP = 8
"""More unscoped inputs than this are drawn as one "Inputs" box while anything is folded."""

INPUTS = "Inputs"

_DIGITS = re.compile(r"(\d+)")


@dataclass(eq=False)
class ScopeInfo:
    """One scope of a drawn graph and the numbers its folded box shows.

    Attributes:
        scope: the engine's scope (None for the group of a model's inputs).
        name: the scope's name.
        path: the scope path joined with "/" (``Layer 1/Neuron 3``), unique in the graph.
        level: 0 for an outermost scope, 1 for a scope inside it, ...
        parent: the enclosing scope, if any.
        children: the scopes directly inside, in creation order.
        members: indices (in topological order) of every Value inside, nested ones too.
        parameters: the members that are parameters.
        outputs: the members used outside the scope (or the graph's output itself).
    """

    scope: Scope | None
    name: str
    path: str
    level: int
    parent: ScopeInfo | None
    children: list[ScopeInfo] = field(default_factory=list)
    members: list[int] = field(default_factory=list)
    parameters: list[int] = field(default_factory=list)
    outputs: list[int] = field(default_factory=list)


class ScopeTree:
    """Every scope reaching a graph's output, nested and in creation order.

    Args:
        order: ``topological_order(root)``.

    Example:
        >>> from autograd import Value, scope, topological_order
        >>> x = Value(1.0, "x")
        >>> with scope("Layer"):
        ...     with scope("Neuron 0"):
        ...         a = x * 2
        ...     with scope("Neuron 1"):
        ...         b = x * 3
        >>> tree = ScopeTree(topological_order(a + b))
        >>> [(s.path, len(s.members)) for s in tree.scopes], tree.height
        ([('Layer', 2), ('Layer/Neuron 0', 1), ('Layer/Neuron 1', 1)], 2)
        >>> [tree.box_count(d) for d in range(3)], tree.default_depth()
        ([3, 4, 4], 2)
    """

    def __init__(self, order: Sequence[Value]) -> None:
        self.order = order
        self.index = {node: i for i, node in enumerate(order)}
        self.scopes: list[ScopeInfo] = []
        self.by_scope: dict[Scope, ScopeInfo] = {}
        self.roots: list[ScopeInfo] = []
        self.innermost: list[ScopeInfo | None] = []
        paths: set[str] = set()
        for i, node in enumerate(order):
            info = None if node.scope is None else self._info(node.scope, paths)
            self.innermost.append(info)
            while info is not None:
                info.members.append(i)
                if node.is_parameter:
                    info.parameters.append(i)
                info = info.parent
        self.height = 1 + max((s.level for s in self.scopes), default=-1)
        self.inputs = [
            i
            for i, node in enumerate(order)
            if node.scope is None and not node.parents and not node.is_parameter
        ]
        self._input_set = set(self.inputs)
        self.input_group: ScopeInfo | None = None
        if self.height and len(self.inputs) > INPUT_GROUP:
            group = ScopeInfo(None, INPUTS, _unique(INPUTS, paths), 0, None, members=self.inputs)
            self.input_group = group
            self.roots.insert(0, group)
        if self.height:
            self._find_outputs()
        self._sort()

    def _sort(self) -> None:
        """Order sibling scopes by creation: by name, numbers compared as numbers.

        ``nn`` numbers its scopes as it creates them (``Neuron 2`` before ``Neuron 10``);
        the graph itself cannot tell (a loss reads its target's logit first), so siblings
        with names alike keep the order in which the graph reaches them.
        """
        first = {info: n for n, info in enumerate(self.scopes)}

        def key(info: ScopeInfo) -> tuple[bool, list[tuple[int, str]], int]:
            return (info.scope is not None, _natural(info.name), first.get(info, -1))

        self.roots.sort(key=key)
        stack = list(reversed(self.roots))
        self.scopes = []
        while stack:
            info = stack.pop()
            if info.scope is not None:
                self.scopes.append(info)
            info.children.sort(key=key)
            stack.extend(reversed(info.children))
        self._position = {info: n for n, info in enumerate(self.scopes)}
        if self.input_group is not None:
            self._position[self.input_group] = -1

    def position(self, info: ScopeInfo) -> int:
        """Where ``info`` comes in creation order (the input group first)."""
        return self._position[info]

    @staticmethod
    def ancestry(info: ScopeInfo) -> list[ScopeInfo]:
        """``info`` and the scopes enclosing it, innermost first."""
        found = []
        outer: ScopeInfo | None = info
        while outer is not None:
            found.append(outer)
            outer = outer.parent
        return found

    def _info(self, scope: Scope, paths: set[str]) -> ScopeInfo:
        found = self.by_scope.get(scope)
        if found is not None:
            return found
        # Create the missing ancestors outermost first (no recursion: scopes nest shallowly,
        # but a loop is as short).
        chain: list[Scope] = []
        outer: Scope | None = scope
        while outer is not None and outer not in self.by_scope:
            chain.append(outer)
            outer = outer.parent
        for new in reversed(chain):
            parent = None if new.parent is None else self.by_scope[new.parent]
            level = 0 if parent is None else parent.level + 1
            path = new.name if parent is None else f"{parent.path}/{new.name}"
            info = ScopeInfo(new, new.name, _unique(path, paths), level, parent)
            self.by_scope[new] = info
            self.scopes.append(info)
            (self.roots if parent is None else parent.children).append(info)
        return self.by_scope[scope]

    def _find_outputs(self) -> None:
        last = len(self.order) - 1
        outputs: dict[ScopeInfo, set[int]] = {}
        for j, node in enumerate(self.order):
            inside: set[ScopeInfo] = set()
            info = self.innermost[j]
            while info is not None:
                inside.add(info)
                info = info.parent
            for parent in node.parents:
                p = self.index[parent]
                info = self.innermost[p]
                while info is not None and info not in inside:
                    outputs.setdefault(info, set()).add(p)
                    info = info.parent
        info = self.innermost[last]
        while info is not None:
            outputs.setdefault(info, set()).add(last)
            info = info.parent
        for info in self.scopes:
            info.outputs = sorted(outputs.get(info, ()))

    def chain(self, i: int) -> list[ScopeInfo]:
        """The scopes holding Value ``i``, outermost first (the input group included)."""
        found: list[ScopeInfo] = []
        info = self.innermost[i]
        while info is not None:
            found.append(info)
            info = info.parent
        if not found and self.input_group is not None and i in self._input_set:
            found.append(self.input_group)
        return found[::-1]

    def boxes(
        self, depth: int, collapse: Collection[str | Scope] = (), subset: Collection[int] = ()
    ) -> dict[int, ScopeInfo]:
        """Which box each folded Value is drawn in, at ``depth`` and with ``collapse``.

        A Value is folded into its outermost enclosing scope that sits ``depth`` levels
        down or is named in ``collapse``; the inputs are grouped while anything is folded.
        """
        inputs = self._input_set if self.input_group is not None and depth < self.height else ()
        found: dict[int, ScopeInfo] = {}
        indices = subset or range(len(self.order))
        for i in indices:
            if i in inputs:
                found[i] = self.input_group  # type: ignore[assignment]
                continue
            info = self.innermost[i]
            box = None
            while info is not None:
                if info.level == depth or _matches(info.scope, collapse):
                    box = info
                info = info.parent
            if box is not None:
                found[i] = box
        return found

    def box_count(self, depth: int) -> int:
        """How many boxes a drawing at ``depth`` shows: folded scopes plus single Values."""
        boxes = self.boxes(depth)
        return len(self.order) - len(boxes) + len(set(boxes.values()))

    def default_depth(self, budget: int = BUDGET) -> int:
        """The deepest depth drawing at most ``budget`` boxes (0 if even that is more)."""
        best = 0
        for depth in range(self.height + 1):
            if self.box_count(depth) <= budget:
                best = depth
        return best


def _natural(name: str) -> list[tuple[int, str]]:
    # "Neuron 10" after "Neuron 9": digits compare as numbers, the rest as text. isdecimal,
    # not isdigit: "¹" is a digit that int() does not read (and \d does not match).
    return [(int(part), "") if part.isdecimal() else (-1, part) for part in _DIGITS.split(name)]


def _matches(scope: Scope | None, collapse: Collection[str | Scope]) -> bool:
    return scope is not None and (scope in collapse or scope.name in collapse)


def _unique(path: str, paths: set[str]) -> str:
    # Two ``with scope("x")`` blocks are two scopes: number the later ones "x (2)", ...
    unique, n = path, 1
    while unique in paths:
        n += 1
        unique = f"{path} ({n})"
    paths.add(unique)
    return unique
