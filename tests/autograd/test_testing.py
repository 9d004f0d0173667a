"""autograd.testing: check_gradients finds, names, shrinks and draws wrong derivatives."""

import math
import random

import pytest

from autograd import OPS, Function, Interval, Value
from autograd.testing import GradientMismatch, check_gradients, gradient_test
from autograd.testing._numeric import judge
from tests.gradient_bugs import corpus
from tests.gradient_bugs.bug import differs
from tests.gradient_bugs.closure_bugs import correct_closures
from tests.gradient_bugs.function_bugs import CORRECT
from tests.gradient_bugs.op_mutants import EVERYWHERE, float_backward, mutant_op

pytest.importorskip("hypothesis")


def cube_closure(x):
    out = Value(x.data**3, (x,), "cube")

    def _backward():
        x.grad += 3 * x.data * out.grad  # wrong: 3 * x.data**2

    out._backward = _backward
    return out


class Square(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.data * x.data

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_values
        return 2.0 * x  # forgets grad_output


class Cube(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.data**3

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_values
        return grad_output * 3.0 * x  # wrong: 3 x**2


def mismatch(fn, **options):
    with pytest.raises(GradientMismatch) as caught:
        check_gradients(fn, **options)
    return caught.value


# --- the search finds, names and measures ------------------------------------------------
def test_correct_functions_pass():
    assert check_gradients(lambda x, y: (x * y).tanh() + x.exp(), max_examples=40) == 40
    assert check_gradients(OPS["div"], max_examples=40) > 0


def test_a_wrong_closure_is_named_with_its_values():
    report = mismatch(cube_closure).report
    assert report.guilty == "closure 'cube'"
    # shrunk to the simplest input where 3x and 3x**2 differ among the edge values
    (x,) = report.inputs.values()
    assert x == -1.0
    assert report.finding.analytic == pytest.approx(3 * x)
    assert report.finding.numeric == pytest.approx(3 * x * x, rel=1e-6)
    assert report.ops == 1


def test_a_function_that_forgets_grad_output_is_found_locally():
    error = mismatch(Square)
    report = error.report
    assert report.guilty == "Function 'Square'"
    # the backward does not scale with out.grad: per unit of out.grad, it gives 2x / g
    # at out.grad = g and 2x / 2g at twice that
    assert report.finding.prop == "first order: scaling with out.grad"
    x = report.finding.node.parents[report.finding.slot].data
    seeded = 0.7310585786300049  # the checker's upstream gradient
    assert x != 0.0
    assert report.finding.numeric == pytest.approx(2 * x / seeded)
    assert report.finding.analytic == pytest.approx(2 * x / (2 * seeded))
    assert "the backward must multiply by out.grad" in str(error)
    assert "wrong derivative in Function 'Square'" in str(error)
    assert isinstance(error, AssertionError)


def test_a_check_changes_nothing_other_threads_could_see():
    # The checker re-runs a Function's forward from the arguments its op keeps: it never
    # swaps Function.apply (another thread building a graph meanwhile would go through it).
    original, seen = Function.__dict__["apply"], []

    class Watching(Cube):
        @staticmethod
        def forward(ctx, x):
            seen.append(Function.__dict__["apply"] is original)
            return Cube.forward(ctx, x)

    with pytest.raises(GradientMismatch) as caught:
        check_gradients(Watching)
    assert caught.value.report.guilty == "Function 'Watching'"  # found locally, re-run
    assert caught.value.report.pruned  # re-checked alone on fresh leaves, from its arguments
    assert seen
    assert all(seen)


def test_equals_for_plus_equals_is_an_accumulation_failure():
    ops = {name: (f, d) for f, d in correct_closures() for name in [f.__name__]}
    bug = next(b for b in corpus() if b.name == "closure/mul/= for +=")
    report = mismatch(bug.target).report
    assert report.finding.prop == "accumulation under reuse"
    assert report.guilty == "closure 'mul'"
    assert "mul" in ops  # the correct twin exists and passes (below)


def test_a_wrong_second_derivative_is_found():
    report = mismatch(float_backward(OPS["tanh"])).report
    assert report.finding.prop == "second order"
    x = report.finding.node.parents[0].data
    t = math.tanh(x)
    assert report.finding.numeric == pytest.approx(-2 * t * (1 - t * t), rel=1e-4, abs=1e-6)
    assert report.finding.analytic == pytest.approx(0.0, abs=1e-12)


def test_a_mutated_op_names_the_op_and_prunes_to_one_node():
    wrong = mutant_op(OPS["mul"], 1, EVERYWHERE["sign"], "sign")
    report = mismatch(wrong).report
    assert report.guilty == "op 'mul'"
    assert report.ops == 1
    x, _ = report.inputs.values()
    assert report.finding.analytic == pytest.approx(-x)


def test_wrong_only_when_an_input_is_a_number():
    bug = next(b for b in corpus() if b.name == "Function/Scale/wrong when an input is a number")
    report = mismatch(bug.target).report
    assert report.shape.endswith("a number")  # either input given as a plain number
    assert report.guilty == f"Function {bug.guilty!r}"


class ScaleBy(Function):
    """Takes its factor as a plain number: backward returns None for it."""

    @staticmethod
    def forward(ctx, x, factor):
        ctx.factor = factor
        return x.data * factor

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output * ctx.factor, None


def test_numbers_marks_inputs_taken_as_plain_numbers():
    assert check_gradients(ScaleBy, numbers=[1], max_examples=40) > 0
    report = mismatch(ScaleBy).report  # as a Value, the factor's gradient is missing
    assert report.inputs["factor"] != 0.0 or report.finding.numeric != 0.0
    assert report.finding.analytic == 0.0


def test_the_same_seed_gives_the_same_report():
    first, second = str(mismatch(cube_closure, seed=3)), str(mismatch(cube_closure, seed=3))
    assert first == second
    assert "seed=3" in first


def test_time_budget_stops_new_examples():
    assert check_gradients(lambda x: x.exp(), time_budget=1e-9) == 0


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"order": 3}, "order must be 1 or 2, got 3"),
        ({"domains": [None, None]}, "domains has 2 entries for 1 inputs (x)"),
        ({"domains": [(1.0, 1.0)]}, "domains[0]: empty domain (1.0, 1.0)"),
        ({"time_budget": 0}, "time_budget must be positive, got 0"),
        ({"max_examples": 0}, "max_examples must be at least 1, got 0"),
        ({"numbers": [1]}, "numbers must be input positions 0..0, got (1,)"),
    ],
)
def test_bad_options_are_named(options, words):
    with pytest.raises(ValueError, match="check_gradients: ") as caught:
        check_gradients(lambda x: x.exp(), **options)
    assert words in str(caught.value)


