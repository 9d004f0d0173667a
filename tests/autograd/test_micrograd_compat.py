"""Learners' code from micrograd and its lecture, run on chainrule with only the import changed.

Expected numbers are the published ones: the lecture's neuron (o = 0.7071, x1.grad = -1.5,
w1.grad = 1.0, x2.grad = 0.5, w2.grad = 0.0), micrograd's README example (24.7041,
138.8338, 645.5773) and its engine test's sanity check (y = -20, dy/dx = 46).
"""

from __future__ import annotations

import math

import pytest

from autograd import Value


def lecture_neuron():
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    x1w1x2w2 = x1w1 + x2w2
    n = x1w1x2w2 + b
    return (x1, x2, w1, w2, b), (x1w1, x2w2, x1w1x2w2, n)


def test_the_lecture_neuron_stepped_by_hand_with_backward_calls():
    (x1, x2, w1, w2, b), (x1w1, x2w2, x1w1x2w2, n) = lecture_neuron()
    o = n.tanh()
    o.grad = 1.0
    for node in (o, n, b, x1w1x2w2, x2w2, x1w1, x1, x2, w1, w2):
        node._backward()  # a leaf's does nothing
    assert f"{o.data:.4f}" == "0.7071"
    assert n.grad == pytest.approx(0.5)
    assert [x1.grad, w1.grad, x2.grad, w2.grad] == pytest.approx([-1.5, 1.0, 0.5, 0.0])
    assert b.grad == pytest.approx(0.5)


def test_the_lecture_neuron_with_backward_and_tanh_from_exp():
    (x1, x2, w1, w2, _), (_, _, _, n) = lecture_neuron()
    e = (2 * n).exp()
    o = (e - 1) / (e + 1)
    o.backward()
    assert round(o, 4) == 0.7071
    assert [x1.grad, w1.grad, x2.grad, w2.grad] == pytest.approx([-1.5, 1.0, 0.5, 0.0])


def test_the_lecture_expression_names():
    a, b, c = Value(2.0, label="a"), Value(-3.0, label="b"), Value(10.0, label="c")
    e = a * b
    d = e + c
    f = Value(-2.0, label="f")
    big_l = d * f
    assert (e._op, d._op, big_l._op, a._op) == ("*", "+", "*", "")
    assert d._prev == {e, c}
    assert a._prev == set()
    big_l.backward()
    assert big_l.data == -8.0
    assert (a.grad, b.grad, c.grad, d.grad, e.grad, f.grad) == (6.0, -4.0, -2.0, -2.0, -2.0, 4.0)


def test_op_strings_as_the_lecture_prints_them():
    x = Value(0.5)
    shown = [
        (x + x)._op,
        (x * 3)._op,
        (x**2)._op,
        (x**-1)._op,
        (x**0.5)._op,
        x.relu()._op,
        x.tanh()._op,
        x.exp()._op,
    ]
    assert shown == ["+", "*", "**2", "**-1", "**0.5", "ReLU", "tanh", "exp"]


def test_the_lectures_trace_and_topological_sort_walk_prev():
    # The lecture's graph walks, written from its description: over _prev, recursively.
    (_, _, _, _, _), (_, _, _, n) = lecture_neuron()
    o = n.tanh()
    nodes, edges = set(), set()

    def build(v):
        if v not in nodes:
            nodes.add(v)
            for child in v._prev:
                edges.add((child, v))
                build(child)

    build(o)
    assert len(nodes) == 10
    assert len(edges) == 9
    labels = sorted(str(id(v)) + v._op for v in nodes if v._op)
    assert len(labels) == 5
    topo, visited = [], set()

    def build_topo(v):
        if v not in visited:
            visited.add(v)
            for child in v._prev:
                build_topo(child)
            topo.append(v)

    build_topo(o)
    o.grad = 1.0
    for node in reversed(topo):
        node._backward()
    assert [v.grad for v in topo if v.label == "x1"] == pytest.approx([-1.5])


def test_prev_and_op_are_read_only():
    y = Value(2.0) * 3
    with pytest.raises(AttributeError):
        y._prev = set()
    with pytest.raises(AttributeError):
        y._op = "+"


def test_micrograds_readme_example():
    a = Value(-4.0)
    b = Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    assert f"{g.data:.4f}" == "24.7041"
    g.backward()
    assert f"{a.grad:.4f}" == "138.8338"
    assert f"{b.grad:.4f}" == "645.5773"


def test_micrograds_engine_sanity_check():
    x = Value(-4.0)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    assert (y.data, x.grad) == (-20.0, 46.0)


def test_micrograds_constructor_makes_a_custom_node():
    a, b = Value(2.0), Value(3.0)
    out = Value(a.data + b.data, (a, b), "+")

    def _backward():
        a.grad += out.grad
        b.grad += out.grad

    out._backward = _backward
    (out * out).backward()
    assert (a.grad, b.grad) == (10.0, 10.0)
    assert out._op == "+"
    assert out._prev == {a, b}
    assert out.is_custom
    assert out.parents == (a, b)


def test_extra_attributes_on_values():
    p = Value(1.0, parameter=True)
    p.m, p.v = 0.0, 0.0  # optimizer state, as EurekaLabs' AdamW keeps it
    p.m += 0.5
    node = p * 2
    node._vis_color = "red"  # a drawing's tag
    assert (p.m, p.v, node._vis_color) == (0.5, 0.0, "red")
    with pytest.raises(AttributeError):
        _ = Value(1.0).m


def test_values_stay_hashable_and_equal_by_identity():
    a, b = Value(1.0), Value(1.0)
    assert a != b  # two nodes, even with the same data
    assert [a].index(a) == 0  # list lookups use == and find the node itself
    assert len({a, b}) == 2
    assert {a: 1}[a] == 1


def test_math_functions_take_values():
    v = Value(0.25)
    assert math.isfinite(v)
    assert not math.isnan(v)
    assert math.sqrt(v) == 0.5
    assert math.floor(Value(2.7)) == 2
    assert math.ceil(Value(2.1)) == 3
    assert math.trunc(Value(-2.7)) == -2
