"""An interactive explorer of a whole graph: one self-contained HTML page, offline.

``viz.explore(loss)`` opens where :func:`viz.draw` stops: it starts folded at the same
default depth, and a click opens a box (a Layer into its Neurons, a Neuron into its
values) or folds it again. Clicking a value shows its data, grad, op, scope path and
the chain rule on each of its edges (local partial times upstream gradient = contribution,
the numbers the static drawing prints); search finds values by label, focus lights up
everything a value's gradient flows through, and the backward stepper walks the values
now shown from the output back, one chain rule at a time.

Python computes everything the page shows (the scope tree, every number as text, each
box's lines, each edge's chain rule); the page's script only lays out what is open
(a layered layout, each scope packed as a block) and switches what is shown. The page
needs no server, kernel or network: scripts, styles and data are inside the one file.
"""

from __future__ import annotations

import hashlib
import itertools
import os
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

from autograd import Value, local_partials, topological_order
from viz.display import SCROLL_HEIGHT, png_display, scrolled_picture
from viz.dot import draw
from viz.embed import html_document, script_json
from viz.engines import RenderError, render_svg
from viz.labels import box_lines, chain_text, format_number, node_kind, op_text
from viz.options import check_root as _check_root
from viz.output import write_atomic
from viz.scopes import ScopeTree, preview

_DISPLAYS = itertools.count(1)  # each notebook display gets its own element id

MAX_VALUES = 200_000
"""The largest graph :func:`explore` pages by default: 100,000 values open in about 2 s."""


def _asset(name: str) -> str:
    return resources.files("viz").joinpath(name).read_text(encoding="utf-8")


def _partials(node: Value) -> tuple[float, ...]:
    try:
        return local_partials(node)
    except (ArithmeticError, ValueError):  # undefined at this point (sqrt at 0): say so
        return ()


def _cut_lines(lines: list[str]) -> list[str]:
    """A folded box's lines when some of its values are cut, saying so.

    Its counts and its parameters' gradient norm are of the values shown only.
    """
    shown = [("shown params' grad norm" + line[15:]) if line.startswith("param grad norm")
             else line for line in lines]  # fmt: skip
    return [*shown, "part cut: counts are of those shown"]