def test_a_function_not_returning_a_value_is_a_type_error():
    with pytest.raises(TypeError, match="must return a Value, got float"):
        check_gradients(lambda x: 1.0)


def test_judge_accepts_one_sided_slopes_at_a_kink_and_nothing_else():
    assert judge(abs, 0.0, 1.0, 1e-6, 1e-4).supported
    assert judge(abs, 0.0, -1.0, 1e-6, 1e-4).supported
    assert judge(abs, 0.0, 0.0, 1e-6, 1e-4).supported  # the mean (a tie's convention)
    assert not judge(abs, 0.0, 2.0, 1e-6, 1e-4).supported
    assert not judge(math.exp, 1.0, 2.0, 1e-6, 1e-4).supported


def test_domains_keep_inputs_inside():
    seen = []

    def f(x):
        seen.append(x.data)
        return x.log()

    check_gradients(f, domains=[Interval(0.5, 4.0, True, True)], max_examples=30, shapes=False)
    # drawn inside; finite differences probe at most a small step beyond a border
    assert all(0.5 - 1e-3 <= v <= 4.0 + 1e-3 for v in seen)
    assert min(seen) < 0.5 + 1e-3  # the borders are tried
    assert max(seen) > 4.0 - 1e-3


# --- no false alarm on correct code --------------------------------------------------------
@pytest.mark.parametrize("name", ["add", "mul", "div", "pow", "tanh", "relu", "max", "elu"])
def test_no_false_alarm_on_table_ops(name):
    assert check_gradients(OPS[name], max_examples=60) > 0


@pytest.mark.parametrize("function", CORRECT, ids=lambda f: f.__name__)
def test_no_false_alarm_on_correct_functions(function):
    assert check_gradients(function, max_examples=40) > 0


