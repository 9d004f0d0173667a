"""print(history) is a one-line summary, not every epoch's numbers."""

from __future__ import annotations

from nn.training import History


def test_summary_shows_first_and_last_values_and_flags():
    history = History(
        loss=[0.9] + [0.5] * 300 + [0.125],
        accuracy=[0.5] * 301 + [1.0],
        val_loss=[1.0, 0.25],
        val_accuracy=[None, None],
        best_epoch=301,
        stopped_early=True,
    )
    text = repr(history)
    assert text == (
        "History(302 epochs, loss 0.9 -> 0.125, accuracy 0.5 -> 1, val_loss 1 -> 0.25, "
        "best epoch 301, stopped_early)"
    )
    assert str(history) == text
    assert "\n" not in text


def test_empty_and_restarts():
    assert repr(History()) == "History(0 epochs)"
    assert repr(History(loss=[1.0], restart_losses=[1.0, 2.0])) == (
        "History(1 epoch, loss 1 -> 1, best epoch 0, 2 restarts)"
    )