def graph_data(
    root: Value,
    depth: int | None = None,
    expand: Iterable[str] = (),
    max_values: int | None = None,
) -> dict[str, Any]:
    """Everything the explorer page shows about the graph of ``root``, as JSON-ready data.

    Args:
        root: the output Value.
        depth: the scope levels open at the start (None: the default of :func:`viz.draw`).
        expand: scope paths (``"Layer 1/Neuron 3"``) also open at the start.
        max_values: at most this many values are shown (None: all). A bigger graph shows
            the last ``max_values`` of its topological order (the first a backward walk
            from the output visits; with a value, every value using it) and one box of
            kind ``"cut"`` at index 0 standing for all the earlier ones: each edge from a
            value not shown into one shown is drawn from that box.

    Returns:
        ``values``: per Value (in topological order, index ``i`` is the drawing's ``n{i}``)
        its label, kind, op text, data and grad (drawn and in full), innermost scope,
        parents and the chain rule text of each operand edge; ``scopes``: per scope its
        name, path, parent, level and the lines of its folded box; ``depth``, ``height``,
        ``expand`` and ``cut`` (None, or what was left out: ``hidden``, ``total`` and the
        ``note`` the page shows).

    Raises:
        ValueError: a path in ``expand`` that is no scope of the graph.

    Example:
        >>> from autograd import Value
        >>> x = Value(2.0, "x")
        >>> y = x * x
        >>> y.backward()
        >>> data = graph_data(y)
        >>> data["values"][1]["op"], data["values"][1]["parents"], data["values"][1]["chain"]
        ('*', [0, 0], ['∂=2 · g=1 → 2', '∂=2 · g=1 → 2'])
    """
    order = topological_order(root)
    total = len(order)
    cut = None
    partial: set[Any] = set()  # scopes holding a value that is cut
    if max_values is not None and total > max_values:
        # The tail of a topological order holds every consumer of each value in it, so the
        # output and every path from a shown value to it are shown.
        hidden = total - max_values
        for node in order[:hidden]:
            outer = node.scope
            while outer is not None and outer not in partial:
                partial.add(outer)
                outer = outer.parent
        order = order[hidden:]
        cut = {
            "hidden": hidden,
            "total": total,
            "note": f"showing the {max_values:,} values nearest the output of {total:,} "
            f"({hidden:,} earlier {'one is' if hidden == 1 else 'ones are'} cut: one dashed box); "
            "viz.explore(v, max_values=...) shows more",
        }
    shift = 1 if cut else 0  # the cut box is value 0; value i of order is i + shift
    tree = ScopeTree(order, samples=True)
    position = {info: n for n, info in enumerate(tree.scopes)}
    group = tree.input_group
    listed = ([group] if group is not None else []) + tree.scopes
    number = {info: n for n, info in enumerate(listed)}
    scopes = [
        {
            "name": info.name,
            "path": info.path,
            "parent": -1 if info.parent is None else number[info.parent],
            "level": info.level,
            "lines": _cut_lines(box_lines(info, order, lambda i: order[i].grad))
            if info.scope is not None and info.scope in partial
            else box_lines(info, order, lambda i: order[i].grad),
            "size": len(info.members),
            "order": position.get(info, -1),  # -1: the inputs' group, drawn first
            "shared": info.shared,
        }
        for info in listed
    ]
    values = []
    if cut:
        values.append(
            {
                "label": f"{cut['hidden']:,} earlier values (not shown)",
                "kind": "cut",
                "op": "",
                "opName": "",
                "data": "",
                "grad": "",
                "dataFull": "(not shown: cut by max_values)",
                "gradFull": "(not shown: cut by max_values)",
                "scope": -1,
                "parents": [],
                "chain": [],
            }
        )
    for i, node in enumerate(order):
        chain = tree.chain(i)
        partials = _partials(node) if node.parents else ()
        values.append(
            {
                # An input repeated once per sample says which: x0[2].
                "label": node.label + (f"[{tree.sample_of[i]}]" if i in tree.sample_of else ""),
                "kind": node_kind(node, root),
                "op": op_text(node),
                "opName": node.op.name if node.op is not None else "",
                "data": format_number(node.data),
                "grad": format_number(node.grad),
                "dataFull": repr(node.data),
                "gradFull": repr(node.grad),
                "scope": number[chain[-1]] if chain else -1,
                # A parent cut off is drawn as the cut box: an edge that exists, cut.
                "parents": [
                    tree.index[parent] + shift if parent in tree.index else 0
                    for parent in node.parents
                ],
                "chain": [
                    chain_text(partials[slot], node.grad) if partials else "∂ undefined"
                    for slot in range(len(node.parents))
                ],
            }
        )
    paths = {info.path for info in listed}
    wanted = [expand] if isinstance(expand, str) else list(expand)
    unknown = [path for path in wanted if path not in paths]
    if unknown:
        raise ValueError(
            f"explore: expand names no scope of this graph: {unknown!r} (scopes: {preview(paths)})"
        )
    budget_depth = tree.default_depth()
    return {
        "expand": wanted,
        "values": values,
        "scopes": scopes,
        "depth": min(budget_depth if depth is None else depth, tree.height),
        "height": tree.height,
        "cut": cut,
    }


