"""The words of a drawing: one op-printing rule everywhere, and any label or scope name draws.

The op rule is written once (viz.labels.expression); the drawing's op node, the explorer,
the stepper's captions and ``chainrule explain`` must all read it the same way.

Labels and scope names are free text. Whatever a user puts there must draw, in both
engines, as written (whitespace folded to one space, cut at 32 characters), with a visible
stand-in for what SVG cannot hold: C0 controls and DEL as their Control Pictures symbol
(NUL as U+2400), lone surrogates and U+FFFE/U+FFFF as U+FFFD.
"""

import re
import shutil
import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import viz
from autograd import Value, scope, total
from chainrule.examples import explain
from tests.viz import svg as svg_items
from tests.viz.helpers import ENGINES, engine_param
from viz.explorer import graph_data

# --- one op-printing rule ------------------------------------------------------------------

CASES = [
    # expression, the op node's label, how captions and reports write it
    (lambda x: x - 1.0, "· - 1", "x - 1"),
    (lambda x: 1.0 - x, "1 - ·", "1 - x"),
    (lambda x: x * 2.0, "· * 2", "x * 2"),
    (lambda x: x / 4.0, "· / 4", "x / 4"),
    (lambda x: x**2, "· ** 2", "x ** 2"),
    (lambda x: 2.0**x, "2 ** ·", "2 ** x"),
    (lambda x: x * -1.5, "· * -1.5", "x * -1.5"),
    (lambda x: x * 1.0001, "· * 1.0001", "x * 1.0001"),
    (lambda x: -x, "-", "-x"),
    (lambda x: x * x, "*", "x * x"),
    (lambda x: x.tanh(), "tanh", "tanh(x)"),
    (lambda x: x.leaky_relu(0.1), "LeakyReLU(·, 0.1)", "LeakyReLU(x, 0.1)"),
]


def op_label(dot_text: str, node: str) -> str:
    (line,) = [line for line in dot_text.splitlines() if line.strip().startswith(f"{node} [")]
    return re.search(r'label=(?:"([^"]*)"|(\S+))', line).group(1, 2)[line.count('label="') == 0]


@pytest.mark.parametrize(("build", "label", "written"), CASES)
def test_every_view_prints_an_op_the_same_way(build, label, written):
    x = Value(2.0, "x")
    y = build(x)
    y.label = "y"
    y.backward()
    # The op node: "·" marks the arrow's operand, so "· - 1" never reads as minus one.
    assert op_label(viz.to_dot(y), "n1_op") == label
    assert graph_data(y)["values"][1]["op"] == label  # the explorer's value panel
    steps = viz.backward_steps(y)
    assert steps.caption(steps.frames[1]).startswith(f"Step 1 of 1: y = {written} passes")
    assert f"y     {written:<16}" in explain(y)  # chainrule explain's "computed as"


def test_the_rule_holds_for_unlabelled_operands_and_variadic_ops():
    a, b = Value(1.0), Value(2.0)
    y = viz.labels.op_text
    z = (a - 3.0).relu()
    assert (y(z.parents[0]), y(z)) == ("· - 3", "ReLU")
    steps = viz.backward_steps(z)
    assert "n1 = n0 - 3" in steps.caption(steps.frames[2])
    summed = total([a, b, a])
    assert y(summed) == "Σ"
    assert viz.labels.expression(summed, lambda v: "ab"[int(v.data) - 1]) == "Σ(a, b, a)"


# --- any label, any scope name ---------------------------------------------------------------


def expected(text: str, cut: bool = True) -> str:
    """What a drawing shows for ``text``: the documented rule, written out here."""
    shown = []
    for char in " ".join(text.split()):
        code = ord(char)
        if code < 0x20:
            shown.append(chr(0x2400 + code))
        elif code == 0x7F:
            shown.append("\u2421")
        elif 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF):
            shown.append("\ufffd")
        else:
            shown.append(char)
    line = "".join(shown)
    return line if len(line) <= 32 or not cut else line[:31].rstrip() + "…"


# Any code point (surrogates included), weighted towards what DOT, XML and records treat
# specially.
SPECIAL = "\x00\x01\x08\x0b\x1b\x1f\x7f\x85\x9b\u2028\ud800\udfff\ufffe\uffff&;<>{}|\\\"'\n\t []=#"
TEXT = st.text(
    st.one_of(st.characters(exclude_categories=()), st.sampled_from(SPECIAL)), max_size=40
)


