"""Optimizers on a parameter store: the array path, the per-Value path, and the buffers.

An optimizer works on the arrays of the intact ParameterStore holding all its parameters
(a compiled loss's backward puts them there), in the store's order or through indices, and
on per-Value reads and writes otherwise (eager training: no store; one store took some of
them from another). The numbers of both paths are checked
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
    expected = train(plain, rule(plain, **options), range(12))  # the per-Value path only
    assert all(type(p) is Tagged for p in plain)
    stored = [Value(x) for x in numbers]
    optimizer = rule(stored, **options)
    assert all(type(p) is Value for p in stored)  # an optimizer adopts nothing
    train(stored, optimizer, range(3))  # the per-Value path
    ParameterStore(stored)
    train(stored, optimizer, range(3, 6))  # the array path, in the store's order
    ParameterStore(stored[::-1])
    train(stored, optimizer, range(6, 9))  # the array path, through indices
    ParameterStore(stored[:2])  # the reversed store is no longer intact
    assert ParameterStore.locate(stored) is None
    train(stored, optimizer, range(9, 12))  # the per-Value path on stored Values
    assert [p.data for p in stored] == expected


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
    ParameterStore(w)
    for p in w:
        p.grad = 1.0
    first.step()
    assert [p.data for p in w] == [0.5, 1.5]
    first.zero_grad()
    assert [p.grad for p in w] == [0.0, 0.0]
    ParameterStore(w[1:])  # takes w[1] over
    for p in w:
        p.grad = 2.0
    first.step()  # the per-Value path: w[1] lives in the other store now
    assert [p.data for p in w] == [-0.5, 0.5]
    first.zero_grad()
    assert [p.grad for p in w] == [0.0, 0.0]


def test_a_params_list_put_in_place_is_stepped_per_value():
    first, second = [Value(1.0)], [Value(5.0)]
    optimizer = SGD(first, lr=0.5)
    ParameterStore(first)
    optimizer.params = second  # found nowhere: the per-Value path updates these
    second[0].grad = 2.0
    optimizer.step()
    assert (first[0].data, second[0].data) == (1.0, 4.0)
    optimizer.zero_grad()
    assert second[0].grad == 0.0


@pytest.mark.parametrize(
    "change",
    [
        lambda params, new: params.__setitem__(0, new),
        lambda params, new: params.__setitem__(slice(0, 1), [new]),
        lambda params, new: (params.pop(0), params.insert(0, new)),
        lambda params, new: (params.clear(), params.extend([new])),
    ],
)
def test_a_params_list_changed_in_place_steps_what_it_holds(change):
    old, new = Value(1.0), Value(5.0)
    optimizer = SGD([old], lr=0.5)
    ParameterStore([old])
    old.grad = 2.0
    optimizer.step()  # found in the store: its arrays are stepped
    assert old.data == 0.0
    change(optimizer.params, new)
    new.grad = 2.0
    optimizer.step()  # the list changed: looked up again, so `new` is stepped, not `old`
    assert (old.data, new.data) == (0.0, 4.0)


def test_params_set_later_are_checked_like_the_constructors():
    optimizer = SGD([Value(1.0)], lr=0.1)
    with pytest.raises(TypeError, match=r"SGD\(params\): item 1 is a float, expected a Value"):
        optimizer.params = [Value(1.0), 2.0]
    w = Value(1.0)
    with pytest.raises(ValueError, match="listed twice"):
        optimizer.params = [w, w]
