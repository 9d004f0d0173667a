"""The scopes of a graph as a tree: what a drawing folds at each depth, and what a fold shows.

``nn`` opens a scope per Layer and per Neuron, so a model's graph nests: ``Layer 1`` holds
``Neuron 0`` ... ``Neuron 15``, each holding its weights and its few operations. Drawn at
``depth=d``, every scope ``d`` levels down (0 = the outermost) becomes one box, and every
Value outside such a scope is drawn as itself. The drawing (:mod:`viz.dot`) and the
explorer (:mod:`viz.explorer`) both read this tree, so they fold the same way and show the
same numbers.

Scopes are ordered by creation, read from the graph: the topological order walks each
node's operands first to last, so ``Neuron 0``'s nodes come before ``Neuron 1``'s.

Samples (``samples=True``, the explorer's): where the loss code made no ``sample k``
scopes, the k-th input labelled ``x0`` is sample k's (:func:`sample_inputs`), and so is
every value computed from its inputs alone (and parameters). From :data:`SAMPLE_SCOPES`
samples on, each sample is a ``sample k`` scope with its own copy of the model's scopes;
the scopes left holding parameters only are ``shared``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from autograd import Scope, Value

BUDGET = 100
"""The most boxes (folded scopes plus Values drawn alone) the default depth draws."""

INPUT_GROUP = 8
"""More unscoped inputs than this are drawn as one "Inputs" box while anything is folded."""

INPUTS = "Inputs"

SAMPLE_SCOPES = 3
"""With this many samples or more, ``samples=True`` folds each into a ``sample k`` scope."""

_DIGITS = re.compile(r"(\d+)")
_SAMPLE = re.compile(r"sample \d+")


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
        shared: parameters only, beside ``sample k`` scopes: folded as the inputs are.
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
    shared: bool = False


class ScopeTree:
    """Every scope reaching a graph's output, nested and in creation order.

    Args:
        order: ``topological_order(root)``.
        samples: infer samples (``sample_of``, ``sample k`` scopes): see the module.

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

    def __init__(self, order: Sequence[Value], samples: bool = False) -> None:
        self.order = order
        self.index = {node: i for i, node in enumerate(order)}
        self.scopes: list[ScopeInfo] = []
        self.by_scope: dict[Scope, ScopeInfo] = {}
        self.roots: list[ScopeInfo] = []
        self.innermost: list[ScopeInfo | None] = []
        self.sample_of: dict[int, int] = sample_inputs(order) if samples else {}
        sample = self._samples()
        self._copies: dict[tuple[int, Scope], ScopeInfo] = {}  # a scope inside sample k
        self._sample_infos: dict[int, ScopeInfo] = {}
        paths: set[str] = set()
        for i, node in enumerate(order):
            k = sample[i] if sample else -1
            if node.scope is not None:
                info: ScopeInfo | None = self._info(node.scope, paths, k)
            else:
                info = self._sample_scope(k, paths) if k >= 0 else None
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
            if self.innermost[i] is None and not node.parents and not node.is_parameter
        ]
        if sample:
            for info in self.by_scope.values():
                info.shared = len(info.parameters) == len(info.members)
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
        """Order sibling scopes by creation (``Scope.order``); made-up ones by name.

        The graph cannot tell creation order (a loss reads its target's logit first), the
        scopes can: each records when it was made. The input group and inferred ``sample k``
        scopes, which have no engine scope, come first, numbers compared as numbers.
        """
        first = {info: n for n, info in enumerate(self.scopes)}

        def key(info: ScopeInfo) -> tuple[bool, int, list[tuple[int, str]], int]:
            made = info.scope.order if info.scope is not None else -1
            return (info.scope is not None, made, _natural(info.name), first.get(info, -1))

        self.roots.sort(key=key)
        stack = list(reversed(self.roots))
        self.scopes = []
        while stack:
            info = stack.pop()
            if info is not self.input_group:
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

    def _samples(self) -> list[int]:
        """Each value's sample (-1: none, -2: several), or [] where none are folded."""
        if not self.sample_of or max(self.sample_of.values()) + 1 < SAMPLE_SCOPES:
            return []
        seen: set[Scope] = set()
        for node in self.order:  # the loss code's own sample scopes come first
            scope = node.scope
            while scope is not None and scope not in seen:
                if isinstance(scope.name, str) and _SAMPLE.fullmatch(scope.name):
                    return []
                seen.add(scope)
                scope = scope.parent
        sample = []
        for i, node in enumerate(self.order):
            k = self.sample_of.get(i, -1)
            for parent in node.parents:
                # A parent outside ``order`` (cut off by explore's max_values) is no sample's.
                p = sample[self.index[parent]] if parent in self.index else -1
                k = p if k == -1 else (k if p in (-1, k) else -2)
            sample.append(k)
        return sample

    def _sample_scope(self, k: int, paths: set[str]) -> ScopeInfo:
        found = self._sample_infos.get(k)
        if found is None:
            found = ScopeInfo(None, f"sample {k}", _unique(f"sample {k}", paths), 0, None)
            self._sample_infos[k] = found
            self.scopes.append(found)
            self.roots.append(found)
        return found

    def _info(self, scope: Scope, paths: set[str], k: int = -1) -> ScopeInfo:
        """The scope's info; for sample ``k`` >= 0, its copy inside ``sample k``."""
        known = self.by_scope if k < 0 else self._copies
        key: Any = scope if k < 0 else (k, scope)
        found = known.get(key)
        if found is not None:
            return found
        # Create the missing ancestors outermost first (no recursion: scopes nest shallowly,
        # but a loop is as short).
        chain: list[Scope] = []
        outer: Scope | None = scope
        while outer is not None and (outer if k < 0 else (k, outer)) not in known:
            chain.append(outer)
            outer = outer.parent
        for new in reversed(chain):
            if new.parent is not None:
                parent: ScopeInfo | None = known[new.parent if k < 0 else (k, new.parent)]
            else:
                parent = None if k < 0 else self._sample_scope(k, paths)
            level = 0 if parent is None else parent.level + 1
            path = new.name if parent is None else f"{parent.path}/{new.name}"
            info = ScopeInfo(new, new.name, _unique(path, paths), level, parent)
            known[new if k < 0 else (k, new)] = info
            self.scopes.append(info)
            (self.roots if parent is None else parent.children).append(info)
        return known[key]

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
                if parent not in self.index:  # cut off by explore's max_values: not drawn
                    continue
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
                if info.parent is None and info.shared and depth < self.height:
                    box = info  # parameters shared by the samples: folded as the inputs are
                info = info.parent
            if box is not None:
                found[i] = box
        return found

    def unmatched(self, collapse: Collection[str | Scope]) -> list[str | Scope]:
        """The entries of ``collapse`` that name or are no scope of this graph."""
        return [c for c in collapse if not any(_matches(i.scope, (c,)) for i in self.scopes)]

    def names_preview(self, limit: int = 6) -> str:
        """The first ``limit`` scope names, for an error message (or "none")."""
        return preview({i.scope.name for i in self.scopes if i.scope is not None}, limit)

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


