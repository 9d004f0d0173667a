"""Data in a page's scripts (viz/embed.py): no user text can end or bend a script."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import viz
from autograd import Value
from viz.embed import script_json
from viz.engines import picture_html, render_svg

# What could end a script, open a comment or a nested script, end a CDATA section, end a
# JS string or line, or not be UTF-8 at all.
PIECES = ["</script>", "</SCRIPT ", "<!--<script ", "-->", "]]>", '"', "'", "\\", "&lt;",
          "\u2028", "\u2029", "\U0001f600", "\0", "\n", "\udc80", "é"]  # fmt: skip
hostile_text = st.lists(st.sampled_from(PIECES), max_size=4).map("".join) | st.text(max_size=8)


@given(hostile_text)
def test_script_json_reads_back_as_the_same_text_and_holds_nothing_html_reads(text):
    encoded = script_json({"label": text, "items": [text, 1, None]})
    assert json.loads(encoded) == {"label": text, "items": [text, 1, None]}
    assert not set(encoded) & {"<", ">", "&", "\u2028", "\u2029"}
    assert not any(0xD800 <= ord(char) <= 0xDFFF for char in encoded)
    encoded.encode("utf-8")  # always writable as UTF-8


def test_script_json_refuses_what_json_cannot_say():
    with pytest.raises(ValueError, match="Out of range float values are not JSON compliant"):
        script_json([float("nan")])


@pytest.mark.browser
@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.lists(st.sampled_from(PIECES[:12]), min_size=1, max_size=3).map("".join))
def test_a_notebook_picture_becomes_its_live_html_whatever_text_it_holds(page, page_log, text):
    # picture_html carries the live view (a stepper, an explorer) as a JS string.
    live = f'<p class="live" data-text="{_attribute(text)}">{_content(text)}</p><script>' + (
        f"document.querySelector('.live').setAttribute('data-ran', {script_json(text)});</script>"
    )
    fragment = picture_html(live, render_svg("digraph { a -> b }"), "a graph", text)
    page.set_content(f"<!DOCTYPE html><html><body>{fragment}<p id='after'>after</p></body></html>")
    assert page.locator(".live").text_content() == text
    assert page.locator(".live").get_attribute("data-ran") == text
    assert page.locator("#after").text_content() == "after"
    page_log.assert_clean()


def _attribute(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _content(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@pytest.mark.browser
@pytest.mark.parametrize("label", ["</script>", "<!--<script ", "]]>", "\u2028\"'\\", "\U0001f600"])
def test_the_stepper_page_and_its_notebook_picture_survive_hostile_labels(page, page_log, label):
    steps = viz.backward_steps(Value(2.0, label) * 3)
    page.set_content(steps.to_html())
    assert page.locator(".chainrule-steps .frame").count() == 2
    assert page.locator(".counter").text_content() == "step 0 of 1"
    notebook = steps._repr_html_()
    page.set_content(f"<!DOCTYPE html><html><body>{notebook}<p id='after'>x</p></body></html>")
    assert page.locator(".chainrule-steps .frame").count() == 2  # the player replaced the PNG
    captions = page.locator(".chainrule-steps .frame-caption").all_text_contents()
    assert captions == [steps.caption(frame) for frame in steps.frames]
    assert page.locator("#after").text_content() == "x"
    page_log.assert_clean()
