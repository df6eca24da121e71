"""A staff member's first log-in in the browser: the one-time link, the password, then
linking the authenticator app with a code it would show (accounts/staff.py)."""

import base64
import os
from concurrent.futures import ThreadPoolExecutor

from django.db import connection


def orm(function, *args):
    """Run ORM code on a thread of its own and close its connection afterwards.

    Playwright's sync API keeps an event loop running on the test's thread, where Django
    refuses ORM calls; and a connection opened there would outlive the test database.
    """

    def call():
        try:
            return function(*args)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()


def authenticator_code(base32_secret):
    """What an authenticator app shows for this secret now."""
    from django_otp.oath import totp

    key = base64.b32decode(base32_secret + "=" * (-len(base32_secret) % 8))
    return f"{totp(key, step=30, digits=6):06d}"


def enrolment_link(username, then):
    """The one-time link an admin hands a new colleague to link their app, going on to
    `then` afterwards."""

    def issue():
        from django.contrib.auth import get_user_model

        from accounts import staff

        return staff.issue_enrolment_link(get_user_model().objects.get(username=username))

    return f"{orm(issue)}?next={then}"


def staff_log_in(page, server_url, username, password, then):
    """Log `username` in on `page` for the first time, second factor included, and wait
    until the page has gone on to `then`."""
    page.goto(server_url + enrolment_link(username, then))
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Verder").click()
    secret = page.locator(".totp-secret").inner_text().replace(" ", "")
    assert page.locator(".qr svg").is_visible()  # the code to scan, beside the secret
    page.get_by_label("Code uit je authenticator-app").fill(authenticator_code(secret))
    page.get_by_role("button", name="Koppelen").click()
    page.wait_for_url(server_url + then)


PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1366, "height": 768}


def screenshots(page, name):
    """A phone and a desktop screenshot of the page as it is, for a person to look at, only
    when asked for (HOC_SCREENSHOTS=/some/prefix, as tests/e2e/test_handover.py reads it):
    `<prefix>-<name>-phone.png` and `-desktop.png`. The page keeps its size."""
    prefix = os.environ.get("HOC_SCREENSHOTS")
    if not prefix:
        return
    size = page.viewport_size
    for label, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(viewport)
        page.screenshot(path=f"{prefix}-{name}-{label}.png", full_page=True)
    page.set_viewport_size(size)


# The staff console's two sizes: a common office laptop and a full-HD screen ([5/8]).
LAPTOP = {"width": 1366, "height": 768}
FULL_HD = {"width": 1920, "height": 1080}


def _viewport_pictures(page, sizes, file_name):
    """One picture of the viewport per (label, size), only when asked for
    (HOC_SCREENSHOTS_DIR=docs/screenshots), named `file_name(label)`; the page keeps its size."""
    directory = os.environ.get("HOC_SCREENSHOTS_DIR")
    if not directory:
        return
    size = page.viewport_size
    for label, viewport in sizes:
        page.set_viewport_size(viewport)
        page.wait_for_timeout(150)  # let the layout settle after the resize before the picture
        page.screenshot(path=os.path.join(directory, file_name(label)))
    page.set_viewport_size(size)


def staff_screenshots(page, name):
    """The staff console as a counsellor sees it, at 1366 × 768 and 1920 × 1080:
    `<dir>/<name>-1366.png` and `-1920.png`. Only the viewport, not the whole page: what
    fits without scrolling is what these pictures are for."""
    _viewport_pictures(
        page, (("1366", LAPTOP), ("1920", FULL_HD)), lambda label: f"{name}-{label}.png"
    )


def serious_problems(page):
    """What axe-core finds serious or critical on the page as it is now: (rule, help, the
    first places), empty when nothing."""
    from axe_playwright_python.sync_playwright import Axe

    return [
        (v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
        for v in Axe().run(page).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


# The visitor's chat on a small phone and on a laptop (issue 17, [6/8]).
SMALL_PHONE = {"width": 375, "height": 667}


def visitor_screenshots(page, name):
    """The visitor's page as they see it, at 375 × 667 and 1366 × 768:
    `<dir>/visitor-<name>-375.png` and `-1366.png`. Only the viewport: the chat is made to
    fit the screen."""
    _viewport_pictures(
        page, (("375", SMALL_PHONE), ("1366", LAPTOP)), lambda label: f"visitor-{name}-{label}.png"
    )
