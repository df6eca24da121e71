"""The journeys drive the same Daphne and Chromium fixtures as tests/e2e (its conftest)."""

from tests.e2e.conftest import (  # noqa: F401
    browser_context,
    chromium_path,
    fast_password_hashing,
    page,
    pytest_runtest_teardown,
    server_log,
    server_url,
)
