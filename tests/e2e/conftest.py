"""A real Daphne server on the test database, and Debian's Chromium driven by Playwright."""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection, connections

from tests.conftest import skip_or_fail

ROOT = Path(__file__).resolve().parents[2]
EXIT_URL = "https://neutral.example/weer"
CHROMIUM_CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]


def database_url():
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    auth = quote(db["USER"] or "")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_daphne(port, log_path, **extra_env):
    """`python -m hoc.serve` on `port`, sharing the test database; waits until it listens."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "HOC_SECRET_KEY": settings.SECRET_KEY,  # so it can read sessions the tests create
        "HOC_EXIT_URL": EXIT_URL,
        **extra_env,
    }
    with open(log_path, "w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "hoc.serve", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"Daphne did not start:\n{Path(log_path).read_text()}")
            time.sleep(0.2)


def stop_daphne(process):
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def server_url(django_db_setup, django_db_blocker, tmp_path_factory):
    """http://127.0.0.1:PORT of `python -m hoc.serve`, sharing the test database."""
    port = free_port()
    process = start_daphne(port, tmp_path_factory.mktemp("daphne") / "daphne.log")
    yield f"http://127.0.0.1:{port}"
    stop_daphne(process)


@pytest.fixture(scope="session")
def server_log(server_url, tmp_path_factory):
    return next(tmp_path_factory.getbasetemp().glob("daphne*/daphne.log"))


@pytest.fixture(scope="session")
def chromium_path():
    path = os.environ.get("HOC_CHROMIUM") or next(
        (p for p in CHROMIUM_CANDIDATES if Path(p).exists()), shutil.which("chromium")
    )
    if not path:
        skip_or_fail("Chromium was not found (apt-get install chromium)")
    return path


@pytest.fixture(autouse=True)
def fast_password_hashing():
    """The real hashers: the Daphne process must verify the passwords the tests set."""


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


ALLOW_ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


class SharedBrowser:
    """One Chromium for the browser tests of a run, not one per test.

    Started by the first test that asks for it and stopped after the last test in a row
    that uses it (pytest_runtest_teardown); tests/conftest.py runs the browser tests one
    after the other.

    While it runs, Playwright's sync API marks an event loop as running on the main thread,
    though nothing runs on it between its calls (as in a Jupyter notebook). Two things follow
    for pytest-django's flush and reload of the test database between two browser tests,
    which run on that thread: Django refuses them, so DJANGO_ALLOW_ASYNC_UNSAFE is set for
    that time only; and Django's connections are then those of the loop's context, not the
    thread's, so the new ones are handed the rows saved for serialized_rollback, and closed
    before the browser stops. The tests themselves still do their ORM work through `orm()`.
    """

    playwright = None
    browser = None

    @classmethod
    def get(cls, chromium_path):
        if cls.browser is None or not cls.browser.is_connected():
            cls.stop()
            from playwright.sync_api import sync_playwright

            saved = {
                alias: getattr(connections[alias], "_test_serialized_contents", None)
                for alias in connections
            }
            os.environ[ALLOW_ASYNC_UNSAFE] = "true"
            cls.playwright = sync_playwright().start()
            for alias, contents in saved.items():
                if contents is not None:
                    connections[alias]._test_serialized_contents = contents
            cls.browser = cls.playwright.chromium.launch(
                executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
            )
        return cls.browser

    @classmethod
    def stop(cls):
        if cls.browser is not None:
            with contextlib.suppress(Exception):
                cls.browser.close()
            cls.browser = None
        if cls.playwright is not None:
            connections.close_all()  # those of the loop's context, while it is still marked
            cls.playwright.stop()
            cls.playwright = None
        os.environ.pop(ALLOW_ASYNC_UNSAFE, None)


def uses_browser(item):
    return item is not None and "browser_context" in getattr(item, "fixturenames", ())


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item, nextitem):
    if uses_browser(item) and not uses_browser(nextitem):
        SharedBrowser.stop()


def pytest_sessionfinish(session):
    SharedBrowser.stop()  # an interrupted run (-x, Ctrl-C) skips the teardown above


def answer_for_the_neutral_site(context):
    """The quick exit's neutral site is on the internet, which the tests must not reach: the
    context answers for it. Returns the context."""
    context.route(
        "https://neutral.example/**",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html",
            body="<!doctype html><title>Weer</title><p>Het weer</p>",
        ),
    )
    return context


@pytest.fixture
def browser_context(chromium_path):
    """A fresh context (cookies, storage, routes) on the shared Chromium for each test;
    contexts a test opens itself (`browser_context.browser.new_context()`) are closed with it."""
    browser = SharedBrowser.get(chromium_path)
    context = answer_for_the_neutral_site(browser.new_context(locale="nl-NL"))
    yield context
    for other in browser.contexts:
        other.close()


@pytest.fixture
def page(browser_context, server_url):
    """A page that records every request and console message it causes."""
    page = browser_context.new_page()
    page.requests, page.console, page.fetches = [], [], []
    page.on("request", lambda request: page.requests.append(request.url))
    # Navigations and script requests: what could carry a visitor's answers away.
    page.on(
        "request",
        lambda request: (
            request.resource_type in ("document", "fetch", "xhr", "eventsource")
            and page.fetches.append(request.url)
        ),
    )
    page.on("console", lambda message: page.console.append(message.text))
    return page
