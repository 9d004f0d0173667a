"""Every loss of ``nn.losses`` against PyTorch, live: values and gradients.

The oracle is ``torch.nn.functional`` in float64 where PyTorch has the loss (mse,
binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy with class indices
and with probabilities); hinge is ``relu(1 - y s).mean()`` and the perceptron criterion the
seed's ``-Σ_{y s <= 0} y s / n`` (a mask, not chainrule's formula), both in torch ops; l2
is ``strength * Σ p²``. Inputs: ordinary numbers (hypothesis), and the special ones, on
both sides of every switch: 0, the kinks, ±inf, NaN, saturated sigmoids.

Where chainrule deliberately differs, the test states the rule (see ``RULES``):

- **BCE's gradient where p (1 - p) < 1e-12**: PyTorch's backward divides by
  max(p (1 - p), 1e-12), chainrule differentiates its clamped formula exactly:
  -t/p + (1 - t)/(1 - p), with no gradient through a log clamped at -100.
- **NaN in, NaN gradient out**: at a NaN prediction chainrule's gradient is NaN where
  PyTorch's relu-based backward masks it to 0 (hinge, perceptron).
- **Where the loss is NaN** (a NaN or +inf logit in cross_entropy), PyTorch's gradient is
  NaN everywhere; chainrule's is NaN at least where the NaN came from (a component that
  the NaN does not reach keeps its finite value). Both losses are NaN.
- **Limits at infinite inputs**: where PyTorch's formula meets inf - inf and answers NaN,
  chainrule's eager value may be the limit instead: BCE-with-logits at z = -inf, t = 1
  is +inf (-log sigmoid(-inf)), and cross_entropy with a +inf logit that is not the
  target's is +inf (-log 0). At z = +inf with t = 1 both answer NaN (0 * inf). The test
  computes the limit by hand.
- **Rounding**: chainrule computes log(1 - p) after rounding 1 - p (no log1p op), PyTorch
  uses log1p(-p); PyTorch's BCE-with-logits formula cancels (z + log(e^-z + ...), an ulp
  of |z|), chainrule's softplus does not: values agree to 1e-14 absolute (1e-12 relative
  elsewhere). And
  chainrule's logistic gradients are exact where PyTorch's round to 0 (d/dz of
  BCE-with-logits at z = 40, t = 1 is -sigmoid(-40) = -4.2e-18 here, 1.0 - 1 = 0 there):
  gradients agree to 1e-15 absolute.
- **Bad input is an error, not a number**: a probability outside [0, 1] (NaN, ±inf)
  is a ValueError in chainrule, a RuntimeError in PyTorch.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value
from nn import losses

NAN, INF = math.nan, math.inf
SATURATED = 1.0 / (1.0 + math.exp(-40.0))  # sigmoid(40): 1.0 in float64
SCORES = [0.0, -0.0, 1.0, -1.0, 1.0 + 1e-12, 1.0 - 1e-12, 0.5, -2.5, 40.0, -40.0, 800.0,
          -800.0, INF, -INF, NAN]  # fmt: skip
PROBABILITIES = [0.0, 1.0, SATURATED, 1.0 - SATURATED, 1e-13, 1.0 - 1e-13, 1e-50,
                 math.exp(-100.0), 0.5, 0.25, NAN, INF, -INF, -0.0]  # fmt: skip


@dataclass(frozen=True)
class Loss:
    """One loss: chainrule's function, its PyTorch reference, and the inputs to try."""

    name: str
    ours: Callable[[list[Value], list[Any]], Value]
    theirs: Callable[[Any, Any, Any], Any]  # (torch, predictions tensor, targets tensor)
    predictions: list[float]
    targets: list[float]


def _hinge(torch: Any, s: Any, y: Any) -> Any:
    return torch.relu(1.0 - y * s).mean()


def _perceptron(torch: Any, s: Any, y: Any) -> Any:
    margin = y * s
    return -(margin * (margin <= 0)).sum() / len(s)


LOSSES = [
    Loss("mse", losses.mse, lambda torch, p, t: torch.nn.functional.mse_loss(p, t),
         SCORES, [0.0, 1.0, -3.0]),
    Loss("hinge", losses.hinge, _hinge, SCORES, [1.0, -1.0]),
    Loss("perceptron_criterion", losses.perceptron_criterion, _perceptron, SCORES, [1.0, -1.0]),
    Loss("binary_cross_entropy", losses.binary_cross_entropy,
         lambda torch, p, t: torch.nn.functional.binary_cross_entropy(p, t),
         PROBABILITIES, [0.0, 1.0, 0.25]),
    Loss("binary_cross_entropy_with_logits", losses.binary_cross_entropy_with_logits,
         lambda torch, z, t: torch.nn.functional.binary_cross_entropy_with_logits(z, t),
         SCORES, [0.0, 1.0, 0.25]),
]  # fmt: skip


