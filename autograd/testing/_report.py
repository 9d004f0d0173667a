"""What a failed check reports: the plain-words message and the drawn guilty edge."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autograd import topological_order, write_atomically
from autograd.testing._nodes import SCALING, SEED_GRAD, Finding, name_of

WRONG = "#d62728"  # the guilty edge
SAVE_TYPES = {".svg": "svg", ".dot": "dot", ".gv": "dot", ".png": "png"}


class GradientMismatch(AssertionError):  # noqa: N818 - the name issue 21 fixes
    """A wrong derivative was found; ``report`` holds the details and draws them."""

    report: Report


def _number(x: float) -> str:
    return f"{x:.6g}"


@dataclass
class Report:
    """The shrunk counterexample of :func:`check_gradients`.

    Attributes:
        finding: the wrong local derivative (node, parent slot, analytic, numeric, property).
        shape: how the function was wired into the graph that failed.
        inputs: the function's input values, shrunk.
        ops: how many op nodes the reported graph has.
        pruned: the guilty node was re-checked alone and still failed.
        seed: the seed that reproduces the search.
        target: the checked function's name.
    """

    finding: Finding
    shape: str
    inputs: dict[str, float]
    ops: int
    pruned: bool
    seed: int
    target: str

    @property
    def guilty(self) -> str:
        """The guilty node as the message names it, or "the output" if none was found."""
        node = self.finding.node
        return name_of(node) if node is not None else "the output"

    def _parent_text(self, slot: int) -> str:
        node = self.finding.node
        if node is None or slot >= len(node.parents):
            return list(self.inputs)[min(slot, len(self.inputs) - 1)]
        parent = node.parents[slot]
        return f"{parent.label or f'input {slot}'} = {_number(parent.data)}"

    def message(self) -> str:
        """The failure in plain words."""
        f = self.finding
        wrt = self._parent_text(f.slot)
        if f.prop == "second order":
            what = f"d2 / d({wrt}) d({self._parent_text(f.second_slot or 0)})"
        else:
            what = f"d / d({wrt})"
        inputs = ", ".join(f"{k} = {_number(v)}" for k, v in self.inputs.items())
        lines = [
            f"check_gradients({self.target}): wrong derivative in {self.guilty}",
            f"  property: {f.prop}",
            f"  {what}: analytic {_number(f.analytic)}, numeric {_number(f.numeric)}",
            f"  at inputs {inputs} (graph: {self.shape}; {self.ops} op(s) shown)",
            f"  reproduce with seed={self.seed}",
        ]
        if f.prop == "accumulation under reuse":
            lines.insert(2, "  the backward replaces the parent's .grad instead of adding "
                            "to it (= where += belongs)")  # fmt: skip
        if f.prop == SCALING:
            lines[2] = (
                f"  {what} per unit of out.grad: {_number(f.analytic)} at out.grad = "
                f"{_number(2 * SEED_GRAD)}, {_number(f.numeric)} at out.grad = "
                f"{_number(SEED_GRAD)}: the backward must multiply by out.grad"
            )
        if f.prop == "end to end":
            lines.insert(2, "  every node with a forward passed alone; this node has no "
                            "forward to re-run, so it is the one left")  # fmt: skip
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.message()

    # --- the drawing ---------------------------------------------------------------------
    def dot_source(self) -> str:
        """The failing graph in DOT, the guilty edge in red with analytic and numeric on it."""
        return self.graph().source

    def graph(self) -> Any:
        """A ``viz.Graph`` of the failing graph (viz is imported here, lazily)."""
        import graphviz  # noqa: PLC0415 - viz's dependency: only drawings need it

        from viz import Graph  # noqa: PLC0415 - autograd never imports viz at import time

        node = self.finding.node
        graph = Graph("gradient_mismatch", graph_attr={"rankdir": "LR"},
                      node_attr={"shape": "record", "fontname": "Verdana", "fontsize": "10"},
                      edge_attr={"fontname": "Verdana", "fontsize": "9"})  # fmt: skip
        if node is None:
            graph.node("out", graphviz.escape(f"output | {self.target}"))
            return graph
        order = topological_order(node)
        ids = {id(n): f"n{k}" for k, n in enumerate(order)}
        guilty_parent = node.parents[self.finding.slot]
        for n in order:
            if n.op is None:
                text = f"{n.label or 'input'} | data {_number(n.data)}"
            else:
                text = f"{name_of(n)} | data {_number(n.data)}"
            colour = WRONG if n is node else "black"
            graph.node(ids[id(n)], graphviz.escape(text).replace("\\|", "|"), color=colour)
            for k, p in enumerate(n.parents):
                if n is node and p is guilty_parent and k == self.finding.slot:
                    f = self.finding
                    parts = [f.prop, f"analytic {_number(f.analytic)}",
                             f"numeric {_number(f.numeric)}"]  # fmt: skip
                    if f.prop == SCALING:  # two readings of the backward, no numeric
                        parts[1:] = [
                            f"{_number(f.analytic)} at out.grad {_number(2 * SEED_GRAD)}",
                            f"{_number(f.numeric)} at out.grad {_number(SEED_GRAD)}",
                        ]
                    label = "\\n".join(graphviz.escape(part) for part in parts)
                    graph.edge(ids[id(p)], ids[id(n)], label=label,
                               color=WRONG, fontcolor=WRONG, penwidth="2.5")  # fmt: skip
                else:
                    graph.edge(ids[id(p)], ids[id(n)])
        with graph.subgraph(name="cluster_legend") as legend:
            legend.attr(label="legend", fontname="Verdana", fontsize="9", style="dashed")
            legend.node("legend_a", "", shape="point", width="0.05")
            legend.node("legend_b", "", shape="point", width="0.05")
            legend.edge(
                "legend_a",
                "legend_b",
                label="wrong local derivative\\n(analytic vs numeric)",
                color=WRONG,
                fontcolor=WRONG,
                penwidth="2.5",
            )
        return graph

    def _repr_svg_(self) -> str | None:
        return self.graph()._repr_svg_()

    def _repr_html_(self) -> str:
        import html  # noqa: PLC0415 - only notebooks display the report

        svg = self._repr_svg_() or ""
        text = html.escape(self.message())
        return f"<div><pre>{text}</pre>{svg}</div>"

    def save(self, path: str | os.PathLike[str], engine: str = "auto") -> Path:
        """Write the drawing to ``path`` (.svg, .png, .dot or .gv), atomically.

        Raises:
            ValueError: an unsupported extension (checked before anything is written).
        """
        suffix = Path(path).suffix.lower()
        if suffix not in SAVE_TYPES:
            raise ValueError(
                f"Report.save: cannot write {os.fspath(path)!r}: unsupported extension "
                f"{suffix or '(none)'!r} (use one of {', '.join(SAVE_TYPES)})"
            )
        from viz import render  # noqa: PLC0415 - autograd never imports viz at import time

        source = self.dot_source()
        fmt = SAVE_TYPES[suffix]
        data = source.encode() if fmt == "dot" else render(source, fmt, engine)
        return write_atomically(path, data, "Report.save")


__all__ = ["GradientMismatch", "Report"]
