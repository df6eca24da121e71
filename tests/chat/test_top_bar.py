"""The staff console's top bar ([5/8], item 1), without a browser: it is on every staff page
after the log-in and on none before it, its forms work without JavaScript and come back to
the page they were sent from, its waiting count is the queue's, and the admin links back."""

import re

import pytest
from django.test import Client

from chat import availability, conversations
from chat.models import Availability, Conversation
from tests.conftest import log_in


def waiting_visitor(**answers):
    return conversations.open_conversation(
        for_whom=Conversation.ForWhom.SELF, minor=Conversation.Minor.NO, in_danger=False, **answers
    )


def bar_of(html):
    match = re.search(r'<header class="top-bar">.*?</header>', html, re.S)
    assert match, "no top bar"
    return match.group(0)


@pytest.mark.parametrize(
    "path", ["/medewerkers/", "/medewerkers/wachtrij/", "/medewerkers/verwijzingen/"]
)
def test_staff_pages_have_the_bar_and_not_the_visitors_layout(db, hana, path):
    html = log_in(Client(), hana).get(path).content.decode()
    bar = bar_of(html)
    for part in ('name="status"', 'name="capacity"', "data-bar-waiting", "data-mute", "Uitloggen"):
        assert part in bar, part
    for visitors in ("safety-bar", "site-nav", "site-footer", "quick-exit"):
        assert visitors not in html, visitors


def test_the_log_in_page_has_the_plain_bar(db, hana):
    html = Client().get("/medewerkers/inloggen/").content.decode()
    assert "top-bar--plain" in html and "data-status-form" not in html
    # Logged in but without the second factor yet: still no console.
    half = log_in(Client(), hana, verified=False).get("/medewerkers/code/", follow=True)
    half = half.content.decode()
    assert "top-bar--plain" in half and "data-status-form" not in half


def test_the_status_form_works_without_javascript_and_comes_back(db, hana):
    client = log_in(Client(), hana)
    response = client.post(
        "/medewerkers/status/",
        {"status": "away", "capacity": "2", "next": "/medewerkers/verwijzingen/"},
    )
    assert response.status_code == 302 and response["Location"] == "/medewerkers/verwijzingen/"
    own = Availability.objects.get(user=hana)
    assert (own.status, own.capacity) == ("away", 2)
    bar = bar_of(client.get("/medewerkers/verwijzingen/").content.decode())
    assert '<option value="away" selected>afwezig</option>' in bar
    assert '<option value="2" selected>2 gesprekken</option>' in bar


@pytest.mark.parametrize("elsewhere", ["https://evil.example/", "//evil.example/", "/chat/"])
def test_the_bar_never_sends_anyone_off_the_staff_pages(db, hana, elsewhere):
    client = log_in(Client(), hana)
    response = client.post("/medewerkers/status/geluid/", {"muted": "1", "next": elsewhere})
    assert response["Location"] == "/medewerkers/wachtrij/"


def test_the_background_save_answers_without_a_page(db, hana):
    client = log_in(Client(), hana)
    saved = client.post(
        "/medewerkers/status/", {"status": "busy", "capacity": "1"}, HTTP_X_REQUESTED_WITH="fetch"
    )
    assert saved.status_code == 204
    assert availability.availability_of(hana).status == "busy"
    wrong = client.post("/medewerkers/status/", {"status": "asleep"}, HTTP_X_REQUESTED_WITH="fetch")
    assert wrong.status_code == 400
    assert availability.availability_of(hana).status == "busy"


def test_sound_off_is_kept_in_the_session_and_shown_on_every_page(db, hana):
    client = log_in(Client(), hana)
    client.post("/medewerkers/status/geluid/", {"muted": "1", "next": "/medewerkers/"})
    bar = bar_of(client.get("/medewerkers/verwijzingen/").content.decode())
    assert 'aria-pressed="true" data-mute' in bar
    assert '<input type="hidden" name="muted" value="0">' in bar  # the next press turns it on


def test_the_waiting_count_is_the_number_of_visitors_waiting(db, hana):
    client = log_in(Client(), hana)
    waiting_visitor()
    waiting_visitor(topic="tweede")
    conversations.open_conversation(  # a message left while closed does not wait
        for_whom=Conversation.ForWhom.SELF,
        minor=Conversation.Minor.NO,
        in_danger=False,
        left_message=True,
    )
    bar = bar_of(client.get("/medewerkers/").content.decode())
    assert "<strong>2</strong> in de wachtrij" in bar
    fragment = client.get("/medewerkers/status/wachtrij/").content.decode()
    assert "<strong>2</strong> in de wachtrij" in fragment and "<header" not in fragment
    assert Client().get("/medewerkers/status/wachtrij/").status_code == 302


def test_log_out_from_the_bar_ends_the_session(db, hana):
    client = log_in(Client(), hana)
    bar = bar_of(client.get("/medewerkers/").content.decode())
    action = re.search(
        r'<form method="post" action="([^"]+)">\s*<input type="hidden" '
        r'name="csrfmiddlewaretoken"[^>]*>\s*<button[^>]*>Uitloggen',
        bar,
    )
    assert action and action.group(1) == "/medewerkers/uitloggen/"
    client.post(action.group(1))
    assert client.get("/medewerkers/").status_code == 302


def test_the_navigation_marks_the_current_page_and_follows_the_role(db, hana, sam):
    counsellor = bar_of(log_in(Client(), hana).get("/medewerkers/verwijzingen/").content.decode())
    assert '<a href="/medewerkers/verwijzingen/" aria-current="page">' in counsellor
    assert "Statistiek" not in counsellor and "Beheer" not in counsellor
    supervisor = log_in(Client(), sam)
    statistics = bar_of(supervisor.get("/medewerkers/overzicht/statistiek/").content.decode())
    assert '<a href="/medewerkers/overzicht/statistiek/" aria-current="page">' in statistics
    assert '<a href="/medewerkers/overzicht/" aria-current' not in statistics


def test_the_admin_links_back_to_the_console(admin_client):
    html = admin_client.get("/beheer/").content.decode()
    assert '<a href="/medewerkers/" data-console-link>Naar de medewerkersconsole</a>' in html
