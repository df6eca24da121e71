"""The journeys run on the browser tests' Daphne and Chromium (tests/e2e/conftest.py)."""

from tests.e2e.conftest import *  # noqa: F403