def tooltips(svg: str) -> dict[str, str]:
    root = ET.fromstring(svg.encode("utf-8"))  # noqa: S314 - our own renderer's output
    found = {}
    for group in root.iter(f"{svg_items.SVG}g"):
        title = group.find(f"{svg_items.SVG}title")
        link = group.find(f".//{svg_items.SVG}a")
        if title is not None and link is not None:
            found[title.text] = link.get("{http://www.w3.org/1999/xlink}title")
    return found


def draw_both_ways(label: str, name: str, engine: str) -> tuple[str, str]:
    x = Value(2.0)
    x.label = label
    with scope(name):
        y = x * 3.0
    y.backward()
    if engine == "system":
        return viz.to_svg(y, engine="system"), viz.to_svg(y, depth=0, engine="system")
    # The pip-installed engine, as a machine without Graphviz finds it: dot not on PATH.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PATH", "")
        assert shutil.which("dot") is None
        return viz.to_svg(y), viz.to_svg(y, depth=0)


@pytest.mark.parametrize("engine", [engine_param(e) for e in ENGINES])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(label=TEXT, name=TEXT)
@example(label="a label\x00 that is longer than thirty-two characters", name="Layer\x00 " * 8)
def test_any_label_and_scope_name_draws_as_written(engine, label, name):
    opened, folded = draw_both_ways(label, name, engine)
    nodes = {item.title: item for item in svg_items.items(opened)}  # parses as XML too
    shown = expected(label)
    assert nodes["n0"].texts == ((shown,) if shown else ()) + ("data 2", "grad 3")
    assert tooltips(opened)["n0"] == f"{shown or 'n0'}: data=2.0, grad=3.0"
    if expected(name):
        assert nodes["cluster_0"].texts == (expected(name),)
    box = {item.title: item for item in svg_items.items(folded)}["n1_box"]
    assert box.texts[0].strip() == f"{expected(name)} (1 value)".strip()
    # The tooltip has room for the whole scope path.
    tooltip = tooltips(folded)["n1_box"]
    assert tooltip == f"{expected(name, cut=False)}: draw with a larger depth= to open it"


@pytest.mark.parametrize("engine", [engine_param(e) for e in ENGINES])
def test_a_nul_in_a_label_draws_every_format(engine, tmp_path):
    x = Value(2.0, "a\x00b\x01c\x7f\x9b\ud800\uffff & &lt; {|}")
    with scope("scope\x00name"):
        y = x * 3.0
    for name in ("g.svg", "g.png", "g.dot"):
        path = viz.save(y, tmp_path / f"{engine}-{name}", engine=engine)
        assert path.stat().st_size > 100
    svg = (tmp_path / f"{engine}-g.svg").read_text(encoding="utf-8")
    assert nodes_text(svg, "n0")[0] == "a␀b␁c␡\x9b�� & &lt; {|}"
    assert nodes_text(svg, "cluster_0") == ("scope␀name",)


def nodes_text(svg: str, title: str) -> tuple[str, ...]:
    return {item.title: item for item in svg_items.items(svg)}[title].texts


def test_the_stepper_names_values_as_the_drawing_does():
    x = Value(2.0, "x\x00\n1")
    steps = viz.backward_steps(x * 3.0)
    assert steps.names[0] == "x␀ 1"
    assert "d n1/dx␀ 1" not in steps.caption(steps.frames[1])
    assert "dn1/dx␀ 1 += 1 · 3 = 3" in steps.caption(steps.frames[1])
    assert all("<svg" in svg for svg in steps.svgs())


@pytest.mark.parametrize("function", ["draw", "to_dot", "to_svg", "backward_steps"])
def test_a_label_that_is_not_text_is_named_not_drawn(function):
    x = Value(2.0, "x")
    y = x * 3.0
    x.label = 5  # a plain attribute: nothing stops this
    message = f"^{function}: the label of Value n0 must be a str, got int: 5$"
    with pytest.raises(TypeError, match=message):
        getattr(viz, function)(y)
    x.label = "x"
    with scope("Layer") as block:
        z = x * 2.0
    block.name = None
    message = f"^{function}: the name of a scope of Value n1 must be a str, got NoneType"
    with pytest.raises(TypeError, match=message):
        getattr(viz, function)(z)