def _ours(loss: Loss, predictions: list[float], targets: list[float]) -> Any:
    values = [Value(p) for p in predictions]
    try:
        out = loss.ours(values, targets)
    except ValueError:
        return None
    out.backward()
    return out.data, [v.grad for v in values]


def _theirs(torch: Any, loss: Loss, predictions: list[float], targets: list[float]) -> Any:
    p = torch.tensor(predictions, requires_grad=True)
    try:
        out = loss.theirs(torch, p, torch.tensor(targets))
    except (RuntimeError, ValueError):
        return None
    out.backward()
    return out.item(), p.grad.tolist()


def _bce_gradient_rule(p: float, t: float, n: int) -> float:
    """Chainrule's BCE gradient: the exact derivative of the clamped formula (see RULES)."""
    floor = math.exp(-100.0)

    def dlog(x: float) -> float:  # d/dx log(max(x, e^-100))
        return 1.0 / x if x > floor else (0.5 / x if x == floor else 0.0)

    return (-t * dlog(p) + (1.0 - t) * dlog(1.0 - p)) / n


def _limit(loss: Loss, p: float, t: float) -> float:
    """BCE-with-logits at z = ±inf in IEEE arithmetic: t softplus(-z) + (1 - t) softplus(z).

    softplus(inf) = inf and softplus(-inf) = 0; a target of exactly 0 or 1 then multiplies
    an inf by 0, which is NaN (as PyTorch's answer), not the limit 0.
    """
    return t * (INF if p == -INF else 0.0) + (1.0 - t) * (INF if p == INF else 0.0)


def _expected_value(loss: Loss, predictions: list[float], targets: list[float], theirs: float):
    """PyTorch's value, or the limit where it is NaN at an infinite logit (see the rules)."""
    infinite = [p for p in predictions if math.isinf(p)]
    if (
        loss.name == "binary_cross_entropy_with_logits"
        and math.isnan(theirs)
        and infinite
        and not any(math.isnan(p) for p in predictions)
    ):
        terms = [
            _limit(loss, p, t) if math.isinf(p) else NAN
            for p, t in zip(predictions, targets, strict=True)
        ]
        if all(not math.isnan(x) for x in terms):
            return sum(terms) / len(terms)
    return theirs


def _expected_gradient(loss: Loss, p: float, t: float, theirs: float, n: int) -> float:
    """PyTorch's gradient, or the stated rule where chainrule deliberately differs."""
    if math.isnan(p) and loss.name in ("hinge", "perceptron_criterion"):
        return NAN  # NaN in, NaN gradient out
    if loss.name == "binary_cross_entropy" and p * (1.0 - p) < 1e-12:
        return _bce_gradient_rule(p, t, n)
    return theirs


def _compare(torch: Any, loss: Loss, predictions: list[float], targets: list[float]) -> None:
    ours, theirs = _ours(loss, predictions, targets), _theirs(torch, loss, predictions, targets)
    where = f"{loss.name}({predictions}, {targets})"
    assert (ours is None) == (theirs is None), f"{where}: chainrule {ours}, torch {theirs}"
    if ours is None:
        return
    value = _expected_value(loss, predictions, targets, theirs[0])
    assert ours[0] == pytest.approx(value, rel=1e-12, abs=1e-14, nan_ok=True), where
    n = len(predictions)
    expected = [
        _expected_gradient(loss, p, t, g, n)
        for p, t, g in zip(predictions, targets, theirs[1], strict=True)
    ]
    assert ours[1] == pytest.approx(expected, rel=1e-12, abs=1e-15, nan_ok=True), where


@pytest.mark.parametrize("loss", LOSSES, ids=lambda loss: loss.name)
def test_each_special_input_against_torch(torch, loss):
    # One sample at each special prediction and target, then all of them in one batch
    # (the mean's gradient is 1/n of each term's).
    cases = 0
    for p in loss.predictions:
        for t in loss.targets:
            _compare(torch, loss, [p], [t])
            cases += 1
    finite = [p for p in loss.predictions if math.isfinite(p) and 0.0 <= p <= 1.0]
    batch = finite if loss.name == "binary_cross_entropy" else loss.predictions
    for t in loss.targets:
        _compare(torch, loss, batch, [t] * len(batch))
    assert cases == len(loss.predictions) * len(loss.targets)


