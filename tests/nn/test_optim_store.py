"""An optimizer's parameter store: the array path, the per-Value path, and the buffers.

Every optimizer works on its ParameterStore's arrays while the store is intact, and on
per-Value reads and writes otherwise (another optimizer took the parameters over, or a
parameter is of a Value subclass, never adopted). The numbers of both paths are checked
against torch.optim in tests/reference/test_store.py; here, that both paths give the same
numbers as an optimizer on untouched plain Values, bit for bit, and the list interface.
"""

from __future__ import annotations

import math

import pytest

from autograd import ParameterStore, Value
from nn.optim import SGD, Adam, AdamW, RMSprop

RULES = [
    (SGD, {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.01}),
    (Adam, {"lr": 0.05}),
    (AdamW, {"lr": 0.05, "weight_decay": 0.1}),
    (RMSprop, {"lr": 0.01, "momentum": 0.5}),
]


class Tagged(Value):
    """A user's Value subclass: a store would replace its class, so it is never adopted."""

    __slots__ = ()


def gradient(step: int, index: int, data: float) -> float:
    return math.sin(3.0 * step + index) + 0.1 * data


def train(params, optimizer, steps=range(6)):
    for step in steps:
        optimizer.zero_grad()
        for index, p in enumerate(params):
            p.grad += gradient(step, index, p.data)
        optimizer.step()
    return [p.data for p in params]


@pytest.mark.parametrize(("rule", "options"), RULES, ids=lambda r: getattr(r, "__name__", ""))
def test_every_path_gives_the_same_numbers(rule, options):
    numbers = [0.5, -1.5, 2.0, 0.0, 3.25]
    plain = [Tagged(x) for x in numbers]
    expected = train(plain, rule(plain, **options), range(9))  # the per-Value path only
    assert all(type(p) is Tagged for p in plain)
    stored = [Value(x) for x in numbers]
    optimizer = rule(stored, **options)
    train(stored, optimizer, range(3))  # the array path
    taken = rule(stored, **options)  # takes the Values over: the first one falls back
    assert ParameterStore.locate(stored)[0].params == tuple(stored)
    train(stored, optimizer, range(3, 6))  # the per-Value path on stored Values
    taken.load_state_dict(optimizer.state_dict())
    assert train(stored, taken, range(6, 9)) == expected  # the array path again


def test_buffers_read_as_lists_and_are_set_from_lists():
    w = [Value(1.0), Value(2.0)]
    optimizer = RMSprop(w, lr=0.1)
    assert optimizer.square_averages == [0.0, 0.0]
    assert type(optimizer.buffers) is list
    optimizer.square_averages = [4.0, 1]
    assert optimizer.square_averages == [4.0, 1.0]
    for p in w:
        p.grad = 2.0
    optimizer.step()
    v = [0.99 * 4.0 + (1.0 - 0.99) * 4.0, 0.99 * 1.0 + (1.0 - 0.99) * 4.0]
    assert optimizer.square_averages == v
    assert optimizer.buffers == [2.0 / (math.sqrt(x) + 1e-8) for x in v]
    returned = optimizer.square_averages
    returned[0] = 100.0  # a copy: the optimizer's state is unchanged
    assert optimizer.square_averages == v
    with pytest.raises(ValueError, match=r"RMSprop.buffers: buffers has 1 entries for 2 param"):
        optimizer.buffers = [0.0]
    with pytest.raises(TypeError, match=r"RMSprop.buffers: buffers must be a list of floats"):
        optimizer.buffers = [0.0, "1"]
    with pytest.raises(TypeError, match=r"must be a list of floats"):
        optimizer.buffers = "00"
    assert optimizer.buffers == [2.0 / (math.sqrt(x) + 1e-8) for x in v]  # unchanged


def test_zero_grad_and_step_reach_every_value_on_both_paths():
    w = [Value(1.0), Value(2.0)]
    first = SGD(w, lr=0.5)
    for p in w:
        p.grad = 1.0
    first.step()
    assert [p.data for p in w] == [0.5, 1.5]
    first.zero_grad()
    assert [p.grad for p in w] == [0.0, 0.0]
    SGD(w[1:], lr=0.5)  # takes w[1] over
    for p in w:
        p.grad = 2.0
    first.step()  # the per-Value path: w[1] lives in the other store now
    assert [p.data for p in w] == [-0.5, 0.5]
    first.zero_grad()
    assert [p.grad for p in w] == [0.0, 0.0]


def test_a_params_list_put_in_place_is_stepped_per_value():
    first, second = [Value(1.0)], [Value(5.0)]
    optimizer = SGD(first, lr=0.5)
    optimizer.params = second  # not adopted: the per-Value path updates these
    second[0].grad = 2.0
    optimizer.step()
    assert (first[0].data, second[0].data) == (1.0, 4.0)
    optimizer.zero_grad()
    assert second[0].grad == 0.0