def sample_inputs(order: Sequence[Value]) -> dict[int, int]:
    """Each input repeated once per sample, with its sample.

    Inputs: leaves outside scopes, not parameters; those of the label seen most often
    (twice or more) repeat per sample, and the k-th in ``order`` is sample k's.

    Example:
        >>> from autograd import topological_order
        >>> xs = [Value(float(k), "x0") for k in range(3)]
        >>> total = xs[0] * 2 + xs[1] * 2 + xs[2] * 2 + Value(1.0, "c")
        >>> order = topological_order(total)
        >>> sorted((order[i].data, k) for i, k in sample_inputs(order).items())
        [(0.0, 0), (1.0, 1), (2.0, 2)]
    """
    inputs = [i for i, v in enumerate(order) if v.scope is v.op is None and not v.is_parameter]
    counts = Counter(order[i].label for i in inputs if order[i].label)
    most = max(counts.values(), default=0)
    seen: Counter[str] = Counter()
    found = {}
    for i in (i for i in inputs if most >= 2 and counts[order[i].label] == most):
        found[i] = seen[order[i].label]  # the k-th x0 is sample k's
        seen[order[i].label] += 1
    return found


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


def preview(names: Collection[str], limit: int = 6) -> str:
    """The first ``limit`` of ``names`` in order, for an error message: "none" if empty.

    Example:
        >>> preview([]), preview(["b", "a"]), preview("abc", limit=2)
        ('none', 'a, b', 'a, b, ...')
    """
    ordered = sorted(names)
    return ", ".join(ordered[:limit]) + (", ..." if len(ordered) > limit else "") or "none"
