"""Generated bugs in op-table partials: copies of an entry with one partial replaced.

A mutant is a new :class:`autograd.Op` built from the entry's own forward, domain and
kinks, with one partial wrapped by a mutation; nodes are built on it with
``autograd.apply``, exactly as on a table entry. The table itself is never touched.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from autograd import OPS, Context, Function, Op
from tests.gradient_bugs.bug import Bug

# mutation name -> (partial, m, operands) -> the wrong partial. ``p`` is the true partial
# (a float or a formula of the math space), ``x`` the operand it is taken for.
Mutation = Callable[[Any, Any, Any, tuple[Any, ...]], Any]


def _rescale(p: Any, where: Any) -> Any:
    """2 p + 0.5 where ``where`` > 0, p elsewhere: visible at any size of p."""
    return lambda m: p + m.select(where(m), p + 0.5, 0.0)


EVERYWHERE: dict[str, Mutation] = {
    "sign": lambda p, m, x, xs: -1.0 * p,
    "missing factor 2": lambda p, m, x, xs: 2.0 * p,
    "half": lambda p, m, x, xs: 0.5 * p,
    "constant offset": lambda p, m, x, xs: p + 0.5,
}
LOCAL: dict[str, Mutation] = {
    "only for negative inputs": lambda p, m, x, xs: _rescale(p, lambda m: -x)(m),
    "only for large |x|": lambda p, m, x, xs: _rescale(p, lambda m: m.abs(x) - 20.0)(m),
}
# at the kink x = 0 only: sign(0) = 0 there; 2 is outside every one-sided slope in the table
KINK: Mutation = lambda p, m, x, xs: p + 2.0 * (1.0 - m.abs(m.sign(x)))  # noqa: E731

UNARY = (
    "neg", "abs", "exp", "log", "sqrt", "tanh", "sigmoid", "softplus", "relu", "selu", "sin", "cos",
)  # fmt: skip
BINARY = ("add", "sub", "mul", "div", "pow", "max", "leaky_relu", "elu")
KINKED = {"abs": 0, "relu": 0, "selu": 0, "leaky_relu": 0, "elu": 0}
# a second derivative that is not 0 everywhere: a float backward is wrong there
CURVED = ("exp", "log", "sqrt", "tanh", "sigmoid", "softplus", "sin", "cos", "mul", "div", "pow")


def mutant_op(op: Op, slot: int, mutation: Mutation, tag: str) -> Op:
    """A copy of ``op`` whose partial for ``slot`` is ``mutation`` of the true one."""
    true = op.partials[slot]

    def wrong(m: Any, *args: Any) -> Any:
        *operands, _out = args
        return mutation(true(m, *args), m, operands[slot], tuple(operands))

    partials = tuple(wrong if i == slot else p for i, p in enumerate(op.partials))
    return Op(f"{op.name}", op.symbol, op.inputs, op.forward, partials, domain=op.domain,
              kinks=op.kinks, domain_text=op.domain_text, notation=op.notation,
              kink_where_equal=op.kink_where_equal)  # fmt: skip


def _swapped(op: Op, slot: int) -> Op:
    """The partial for ``slot`` computed with the two operands exchanged (wrong operand)."""
    true = op.partials[slot]

    def wrong(m: Any, x: Any, y: Any, out: Any) -> Any:
        return true(m, y, x, out)

    partials = tuple(wrong if i == slot else p for i, p in enumerate(op.partials))
    return Op(op.name, op.symbol, op.inputs, op.forward, partials, domain=op.domain,
              kinks=op.kinks, domain_text=op.domain_text, notation=op.notation)  # fmt: skip


def float_backward(op: Op) -> type[Function]:
    """The op as a Function whose backward is right in value but computes floats.

    ``grad_output * (a float)`` is a Value for ``create_graph``, so the second derivative
    through it misses the partial's own dependence on the inputs: wrong only in second
    order.
    """

    def forward_many(ctx: Context, *xs: Any) -> float:
        values = tuple(float(x) for x in xs)
        ctx.save_for_backward(*values)
        return op.fwd(*values)

    # named inputs, as a learner writes them (check_gradients reads the signature)
    if op.arity == 1:

        def forward(ctx: Context, x: Any) -> float:
            return forward_many(ctx, x)

    else:

        def forward(ctx: Context, x: Any, y: Any) -> float:  # type: ignore[misc]
            return forward_many(ctx, x, y)

    def backward(ctx: Context, grad_output: Any) -> Any:
        values = ctx.saved_values
        out = op.fwd(*values)
        partials = op.local_partials(*values, out)
        return tuple(grad_output * p for p in partials)

    return type(op.name, (Function,), {"forward": staticmethod(forward),
                                       "backward": staticmethod(backward)})  # fmt: skip


def op_mutants() -> list[Bug]:
    """All generated op-table bugs."""
    bugs: list[Bug] = []

    def add(name: str, kind: str, target: Op, base: Op) -> None:
        bugs.append(Bug(f"op/{base.name}/{name}", "op", kind, target, base, base.domain,
                        base.name))  # fmt: skip

    for name in (*UNARY, *BINARY):
        op = OPS[name]
        for slot in range(op.arity):
            where = f"d{op.inputs[slot]}"
            for kind, mutation in EVERYWHERE.items():
                add(f"{where} {kind}", kind, mutant_op(op, slot, mutation, kind), op)
            for kind, mutation in LOCAL.items():
                if kind == "only for negative inputs" and op.domain[slot].low >= 0:
                    continue  # no negative input in the domain: not a bug
                if op.arity == 2 and slot == 1 and kind == "only for large |x|":
                    continue
                add(f"{where} {kind}", kind, mutant_op(op, slot, mutation, kind), op)
            if op.arity == 2 and name not in ("add", "sub"):
                add(f"{where} wrong operand", "wrong operand", _swapped(op, slot), op)
        if name in KINKED:
            add("wrong only at the kink", "wrong only at a kink",
                mutant_op(op, KINKED[name], KINK, "kink"), op)  # fmt: skip
    for name in CURVED:
        op = OPS[name]
        bugs.append(Bug(f"op/{name}/only in second order", "op", "only in second order",
                        float_backward(op), op, op.domain, name))  # fmt: skip
    return bugs


__all__ = ["float_backward", "mutant_op", "op_mutants"]
