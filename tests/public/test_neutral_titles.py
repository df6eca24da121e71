"""A watched device's tabs and history show no subject, and staff pages have no quick exit.

Every visitor page after the front page has the one neutral title of templates/base.html
(issue #15, item 5); staff pages extend templates/staff_base.html, which loads no quick
exit (item 6).
"""

import re
from pathlib import Path

import pytest
from django.test import Client

from tests.conftest import log_in
from tests.public.test_public_pages import PAGES

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
NEUTRAL = "<title>HOC</title>"


def title(response):
    return re.search(r"<title>.*?</title>", response.content.decode(), re.S).group(0)


@pytest.mark.parametrize(
    "path", [p for p in PAGES if p != "/"] + ["/en/naasten/", "/account/nieuw/"]
)
def test_every_visitor_page_after_the_front_page_has_the_neutral_title(db, path):
    assert title(Client().get(path)) == NEUTRAL


def test_the_error_pages_have_it_too(db):
    assert title(Client().get("/bestaat-niet/")) == NEUTRAL


def test_only_the_front_page_and_the_staff_layout_set_a_title():
    # The one place is base.html's default: a visitor template with a title of its own
    # would name its subject again.
    titled = {
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if "{% block title %}" in path.read_text()
        and '{% extends "base.html" %}' in path.read_text()
    }
    assert titled == {"public/home.html"}


def test_staff_pages_do_not_load_the_quick_exit(db, hana):
    client = log_in(Client(), hana)
    workspace = client.get("/medewerkers/wachtrij/").content.decode()
    assert "quick-exit.js" not in workspace and "data-quick-exit" not in workspace
    login = Client().get("/medewerkers/inloggen/").content.decode()
    assert "quick-exit.js" not in login


def test_visitor_pages_do_load_it(db):
    page = Client().get("/chat/").content.decode()
    assert "quick-exit.js" in page and "data-quick-exit" in page


def test_every_staff_template_uses_the_staff_layout():
    # The one rule for who gets the quick exit: the layout a page extends.
    staff_dirs = ("oversight", "handover")
    staff_files = {
        "chat/workspace.html",
        "chat/canned.html",
        *(f"accounts/{p.name}" for p in (TEMPLATES / "accounts").glob("staff_*.html")),
        "accounts/enrol_link_invalid.html",
    }
    for path in TEMPLATES.rglob("*.html"):
        name = str(path.relative_to(TEMPLATES))
        text = path.read_text()
        if "{% extends" not in text.split("\n", 1)[0]:
            continue
        is_staff = name.split("/")[0] in staff_dirs and name != "handover/client_referral.html"
        if is_staff or name in staff_files:
            assert text.startswith('{% extends "staff_base.html" %}'), name
