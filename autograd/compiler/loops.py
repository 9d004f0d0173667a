"""Loops in generated code: a graph that repeats one pattern is written once, in a ``for``.

Straight-line code costs Python's compiler about 30 microseconds and a few kilobytes per
line, so a chain of a million nodes cannot be compiled line by line. Most long graphs are
regular, though: ``y = tanh(y * 1.0001 + x)`` a hundred thousand times is one pattern of
three nodes. This module finds such *runs* in the traced graph and writes them as loops:

- Each op node gets a signature: its op (with folded numbers), and for each parent either
  *how many nodes back* it is (for a nearby op node) or *which* node it is (a leaf, or an
  op node far away). A run is a stretch of nodes whose signatures repeat with a period of
  ``k`` nodes: the loop's body.
- A body node's parent is then a node of the same iteration, of the previous iteration, or a
  fixed node outside the run (an input, a parameter, a constant, a node before the run).
- Only the last iteration's values may be used after the run (they keep their names);
  a run is cut short where an earlier value escapes.

Both programs loop: the float one, and the numpy one over runs of arrays (or of hoisted
numbers), where a parameter's adjoint is gathered over the loop and summed over the batch.
The forward loop keeps each iteration's values (a tuple per iteration) when a backward
follows; the backward loop walks them in reverse, carrying the adjoints of the previous
iteration's nodes from one iteration to the next.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from autograd.source import Expr, source

if TYPE_CHECKING:
    from autograd.compiler.tape import Tape
    from autograd.ops import Op
    from autograd.value import Value

MAX_PERIOD = 32  # the longest body looked for, in nodes
WINDOW = 2 * MAX_PERIOD  # parents nearer than this are referred to by distance
MIN_ITERATIONS = 8
MIN_LOOP_NODES = 256  # a smaller graph reads better as straight-line code


@dataclass(eq=False)
class Run:
    """A loop: ``iterations`` repetitions of a ``period``-node body starting at ``start``."""

    number: int
    nodes: list[Value]  # every node of the run, in order
    period: int
    iterations: int
    # For each body slot, its parents: ("cur", slot), ("prev", slot) or ("fixed", node).
    refs: list[list[tuple[str, Any]]]
    # What iteration 0 reads as "the previous iteration's" node of a slot: a node before the run.
    initial: dict[int, Value]
    live: list[bool]  # per body slot: the backward visits it

    @property
    def has_backward(self) -> bool:
        """Some node of the body has an adjoint (else no values are kept, no loop runs back)."""
        return any(self.live)

    def body(self) -> list[Value]:
        """The first iteration's nodes: a template for every iteration."""
        return self.nodes[: self.period]

    def last(self) -> list[Value]:
        """The last iteration's nodes: their values are what the graph reads after the run."""
        return self.nodes[-self.period :]

    def name(self, slot: int, previous: bool = False) -> str:
        """The loop variable of ``slot`` (this iteration's, or the previous one's)."""
        return f"L{self.number}_{slot}{'p' if previous else ''}"

    def prev_slots(self) -> list[int]:
        """The slots whose previous-iteration value the body reads."""
        return sorted(self.initial)


def find_runs(tape: Tape, needs: set[Value], parents_of: list[tuple[Value, ...]]) -> list[Run]:
    """The runs of ``tape`` (none in a small graph).

    ``needs``: the nodes with an adjoint; ``parents_of``: each node's parents, in
    ``tape.nodes`` order (read once: ``Value.parents`` builds a tuple per call).
    """
    ops, op_parents = [], []
    for node, parents in zip(tape.nodes, parents_of, strict=True):
        if parents:  # an op node (a leaf has none)
            ops.append(node)
            op_parents.append(parents)
    if len(ops) < MIN_LOOP_NODES:
        return []
    flags = _backward_flags(tape, needs, parents_of)
    index = {node: i for i, node in enumerate(ops)}
    never = len(ops) + 1
    last_use = [0] * len(ops)
    interned: dict[tuple[Any, ...], int] = {}
    op_keys: dict[Op, tuple[Any, ...]] = {}
    signatures = []
    get, intern = index.get, interned.setdefault
    # One pass, written for speed (a million nodes): signatures and last uses together.
    for i, (node, parents) in enumerate(zip(ops, op_parents, strict=True)):
        op: Op = node.op  # type: ignore[assignment]
        key = op_keys.get(op)
        if key is None:
            key = op_keys[op] = (op.base, tuple(op.constants.items()))
        refs: list[Any] = [key, node in flags, len(parents)]
        for parent in parents:
            j = get(parent)
            if j is None:
                refs.append(id(parent) + 0.5)  # a leaf, by identity (never a small int)
                continue
            last_use[j] = i
            refs.append(i - j if i - j <= WINDOW else id(parent) + 0.5)
        signatures.append(intern(tuple(refs), len(interned)))
    for output in tape.outputs:
        if output in index:
            last_use[index[output]] = never
    runs: list[Run] = []
    i = 0
    while i < len(ops):
        run = _run_at(i, ops, signatures, (index, last_use, flags), len(runs) + 1)
        if run is None:
            i += 1
            continue
        runs.append(run)
        i += len(run.nodes)
    return runs


