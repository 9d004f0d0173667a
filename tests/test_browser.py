"""The browser fixtures themselves: they see JS errors and network requests, and stay local."""

import pytest

from tests.browser import PageLog, chromium_path

pytestmark = pytest.mark.browser


def test_a_self_contained_page_is_clean(page, page_log, tmp_path):
    path = tmp_path / "a.html"
    path.write_text(
        '<p>hi</p><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw='
        '"><script>document.querySelector("p").textContent += "!"</script>',
        encoding="utf-8",
    )
    page.goto(path.as_uri())
    assert page.inner_text("p") == "hi!"
    assert page_log.problems() == []


def test_errors_and_requests_are_recorded_and_never_reach_the_network(page, page_log, tmp_path):
    path = tmp_path / "b.html"
    path.write_text(
        '<img src="http://example.invalid/pixel.png">'
        "<script>console.error('oops'); fetch('https://example.invalid/api').catch(() => {});"
        "</script><script>undefinedFunction()</script>",
        encoding="utf-8",
    )
    page.goto(path.as_uri())
    page.wait_for_timeout(200)
    # An aborted request also logs a console error ("Failed to load resource"), and the
    # image's may come before or after the script's: the order is the browser's.
    others = [e for e in page_log.console_errors if e != "oops"]
    assert page_log.console_errors.count("oops") == 1
    assert others, "the aborted requests logged nothing"
    assert all(e.startswith("Failed to load resource") for e in others), others
    assert len(page_log.page_errors) == 1
    assert "undefinedFunction" in page_log.page_errors[0]
    assert sorted(page_log.requests) == [
        "http://example.invalid/pixel.png",
        "https://example.invalid/api",
    ]
    with pytest.raises(AssertionError, match=r"network request: http://example\.invalid"):
        page_log.assert_clean()
    page_log.clear()  # the fixture checks the log when the test ends


def test_allowed_origins_are_not_requests():
    log = PageLog()
    log.allow("http://127.0.0.1:8888")
    assert log.is_local("http://127.0.0.1:8888/lab")
    assert not log.is_local("http://127.0.0.1:88889/lab")
    assert log.is_local("data:text/html,x")
    assert not log.is_local("https://cdn.example/x.js")


def test_missing_browser_skips_outside_ci_and_fails_under_ci(monkeypatch):
    from tests import browser  # noqa: PLC0415

    monkeypatch.setenv("CHAINRULE_CHROMIUM", "/nonexistent/chromium")
    assert chromium_path() is None
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install chromium"):
        browser.missing("no Chromium found")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"no Chromium found.*chainrule\[test\]"):
        browser.missing("no Chromium found")
