"""The worked examples: the seed notes' z = (x + y) * w, its report, and the moons MLP.

Example:
    >>> z = seed_example()
    >>> z.data, [p.grad for p in z.parents]
    (20.0, [4.0, 5.0])
"""

from __future__ import annotations

import os
from pathlib import Path

from autograd import Value, local_partials, topological_order


def seed_example() -> Value:
    """The seed notes' worked example after backward: z = (x + y) * w, x=2, y=3, w=4.

    Every node is labelled (x, y, w, q = x + y, z = q * w).

    Example:
        >>> z = seed_example()
        >>> z.label, z.data, z.parents[0].label, z.parents[0].grad
        ('z', 20.0, 'q', 4.0)
    """
    x, y, w = Value(2.0, "x"), Value(3.0, "y"), Value(4.0, "w")
    q = x + y
    q.label = "q"
    z = q * w
    z.label = "z"
    z.backward()
    return z


def number(x: float) -> str:
    """A number as the reports print it (``%g``)."""
    return f"{x:g}"


def explain(root: Value) -> str:
    """A text report of a graph after backward: values, gradients, the chain rule per edge.

    Each node's value and gradient, then each edge's upstream gradient x local partial
    = contribution. Nodes without a label are named n0, n1, ... in topological order.

    Example:
        >>> print(explain(seed_example()).splitlines()[-1])
          dz/dy += dz/dq * dq/dy = 4 * 1 = 4
    """
    # The op-printing rule is viz's, so the report and the drawings agree (x - 1, tanh(q));
    # imported here, so that the commands that print nothing pay nothing for viz.
    from viz.labels import expression  # noqa: PLC0415

    order = topological_order(root)
    names: dict[Value, str] = {}
    for index, node in enumerate(order):
        names[node] = node.label or f"n{index}"
    out = names[root]
    width = max(4, *(len(n) for n in names.values()))
    rows = [f"{'node':<{width}}  {'computed as':<16} {'value':>10} {'grad d' + out + '/dnode':>16}"]
    rows.extend(
        f"{names[node]:<{width}}  {expression(node, names.__getitem__):<16} "
        f"{number(node.data):>10} {number(node.grad):>16}"
        for node in order
    )
    rows.append("")
    rows.append("chain rule on each edge (upstream gradient x local partial = contribution):")
    for node in reversed(order):
        for parent, partial in zip(node.parents, local_partials(node), strict=True):
            rows.append(
                f"  d{out}/d{names[parent]} += d{out}/d{names[node]} * "
                f"d{names[node]}/d{names[parent]} = {number(node.grad)} * "
                f"{number(partial)} = {number(node.grad * partial)}"
            )
    return "\n".join(rows)


def demo() -> str:
    """The worked example from the seed notes: z = (x + y) * w with x=2, y=3, w=4.

    Example:
        >>> demo().splitlines()[0]
        'z = (x + y) * w with x = 2, y = 3, w = 4'
    """
    return "z = (x + y) * w with x = 2, y = 3, w = 4\n\n" + explain(seed_example())


def write_demo_files(output_dir: str | os.PathLike[str] = ".") -> list[Path]:
    """Draw the worked example: ``z.svg`` (the graph) and ``z_steps.html`` (the stepper).

    The graph's edges show the chain rule (``show_partials``), as the printed report does.
    ``output_dir`` is created if needed. Returns the paths written.
    """
    import viz  # noqa: PLC0415 - drawing needs graphviz; only the commands that draw pay

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
    # Compiled: the traced step replays as fused numpy code (the same numbers as eager).
    fit(model, X, y, loss="hinge", l2=1e-4, lr=1.0, lr_decay="linear", epochs=steps,
        progress=progress, compiled=True)  # fmt: skip
    _, accuracy = evaluate(model, X, y, loss="hinge")
    title = f"MLP(2, {MOONS_SIZES}) on moons: training accuracy {accuracy:.0%}"
    path = Path(output_dir) / "moons.png"
    plot_decision_boundary(model, X, y, path, title=title)
    summary = (
        f"moons: MLP(2, {MOONS_SIZES}), hinge loss + 1e-4 L2, {steps} steps of SGD "
        f"on 100 points: training accuracy {accuracy:.0%}"
    )
    return summary, path