class Explorer:
    """The explorer page of one graph: shows itself in Jupyter, saves as one HTML file.

    Attributes:
        data: what the page shows (see :func:`graph_data`).
        cut: None, or the note saying which values the page leaves out (its status line
            shows it too).

    Example:
        >>> import pathlib, tempfile
        >>> from autograd import Value
        >>> x = Value(2.0, "x")
        >>> y = (x * 3).tanh()
        >>> y.backward()
        >>> page = explore(y)
        >>> path = page.save_html(pathlib.Path(tempfile.mkdtemp()) / "y.html")
        >>> text = path.read_text(encoding="utf-8")
        >>> text.count("<script"), "https://" in text
        (2, False)
    """

    def __init__(
        self,
        root: Value,
        depth: int | None = None,
        expand: Iterable[str] = (),
        max_values: int | None = None,
    ) -> None:
        self.data = graph_data(root, depth, expand, max_values)
        self.cut: str | None = self.data["cut"]["note"] if self.data["cut"] else None
        self._root = root
        self._depth = depth

    def html(self, fallback: str = "", suffix: str = "", *, whole_page: bool = False) -> str:
        """The explorer as one HTML fragment (styles, script and data inline).

        Args:
            fallback: HTML shown where scripts do not run (an untrusted notebook); the
                script hides it.
            suffix: added to the element's id, so one notebook can show a graph twice.
            whole_page: the explorer fills the window (a page of its own), rather than
                being as tall as its graph needs up to most of the window (a notebook).
        """
        # Each value as a row under one list of field names: a third smaller than objects.
        fields = list(self.data["values"][0]) if self.data["values"] else []
        packed = {
            **self.data,
            "fields": fields,
            "values": [[value[name] for name in fields] for value in self.data["values"]],
        }
        # Nothing user-written can end or bend the data script (see viz.embed).
        payload = script_json(packed)
        digest = hashlib.sha256(payload.encode("utf-8")).hexdigest()[:12]
        ident = f"chainrule-{digest}{suffix}"
        return (
            f'<div class="chainrule-explorer{" cr-page" if whole_page else ""}" id="{ident}">'
            f"<style>{_asset('explore.css')}</style>"
            f'<div class="cr-fallback">{fallback}</div>'
            f'<script type="application/json" class="cr-data">{payload}</script>'
            f"<script>{_asset('explore.js')}\nchainruleExplorer({script_json(ident)});</script>"
            "</div>"
        )

    def page(self) -> str:
        """The explorer as a whole HTML document."""
        return html_document("chainrule explorer", self.html(whole_page=True), fill=True)

    def save_html(self, path: str | os.PathLike[str]) -> Path:
        """Write the page to ``path``, atomically (no half-written file on failure).

        Returns:
            The path written.
        """
        return write_atomic(path, self.page().encode("utf-8"), "save_html")

    def _fallback(self) -> str:
        """A picture of the starting view, for displays that do not run the script."""
        if self.cut:  # Graphviz would lay out the whole huge graph: no picture
            return f"<p>(the explorer needs JavaScript; {self.cut})</p>"
        source = draw(self._root, depth=self._depth).source
        try:
            # The PNG has two pixels per point (sharp on dense screens); the width shows it
            # at the drawing's own size, as a Value's PNG in a notebook, never twice as big.
            encoded, metadata = png_display(render_svg(source), top=SCROLL_HEIGHT)
        except (RenderError, ImportError, ValueError):
            return "<p>(the explorer needs JavaScript; save it with .save_html(path))</p>"
        return scrolled_picture(
            encoded, "the graph at the starting depth", metadata.get("width")
        ) + (
            "<p>A still picture of the explorer's starting view: it becomes interactive when"
            " the notebook is trusted or run.</p>"
        )

    def __repr__(self) -> str:
        data = self.data
        return (
            f"Explorer({len(data['values']) - (1 if data['cut'] else 0):,} values"
            + (f" of {data['cut']['total']:,}" if data["cut"] else "")
            + f", {len(data['scopes']):,} scopes, "
            f"starting at depth {data['depth']} of {data['height']})"
        )

    def _repr_html_(self) -> str:
        return self.html(self._fallback(), suffix=f"-{next(_DISPLAYS)}")


def explore(
    root: Value,
    *,
    depth: int | None = None,
    expand: Iterable[str] = (),
    max_values: int = MAX_VALUES,
) -> Explorer:
    """An interactive explorer of the graph that produced ``root``.

    Args:
        root: the output Value (run ``backward()`` first to see gradients).
        depth: the scope levels open at the start; None picks the default of
            :func:`viz.draw` (the deepest that draws at most 100 boxes).
        expand: scope paths to open too at the start, with the scopes around them
            (``["Layer 1/Neuron 3"]``: the path as drawn, names joined with "/").
        max_values: the most values the page shows. A bigger graph is summarised up
            front: the ``max_values`` values nearest the output (the first a backward walk
            visits) are shown, the earlier ones are one dashed "not shown" box with a
            dashed edge into each shown value they feed, and ``Explorer.cut`` and the
            page's status line say what was left out. Gradients shown are the real ones.

    Returns:
        An :class:`Explorer`: it displays itself in Jupyter, and ``.save_html(path)``
        writes one self-contained page that works from disk, offline.

    Raises:
        TypeError: ``root`` is not a Value.
        ValueError: a depth that is not None or an int >= 0, an unknown scope path, or a
            ``max_values`` that is not an int >= 1.

    Example:
        >>> from autograd import Value
        >>> x, w = Value(2.0, "x"), Value(-3.0, "w", parameter=True)
        >>> y = x * w
        >>> y.backward()
        >>> [v["grad"] for v in explore(y).data["values"]]
        ['-3', '2', '1']
        >>> print(explore(y, max_values=2).cut)  # doctest: +NORMALIZE_WHITESPACE
        showing the 2 values nearest the output of 3 (1 earlier one is cut: one dashed box);
        viz.explore(v, max_values=...) shows more
    """
    root = _check_root(root, "explore")
    if depth is not None and (isinstance(depth, bool) or not isinstance(depth, int) or depth < 0):
        raise ValueError(f"explore: depth must be None or an int >= 0, got {depth!r}")
    if isinstance(max_values, bool) or not isinstance(max_values, int) or max_values < 1:
        raise ValueError(f"explore: max_values must be an int >= 1, got {max_values!r}")
    return Explorer(root, depth, expand, max_values)
