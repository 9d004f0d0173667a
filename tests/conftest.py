"""Shared by every test: hypothesis profiles, and headless Chromium fixtures.

- Hypothesis profiles: "ci" (derandomized, so CI is reproducible) and "dev" (random).
- ``browser``, ``page`` and ``page_log`` (tests/browser.py): the system Chromium driven by
  Playwright; a page's console errors, JS errors and network requests are recorded and must
  not happen. Without a browser those tests skip naming the fix; under CI=true they fail.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    max_examples=60,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=None, max_examples=60, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

# Headless Chromium fixtures (browser, page, page_log) for the pages viz writes: see
# tests/browser.py.
pytest_plugins = ("tests.browser",)
