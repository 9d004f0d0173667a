"""Drawings of parameters held by a ParameterStore are those of plain parameters."""

from __future__ import annotations

from autograd import ParameterStore
from nn import MLP
from viz import to_dot


def graph(stored: bool):
    model = MLP(2, [3, 1], seed=7)
    if stored:
        ParameterStore(model.parameters())
    out = model([0.5, -1.25])
    out.backward()
    return model, out


def test_a_graph_over_stored_parameters_draws_as_over_plain_ones():
    plain_model, plain = graph(stored=False)
    stored_model, stored = graph(stored=True)
    assert type(stored_model.parameters()[0]).__name__ == "StoredValue"
    assert type(plain_model.parameters()[0]).__name__ == "Value"
    assert to_dot(stored) == to_dot(plain)
    assert [p.grad for p in stored_model.parameters()] == [p.grad for p in plain_model.parameters()]
