"""ParameterStore: stored Values behave as plain ones; the arrays are their numbers, live.

The semantics tests compare stored Values with plain copies of them, bit for bit: here the
self-comparison is the point (a stored Value must be indistinguishable from a plain one).
The numbers themselves are checked against PyTorch in tests/reference/test_store.py.
"""

from __future__ import annotations

import copy
import math
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import ParameterStore, Value, compile, grad
from autograd.store import StoredValue
from autograd.strategies import expressions


def round_trip(value):
    return pickle.loads(pickle.dumps(value))  # noqa: S301 - our own bytes


def same(a: float, b: float) -> bool:
    """Equal bit for bit, NaN included (0.0 and -0.0 differ)."""
    return math.copysign(1.0, a) == math.copysign(1.0, b) and (
        a == b or (math.isnan(a) and math.isnan(b))
    )


def stored(*numbers: float) -> tuple[ParameterStore, list[Value]]:
    values = [Value(x) for x in numbers]
    return ParameterStore(values), values


# --- the arrays are the numbers, both ways ----------------------------------------------
def test_the_arrays_hold_the_values_numbers_and_follow_every_write():
    a, b = Value(1.5, "a"), Value(-2.0)
    a.grad = 0.25
    store = ParameterStore([a, b])
    assert store.data.tolist() == [1.5, -2.0]
    assert store.grad.tolist() == [0.25, 0.0]
    a.data, b.grad = 7.0, 3.0
    b.grad += 0.5
    assert store.data.tolist() == [7.0, -2.0]
    assert store.grad.tolist() == [0.25, 3.5]
    store.data[1] = 9.0
    store.grad *= 2.0  # in place: allowed
    assert (b.data, a.grad, b.grad) == (9.0, 0.5, 7.0)
    assert type(a.data) is float
    assert type(a.grad) is float


def test_the_arrays_cannot_be_replaced():
    store, _ = stored(1.0)
    with pytest.raises(AttributeError, match=r"ParameterStore.data: .*store.data\[...\] = new"):
        store.data = np.zeros(1)
    with pytest.raises(AttributeError, match=r"ParameterStore.grad"):
        store.grad = store.grad.copy()


def test_non_finite_numbers_stay():
    store, (a, b, c) = stored(math.nan, math.inf, -math.inf)
    assert math.isnan(a.data)
    assert b.data == math.inf
    assert c.data == -math.inf
    a.grad = -math.inf
    assert store.grad[0] == -math.inf


def test_numbers_become_floats_and_anything_else_is_refused_naming_the_field():
    _, (a,) = stored(1.0)
    for number, expected in ((3, 3.0), (True, 1.0), (np.float32(0.5), 0.5), (np.int64(-2), -2.0)):
        a.data = number
        assert type(a.data) is float
        assert a.data == expected
        a.grad = number
        assert type(a.grad) is float
        assert a.grad == expected
    a.data = 4.0
    for bad in ("1.5", None, Value(2.0), 1j, [1.0]):
        for field in ("data", "grad"):
            before = getattr(a, field)
            with pytest.raises(TypeError, match=rf"Value\.{field}: expected a real number"):
                setattr(a, field, bad)
            assert getattr(a, field) == before  # nothing changed
    with pytest.raises(TypeError, match=r"got str: '1.5'"):
        a.data = "1.5"
    with pytest.raises(ValueError, match=r"too large for a float"):
        a.data = 10**400


def test_bad_params_are_refused_before_any_value_changes():
    a = Value(1.0)

    class Mine(Value):
        __slots__ = ()

    with pytest.raises(TypeError, match=r"item 1 is a Mine, expected a Value \(not a subclass"):
        ParameterStore([a, Mine(2.0)])
    with pytest.raises(TypeError, match=r"item 1 is a float"):
        ParameterStore([a, 2.0])
    with pytest.raises(ValueError, match=r"item 1 is listed twice"):
        ParameterStore([a, a])
    junk = Value(2.0)
    junk.data = "text"  # a plain Value's slot takes anything, as it always did
    with pytest.raises(TypeError, match=r"Value.data: .*got str: 'text'"):
        ParameterStore([a, junk])
    assert type(a) is Value
    assert type(junk) is Value
    assert ParameterStore.storable(a)
    assert not ParameterStore.storable(Mine(1.0))


# --- one store at a time ---------------------------------------------------------------
def test_a_second_store_takes_values_over_with_their_current_numbers():
    first, (a, b, c) = stored(1.0, 2.0, 3.0)
    b.grad = 5.0
    before = ParameterStore.epoch()
    second = ParameterStore([c, b])
    assert ParameterStore.epoch() != before
    assert (first.intact, first.generation, second.intact) == (False, 1, True)
    assert second.data.tolist() == [3.0, 2.0]
    assert second.grad.tolist() == [0.0, 5.0]
    b.data = 20.0  # now written to the second store only
    assert second.data[1] == 20.0
    assert first.data[1] == 2.0
    assert a.data == 1.0
    assert first.data[0] == 1.0
    ParameterStore([a])
    assert first.generation == 2
    assert second.intact


def test_locate_finds_one_intact_store_and_the_indices():
    store, (a, b, c) = stored(1.0, 2.0, 3.0)
    assert ParameterStore.locate([a, b, c]) == (store, None)
    found, index = ParameterStore.locate([c, a])
    assert found is store
    assert index.tolist() == [2, 0]
    assert ParameterStore.locate([a, Value(1.0)]) is None
    assert ParameterStore.locate([]) is None
    ParameterStore([b])
    assert ParameterStore.locate([a]) is None  # the store is no longer intact


