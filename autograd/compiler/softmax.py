"""Softmax fusion in the numpy batch program: log-softmax, softmax, logsumexp, cross-entropy.

``log_softmax(z)`` (:mod:`autograd.functional`) is built from primitives: a tree of ``max``
nodes for the shift ``m``, ``s_k = z_k - m``, ``e_k = exp(s_k)``, one ``sum`` node, its
``log`` ``L``, and ``lp_k = s_k - L``; a cross-entropy over one-hot targets adds one
``dot(t, lp)``. One line per node costs the batch program some 60 array operations over
ten classes; here the same computation is a handful of operations on one samples x classes
matrix. As with layers, nothing asks ``nn`` for it: the pattern is found in the traced
graph, and only where it fits exactly: every intermediate read only inside the formula,
the log and the shift also by one ``log + shift`` (logsumexp); log-probabilities may be
read anywhere (they keep their names). Anything else is left to the per-node code.

The backward is the per-node backward summed column-wise, from the op table's partials
(exp' = out, log' = 1/x). The shift's own adjoint, ``-sum_k g_s_k``, is then zero up to
rounding (NaN wherever an adjoint is not finite): it is routed to the largest logits as
``max`` nodes route it, split evenly at a tie (a tree splits by its shape: 1/4, 1/4, 1/2
for three; on a residue of rounding the difference is rounding, which is why a graph
that sends the shift a real gradient is not fused).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from autograd.ops import ADD, DOT, EXP, LOG, MAX, SUB, SUM
from autograd.source import NUMPY_SOURCE_SPACE, Expr, source

if TYPE_CHECKING:
    from autograd.compiler.batch import BatchPlan, BatchWriter, _Layer
    from autograd.value import Value

SPACE = NUMPY_SOURCE_SPACE


@dataclass(eq=False)  # compared and hashed by identity: blocks key dicts
class Softmax:
    """One fused log-softmax: the nodes of its formula, and what reads it from outside."""

    number: int
    logits: list[Value]  # z_k, in the order of the tree's leaves
    tree: list[Value]  # the max nodes (none for one logit: the shift is z_0 itself)
    shifted: list[Value]  # s_k = z_k - m
    exps: list[Value]  # e_k = exp(s_k)
    total: Value  # sum_k e_k
    log: Value  # L = log(total)
    logprobs: list[Value | None]  # lp_k = s_k - L where the graph has it
    dot: Value | None = None  # dot(w_0, lp_0, w_1, lp_1, ...) over every lp_k, in order
    layer: _Layer | None = None  # the layer whose output matrix is exactly the logits

    @property
    def root(self) -> Value:
        """The shift ``m``: the tree's root."""
        return self.shifted[0].parents[1]

    def members(self) -> list[Value]:
        """Every node computed by the block."""
        lps = [lp for lp in self.logprobs if lp is not None]
        tail = [self.dot] if self.dot is not None else []
        return [*self.tree, *self.shifted, *self.exps, self.total, self.log, *lps, *tail]

    def start(self, position: dict[Value, int]) -> Value:
        """Where the block's code goes: the shift's root, its first node after every logit.

        The inner max nodes before it are read by the tree alone.
        """
        return min([*self.tree[:1], *self.shifted], key=position.__getitem__)

    def name(self, part: str) -> str:
        """The block's matrix ``part`` (Z logits, S shifted, E exps, P log-probabilities)."""
        return f"{part}{self.number}s"


def find_softmaxes(plan: BatchPlan, position: dict[Value, int]) -> list[Softmax]:
    """Every log-softmax in ``plan``'s tape that fits the pattern exactly."""
    blocks: list[Softmax] = []
    for node in plan.tape.nodes:
        if node.op is LOG and node in plan.varying:
            block = _match(plan, node, len(blocks) + 1, position)
            if block is not None:
                blocks.append(block)
    return blocks


def _only_user(plan: BatchPlan, node: Value, user: Value) -> bool:
    """``node`` is read by ``user`` alone, once, and is no output."""
    return plan.consumers.get(node) == [user] and node not in plan.outputs


def _match(plan: BatchPlan, log: Value, number: int, position: dict[Value, int]) -> Softmax | None:
    total = log.parents[0]
    if total.op is not SUM or not _only_user(plan, total, log):
        return None
    exps = list(total.parents)
    # Each node's op is checked before its parents are read: a leaf has none.
    if len(set(exps)) != len(exps) or any(
        e.op is not EXP or not _only_user(plan, e, total) for e in exps
    ):
        return None
    shifted = [e.parents[0] for e in exps]
    if len(set(shifted)) != len(shifted) or any(s.op is not SUB for s in shifted):
        return None
    root = shifted[0].parents[1]
    if any(s.parents[1] is not root for s in shifted):
        return None
    logits = [s.parents[0] for s in shifted]
    tree = _max_tree(plan, root)
    logprobs = _logprobs(plan, shifted, log)
    if (
        tree is None
        or _leaves(root, tree) != logits
        or logprobs is None
        or not _cancels(plan, (log, root), tree, set(shifted), set(logprobs))
    ):
        return None
    block = Softmax(number, logits, tree, shifted, exps, total, log, logprobs)
    block.dot = _cross_entropy_dot(plan, block, position)
    return block