def _backward_flags(
    tape: Tape, needs: set[Value], parents_of: list[tuple[Value, ...]]
) -> set[Value]:
    """The nodes the backward visits: they carry an adjoint and reach the first output."""
    reach = {tape.outputs[0]}
    update = reach.update
    for node, parents in zip(reversed(tape.nodes), reversed(parents_of), strict=True):
        if node in reach:
            update(parents)
    return reach & needs


def _run_at(
    i: int,
    ops: list[Value],
    signatures: list[int],
    analysis: tuple[dict[Value, int], list[int], set[Value]],
    number: int,
) -> Run | None:
    index, last_use, flags = analysis
    n = len(ops)
    for k in range(1, MAX_PERIOD + 1):
        span = k * MIN_ITERATIONS
        if i + span > n:
            return None
        if signatures[i] != signatures[i + k]:
            continue
        if signatures[i : i + span - k] != signatures[i + k : i + span]:
            continue
        found = _references(ops, i, k, index)
        if found is None:
            continue
        refs, initial = found
        end = i + span
        while end + k <= n and signatures[end : end + k] == signatures[end - k : end]:
            end += k
        # Only the last iteration's values may be read after the run: cut it where one escapes.
        iterations = (end - i) // k
        for r in range(iterations - 1):
            if max(last_use[i + r * k : i + (r + 1) * k]) >= i + (r + 2) * k:
                iterations = r + 1
                break
        if iterations < MIN_ITERATIONS or k * iterations < MIN_LOOP_NODES // 4:
            continue
        live = [node in flags for node in ops[i : i + k]]
        return Run(number, ops[i : i + k * iterations], k, iterations, refs, initial, live)
    return None


def _references(
    ops: list[Value], i: int, k: int, index: dict[Value, int]
) -> tuple[list[list[tuple[str, Any]]], dict[int, Value]] | None:
    """Each body slot's parents as ("cur" | "prev", slot) or ("fixed", node); None if invalid.

    Also the nodes iteration 0 reads as its previous iteration's (they precede the run).
    """
    refs = []
    initial: dict[int, Value] = {}
    for q in range(k):
        node = ops[i + q]
        slots: list[tuple[str, Any]] = []
        for parent in node.parents:
            j = index.get(parent)
            if j is None:  # a leaf: the same for every iteration
                slots.append(("fixed", parent))
                continue
            distance = i + q - j
            if distance > WINDOW:
                if j >= i:
                    return None
                slots.append(("fixed", parent))
            elif distance <= q:
                slots.append(("cur", q - distance))
            elif distance <= q + k:
                slots.append(("prev", q - distance + k))
                initial[q - distance + k] = parent
            else:  # two iterations back: not a loop of this period
                return None
        refs.append(slots)
    return refs, initial