# --- a stored Value is a Value ---------------------------------------------------------
def test_a_stored_value_prints_and_answers_as_a_plain_one():
    plain = Value(2.5, "w", parameter=True)
    plain.grad = -1.0
    twin = Value(2.5, "w", parameter=True)
    twin.grad = -1.0
    ParameterStore([twin])
    assert type(twin) is StoredValue
    assert isinstance(twin, Value)
    assert repr(twin) == repr(plain)
    assert (twin.is_parameter, twin.label, twin.op, twin.parents) == (True, "w", None, ())
    assert float(twin) == 2.5
    assert twin > 2
    assert f"{twin:.1f}" == "2.5"
    twin.m = 0.5  # extra attributes, as an optimizer of the lectures hangs them
    assert twin.m == 0.5
    assert twin.detach().data == 2.5
    assert type(twin.detach()) is Value


def _two_passes(expression, leaves, shift):
    """Backward, a write to a leaf, a second accumulating backward: numbers or the error."""
    try:
        expression(*leaves).backward()
        leaves[0].data += shift
        again = expression(*leaves)
        again.backward(0.5)
        gradients = grad(expression(*leaves), leaves)
    except (ArithmeticError, ValueError) as error:  # a shift can leave an op's domain
        return str(error)
    return [again.data, *gradients, *(x for p in leaves for x in (p.data, p.grad))]


@settings(max_examples=60, deadline=None)
@given(expressions(max_inputs=3, max_steps=10), st.floats(-3, 3))
def test_random_graphs_on_stored_leaves_equal_plain_leaves_bit_for_bit(expression, shift):
    plain = [Value(x, parameter=True) for x in expression.inputs]
    twins = [Value(x, parameter=True) for x in expression.inputs]
    ParameterStore(twins)
    expected = _two_passes(expression, plain, shift)
    found = _two_passes(expression, twins, shift)
    if isinstance(expected, str):
        assert found == expected
    else:
        assert all(map(same, expected, found)), (expected, found)


def test_compiled_replays_read_and_add_into_the_store_and_follow_writes():
    w = [Value(x, f"w{i}", parameter=True) for i, x in enumerate((0.5, -1.0, 2.0))]
    plain = [Value(p.data, p.label, parameter=True) for p in w]
    store = ParameterStore(w[::-1])  # the tape's order is not the store's: indexed
    x = np.linspace(-1.0, 1.0, 7)
    for params in (plain, w):
        f = compile(lambda x, params=params: (params[0] * x + params[1]).tanh() * params[2])
        f.backward(x, reduce="mean")
        f.backward(0.25)  # the float path too
        params[1].data = 3.0  # read live by the next call
        f.backward(x)
    assert [p.grad for p in w] == [p.grad for p in plain]
    assert store.grad.tolist() == [p.grad for p in plain[::-1]]


def test_a_compiled_backward_adopts_plain_parameters_once():
    w = [Value(x, parameter=True) for x in (0.5, -1.0)]
    f = compile(lambda x: w[0] * x + w[1])
    f(2.0)
    f.grad(np.ones(3))
    assert all(type(p) is Value for p in w)
    f.backward(np.ones(3))
    store, index = ParameterStore.locate(w)
    assert index is None
    assert store.grad.tolist() == [3.0, 3.0]
    f.backward(2.0)
    assert ParameterStore.locate(w)[0] is store
    assert store.grad.tolist() == [5.0, 4.0]
    other = ParameterStore(w[1:])  # takes one over: the next backward adopts nothing
    f.backward(1.0)
    assert ParameterStore.locate(w) is None
    assert (w[0].grad, w[1].grad, other.grad.tolist()) == (6.0, 5.0, [5.0])


# --- copies are plain Values ------------------------------------------------------------
@pytest.mark.parametrize(
    "copier",
    [copy.copy, copy.deepcopy, round_trip],
    ids=["copy", "deepcopy", "pickle"],
)
def test_copies_are_plain_values_with_the_current_numbers(copier):
    w = Value(1.0, "w", parameter=True)
    w.note = "kept"
    store = ParameterStore([w])
    store.data[0], store.grad[0] = 4.0, -0.5
    copied = copier(w)
    assert type(copied) is Value
    assert copied is not w
    assert (copied.data, copied.grad, copied.label, copied.is_parameter) == (4.0, -0.5, "w", True)
    assert vars(copied) == {"note": "kept"}
    copied.data = 9.0
    assert w.data == 4.0  # independent of the store


def test_a_copied_graph_keeps_identity_and_holds_no_store():
    store, (a, b) = stored(2.0, 3.0)
    out = a * b + a
    out.backward()
    copied = round_trip([out, a])
    new_out, new_a = copied
    assert new_out.parents[1] is new_a
    assert type(new_a) is Value
    assert (new_out.data, new_a.grad) == (8.0, 4.0)
    assert store.grad.tolist() == [4.0, 2.0]


def test_a_copied_store_adopts_the_copies():
    store, values = stored(1.0, 2.0)
    duplicate = copy.deepcopy({"store": store, "values": values})
    new_store, new_values = duplicate["store"], duplicate["values"]
    assert new_store.params == tuple(new_values)
    assert new_store.intact
    assert store.intact
    new_values[0].data = 5.0
    assert new_store.data.tolist() == [5.0, 2.0]
    assert store.data.tolist() == [1.0, 2.0]
