"""The training loop: restarts, epochs, batches, validation, early stopping, progress.

One loop for both kinds of step (:mod:`nn.training.steps`): it orders the samples, asks
the step for each batch's objective and gradient, steps the optimizer, and records what
:class:`~nn.training.history.History` holds.
"""

from __future__ import annotations

import math
import random
import sys
from dataclasses import dataclass

import numpy as np

from autograd import Value
from nn import optim
from nn.module import Module
from nn.training.arguments import Plan
from nn.training.history import History
from nn.training.steps import CompiledStep, EagerStep

Step = EagerStep | CompiledStep


class Diverged(Exception):  # noqa: N818 - internal signal, turned into fit's ValueError
    """Training produced a non-finite loss or parameter."""


def train(plan: Plan, step: Step) -> History:
    """Train ``plan.options["restarts"]`` times, each from different weights; keep the best."""
    model, restarts = plan.model, plan.options["restarts"]
    init_rng = random.Random(plan.options["seed"])  # noqa: S311 - weight initialisation
    shuffler = np.random.default_rng(plan.options["seed"])
    starts = {tuple(p.data for p in model.parameters())}
    best: tuple[History, dict[str, float]] | None = None
    scores = []
    model.train()
    for restart in range(restarts):
        if restart:
            _redraw(model, init_rng, starts)
        opt = plan.make_optimizer()
        schedule = optim.LinearDecay(opt, plan.steps) if plan.options["lr_decay"] else None
        history = _Run(plan, step, opt, schedule, shuffler).run(restart)
        scores.append(history.score())
        if best is None or scores[-1] < best[0].score():
            best = (history, model.state_dict())
    model.eval()  # trained: evaluation mode, ready to predict (PyTorch users call eval())
    history, state = best  # type: ignore[misc]
    model.load_state_dict(state)
    history.restart_losses = scores
    return history


def _redraw(model: Module, rng: random.Random, starts: set[tuple[float, ...]]) -> None:
    """New initial weights that no earlier run started from.

    A restart is meant to try another starting point. With ``fit(seed=s)`` on a model built
    with ``seed=s`` the first redraw reproduces the constructor's weights, so it is drawn
    again (the generator has moved on).
    """
    for _ in range(8):
        model.reset_parameters(rng)
        start = tuple(p.data for p in model.parameters())
        if start not in starts:
            starts.add(start)
            return
    raise ValueError(
        f"fit(restarts): {type(model).__name__}.reset_parameters keeps drawing the same "
        f"weights, so restarts would repeat one run"
    )


@dataclass(frozen=True)
class _Run:
    """One training run: the plan, its step, and this run's optimizer and schedule."""

    plan: Plan
    step: Step
    opt: optim.Optimizer
    schedule: optim.Scheduler | None
    shuffler: np.random.Generator

    def run(self, restart: int) -> History:
        """Train from the model's current weights; returns the run's history."""
        options, model = self.plan.options, self.plan.model
        early_stopping, tol = options["early_stopping"], options["tol"]
        restarts = options["restarts"]
        history = History()
        best_val, best_state, stale = math.inf, model.state_dict(), 0
        description = f"restart {restart + 1}/{restarts}" if restarts > 1 else "training"
        shown = show_progress(options["progress"])
        bar = progress_bar(shown)(
            range(options["epochs"]), desc=description, disable=not shown, leave=True
        )
        for epoch in bar:
            self._epoch(history)
            postfix = {"loss": f"{history.loss[-1]:.4f}"}
            if history.accuracy[-1] is not None:
                postfix["acc"] = f"{history.accuracy[-1]:.3f}"
            history.best_epoch = epoch
            if self.plan.val.rows:
                val_loss, val_accuracy = self.step.validate()
                history.val_loss.append(val_loss)
                history.val_accuracy.append(val_accuracy)
                postfix["val_loss"] = f"{val_loss:.4f}"
                if val_loss < best_val:
                    best_val, best_state, stale = val_loss, model.state_dict(), 0
                else:
                    stale += 1
                    if early_stopping is not None:
                        history.best_epoch = epoch - stale
            bar.set_postfix(postfix)
            if early_stopping is not None and stale >= early_stopping:
                history.stopped_early = True
                break
            if tol is not None and epoch and abs(history.loss[-1] - history.loss[-2]) < tol:
                history.converged = True
                break
        bar.close()
        if early_stopping is not None:
            model.load_state_dict(best_state)
        return history

    def _epoch(self, history: History) -> None:
        """One pass over the training samples, in batches of ``plan.size``."""
        plan, step, opt = self.plan, self.step, self.opt
        count, size = len(plan.train.rows), plan.size
        order = self.shuffler.permutation(count) if size < count else np.arange(count)
        classify = plan.labels.kind != "regression"
        total = 0.0
        scores: np.ndarray | None = None
        for start in range(0, count, size):
            batch = order[start : start + size]
            opt.zero_grad()  # then either step adds the batch's gradient in
            objective, batch_scores = step.batch(batch)
            if not math.isfinite(objective):
                raise Diverged(
                    f"the loss became {objective} at epoch {history.epochs + 1}, "
                    f"step {start // size + 1}"
                )
            opt.step()
            if self.schedule is not None:
                self.schedule.step()
            total += objective * len(batch)
            if classify:
                if scores is None:
                    scores = np.empty((count, *batch_scores.shape[1:]))
                scores[batch] = batch_scores
        _check_finite(step.parameters, history)
        history.loss.append(total / count)
        history.accuracy.append(
            plan.labels.accuracy(step.train_scores(scores), plan.train.y)  # type: ignore[arg-type]
            if classify
            else None
        )


def _check_finite(params: list[Value], history: History) -> None:
    if not all(math.isfinite(p.data) for p in params):
        raise Diverged(f"a parameter became inf or nan in epoch {history.epochs + 1}")


def show_progress(progress: bool) -> bool:
    """Whether to draw a bar: in a terminal or a Jupyter kernel, not into a file or pipe."""
    if not progress:
        return False
    return in_jupyter_kernel() or sys.stderr.isatty()


def progress_bar(shown: bool) -> type:
    """The tqdm class to draw with: the notebook widget in a kernel that has ipywidgets.

    Not ``tqdm.auto``: importing it in a kernel without ipywidgets prints tqdm's red
    "IProgress not found" warning, even for a bar that is never shown. Here the text bar
    is used, quietly, wherever the widget cannot be drawn.

    Example:
        >>> progress_bar(False).__module__
        'tqdm.std'
    """
    # Imported here: only fit needs tqdm, and it is slow to import.
    if shown and in_jupyter_kernel():
        try:
            from tqdm import notebook  # noqa: PLC0415
        except ImportError:
            notebook = None
        if notebook is not None and getattr(notebook, "IProgress", None) is not None:
            return notebook.tqdm
    from tqdm.std import tqdm  # noqa: PLC0415

    return tqdm


def in_jupyter_kernel() -> bool:
    """A running kernel, not merely an imported ipykernel (a test runner imports it too)."""
    # IPython's shell in a kernel holds the kernel object.
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return getattr(shell, "kernel", None) is not None