def _logprobs(plan: BatchPlan, shifted: list[Value], log: Value) -> list[Value | None] | None:
    """Each ``lp_k = s_k - L`` the graph has; None if an ``s_k`` is read elsewhere too."""
    logprobs: list[Value | None] = []
    for s in shifted:
        users = plan.consumers.get(s, [])  # its exp, and its log-probability if any
        found = [u for u in users if u.op is SUB and u.parents == (s, log)]
        if s in plan.outputs or len(users) != 1 + len(found) or len(found) > 1:
            return None  # see _cancels
        logprobs.append(found[0] if found else None)
    return logprobs


def _cancels(
    plan: BatchPlan,
    ends: tuple[Value, Value],
    tree: list[Value],
    shifted: set[Value],
    logprobs: set[Value | None],
) -> bool:
    """The shift's adjoint cancels (is zero up to rounding): it may be routed evenly at ties.

    It does when the shifted values and the log are read only by the log-probabilities,
    and the log and the shift otherwise only by one ``log + shift`` (logsumexp). Another
    reader (``z_k - m`` or ``log`` used on its own) sends the shift a real gradient, which
    the tree of max nodes splits by its shape at a tie: that graph is left unfused.
    """
    log, root = ends
    others = [u for u in plan.consumers.get(log, []) if u not in logprobs]
    if log in plan.outputs or len(others) > 1:
        return False
    if not tree:  # one logit: the shift is the logit, any reader of it is outside
        return not others
    if root in plan.outputs:
        return False
    shifts = [u for u in plan.consumers.get(root, []) if u not in shifted]
    if others or shifts:
        add = others[0] if others else None
        return shifts == [add] and add is not None and add.op is ADD and add.parents == (log, root)
    return True


def _max_tree(plan: BatchPlan, root: Value) -> list[Value] | None:
    """The max nodes under ``root``, each read only by its parent in the tree (None if not)."""
    if root.op is not MAX:
        return []  # one logit: the shift is the logit itself
    tree, stack = [], [root]  # the root first
    while stack:
        node = stack.pop()
        tree.append(node)
        for parent in node.parents:
            if parent.op is MAX and plan.consumers.get(parent) == [node]:
                if parent in plan.outputs:
                    return None
                stack.append(parent)
    return tree


def _leaves(root: Value, tree: list[Value]) -> list[Value]:
    """The tree's leaves from left to right (each operand of a max that is not in the tree)."""
    inside, leaves, stack = set(tree), [], [root]
    while stack:
        node = stack.pop()
        if node in inside:
            stack.extend(reversed(node.parents))
        else:
            leaves.append(node)
    return leaves


def _cross_entropy_dot(plan: BatchPlan, block: Softmax, position: dict[Value, int]) -> Value | None:
    """A ``dot(w_0, lp_0, ..., w_n, lp_n)`` over every log-probability in order, if any.

    Its weights must be computed before the block starts (the block is written whole at its
    first node), and be no node of the block.
    """
    lps = block.logprobs
    if any(lp is None for lp in lps):
        return None
    start = position[block.start(position)]
    for user in plan.consumers.get(lps[0], []):  # type: ignore[arg-type]
        if user.op is not DOT or user not in plan.varying:
            continue
        parents = user.parents
        weights = parents[0::2]
        late = any(w.op is not None and position[w] >= start for w in weights)  # leaves: any time
        if list(parents[1::2]) != lps or late:
            continue
        if all(lp is not None and plan.consumers.get(lp) == [user] for lp in lps):
            return user
    return None


def weights(block: Softmax) -> tuple[Value, ...]:
    """The dot's weights (the one-hot or soft targets)."""
    return block.dot.parents[0::2] if block.dot is not None else ()  # type: ignore[union-attr]


def _used_outside(plan: BatchPlan, node: Value, block: Softmax) -> bool:
    """``node`` is read by a node outside the block, or is an output."""
    if node in plan.outputs:
        return True
    return any(plan.fused_of.get(user) is not block for user in plan.consumers.get(node, []))


