"""The journeys run in the browser like tests/e2e: the same Daphne and one shared Chromium."""

from tests.e2e.conftest import *  # noqa: F403
