"""The drawing options: one object, the same keywords everywhere, each bad value named once."""

import inspect

import pytest

import viz
from autograd import Value, scope
from tests.viz.helpers import seed_graph
from viz.options import NAMES, DrawOptions

DEFAULTS = {
    "rankdir": "LR",
    "show_grad": True,
    "show_partials": False,
    "max_nodes": 500,
    "collapse": (),
    "depth": None,
    "legend": False,
}


def call(function: str, root: object, **options: object) -> object:
    """Call the public drawing function ``function`` (save writes into a temporary .dot)."""
    if function == "save":
        import tempfile  # noqa: PLC0415

        with tempfile.TemporaryDirectory() as folder:
            return viz.save(root, f"{folder}/g.dot", **options).read_text()
    return getattr(viz, function)(root, **options)


DRAWING = ["draw", "draw_dot", "to_dot", "to_svg", "save"]


@pytest.mark.parametrize("function", DRAWING)
def test_every_drawing_function_shows_the_same_keywords_with_the_same_defaults(function):
    parameters = inspect.signature(getattr(viz, function)).parameters
    shown = {name: parameters[name].default for name in NAMES}
    assert shown == DEFAULTS
    assert all(parameters[name].kind is inspect.Parameter.KEYWORD_ONLY for name in NAMES)
    assert next(iter(parameters)) == "root"
    assert ("engine" in parameters) == (function in ("to_svg", "save"))


BAD = [
    ("rankdir", "XY", ValueError, "rankdir must be one of"),
    ("rankdir", None, ValueError, "rankdir must be one of"),
    ("show_grad", "no", TypeError, "show_grad must be True or False"),
    ("show_partials", 1, TypeError, "show_partials must be True or False"),
    ("legend", None, TypeError, "legend must be True or False"),
    ("max_nodes", 0, ValueError, "max_nodes must be a positive int"),
    ("max_nodes", True, ValueError, "max_nodes must be a positive int"),
    ("max_nodes", 2.5, ValueError, "max_nodes must be a positive int"),
    ("depth", -1, ValueError, "depth must be None or an int >= 0"),
    ("depth", False, ValueError, "depth must be None or an int >= 0"),
    ("collapse", 3, TypeError, "collapse must be scope names or Scopes"),
    ("collapse", [1], TypeError, "collapse must hold scope names (str) or Scopes"),
]


@pytest.mark.parametrize("function", DRAWING)
@pytest.mark.parametrize(("name", "value", "error", "words"), BAD)
def test_a_bad_option_names_the_function_the_argument_and_the_value(
    function, name, value, error, words
):
    shown = "draw" if function == "draw_dot" else function
    with pytest.raises(error) as raised:
        call(function, seed_graph(), **{name: value})
    message = str(raised.value)
    assert message.startswith(f"{shown}: {words}")
    assert message.endswith(repr(value) if not isinstance(value, list) else repr(value[0]))


@pytest.mark.parametrize("function", DRAWING)
def test_an_unknown_keyword_is_named_as_python_would(function):
    shown = "draw" if function == "draw_dot" else function
    message = f"^{shown}: got an unexpected keyword argument 'show_partial'$"
    with pytest.raises(TypeError, match=message):
        call(function, seed_graph(), show_partial=True)


def test_options_are_keywords_only():
    with pytest.raises(TypeError, match=r"^draw: too many positional arguments$"):
        viz.draw(seed_graph(), "TB")


def test_the_engine_is_checked_before_anything_is_drawn_or_written(tmp_path):
    with pytest.raises(ValueError, match=r"^to_svg: engine must be one of .*, got 'cairo'$"):
        viz.to_svg(seed_graph(), engine="cairo")
    with pytest.raises(ValueError, match=r"^save: engine must be one of .*, got 'cairo'$"):
        viz.save(seed_graph(), tmp_path / "g.svg", engine="cairo")
    assert list(tmp_path.iterdir()) == []


def test_the_options_object_is_frozen_and_folds_collapse_into_a_set():
    options = DrawOptions(collapse=["Layer", "Layer", "Neuron"])
    assert options.collapse == frozenset({"Layer", "Neuron"})
    assert DrawOptions(collapse="Layer 1").collapse == frozenset({"Layer 1"})  # one name
    with pytest.raises(AttributeError):
        options.rankdir = "TB"  # type: ignore[misc]
    assert DrawOptions() == DrawOptions(collapse=[])


def test_the_keywords_draw_what_they_say():
    # The options reach the drawing: each one changes the DOT text as documented.
    x = Value(2.0, "x")
    with scope("Block"):
        y = (x * 3).tanh()
    y.backward()
    plain = viz.to_dot(y)
    assert "rankdir=LR" in plain
    assert "rankdir=TB" in viz.to_dot(y, rankdir="TB")
    assert "grad " in plain
    assert "grad " not in viz.to_dot(y, show_grad=False)
    assert "∂=" not in plain
    assert "∂=" in viz.to_dot(y, show_partials=True)
    assert "legend_" not in plain
    assert "legend_" in viz.to_dot(y, legend=True)
    assert "Too large to draw" in viz.to_dot(y, max_nodes=2, depth=1)
    assert "box3d" in viz.to_dot(y, depth=0)
    assert "box3d" in viz.to_dot(y, collapse="Block")
    assert "box3d" not in viz.to_dot(y, depth=1)
    assert viz.draw(y, depth=0).source == viz.to_dot(y, depth=0)


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"rankdir": "up"}, ValueError, "backward_steps: rankdir must be one of"),
        ({"legend": "yes"}, TypeError, "backward_steps: legend must be True or False, got 'yes'"),
        ({"max_nodes": 0}, ValueError, "backward_steps: max_nodes must be a positive int, got 0"),
    ],
)
def test_the_stepper_checks_its_options_with_the_same_rules(options, error, message):
    with pytest.raises(error, match=f"^{message}"):
        viz.backward_steps(seed_graph(), **options)


def test_the_stepper_keeps_its_options_and_draws_with_them():
    steps = viz.backward_steps(seed_graph(), rankdir="TB", legend=False)
    assert (steps.rankdir, steps.legend) == ("TB", False)
    assert steps.options == DrawOptions(rankdir="TB", legend=False, max_nodes=100)
    frame = steps.dot(steps.frames[-1])
    assert "rankdir=TB" in frame
    assert "legend_" not in frame


def test_the_stepper_options_can_still_be_set_and_are_checked():
    steps = viz.backward_steps(seed_graph())
    before = steps.svgs("wasi")
    steps.rankdir = "TB"
    assert steps.options.rankdir == "TB"
    assert steps.svgs("wasi") != before  # redrawn, not the cached LR frames
    with pytest.raises(ValueError, match="rankdir must be one of"):
        steps.rankdir = "up"
    steps.legend = False
    assert "legend_" not in steps.dot(steps.frames[0])
