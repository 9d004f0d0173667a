"""Headless Chromium for the tests, driven by Playwright (loaded by tests/conftest.py).

Fixtures:

- ``browser``: one headless Chromium per test session. Playwright's own browser download
  cannot work on every machine, so it launches the system's Chromium through
  ``executable_path``: ``$CHAINRULE_CHROMIUM`` if set, else ``chromium`` (or
  ``chromium-browser``) on PATH, else ``/usr/bin/chromium``.
- ``page``: a fresh page in a fresh browser context (no cookies, storage or cache shared
  with another test).
- ``page_log``: what that page did that a self-contained page must not do: console errors,
  uncaught JS errors, and every request whose URL is not ``file:``, ``data:``, ``blob:`` or
  ``about:blank``. Such requests are recorded and aborted, so a test never reaches the
  network. ``page_log.assert_clean()`` fails listing them; the ``page`` fixture also checks
  it when the test ends. A test that talks to a server of its own (JupyterLab) allows its
  origin with ``page_log.allow("http://127.0.0.1:8888")``.

Where there is no Chromium or no Playwright the browser tests skip, with a reason naming the
fix (``apt-get install chromium`` and ``pip install "chainrule[test]"``). Under ``CI=true`` a
missing browser is a failure, not a skip: CI must run them.

Example (a test)::

    def test_page_is_self_contained(page, page_log, tmp_path):
        path = tmp_path / "a.html"
        path.write_text("<p>hi</p>")
        page.goto(path.as_uri())
        assert page.inner_text("p") == "hi"
        page_log.assert_clean()
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

FIX = (
    'install Chromium and Playwright: apt-get install chromium; pip install "chainrule[test]"'
    " (or point CHAINRULE_CHROMIUM at a Chromium binary)"
)

# Schemes that stay inside the page or on this disk: loading them is not network traffic.
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:blank")

# Quiet, reproducible Chromium: no first-run UI, no background fetches (updates, sync,
# field trials), no GPU (headless machines have none).
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
]


def chromium_path() -> str | None:
    """The Chromium binary the tests launch, or None if there is none."""
    configured = os.environ.get("CHAINRULE_CHROMIUM")
    if configured:
        return configured if Path(configured).is_file() else None
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").is_file() else None


def missing(reason: str) -> None:
    """Skip the test (fail it under CI=true): the browser tests cannot run here."""
    message = f"browser tests cannot run: {reason}; to fix it, {FIX}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@dataclass
class PageLog:
    """What a page did that a self-contained page must not do."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    allowed: list[str] = field(default_factory=list)

    def allow(self, origin: str) -> None:
        """Let requests to ``origin`` (e.g. a test's own server) through, unrecorded."""
        self.allowed.append(origin.rstrip("/") + "/")

    def is_local(self, url: str) -> bool:
        """Whether loading ``url`` is allowed: local schemes and allowed origins."""
        return url.startswith(LOCAL_SCHEMES) or any(
            url.startswith(origin) or url + "/" == origin for origin in self.allowed
        )

    def problems(self) -> list[str]:
        """Every console error, page error and network request, one line each."""
        return (
            [f"console error: {text}" for text in self.console_errors]
            + [f"page error: {text}" for text in self.page_errors]
            + [f"network request: {url}" for url in self.requests]
        )

    def clear(self) -> None:
        """Forget what was recorded (for a test that provokes an error on purpose)."""
        self.console_errors.clear()
        self.page_errors.clear()
        self.requests.clear()

    def assert_clean(self) -> None:
        """Fail listing the console errors, page errors and network requests, if any."""
        problems = self.problems()
        assert not problems, "the page was not self-contained and quiet:\n" + "\n".join(problems)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole session (see the module docstring)."""
    try:
        from playwright.sync_api import sync_playwright  # noqa: PLC0415 - optional test dep
    except ImportError:
        missing("Playwright is not installed")
    executable = chromium_path()
    if executable is None:
        missing("no Chromium found")
    args = list(CHROMIUM_ARGS)
    # Chromium refuses to start as root with its sandbox on; in a root container (CI) the
    # container is the sandbox.
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")
    with sync_playwright() as playwright:
        # Playwright gives each launch a fresh temporary profile (--user-data-dir).
        launched = playwright.chromium.launch(executable_path=executable, headless=True, args=args)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page_log() -> PageLog:
    """The record of the ``page`` fixture's console errors, JS errors and requests."""
    return PageLog()


@pytest.fixture
def page(browser: Any, page_log: PageLog) -> Iterator[Any]:
    """A fresh page in a fresh context, recorded in ``page_log`` and checked when done."""
    context = browser.new_context()

    # The "request" event below records every request; the route only keeps the
    # non-local ones off the network.
    def route(request_route: Any) -> None:
        if page_log.is_local(request_route.request.url):
            request_route.continue_()
        else:
            request_route.abort()

    context.route("**/*", route)
    opened = context.new_page()
    opened.on(
        "console",
        lambda message: (
            page_log.console_errors.append(message.text) if message.type == "error" else None
        ),
    )
    opened.on("pageerror", lambda error: page_log.page_errors.append(str(error)))
    opened.on(
        "request",
        lambda request: (
            None if page_log.is_local(request.url) else page_log.requests.append(request.url)
        ),
    )
    opened.on("websocket", lambda socket: _record_socket(page_log, socket.url))
    try:
        yield opened
    finally:
        context.close()
    page_log.assert_clean()


def _record_socket(log: PageLog, url: str) -> None:
    http = url.replace("ws://", "http://", 1).replace("wss://", "https://", 1)
    if not log.is_local(http):
        log.requests.append(url)
