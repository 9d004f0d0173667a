"""``History``: what one training run measured, epoch by epoch."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class History:
    """What :func:`fit` measured, one entry per epoch run.

    Attributes:
        loss: the training objective (data loss + L2 penalty), averaged over the epoch's
            batches, measured during the epoch (before each batch's update).
        accuracy: training accuracy from the same forward passes (None for regression);
            for a model with dropout, from a forward pass in evaluation mode after the
            epoch (the training passes drop units at random).
        val_loss, val_accuracy: on the validation data after the epoch (empty without it).
        best_epoch: the epoch whose weights the model holds at the end (early stopping
            restores them); the last epoch otherwise.
        stopped_early: validation loss stopped improving for ``early_stopping`` epochs.
        converged: the loss changed by less than ``tol`` between two epochs.
        restart_losses: the final loss of each random restart (the best one is kept).
    """

    loss: list[float] = field(default_factory=list)
    accuracy: list[float | None] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float | None] = field(default_factory=list)
    best_epoch: int = 0
    stopped_early: bool = False
    converged: bool = False
    restart_losses: list[float] = field(default_factory=list)

    @property
    def epochs(self) -> int:
        """Number of epochs run."""
        return len(self.loss)

    def score(self) -> float:
        """The loss that ranks restarts: best validation loss, else the final training loss."""
        return self.val_loss[self.best_epoch] if self.val_loss else self.loss[-1]

    def __repr__(self) -> str:
        """A one-line summary: first and last values, not every epoch's.

        Example:
            >>> History(loss=[0.9, 0.5, 0.25], accuracy=[0.5, 0.75, 1.0], best_epoch=2)
            History(3 epochs, loss 0.9 -> 0.25, accuracy 0.5 -> 1, best epoch 2)
        """
        parts = [f"{self.epochs} epoch{'s' if self.epochs != 1 else ''}"]
        for name, series in (
            ("loss", self.loss),
            ("accuracy", self.accuracy),
            ("val_loss", self.val_loss),
            ("val_accuracy", self.val_accuracy),
        ):
            if series and series[0] is not None:
                parts.append(f"{name} {series[0]:.4g} -> {series[-1]:.4g}")
        if self.epochs:
            parts.append(f"best epoch {self.best_epoch}")
        parts += [flag for flag in ("stopped_early", "converged") if getattr(self, flag)]
        if self.restart_losses:
            parts.append(f"{len(self.restart_losses)} restarts")
        return f"History({', '.join(parts)})"
