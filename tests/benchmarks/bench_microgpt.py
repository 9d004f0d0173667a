"""Row M of the engine benchmark: training a microgpt-shaped model, eager, three ways.

The workload is ours (:mod:`microgpt` beside this file), shaped like Karpathy's microgpt
of February 2026, which cannot be run here as published (no network to fetch it): a
one-layer, 4-head, 16-wide character decoder with rmsnorm, attention over a key/value
cache, a ReLU MLP and Adam, 12 training steps, one name per step. The same model code
runs on

- ``chainrule``: ``autograd.Value``;
- ``local gradients``: :class:`microgpt.LocalValue`, the leanest published design of a
  scalar engine (children and local gradients stored per node, no closures), written
  here from its description;
- ``float code``: plain floats, forward only (no graph, no gradient): the floor.

Before timing, both engines train 12 steps from the same weights and must give the same
losses (within 1e-12 relative; the largest difference is printed), else the script
stops. Each run trains 12 steps from fresh weights, the engines taking turns run by run
(3 runs, 1 with ``--quick``); the table gives medians. Within a step the forward pass
(building the graph), the backward pass, and the rest (Adam's update and freeing the
step's graph, which happens by reference counting for both engines) are timed apart.
Automatic garbage collection stays on, as users run it.

Run by ``bench_engine.py`` (its row M), or alone from the repository root::

    python tests/benchmarks/bench_microgpt.py [--quick]

Target: chainrule at least 2.5x faster than the local-gradient engine per training step.
"""

from __future__ import annotations

import gc
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import microgpt

from autograd import Value, topological_order

STEPS = 12
TARGET = 2.5
LOSS_TOLERANCE = 1e-12
CHAINRULE, LOCAL, FLOATS = "chainrule", "local gradients", "float code"


@dataclass(frozen=True)
class StepTimes:
    """Seconds spent over a run of ``STEPS`` training steps, by part."""

    forward: float
    backward: float
    rest: float  # Adam's update and freeing the step's graph

    @property
    def total(self) -> float:
        return self.forward + self.backward + self.rest


def train_timed(number: type, steps: int = STEPS) -> tuple[StepTimes, list[float]]:
    """Train ``steps`` steps with ``number``'s engine, timing each part; the losses."""
    model = microgpt.Model(number, seed=0)
    adam = microgpt.Adam(model.parameters())
    forward = backward = rest = 0.0
    losses = []
    clock = time.perf_counter
    for step in range(steps):
        tokens = microgpt.encode(microgpt.DOCUMENTS[step % len(microgpt.DOCUMENTS)])
        start = clock()
        loss = model.loss(tokens)
        built = clock()
        loss.backward()
        done = clock()
        adam.step()
        losses.append(loss.data)
        del loss  # the graph goes here, by reference counting (timed as part of `rest`)
        end = clock()
        forward += built - start
        backward += done - built
        rest += end - done
    return StepTimes(forward, backward, rest), losses


def forward_floats(steps: int = STEPS) -> StepTimes:
    """The same forward passes on plain floats (the weights stay at their start)."""
    model = microgpt.Model(float, seed=0)
    start = time.perf_counter()
    for step in range(steps):
        model.loss(microgpt.encode(microgpt.DOCUMENTS[step % len(microgpt.DOCUMENTS)]))
    return StepTimes(time.perf_counter() - start, 0.0, 0.0)


def check_losses() -> float:
    """The largest relative difference between the two engines' losses; exit if too big."""
    _, ours = train_timed(Value)
    _, theirs = train_timed(microgpt.LocalValue)
    worst = max(abs(a - b) / abs(b) for a, b in zip(ours, theirs, strict=True))
    if not worst <= LOSS_TOLERANCE:  # NaN fails too
        sys.exit(f"ABORTED: row M: the engines' losses differ by {worst:.3g} relative")
    return worst


def values_per_step() -> float:
    """The mean number of chainrule nodes (leaves included) in one step's graph."""
    model = microgpt.Model(Value, seed=0)
    counts = [
        len(topological_order(model.loss(microgpt.encode(document))))
        for document in microgpt.DOCUMENTS
    ]
    return statistics.fmean(counts)


def measure(runs: int) -> dict[str, list[StepTimes]]:
    """``runs`` runs of each implementation, taking turns."""
    todo: dict[str, Callable[[], StepTimes]] = {
        CHAINRULE: lambda: train_timed(Value)[0],
        LOCAL: lambda: train_timed(microgpt.LocalValue)[0],
        FLOATS: forward_floats,
    }
    samples: dict[str, list[StepTimes]] = {name: [] for name in todo}
    for run in range(runs):
        for name, timed in todo.items():
            print(f"  M microgpt-shaped training: {name}, run {run + 1}", file=sys.stderr)
            samples[name].append(timed())
    return samples


def median(times: list[StepTimes], part: str) -> float:
    return statistics.median(getattr(t, part) for t in times)


def print_row(quick: bool) -> None:
    """Check the losses, time the three implementations and print row M."""
    worst = check_losses()
    nodes = values_per_step()
    gc.collect()
    gc.freeze()  # what exists now is not the benchmark's garbage
    runs = 1 if quick else 3
    samples = measure(runs)
    print(
        f"M: microgpt-shaped training, {STEPS} steps (our workload, shaped like microgpt; "
        f"about {nodes:,.0f} chainrule values per step), median of {runs} interleaved runs, "
        "seconds:"
    )
    print()
    print("| implementation | forward | backward | Adam + freeing the graph | step total |")
    print("|---|--:|--:|--:|--:|")
    for name, times in samples.items():
        cells = [f"{median(times, part):.3f}" for part in ("forward", "backward", "rest")]
        if name == FLOATS:
            cells[1:] = ["(none)", "(none)"]
        total = "" if name == FLOATS else f"{median(times, 'total'):.3f}"
        print(f"| {name} | {' | '.join(cells)} | {total} |")
    print()
    ours, theirs = samples[CHAINRULE], samples[LOCAL]
    ratios = {
        part: median(theirs, part) / median(ours, part) for part in ("forward", "backward", "total")
    }
    floor = median(ours, "forward") / median(samples[FLOATS], "forward")
    verdict = "met" if ratios["total"] >= TARGET else "MISSED"
    print(
        f"- losses of the two engines: largest relative difference {worst:.2g} "
        f"(checked within {LOSS_TOLERANCE:g})"
    )
    print(
        f"- local gradients / chainrule: forward {ratios['forward']:.2f}x, backward "
        f"{ratios['backward']:.2f}x, step {ratios['total']:.2f}x "
        f"(target at least {TARGET:g}x: {verdict})"
    )
    print(f"- chainrule's forward / the float floor: {floor:.1f}x")
    print()


if __name__ == "__main__":
    print_row("--quick" in sys.argv[1:])
