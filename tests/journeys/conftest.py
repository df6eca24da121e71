"""The journeys: whole stories across the apps, one browser test each, on the e2e tests'
shared Daphne and Chromium (tests/e2e/conftest.py, whose fixtures and browser hook these
tests use as they are)."""

from tests.e2e.conftest import (  # noqa: F401  (fixtures and the hook that stops Chromium)
    browser_context,
    chromium_path,
    fast_password_hashing,
    page,
    pytest_runtest_teardown,
    pytest_sessionfinish,
    server_log,
    server_url,
)
