"""The public site in a real browser against a real Daphne (issue [1/7])."""

import re
import urllib.request

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session

from tests.e2e.conftest import EXIT_URL
from tests.helpers.browser import orm, serious_problems

# Transactional: the Daphne process sees only committed rows. The tables are emptied after
# each test and the seeded content (partners, help guide) is put back.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# What the quick exit's status line says after one and after two presses of Shift, and the
# class it puts on the page when it leaves (static/js/quick-exit.js).
TWO_MORE = "Shift: druk nog 2 keer om deze site te verlaten."
ONE_MORE = "Shift: druk nog 1 keer om deze site te verlaten."
EXITING = re.compile(r"\bis-exiting\b")


def new_session():
    session = SessionStore()
    session["conversation"] = "iets wat niemand mag zien"
    session.create()
    return session.session_key


def session_exists(key):
    return Session.objects.filter(session_key=key).exists()


@pytest.fixture
def visitor_session(server_url, browser_context, settings):
    """A committed server-side session whose cookie the browser holds."""
    key = orm(new_session)
    cookie = {"name": settings.SESSION_COOKIE_NAME, "value": key, "url": server_url}
    browser_context.add_cookies([{**cookie, "httpOnly": True, "sameSite": "Strict"}])
    return key


def test_the_server_answers_with_a_neutral_server_header_and_our_headers(server_url):
    with urllib.request.urlopen(server_url + "/") as response:
        assert response.status == 200
        headers = response.headers
    assert headers["Server"] == "web"
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert "no-store" in headers["Cache-Control"]


def test_the_home_page_loads_only_from_its_own_origin(page, server_url):
    page.goto(server_url + "/")
    assert page.locator("h1").is_visible()
    assert page.locator("text=112").first.is_visible()
    assert page.title()
    assert all(url.startswith(server_url) for url in page.requests), page.requests
    assert not [m for m in page.console if "Content Security Policy" in m], page.console


def test_shift_three_times_ends_the_session_and_leaves(
    page, server_url, visitor_session, browser_context, settings
):
    page.goto(server_url + "/")
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url(EXIT_URL)
    names = [c["name"] for c in browser_context.cookies(server_url)]
    assert settings.SESSION_COOKIE_NAME not in names
    assert not orm(session_exists, visitor_session)
    # location.replace(): Back does not return to the help site.
    page.go_back()
    assert not page.url.startswith(server_url)


def test_shift_with_another_key_does_not_count(page, server_url):
    from playwright.sync_api import expect

    page.goto(server_url + "/")
    page.keyboard.press("Shift+A")
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    # The page counted the two presses of Shift alone, not the one released after Shift+A.
    expect(page.locator("[data-quick-exit-status]")).to_have_text(ONE_MORE)
    expect(page.locator("html")).not_to_have_class(EXITING)
    assert page.url.startswith(server_url)
    page.keyboard.press("Shift")  # only now three presses of Shift alone
    page.wait_for_url(EXIT_URL)


def test_the_count_starts_over_after_five_seconds(page, server_url):
    from playwright.sync_api import expect

    page.clock.install()
    page.goto(server_url + "/")
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.clock.run_for(5_100)
    page.keyboard.press("Shift")
    expect(page.locator("[data-quick-exit-status]")).to_have_text(TWO_MORE)  # counted anew
    expect(page.locator("html")).not_to_have_class(EXITING)
    assert page.url.startswith(server_url)


def test_the_exit_button_works_by_keyboard(page, server_url, visitor_session):
    page.goto(server_url + "/")
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Snel weg"
    page.keyboard.press("Enter")
    page.wait_for_url(EXIT_URL)
    assert not orm(session_exists, visitor_session)


def test_the_exit_works_without_javascript(chromium_path, server_url, browser_context):
    context = browser_context.browser.new_context(java_script_enabled=False)
    context.route("https://neutral.example/**", lambda r: r.fulfill(body="weer"))
    page = context.new_page()
    page.goto(server_url + "/")
    page.get_by_role("button", name="Snel weg").click()
    page.wait_for_url(EXIT_URL)
    context.close()


@pytest.mark.parametrize("path", ["/", "/en/", "/bestaat-niet/"])
def test_pages_have_no_serious_accessibility_violations(page, server_url, path):
    page.goto(server_url + path)
    assert serious_problems(page) == []


def test_nothing_breaks_at_320_pixels(page, server_url, tmp_path_factory):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(server_url + "/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert page.get_by_role("button", name="Snel weg").is_visible()
    page.screenshot(path=tmp_path_factory.mktemp("screens") / "home-320.png", full_page=True)


def test_the_exit_stays_on_screen_while_scrolling(page, server_url):
    page.set_viewport_size({"width": 360, "height": 400})
    page.goto(server_url + "/")
    page.mouse.wheel(0, 2000)
    page.wait_for_function("window.scrollY > 0")
    box = page.get_by_role("button", name="Snel weg").bounding_box()
    assert box is not None and 0 <= box["y"] < 400


def test_the_server_logs_no_addresses(page, server_url, server_log):
    page.goto(server_url + "/")
    page.goto(server_url + "/bestaat-niet/")
    page.goto(server_url + "/static/nope.css")
    # Our own start-up line names the listening address; nothing else may.
    lines = [line for line in server_log.read_text().splitlines() if "listens on" not in line]
    logged = "\n".join(lines)
    assert "127.0.0.1" not in logged
    assert "HeadlessChrome" not in logged and "Mozilla" not in logged
