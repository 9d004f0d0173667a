"""autograd.Function: PyTorch's and MiniTorch's shape of a user-defined op."""

from __future__ import annotations

import gc
import math
import weakref

import pytest

from autograd import Context, Function, GradcheckError, TraceError, Value, compile, grad, gradcheck


class Exp(Function):
    """Saves its output, as PyTorch's documentation example does."""

    @staticmethod
    def forward(ctx, x):
        result = math.exp(x)  # a Value is a number to math
        out = Value(result)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad_output):
        (result,) = ctx.saved_tensors
        return grad_output * result


class Mul(Function):
    """MiniTorch's ScalarFunction shape: forward on the inputs, backward a tuple."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b

    @staticmethod
    def backward(ctx, d_output):
        a, b = ctx.saved_values
        return d_output * b, d_output * a


class Sin(Function):
    """Computes its derivative with floats: right once, constant to a second derivative."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return math.sin(x)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_values
        return grad_output * math.cos(x)


class WrongSquare(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.data**2

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_values
        return grad_output * x  # should be 2 x


class Scale(Function):
    symbol = "scale"

    @staticmethod
    def forward(ctx, x, factor):
        ctx.factor = factor
        return x * factor

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output * ctx.factor, None


def test_forward_and_backward():
    x, y = Value(1.5, "x"), Value(-2.0, "y")
    z = Mul.apply(Exp.apply(x), y)
    z.backward()
    assert z.data == pytest.approx(-2.0 * math.exp(1.5))
    assert x.grad == pytest.approx(-2.0 * math.exp(1.5))
    assert y.grad == pytest.approx(math.exp(1.5))
    assert z.is_custom
    assert z._op == "Mul"
    assert z.parents[1] is y


def test_backward_step_by_step_with_the_lectures_backward_calls():
    x, y = Value(3.0), Value(4.0)
    z = Mul.apply(x, y)
    z.grad = 1.0
    z._backward()
    assert (x.grad, y.grad) == (4.0, 3.0)


def test_saving_the_output_gives_backward_the_output_node():
    x = Value(0.5)
    y = Exp.apply(x)
    ctx = y.op.ctx
    assert ctx.saved_values[0] is y


def test_second_and_third_order_through_a_function_computing_with_values():
    assert gradcheck(lambda a, b: Mul.apply(Exp.apply(a), b * a), [0.3, -1.2], order=3)
    x = Value(0.7)
    y = Exp.apply(Exp.apply(x))  # exp(exp(x))
    d1 = grad(y, x, create_graph=True)
    d2 = grad(d1, x)
    expected = math.exp(math.exp(0.7)) * math.exp(0.7) * (math.exp(0.7) + 1)
    assert d2 == pytest.approx(expected, rel=1e-12)


def test_a_backward_on_floats_is_right_once_and_caught_at_order_two():
    assert gradcheck(Sin.apply, [0.4])
    with pytest.raises(GradcheckError, match="derivative"):
        gradcheck(Sin.apply, [0.4], order=2)


def test_gradcheck_catches_a_wrong_function():
    with pytest.raises(GradcheckError, match="MISMATCH"):
        gradcheck(WrongSquare.apply, [1.5])


def test_number_arguments_are_not_parents_and_their_gradient_is_ignored():
    x = Value(2.0)
    y = Scale.apply(x, 3.0)
    y.backward()
    assert (y.data, x.grad, y.parents, y._op) == (6.0, 3.0, (x,), "scale")


def test_no_value_input_or_no_grad_gives_a_leaf():
    from autograd import no_grad  # noqa: PLC0415

    assert Mul.apply(2.0, 3.0).op is None
    with no_grad():
        assert Mul.apply(Value(2.0), 3.0).op is None


def test_backward_that_drops_grad_output_is_an_error_at_higher_order():
    class Constant(Function):
        @staticmethod
        def forward(ctx, x):
            return 2.0 * x.data

        @staticmethod
        def backward(ctx, grad_output):
            return 2.0

    x = Value(1.0)
    y = Constant.apply(x) * x
    assert grad(y, x) == 4.0
    with pytest.raises(TypeError, match=r"Constant\.backward.*grad_output"):
        grad(y, x, create_graph=True)


def test_bad_backward_results():
    class TooMany(Function):
        @staticmethod
        def forward(ctx, x):
            return x.data

        @staticmethod
        def backward(ctx, grad_output):
            return grad_output, grad_output

    class Text(Function):
        @staticmethod
        def forward(ctx, x):
            return x.data

        @staticmethod
        def backward(ctx, grad_output):
            return "one"

    class NoForward(Function):
        @staticmethod
        def backward(ctx, grad_output):
            return grad_output

    class BadForward(Function):
        @staticmethod
        def forward(ctx, x):
            return "x"

        @staticmethod
        def backward(ctx, grad_output):
            return grad_output

    with pytest.raises(TypeError, match=r"TooMany\.backward: returned 2 gradient\(s\) for the 1"):
        TooMany.apply(Value(1.0)).backward()
    with pytest.raises(TypeError, match=r"Text\.backward.*input 0.*str"):
        Text.apply(Value(1.0)).backward()
    with pytest.raises(TypeError, match="define both"):
        NoForward.apply(Value(1.0))
    with pytest.raises(TypeError, match=r"BadForward\.forward.*str"):
        BadForward.apply(Value(1.0))


def test_compile_refuses_a_function_by_name():
    f = compile(lambda x: Mul.apply(x, x))
    with pytest.raises(TraceError, match=r"'Mul'.*autograd\.Function"):
        f(2.0)


def test_a_function_graph_is_freed_without_the_cyclic_collector():
    gc.disable()
    try:
        x = Value(0.5)
        y = Exp.apply(x) + 1.0
        y.backward()
        watch = weakref.ref(y.parents[0])
        del y
        assert watch() is None
    finally:
        gc.enable()


def test_drawn_like_any_node():
    from viz import to_dot  # noqa: PLC0415

    x = Value(0.5, "x")
    assert "label=Mul" in to_dot(Mul.apply(x, x))


class _Round(Function):
    """round(x): piecewise constant, so its output takes no gradient (PyTorch's rule too)."""

    calls = 0

    @staticmethod
    def forward(ctx, x):
        out = float(round(x.data))
        ctx.mark_non_differentiable(out)
        return out

    @staticmethod
    def backward(ctx, grad_output):
        _Round.calls += 1
        return 0.0


def test_a_non_differentiable_output_is_a_leaf_and_backward_is_never_called():
    # As torch: an output marked by ctx.mark_non_differentiable has requires_grad=False.
    x = Value(2.4)
    y = _Round.apply(x)
    assert y.data == 2.0
    assert y.parents == ()
    z = x * 3 + y * x  # the graph around it still flows to x, but not through y
    z.backward()
    assert x.grad == 3 + 2.0
    assert grad(z, x) == 5.0
    assert _Round.calls == 0


def test_marking_anything_but_the_output_is_an_error():
    class Wrong(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.mark_non_differentiable(x)
            return x.data * 2

        @staticmethod
        def backward(ctx, grad_output):
            return grad_output * 2

    with pytest.raises(TypeError, match=r"Wrong\.forward: mark_non_differentiable"):
        Wrong.apply(Value(1.0))
    with pytest.raises(TypeError, match="mark_non_differentiable: takes forward's outputs"):
        Context().mark_non_differentiable()
