"""Backward, one node at a time: the frames of the chain rule on a graph, as one HTML page.

:func:`backward_steps` replays what ``backward()`` does, in the same order (reverse
topological), computing every gradient itself from :func:`autograd.local_partials`, so
the Values' ``.grad`` are left untouched. Each frame records the node passing its gradient
on, what each parent received, and every gradient after the step.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from autograd import Value, local_partials, topological_order
from viz.build import Highlight, build_graph
from viz.display import fallback_html, picture_html
from viz.embed import html_document
from viz.engines import RenderError, render_svg
from viz.files import write_atomic
from viz.labels import check_texts, expression, format_constant, format_number, one_line, visible
from viz.options import DrawOptions
from viz.summary import count_nodes


@dataclass(frozen=True)
class Frame:
    """One step of backward.

    Attributes:
        step: 0 for the start (the output's gradient set to 1), then 1, 2, ...
        node: topological index of the node passing its gradient on (the output at step 0).
        grads: every node's gradient after the step, by topological index.
        updated: indices of the nodes whose gradient the step changed, in slot order.
        contributions: ``(parent index, local partial, contribution)`` per operand slot.
    """

    step: int
    node: int
    grads: tuple[float, ...]
    updated: tuple[int, ...]
    contributions: tuple[tuple[int, float, float], ...]


_XML_PROLOG = re.compile(r"<\?xml.*?\?>|<!DOCTYPE.*?>|<!--.*?-->", re.DOTALL)
_ID = re.compile(r'\bid="')

_STYLE = """
.chainrule-steps{font-family:Verdana,"DejaVu Sans",sans-serif;font-size:13px;max-width:100%}
.chainrule-steps .controls{display:none;gap:.4em;align-items:center;margin:.3em 0}
.chainrule-steps.js .controls{display:flex}
.chainrule-steps.js .frame-caption{display:none}
.chainrule-steps button{font:inherit;padding:.15em .6em;cursor:pointer}
.chainrule-steps button:disabled{color:#adb5bd;cursor:default}
.chainrule-steps .caption{min-height:2.6em;margin:.3em 0}
.chainrule-steps .frame{overflow-x:auto}
.chainrule-steps .frame svg{max-width:100%;height:auto}
"""

_SCRIPT = """
(function () {
  var root = document.querySelector('div.chainrule-steps[data-steps="%(key)s"]:not([data-ready])');
  if (!root) { return; }
  root.setAttribute('data-ready', '');
  root.classList.add('js');
  var frames = root.querySelectorAll('.frame');
  var caption = root.querySelector('.caption');
  var counter = root.querySelector('.counter');
  var slider = root.querySelector('input');
  var play = root.querySelector('[data-action=play]');
  var current = 0, timer = null;
  function show(k) {
    current = Math.max(0, Math.min(frames.length - 1, k));
    for (var i = 0; i < frames.length; i++) { frames[i].hidden = i !== current; }
    caption.textContent = frames[current].getAttribute('data-caption');
    counter.textContent = 'step ' + current + ' of ' + (frames.length - 1);
    slider.value = current;
    // The ends, visibly: nothing to go back to at the start, nor on to at the end.
    root.querySelectorAll('[data-action]').forEach(function (b) {
      var a = b.getAttribute('data-action');
      b.disabled = a === 'first' || a === 'previous' ? current === 0
        : (a === 'next' || a === 'last') && current === frames.length - 1;
    });
  }
  function stop() {
    if (timer !== null) { clearInterval(timer); timer = null; play.textContent = 'play'; }
  }
  function start() {
    if (current === frames.length - 1) { show(0); }
    play.textContent = 'pause';
    timer = setInterval(function () {
      if (current >= frames.length - 1) { stop(); } else { show(current + 1); }
    }, 1200);
  }
  root.addEventListener('click', function (event) {
    var action = event.target.getAttribute && event.target.getAttribute('data-action');
    if (!action) { return; }
    if (action === 'play') { if (timer === null) { start(); } else { stop(); } return; }
    stop();
    var next = {first: 0, previous: current - 1, next: current + 1, last: frames.length - 1};
    show(next[action]);
    if (event.target.disabled) { root.focus(); }  // keep the arrow keys' focus in the player
  });
  slider.addEventListener('input', function () { stop(); show(+slider.value); });
  root.addEventListener('keydown', function (event) {
    if (event.key === 'ArrowLeft') { stop(); show(current - 1); }
    if (event.key === 'ArrowRight') { stop(); show(current + 1); }
  });
  show(0);
})();
"""


class _Option:
    """A field of ``BackwardSteps.options`` as an attribute: set, it is checked and redrawn."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, steps: BackwardSteps | None, owner: type | None = None) -> Any:
        return self if steps is None else getattr(steps.options, self.name)

    def __set__(self, steps: BackwardSteps, value: object) -> None:
        steps.options = replace(steps.options, **{self.name: value})
        steps._svgs.clear()  # frames drawn with the old options


class BackwardSteps:
    """The frames of one backward pass, drawable as SVGs and as one HTML page.

    Made by :func:`backward_steps`. In Jupyter it displays as a player with previous,
    next and play buttons; the node being processed has a red border, the parents whose
    gradient it changed an orange one.

    Attributes:
        order: the graph's Values in topological order (frames refer to these indices).
        names: each Value's label as drawings show it (:func:`viz.labels.visible`), or
            ``n{index}``.
        frames: the steps, the start first.
        options: how each frame is drawn (its ``rankdir`` and ``legend``).
        rankdir: the layout direction of the drawings (``options.rankdir``; settable).
        legend: whether each drawing has the key to its colours and edge labels
            (``options.legend``; settable).
    """

    rankdir = _Option()
    legend = _Option()

    def __init__(
        self,
        order: list[Value],
        frames: list[Frame],
        rankdir: str | DrawOptions = "LR",
        legend: bool = True,
    ) -> None:
        self.order = order
        self.frames = frames
        options = rankdir
        if not isinstance(options, DrawOptions):
            options = DrawOptions(rankdir=rankdir, legend=legend, function="BackwardSteps")
        self.options = options
        self.names = [
            visible(node.label) or (format_constant(node.data) if node.is_constant else f"n{i}")
            for i, node in enumerate(order)
        ]
        self._svgs: dict[str, list[str]] = {}

    def __repr__(self) -> str:
        return f"BackwardSteps({len(self.order)} nodes, {len(self.frames)} frames)"

    def caption(self, frame: Frame) -> str:
        """What happens in ``frame``, in words and numbers.

        Example:
            >>> from autograd import Value
            >>> x, w = Value(2.0, "x"), Value(3.0, "w")
            >>> y = x * w
            >>> y.label = "y"
            >>> steps = backward_steps(y)
            >>> for part in steps.caption(steps.frames[1]).split(": "):
            ...     print(part)
            Step 1 of 1
            y = x * w passes dy/dy = 1 to its operands
            dy/dx += 1 · 3 = 3; dy/dw += 1 · 2 = 2
        """
        out = self.names[-1]
        if frame.step == 0:
            return f"Start: the output's own gradient d{out}/d{out} = 1."
        node = self.order[frame.node]
        index = {value: i for i, value in enumerate(self.order)}
        name = self.names[frame.node]
        upstream = format_number(frame.grads[frame.node])
        running = list(self.frames[frame.step - 1].grads)
        parts = []
        for parent, partial, contribution in frame.contributions:
            if self.order[parent].is_constant:  # a number in the op: no gradient to show
                continue
            text = (
                f"d{out}/d{self.names[parent]} += {upstream} · {format_number(partial)}"
                f" = {format_number(contribution)}"
            )
            if running[parent] != 0.0:  # it already had a gradient: show the sum
                text += f" (now {format_number(running[parent] + contribution)})"
            running[parent] += contribution
            parts.append(text)
        return (
            f"Step {frame.step} of {len(self.frames) - 1}: {name} = "
            f"{expression(node, lambda v: self.names[index[v]])} passes d{out}/d{name} = {upstream}"
            f" to its operands: {'; '.join(parts)}"
        )

    def dot(self, frame: Frame) -> str:
        """The DOT text of one frame: its gradients, the processed node marked.

        Example:
            >>> from autograd import Value
            >>> steps = backward_steps(Value(2.0, "x") * 3)
            >>> 'label="x | data 2 | grad 3"' in steps.dot(steps.frames[-1])
            True
        """
        return build_graph(
            self.order,
            rankdir=self.options.rankdir,
            show_grad=self.options.show_grad,
            edge_labels="local",
            grads=frame.grads,
            highlight=Highlight(frame.node, frozenset(frame.updated)),
            min_width=self._box_width(),
            legend=self.options.legend,
        ).source

    def _box_width(self) -> float:
        """One width for every Value box in every frame, so that no frame moves a node."""
        widest = 0
        for i, node in enumerate(self.order):
            texts = [one_line(node.label), f"data {format_number(node.data)}"]
            texts.extend(f"grad {format_number(frame.grads[i])}" for frame in self.frames)
            widest = max(widest, *(len(text) for text in texts))
        # 0.7 em per character of 11 pt text errs wide for Verdana, plus the field margins.
        return widest * 11 * 0.7 / 72 + 0.3

    def svgs(self, engine: str = "auto") -> list[str]:
        """One SVG per frame (rendered once, then kept).

        Raises:
            RenderError: no Graphviz engine is available.

        Example:
            >>> from autograd import Value
            >>> [svg.count("grad 3") for svg in backward_steps(Value(2.0, "x") * 3).svgs()]
            [0, 1]
        """
        if engine not in self._svgs:
            self._svgs[engine] = [render_svg(self.dot(frame), engine) for frame in self.frames]
        return self._svgs[engine]

    def _widget(self, engine: str) -> str:
        svgs = self.svgs(engine)
        key = hashlib.sha256("".join(svgs).encode("utf-8")).hexdigest()[:16]
        frames = []
        for frame, svg in zip(self.frames, svgs, strict=True):
            caption = html.escape(self.caption(frame))
            # Several SVGs share one page: their element ids must not collide.
            inline = _ID.sub(f'id="s{key}-f{frame.step}-', _XML_PROLOG.sub("", svg)).strip()
            frames.append(
                f'<div class="frame" data-caption="{caption}">'
                f'<p class="frame-caption">{caption}</p>{inline}</div>'
            )
        last = len(self.frames) - 1
        controls = (
            '<div class="controls">'
            '<button type="button" data-action="first">first</button>'
            '<button type="button" data-action="previous">previous</button>'
            '<button type="button" data-action="play">play</button>'
            '<button type="button" data-action="next">next</button>'
            '<button type="button" data-action="last">last</button>'
            f'<input type="range" min="0" max="{last}" value="0" aria-label="step">'
            '<span class="counter"></span></div><p class="caption"></p>'
        )
        return (
            f"<style>{_STYLE}</style>"
            f'<div class="chainrule-steps" data-steps="{key}" tabindex="0">'
            f"{controls}{''.join(frames)}</div>"
            f"<script>{_SCRIPT % {'key': key}}</script>"
        )

    def to_html(self, engine: str = "auto") -> str:
        """One self-contained HTML page: the frames as inline SVG, a few lines of CSS and JS.

        It loads nothing from anywhere else, so it works offline and inside an exported
        notebook. Without JavaScript it shows every frame, one under the other.

        Raises:
            RenderError: no Graphviz engine is available.

        Example:
            >>> from autograd import Value
            >>> page = backward_steps(Value(2.0, "x") * 3).to_html()
            >>> page.startswith("<!DOCTYPE html>"), page.count("<svg")
            (True, 2)
        """
        title = f"Backward through {self.names[-1]}, step by step"
        return html_document(title, self._widget(engine))

    def _repr_html_(self) -> str:
        """The player, behind a picture of the last frame for where scripts do not run.

        An untrusted or statically rendered notebook strips the player's script, style
        and SVG: it shows a PNG of the last frame (every gradient) and its caption.
        """
        try:
            live = self._widget("auto")
        # Display must not raise: without an engine, show the captions and the last
        # frame's DOT text instead.
        except RenderError as error:
            captions = "".join(f"<li>{html.escape(self.caption(f))}</li>" for f in self.frames)
            return f"<ol>{captions}</ol>" + fallback_html(error.dot_source, str(error))
        last = self.frames[-1]
        caption = (
            f"{self.caption(last)} (The last of {len(self.frames)} frames: run the notebook"
            " trusted, or save_html(), to step through backward.)"
        )
        try:
            return picture_html(live, self.svgs("auto")[-1], self.caption(last), caption)
        # Without resvg there is no picture: the player alone, as before.
        except (ImportError, ValueError):
            return live

    def save_html(self, path: str | os.PathLike[str], engine: str = "auto") -> Path:
        """Write :meth:`to_html` to ``path`` (atomically) and return the path.

        Example:
            >>> import pathlib, tempfile
            >>> from autograd import Value
            >>> folder = pathlib.Path(tempfile.mkdtemp())
            >>> backward_steps(Value(2.0) * 3).save_html(folder / "steps.html").name
            'steps.html'
        """
        return write_atomic(path, self.to_html(engine).encode("utf-8"), "save_html")

    def save_frames(self, directory: str | os.PathLike[str], engine: str = "auto") -> list[Path]:
        """Write one SVG per frame, ``frame_000.svg``, ``frame_001.svg``, ... into ``directory``.

        The directory is created if needed. Returns the paths, in step order.

        Example:
            >>> import pathlib, tempfile
            >>> from autograd import Value
            >>> folder = pathlib.Path(tempfile.mkdtemp()) / "frames"
            >>> [p.name for p in backward_steps(Value(2.0) * 3).save_frames(folder)]
            ['frame_000.svg', 'frame_001.svg']
        """
        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        digits = max(3, len(str(len(self.frames) - 1)))
        return [
            write_atomic(
                folder / f"frame_{frame.step:0{digits}d}.svg",
                svg.encode("utf-8"),
                "save_frames",
                "directory",
            )
            for frame, svg in zip(self.frames, self.svgs(engine), strict=True)
        ]


def backward_steps(
    root: Value, rankdir: str = "LR", max_nodes: int = 100, legend: bool = True
) -> BackwardSteps:
    """Record backward through the graph of ``root``, one frame per node it processes.

    Gradients are computed here from the local partials, as ``backward()`` would (start
    with d root / d root = 1, then in reverse topological order each node adds
    ``its gradient · local partial`` to each parent), without touching any ``.grad``.
    Leaves pass nothing on, so they get no frame of their own.

    Args:
        root: the output Value.
        rankdir: the layout direction of the frames (see :func:`viz.draw`).
        max_nodes: refuse larger graphs: a page of one drawing per step grows with the
            square of the graph.
        legend: draw the key to the colours and edge labels in every frame.

    Returns:
        The frames, with ways to draw them.

    Raises:
        TypeError: ``root`` is not a Value.
        ValueError: a graph above ``max_nodes``, an unknown ``rankdir``, or a local
            partial that is undefined (the message names the op).

    Example:
        >>> from autograd import Value
        >>> x, y, w = Value(2.0, "x"), Value(3.0, "y"), Value(4.0, "w")
        >>> steps = backward_steps((x + y) * w)
        >>> [(frame.node, frame.updated) for frame in steps.frames]
        [(4, (4,)), (4, (2, 3)), (2, (0, 1))]
        >>> steps.frames[-1].grads
        (4.0, 4.0, 4.0, 5.0, 1.0)
    """
    if not isinstance(root, Value):
        raise TypeError(f"backward_steps: expected a Value, got {type(root).__name__}")
    # One check of every option, as draw's; max_nodes here refuses instead of summarising.
    options = DrawOptions(
        rankdir=rankdir, max_nodes=max_nodes, legend=legend, function="backward_steps"
    )
    size = count_nodes(root, max_nodes)
    if size > max_nodes:
        raise ValueError(
            f"backward_steps: the graph has more than max_nodes={max_nodes} nodes; "
            "a page with one drawing per step would be huge (pass a larger max_nodes)"
        )
    order = topological_order(root)
    check_texts("backward_steps", order)
    index = {node: i for i, node in enumerate(order)}
    grads = [0.0] * len(order)
    last = len(order) - 1
    grads[last] = 1.0
    frames = [Frame(0, last, tuple(grads), (last,), ())]
    for i in range(last, -1, -1):
        node = order[i]
        if not node.parents:
            continue
        contributions = []
        for parent, partial in zip(node.parents, local_partials(node), strict=True):
            p = index[parent]
            contribution = grads[i] * partial
            grads[p] += contribution
            contributions.append((p, partial, contribution))
        updated = tuple(dict.fromkeys(p for p, _, _ in contributions))
        frames.append(Frame(len(frames), i, tuple(grads), updated, tuple(contributions)))
    return BackwardSteps(order, frames, options)
