"""Every public yes/no argument of autograd and nn takes a bool (numpy's too) and nothing else.

The rule (chainrule's, as scikit-learn's ``"boolean"`` and PyTorch's ``requires_grad``): a
str, None, a float or an int, 0 and 1 included, is a TypeError naming the function, the
argument and the value, raised before anything changes. The arguments are found by reading
the signatures of the public names, so a new flag without a case here fails the last test.
"""

import functools
import importlib
import inspect

import numpy as np
import pytest

import autograd
import nn
from autograd import Value

X, Y = [[0.0, 1.0], [1.0, 0.0]], [0, 1]


def _testing():
    pytest.importorskip("hypothesis", reason="autograd.testing needs the strategies extra")
    return importlib.import_module("autograd.testing")


def _shuffled(name, b):
    return getattr(nn.datasets, name)(10, shuffle=b)


CASES = {
    ("autograd.CompiledFunction", "verify"): lambda b: autograd.CompiledFunction(
        lambda a: a * 2, verify=b
    ),
    ("autograd.CompiledFunction", "fuse"): lambda b: autograd.CompiledFunction(
        lambda a: a * 2, fuse=b
    ),
    ("autograd.grad", "create_graph"): lambda b: autograd.grad(Value(1.0) * 2, Value(1.0), b),
    ("autograd.Interval", "low_closed"): lambda b: autograd.Interval(0.0, low_closed=b),
    ("autograd.Interval", "high_closed"): lambda b: autograd.Interval(0.0, high_closed=b),
    ("autograd.Op", "variadic"): lambda b: autograd.Op(
        "twice", "2*", ("x",), lambda m, x: 2 * x, (lambda m, x, out: 2.0,), variadic=b
    ),
    ("autograd.Op", "kink_where_equal"): lambda b: autograd.Op(
        "twice", "2*", ("x",), lambda m, x: 2 * x, (lambda m, x, out: 2.0,), kink_where_equal=b
    ),
    ("autograd.compile", "verify"): lambda b: autograd.compile(lambda a: a * 2, verify=b),
    ("autograd.compile", "fuse"): lambda b: autograd.compile(lambda a: a * 2, fuse=b),
    ("autograd.CompiledFunction.grad", "wrt_inputs"): lambda b: autograd.compile(
        lambda a: a * 2
    ).grad(1.0, wrt_inputs=b),
    ("autograd.Value", "parameter"): lambda b: Value(1.0, parameter=b),
    ("autograd.testing.check_gradients", "shapes"): lambda b: _testing().check_gradients(
        lambda a: a * 2, shapes=b, max_examples=2
    ),
    ("nn.Neuron", "nonlin"): lambda b: nn.Neuron(2, nonlin=b),
    ("nn.Layer", "nonlin"): lambda b: nn.Layer(2, 2, nonlin=b),
    ("nn.Module.train", "mode"): lambda b: nn.MLP(2, [2]).train(b),
    ("nn.fit", "progress"): lambda b: nn.fit(nn.MLP(2, [1]), X, Y, epochs=1, progress=b),
    ("nn.fit", "compiled"): lambda b: nn.fit(
        nn.MLP(2, [1]), X, Y, epochs=1, progress=False, compiled=b
    ),
    ("nn.datasets.load_digits", "as_frame"): lambda b: nn.datasets.load_digits(as_frame=b),
    ("nn.datasets.load_digits", "return_X_y"): lambda b: nn.datasets.load_digits(return_X_y=b),
    ("nn.datasets.make_blobs", "return_centers"): lambda b: nn.datasets.make_blobs(
        10, return_centers=b
    ),
    **{
        (f"nn.datasets.{name}", "shuffle"): functools.partial(_shuffled, name)
        for name in ("make_blobs", "make_circles", "make_digits", "make_moons", "make_spiral")
    },
    ("nn.datasets.make_xor", "shuffle"): lambda b: nn.datasets.make_xor(12, shuffle=b),
}

# Flags that are not a user's yes/no: fields of records chainrule fills in (History,
# Report), the protocol a custom op implements (CustomOp), a tuple of bools (Context).
NOT_USER_FLAGS = {
    ("autograd.Context", "needs_input_grad"),
    ("autograd.CustomOp.contributions", "create_graph"),
    ("autograd.CustomOp.input_error", "derivative"),
    ("autograd.Op.input_error", "derivative"),
    ("autograd.testing.Report", "pruned"),
    ("nn.History", "converged"),
    ("nn.History", "stopped_early"),
}
BAD = ["no", None, 2, 1, 0, 1.0, np.int64(1)]


@pytest.mark.parametrize("case", sorted(CASES), ids="{0[0]}({0[1]})".format)
@pytest.mark.parametrize("bad", BAD, ids=repr)
def test_a_non_bool_is_a_type_error_naming_function_argument_and_value(case, bad):
    function, name = case
    if bad is None and name == "nonlin":
        pytest.skip("nonlin=None means unset (activation= decides)")
    short = function.rsplit(".", 1)[-1]
    short = {"CompiledFunction": "compile"}.get(short, short)  # compile's class says compile
    with pytest.raises(TypeError) as info:
        CASES[case](bad)
    message = str(info.value)
    assert f"{short}({name}): expected True or False, got {type(bad).__name__}" in message


@pytest.mark.parametrize("case", sorted(CASES), ids="{0[0]}({0[1]})".format)
def test_numpy_bools_are_bools(case):
    CASES[case](np.False_)


def test_a_refused_flag_changes_nothing():
    model = nn.MLP(2, [2, 1], dropout=0.5, seed=0).eval()
    with pytest.raises(TypeError):
        model.train("yes")
    assert not any(module.training for module in model.modules())
    v = Value(1.0, parameter=True)
    with pytest.raises(TypeError, match=r"is_parameter\(value\): expected True or False"):
        v.is_parameter = "no"
    assert v.is_parameter is True
    v.is_parameter = np.False_
    assert v.is_parameter is False


def _public_flags():
    found = set()
    for package in ("autograd", "nn", "nn.datasets", "autograd.testing"):
        try:
            module = importlib.import_module(package)
        except ImportError:  # autograd.testing without hypothesis still imports; be safe
            continue
        for name in module.__all__:
            obj = getattr(module, name)
            owners = [(f"{package}.{name}", obj)]
            if inspect.isclass(obj):
                owners += [
                    (f"{package}.{name}.{attr}", getattr(obj, attr))
                    for attr, member in vars(obj).items()
                    if not attr.startswith("_") and callable(member)
                ]
            for where, target in owners:
                try:
                    parameters = inspect.signature(target).parameters.values()
                except (TypeError, ValueError):
                    continue
                found |= {
                    (where, p.name)
                    for p in parameters
                    if ("bool" in str(p.annotation) and "tuple" not in str(p.annotation))
                    or isinstance(p.default, bool)
                }
    return found


def test_every_public_flag_has_a_case():
    found = {(w.removesuffix(".__init__"), n) for w, n in _public_flags()}
    found |= {("nn.Neuron", "nonlin"), ("nn.Layer", "nonlin")}  # bool | None
    assert found - set(CASES) - NOT_USER_FLAGS == set()
    assert set(CASES) - found == set()
