"""Every name importable from viz and its modules before they were split still imports.

The lists are the public names each module defined on main b24f535 (viz/dot.py 937 lines,
viz/engines.py 543 lines), before labels, legend, the Graphviz object, DOT building,
options and notebook display got rooms of their own.
"""

import importlib

import pytest

BEFORE = {
    "viz": [
        "BackwardSteps", "Explorer", "Frame", "Graph", "RenderError", "backward_steps", "draw",
        "draw_dot", "explore", "format_number", "register_ipython", "render", "render_svg",
        "save", "to_dot", "to_svg", "value_bundle", "value_html", "value_png", "value_svg",
        "which_engine", "write_atomic",
    ],
    "viz.dot": [
        "COLOURS", "EXPLORE_LIMIT", "FONT", "Graph", "HIGHLIGHT", "Highlight", "LEGEND_ROWS",
        "MAX_LABEL", "NEAR_OUTPUT", "RANKDIRS", "TIMES", "UPDATED", "box_lines", "build_graph",
        "chain_text", "draw", "draw_dot", "format_constant", "format_number", "legend_entries",
        "node_kind", "op_text", "to_dot",
    ],
    "viz.engines": [
        "CSS_PX_PER_PT", "ENGINES", "INSTALL_GRAPHVIZ", "INSTALL_RESVG", "INSTALL_WASI",
        "MAX_PNG_PIXELS", "MAX_PNG_SIDE", "MimeBundle", "PICTURE_TYPES", "PNG_SCALE",
        "RenderError", "SYSTEM_FORMATS", "WASI_FORMATS", "display_bundle", "display_data",
        "fallback_html", "picture_html", "png_display", "png_scale", "render", "render_svg",
        "svg_size", "svg_to_png", "which_engine",
    ],
    "viz.output": ["FILE_TYPES", "file_type", "save", "to_svg", "write_atomic"],
    "viz.stepper": ["BackwardSteps", "Frame", "backward_steps"],
    "viz.explorer": ["Explorer", "explore", "graph_data"],
    "viz.jupyter": [
        "MAX_NODES", "register_ipython", "value_bundle", "value_html", "value_png", "value_svg",
    ],
}  # fmt: skip


@pytest.mark.parametrize(("module", "name"), [(m, n) for m, names in BEFORE.items() for n in names])
def test_the_name_still_imports(module, name):
    namespace: dict[str, object] = {}
    exec(f"from {module} import {name}", namespace)  # noqa: S102 - the user's own statement
    assert namespace[name] is getattr(importlib.import_module(module), name)


def test_moved_names_are_the_same_objects_in_their_new_rooms():
    import viz.display  # noqa: PLC0415
    import viz.dot  # noqa: PLC0415
    import viz.engines  # noqa: PLC0415
    import viz.labels  # noqa: PLC0415
    import viz.legend  # noqa: PLC0415

    assert viz.engines.display_data is viz.display.display_data
    assert viz.dot.format_number is viz.labels.format_number is viz.format_number
    assert viz.dot.COLOURS is viz.legend.COLOURS
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        viz.engines.nothing  # noqa: B018 - the lookup is the test
