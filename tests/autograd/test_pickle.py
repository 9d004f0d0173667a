"""pickle and copy.deepcopy of Values: every op, shared nodes, and graphs of any depth.

The tests unpickle only bytes they pickled themselves (ruff's S301 is about untrusted data).
"""

from __future__ import annotations

import copy
import math
import pickle
import threading
from typing import Any

import pytest

from autograd import Value, apply, grad, no_grad, ops, scope, topological_order


def _unpickled(value: object, protocol: int = pickle.DEFAULT_PROTOCOL) -> Any:
    return pickle.loads(pickle.dumps(value, protocol=protocol))  # noqa: S301 - our own bytes


def _round_trips():
    return [
        pytest.param(_unpickled, id="pickle"),
        pytest.param(lambda v: _unpickled(v, protocol=2), id="pickle-2"),
        pytest.param(copy.deepcopy, id="deepcopy"),
    ]


def _sample(op: ops.Op) -> tuple[list[Value], Value]:
    """A node of ``op`` (and, for binary ops, with a folded number too), inside its domain."""
    point = {"x": 0.7, "y": 1.3, "slope": 0.1, "alpha": 0.5, "w": -0.4}
    if op.variadic:
        leaves = [Value(0.5 + 0.25 * i) for i in range(4)]
        return leaves, apply(op, *leaves)
    leaves = [Value(point.get(name, 0.7)) for name in op.inputs]
    node = apply(op, *leaves)
    if op.arity == 2:  # fold the second operand as a number, then combine
        node = node + apply(op, leaves[0], point.get(op.inputs[1], 0.7))
    return leaves, node


@pytest.mark.parametrize("copier", _round_trips())
@pytest.mark.parametrize("op", ops.TABLE, ids=[op.name for op in ops.TABLE])
def test_every_op_copies_with_its_data_gradients_and_table_entry(op, copier):
    leaves, node = _sample(op)
    expected = grad(node, leaves)
    copied = copier(node)
    assert copied is not node
    assert copied.data == node.data
    order, copied_order = topological_order(node), topological_order(copied)
    assert [n.op for n in copied_order] == [n.op for n in order]  # the same table entries
    assert all(n.op is None or ops.OPS[n.op.base.name] is n.op.base for n in copied_order)
    copied_leaves = [n for n in copied_order if not n.parents]
    assert grad(copied, copied_leaves) == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize("copier", _round_trips())
def test_shared_nodes_stay_shared_and_fields_survive(copier):
    with scope("layer"):
        w = Value(2.0, "w", parameter=True)
        a = w * w
    b = a + a  # the same parent twice
    c = b * a + w
    c.backward()
    neg_zero = Value(3.0) * -0.0
    with no_grad():
        frozen = c * 2
    copied_c, copied_w, copied_zero, copied_frozen = copier([c, w, neg_zero, frozen])
    first, second = copied_c.parents
    assert second is copied_w
    assert first.parents[1] is first.parents[0].parents[0]  # a is one node
    assert first.parents[0].parents == (first.parents[0].parents[0],) * 2  # a + a
    assert copied_w.grad == w.grad
    assert copied_w.label == "w"
    assert copied_w.is_parameter
    assert copied_w.scope.path == ("layer",)
    assert first.parents[1].scope is copied_w.scope
    assert math.copysign(1.0, copied_zero.data) == -1.0
    assert copied_zero.op.constants == {1: -0.0}
    assert copied_frozen.op is None
    assert copied_frozen.data == frozen.data


@pytest.mark.parametrize("copier", _round_trips())
def test_a_chain_of_100000_nodes_copies_without_recursion(copier):
    x = Value(1.0, "x")
    y = x
    for _ in range(100_000):
        y = y * 1.00001
    copied = copier(y)
    assert copied.data == y.data
    copied.backward()
    y.backward()
    copied_x = topological_order(copied)[0]
    assert copied_x.label == "x"
    assert copied_x.grad == x.grad


def test_copying_in_threads_is_independent():
    def chain(start: float) -> Value:
        y = Value(start)
        for _ in range(3_000):
            y = y * 1.0001 + 0.0001
        return y

    results: dict[int, bool] = {}

    def work(index: int) -> None:
        y = chain(float(index))
        results[index] = all(_unpickled(y).data == y.data for _ in range(3))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == dict.fromkeys(range(4), True)


def test_an_op_not_in_the_table_is_refused():
    outsider = ops.Op("twice", "2x", ("x",), lambda m, x: 2 * x, (lambda m, x, out: 2.0,))
    with pytest.raises(TypeError, match="only ops of the table pickle"):
        pickle.dumps(outsider)


class _Tagged(Value):
    """A subclass with an instance dict (no __slots__ of its own)."""


@pytest.mark.parametrize("copier", _round_trips())
def test_a_value_subclass_keeps_its_own_attributes(copier):
    x = _Tagged(2.0, "x")
    x.note = "kept"
    y = x * x
    copied = copier(y)
    (copied_x, _) = copied.parents
    assert type(copied_x) is _Tagged
    assert copied_x.note == "kept"
    assert copied.data == 4.0


_W = Value(0.5, "w", parameter=True)


def _weighted_tanh(x):  # module level: picklable by name
    return (_W * x).tanh()


@pytest.mark.parametrize("copier", _round_trips())
def test_a_compiled_function_copies_after_its_calls(copier):
    # Its generated programs hold the numpy module (once "cannot pickle 'module' object"
    # after a batch call): a copy drops them and writes them again at its first call.
    import numpy as np  # noqa: PLC0415 - the one numpy test here

    from autograd import compile  # noqa: PLC0415

    f = compile(_weighted_tanh, 1)
    batch = np.array([1.0, -2.0])
    f(batch), f.backward(batch), f(3.0)
    twin = copier(f)
    assert twin(batch).tolist() == [math.tanh(0.5), math.tanh(-1.0)]
    assert twin.grad(3.0).parameters == pytest.approx([3.0 * (1.0 - math.tanh(1.5) ** 2)])
    assert twin.parameters[0] is not f.parameters[0]  # the copy's own parameter