ordinary = st.floats(-30.0, 30.0, allow_nan=False)


@pytest.mark.parametrize("loss", LOSSES, ids=lambda loss: loss.name)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_ordinary_batches_against_torch(torch, loss, data):
    n = data.draw(st.integers(1, 6))
    if loss.name == "binary_cross_entropy":
        predictions = data.draw(st.lists(st.floats(1e-6, 1.0 - 1e-6), min_size=n, max_size=n))
    else:
        predictions = data.draw(st.lists(ordinary, min_size=n, max_size=n))
    targets = data.draw(st.lists(st.sampled_from(loss.targets), min_size=n, max_size=n))
    _compare(torch, loss, predictions, targets)


LOGITS = [0.0, 1.0, -1.0, 40.0, -40.0, 800.0, -800.0, INF, -INF, NAN]


def _cross_entropy_pair(torch: Any, logits: list[float], target: Any) -> tuple[Any, Any]:
    values = [Value(z) for z in logits]
    out = losses.cross_entropy(values, target)
    out.backward()
    ours = (out.data, [v.grad for v in values])
    z = torch.tensor([logits], requires_grad=True)
    reference = torch.tensor([target])  # a class index, or a row of probabilities
    theirs = torch.nn.functional.cross_entropy(z, reference)
    theirs.backward()
    return ours, (theirs.item(), z.grad[0].tolist())


@pytest.mark.parametrize("soft", [False, True], ids=["index", "probabilities"])
def test_cross_entropy_against_torch(torch, soft):
    cases = 0
    for a in LOGITS:
        for b in LOGITS:
            for c in (0.0, 40.0, NAN):
                logits = [a, b, c]
                for k in range(3):
                    target: Any = [float(j == k) * 0.8 + 0.1 for j in range(3)] if soft else k
                    ours, theirs = _cross_entropy_pair(torch, logits, target)
                    where = f"cross_entropy({logits}, {target})"
                    limit = (
                        INF  # -log 0: a +inf logit, not the target's (see the rules)
                        if math.isnan(theirs[0])
                        and not soft
                        and INF in logits
                        and not any(math.isnan(z) for z in logits)
                        and logits[k] != INF
                        else theirs[0]
                    )
                    assert ours[0] == pytest.approx(limit, rel=1e-12, nan_ok=True), where
                    if math.isnan(theirs[0]):  # the rule for a NaN loss (module docstring)
                        assert any(math.isnan(g) for g in ours[1]), where
                        for z, g in zip(logits, ours[1], strict=True):
                            assert not (math.isnan(z) or z == INF) or math.isnan(g), where
                    else:
                        assert ours[1] == pytest.approx(
                            theirs[1], rel=1e-12, abs=1e-15, nan_ok=True
                        ), where
                    cases += 1
    assert cases == len(LOGITS) ** 2 * 9


@settings(max_examples=40, deadline=None)
@given(st.lists(ordinary, min_size=2, max_size=6), st.data())
def test_cross_entropy_batches_against_torch(torch, logits, data):
    k = len(logits)
    rows = [logits, [z * 0.5 - 1.0 for z in logits]]
    targets = [data.draw(st.integers(0, k - 1)) for _ in rows]
    values = [[Value(z) for z in row] for row in rows]
    out = losses.cross_entropy(values, targets)
    out.backward()
    z = torch.tensor(rows, requires_grad=True)
    theirs = torch.nn.functional.cross_entropy(z, torch.tensor(targets))
    theirs.backward()
    assert out.data == pytest.approx(theirs.item(), rel=1e-12)
    grads = [[v.grad for v in row] for row in values]
    assert np.allclose(grads, z.grad.numpy(), rtol=1e-10, atol=1e-15)


@settings(max_examples=30, deadline=None)
@given(st.lists(ordinary, min_size=1, max_size=8), st.floats(0.0, 10.0))
def test_l2_against_torch(torch, weights, strength):
    values = [Value(w) for w in weights]
    out = losses.l2(values, strength)
    out.backward()
    w = torch.tensor(weights, requires_grad=True)
    theirs = strength * (w**2).sum()
    theirs.backward()
    assert out.data == pytest.approx(theirs.item(), rel=1e-12, abs=1e-300)
    assert [v.grad for v in values] == pytest.approx(w.grad.tolist(), rel=1e-12, abs=1e-300)