class LoopWriter:
    """Writes a run's forward loop and backward loop for the float program."""

    def __init__(self, tape: Tape, space: Any, forward_text: Any) -> None:
        self.tape = tape
        self.space = space
        self.forward_text = forward_text  # (op, operand expressions) -> source text

    def _operands(self, run: Run, slot: int) -> tuple[Expr | float, ...]:
        node = run.body()[slot]
        values: list[Expr | float] = []
        for kind, target in run.refs[slot]:
            if kind == "cur":
                values.append(Expr(run.name(target)))
            elif kind == "prev":
                values.append(Expr(run.name(target, previous=True)))
            else:
                values.append(self.tape.expr(target))
        return node.op.operands(tuple(values))  # type: ignore[union-attr]

    def forward(self, run: Run, store: bool) -> list[str]:
        """The loop; with ``store``, each iteration's values are kept in ``S<n>``."""
        prev = run.prev_slots()
        lines = [f"# loop {run.number}: {run.iterations} iterations of {run.period} nodes"]
        for slot in prev:
            start = self.tape.expr(run.initial[slot])
            lines.append(f"{run.name(slot, previous=True)} = {source(start)}")
        store = store and run.has_backward
        if store:
            lines.append(f"S{run.number} = []")
        lines.append(f"for _ in range({run.iterations}):")
        for slot, node in enumerate(run.body()):
            text = self.forward_text(node.op, self._operands(run, slot))
            lines.append(f"    {run.name(slot)} = {text}")
        if store:
            lines.append(f"    S{run.number}.append({self._stored(run)})")
        lines.extend(f"    {run.name(s, previous=True)} = {run.name(s)}" for s in prev)
        lines.extend(
            f"{self.tape.names[node]} = {run.name(slot)}" for slot, node in enumerate(run.last())
        )
        return lines

    def _stored(self, run: Run) -> str:
        names = [run.name(s, previous=True) for s in run.prev_slots()]
        names += [run.name(s) for s in range(run.period)]
        return f"({', '.join(names)},)"

    def backward(
        self,
        run: Run,
        needs: set[Value],
        adjoint: dict[Value, str],
    ) -> list[str]:
        """The reverse loop; adds into ``adjoint`` for fixed parents and the run's inputs."""
        if not run.has_backward:
            return []
        k, live, prev = run.period, run.live, run.prev_slots()
        carry = [f"A{run.number}_{s}" for s in range(k)]
        nxt = [f"N{run.number}_{s}" for s in range(k)]
        lines = [f"# loop {run.number}, backward"]
        lines.extend(
            f"{carry[slot]} = {adjoint.get(node, '0.0')}" for slot, node in enumerate(run.last())
        )
        lines.extend(f"{nxt[s]} = 0.0" for s in prev)
        fixed = {id(t): t for refs in run.refs for kind, t in refs if kind == "fixed"}
        for target in fixed.values():
            if target in needs and target not in adjoint:
                name = adjoint[target] = "g_" + self.tape.names[target]
                lines.append(f"{name} = 0.0")
        lines.append(f"for {self._stored(run)} in reversed(S{run.number}):")
        # Accumulators that are 0.0 at the top of every iteration: their first contribution
        # is assigned, not added (an array operation fewer each, in the numpy program).
        fresh = {f"N{run.number}_{s}" for s in prev}
        fresh |= {
            carry[s] for s, node in enumerate(run.last()) if s not in prev and node not in adjoint
        }
        for slot in range(k - 1, -1, -1):
            if live[slot]:
                lines.extend(self._slot_backward(run, slot, needs, adjoint, fresh))
        lines.extend(
            f"    {carry[s]} = {nxt[s] if s in prev else '0.0'}" for s in range(k) if live[s]
        )
        lines.extend(f"    {nxt[s]} = 0.0" for s in prev if live[s])
        # What the first iteration passed to "the previous iteration": nodes before the run.
        for s in prev:
            start = run.initial[s]
            if live[s] and start in needs:
                name = adjoint.get(start)
                if name is None:
                    name = adjoint[start] = "g_" + self.tape.names[start]
                    lines.append(f"{name} = {carry[s]}")
                else:
                    lines.append(f"{name} = {name} + {carry[s]}")
        return lines

    def _slot_backward(
        self, run: Run, slot: int, needs: set[Value], adjoint: dict[Value, str], fresh: set[str]
    ) -> list[str]:
        node = run.body()[slot]
        partials = node.op.slot_partials(  # type: ignore[union-attr]
            self.space, self._operands(run, slot), Expr(run.name(slot))
        )
        upstream = Expr(f"A{run.number}_{slot}")
        lines = []
        for (kind, target), partial in zip(run.refs[slot], partials, strict=True):
            contribution = source(upstream * partial)
            if kind == "fixed":
                if target in needs:
                    name = adjoint[target]
                    lines.append(f"    {name} = {name} + {contribution}")
            elif run.live[target]:
                into = f"{'A' if kind == 'cur' else 'N'}{run.number}_{target}"
                if into in fresh:
                    fresh.discard(into)
                    lines.append(f"    {into} = {contribution}")
                else:
                    lines.append(f"    {into} = {into} + {contribution}")
        return lines


def batch_runs(runs: list[Run], plan: Any) -> list[Run]:
    """The runs the numpy program may loop over: all arrays over the samples, or all hoisted.

    A hoisted node is a number, computed once per call. A run mixing both, touching a fused
    layer or softmax, or with an op with a domain rule (whose values the replay must check,
    by name) stays straight-line code.
    """
    kept = []
    for run in runs:
        varying = {node in plan.varying for node in run.nodes}
        if len(varying) == 1 and not any(
            node in plan.layer_of or node in plan.fused_of or node.op.domain_text  # type: ignore[union-attr]
            for node in run.nodes
        ):
            kept.append(run)
    return kept


def batch_backward(writer: Any, loops: LoopWriter, run: Run) -> list[str]:
    """A run's reverse loop in the numpy program.

    Inside the loop every adjoint is an array over the samples; one of a parameter or a
    hoisted node (a number) is gathered in an accumulator and summed over the batch after.
    """
    plan, needs = writer.plan, writer.needs
    local = dict(writer.adjoint)
    before, after = [], []
    targets = [t for refs in run.refs for kind, t in refs if kind == "fixed"]
    targets += [run.initial[s] for s in run.prev_slots()]
    for target in dict.fromkeys(targets):
        if target in needs and (target not in plan.varying or target in plan.param_index):
            name = f"H{run.number}_{len(before)}"
            before.append(f"{name} = 0.0")
            local[target] = name
            after.extend(writer.add(target, name, True))
    lines = [*before, *loops.backward(run, needs, local), *after]
    for node, name in local.items():
        if node in plan.varying and node not in plan.param_index:
            writer.adjoint[node] = name
    return lines