@pytest.mark.parametrize("closure", correct_closures(), ids=lambda c: c[0].__name__)
def test_no_false_alarm_on_correct_closures(closure):
    fn, domains = closure
    assert check_gradients(fn, domains=domains, max_examples=40) > 0


# --- the drawing --------------------------------------------------------------------------
def test_the_report_draws_the_guilty_edge_in_red(tmp_path):
    report = mismatch(Cube).report
    assert report.finding.prop == "first order"
    source = report.dot_source()
    red = [line for line in source.splitlines() if "#d62728" in line and "->" in line]
    assert len(red) == 2  # the guilty edge and its legend entry
    assert f"analytic {report.finding.analytic:.6g}" in red[0]
    assert f"numeric {report.finding.numeric:.6g}" in red[0]
    assert "legend" in source
    svg = report._repr_svg_()
    assert "<svg" in svg
    assert "Cube" in report._repr_html_()
    written = report.save(tmp_path / "guilty.svg")
    assert "<svg" in written.read_text()
    assert report.save(tmp_path / "guilty.dot").read_text() == source
    with pytest.raises(ValueError, match=r"unsupported extension '\.txt'"):
        report.save(tmp_path / "guilty.txt")
    assert not (tmp_path / "guilty.txt").exists()


# --- the pytest pattern -------------------------------------------------------------------
def test_gradient_test_passes_and_fails_without_a_traceback():
    gradient_test(lambda x: x.tanh(), max_examples=10)()
    failing = gradient_test(Square)
    assert failing.__name__ == "test_Square"
    with pytest.raises(pytest.fail.Exception) as caught:
        failing()
    assert caught.value.pytrace is False
    assert "wrong derivative in Function 'Square'" in str(caught.value)


# --- the corpus ---------------------------------------------------------------------------
def test_the_corpus_is_large_and_every_bug_is_real():
    bugs = corpus()
    assert len(bugs) >= 150
    assert {b.family for b in bugs} == {"op", "Function", "closure"}
    fake = [b.name for b in bugs if differs(b) is None]
    assert fake == []


def test_a_sample_of_the_corpus_is_killed_and_named():
    bugs = random.Random(21).sample(corpus(), 12)  # noqa: S311 - a reproducible sample
    for bug in bugs:
        report = mismatch(bug.target, domains=bug.domains).report
        assert bug.guilty in report.guilty, bug.name


def test_the_reality_check_can_fail():
    bug = next(b for b in corpus() if b.family == "Function")
    same = type(bug)(bug.name, bug.family, bug.kind, bug.truth, bug.truth, bug.domains, "")
    assert differs(same) is None


@pytest.mark.parametrize(
    ("options", "error", "words"),
    [
        ({"atol": -1}, ValueError, "atol must be a finite number >= 0, got -1"),
        ({"rtol": float("nan")}, ValueError, "rtol must be a finite number >= 0, got nan"),
        ({"atol": float("inf")}, ValueError, "atol must be a finite number >= 0, got inf"),
        ({"time_budget": float("nan")}, ValueError, "time_budget must be a finite number >= 0"),
        ({"atol": "0.1"}, TypeError, "atol must be a real number, got str"),
        ({"time_budget": True}, TypeError, "time_budget must be a real number, got bool"),
        ({"max_examples": True}, TypeError, "max_examples must be an int, got bool: True"),
        ({"max_examples": 2.5}, TypeError, "max_examples must be an int, got float: 2.5"),
        ({"order": "2"}, TypeError, "order must be an int, got str: '2'"),
        ({"seed": "a"}, TypeError, "seed must be an int, got str: 'a'"),
        ({"numbers": [True]}, TypeError, "numbers must be ints (input positions), got [True]"),
        ({"numbers": "0"}, TypeError, "numbers must be ints (input positions), got '0'"),
        ({"numbers": 0}, TypeError, "numbers must be ints (input positions), got 0"),
    ],
)
def test_bad_option_types_and_tolerances_are_named_before_anything_runs(options, error, words):
    # A negative or NaN tolerance once reported the right derivative of mul as wrong.
    calls = []

    def fn(x, y):
        calls.append(1)
        return x * y

    with pytest.raises(error, match="check_gradients: ") as caught:
        check_gradients(fn, **options)
    assert words in str(caught.value)
    assert calls == []