def forward_lines(writer: BatchWriter, block: Softmax) -> list[str]:
    """The block's forward: the matrix operations, then the columns read from outside."""
    plan, names = writer.plan, writer.tape.names
    z, s, e, p = (block.name(part) for part in "ZSEP")
    n = len(block.logits)
    lines = [f"# softmax {block.number}: log-softmax over {n} values (shift, exp, sum, log)"]
    logits = block.layer.output if block.layer is not None else writer.stack(block.logits)
    lines.append(f"{z} = {logits}")
    shift = f"M{block.number}s"
    lines.append(f"{shift} = {z}.max(1)")
    if block.tree and _used_outside(plan, block.root, block):
        lines.append(f"{names[block.root]} = {shift}")
    lines.append(f"{s} = {z} - {shift}[:, None]")
    lines.append(f"{e} = {source(EXP.forward(SPACE, Expr(s)))}")
    total, log = names[block.total], names[block.log]
    lines.append(f"{total} = {e}.sum(1)")
    lines.append(f"{log} = {source(LOG.forward(SPACE, Expr(total)))}")
    lines.extend(
        f"{names[node]} = {s}[:, {k}]"
        for k, node in enumerate(block.shifted)
        if _used_outside(plan, node, block)
    )
    if any(lp is not None for lp in block.logprobs):
        lines.append(f"{p} = {s} - {log}[:, None]")
    for k, lp in enumerate(block.logprobs):
        if lp is not None and _used_outside(plan, lp, block):
            lines.append(f"{names[lp]} = {p}[:, {k}]")
    if block.dot is not None:
        lines.append(f"T{block.number}s = {writer.stack(weights(block))}")
        lines.append(f"{names[block.dot]} = (T{block.number}s * {p}).sum(1)")
    return lines


def backward_lines(writer: BatchWriter, block: Softmax) -> list[str]:
    """The block's backward, from the adjoints its outside readers left."""
    names, k = writer.tape.names, block.number
    z, s, e, p = (block.name(part) for part in "ZSEP")
    lines = [f"# softmax {k}, backward"]
    gp = f"G{p}"
    parts = []
    if block.dot is not None and block.dot in writer.adjoint:
        parts.append(f"{writer.adjoint[block.dot]}[:, None] * T{k}s")
        for j, w in enumerate(weights(block)):
            lines.extend(writer.add(w, f"{writer.adjoint[block.dot]} * {p}[:, {j}]", True))
    column = writer.adjoint_matrix(block.logprobs)
    if column is not None:
        parts.append(column)
    # lp_k = s_k - L: s_k gets g_lp_k, and L gets -sum_k g_lp_k.
    gl_parts = [] if not parts else [f"-G{p}.sum(1)"]
    if parts:
        lines.append(f"{gp} = {' + '.join(parts)}")
    if block.log in writer.adjoint:
        gl_parts.append(writer.adjoint[block.log])
    gs_parts = [gp] if parts else []
    outside = writer.adjoint_matrix(block.shifted)
    if outside is not None:
        gs_parts.append(outside)
    if gl_parts:
        # L = log(total), total = sum_k e_k, e_k = exp(s_k): from the table's partials.
        total = Expr(names[block.total])
        log_partial = LOG.slot_partials(SPACE, (total,), Expr(names[block.log]))[0]
        upstream = Expr(f"({' + '.join(gl_parts)})")
        lines.append(f"GT{k}s = {source(upstream * log_partial)}")
        exp_partial = EXP.slot_partials(SPACE, (Expr(s),), Expr(e))[0]
        gs_parts.append(source(Expr(f"GT{k}s[:, None]") * exp_partial))
    if not gs_parts:
        return []
    lines.append(f"G{s} = {' + '.join(gs_parts)}")
    # s_k = z_k - m: z_k gets g_s_k; the shift gets -sum_k g_s_k, routed through the max
    # tree to the largest logits (split evenly at a tie, NaN if the adjoint is not finite).
    residual = [f"-G{s}.sum(1)"]
    if block.tree and block.root in writer.adjoint:
        residual.append(writer.adjoint[block.root])
    lines.append(f"W{k}s = {z} == M{k}s[:, None]")
    lines.append(f"R{k}s = ({' + '.join(residual)}) / _count_nonzero(W{k}s, 1)")
    lines.append(f"G{z} = G{s} + R{k}s[:, None] * W{k}s")
    if block.layer is not None:
        lines.extend(writer.add_matrix(block.layer, f"G{z}"))
    else:
        for j, logit in enumerate(block.logits):
            lines.extend(writer.add(logit, f"G{z}[:, {j}]", True))
    return lines


def is_matrix_reader(plan: BatchPlan, layer: _Layer, user: Value) -> bool:
    """``user`` is a block node that reads ``layer``'s output matrix, not its columns."""
    block: Any = plan.fused_of.get(user)
    return block is not None and block.layer is layer
