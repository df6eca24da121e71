"""A call for help names its chat to the supervisors, and tells the counsellor only what
happened: asked, and who answered when."""

import re

import pytest

from chat import availability, events, help_requests, queue
from tests.chat.test_views import waiting
from tests.conftest import log_in


@pytest.fixture
def asked(hana):
    conversation = waiting(in_danger=True)
    queue.claim(conversation, hana)
    help_requests.request_help(conversation, hana)
    return conversation


def help_section(client, conversation):
    html = client.get(f"/medewerkers/gesprek/{conversation.pk}/").content.decode()
    start = html.index(f'data-help="{conversation.pk}"')
    return html[start : html.index("</section>", start)]


def test_the_counsellor_is_told_nobody_answered_yet_not_that_someone_comes(client, hana, asked):
    section = help_section(log_in(client, hana), asked)
    assert "Nog geen supervisor heeft gereageerd." in section
    assert "komt eraan" not in section
    assert "Vraag hulp" not in section


def test_once_a_supervisor_answers_the_counsellor_sees_who_and_may_ask_again(
    client, hana, sam, asked
):
    help_requests.answer(help_requests.latest_for(asked), sam)
    section = help_section(log_in(client, hana), asked)
    assert "sam heeft om" in section and "gereageerd en leest mee." in section
    assert "Opnieuw hulp vragen" in section


def test_the_answer_reaches_the_counsellor_in_the_chat_at_once(sam, asked, capture_broadcasts):
    with capture_broadcasts() as sent:
        help_requests.answer(help_requests.latest_for(asked), sam)
    # The counsellor, and supervisors looking on live (their look shows who answered too).
    to_counsellor = [
        message
        for group, message in sent
        if group == asked.group_name and message.get("to") == [events.COUNSELLOR, events.OBSERVER]
    ]
    assert len(to_counsellor) == 1
    event = to_counsellor[0]["event"]
    assert event["event"] == "help.answered" and event["by"] == "sam"
    # Never to the visitor.
    in_chat = [message for group, message in sent if group == asked.group_name]
    assert all(events.VISITOR not in message.get("to", [events.VISITOR]) for message in in_chat)


def test_the_overview_names_the_chat_without_anything_identifying(client, sam, hana, asked):
    availability.note_seen(hana)
    html = log_in(client, sam).get("/medewerkers/overzicht/").content.decode()
    alert = html[html.index("Hulp gevraagd") : html.index("</div>", html.index("Hulp gevraagd"))]
    assert "hana vraagt om hulp" in alert
    assert f"#{asked.code}</span> · Voor zichzelf · " in alert
    assert "Direct gevaar" in alert
    assert "mijn broer" not in html  # the topic is not a label
    assert f'href="/medewerkers/overzicht/gesprek/{asked.pk}/?reden=help"' in alert
    team = html[html.index("<h2>Team</h2>") :]
    assert "Vraagt om hulp" in team.split("Meekijken")[0]


def test_opening_it_from_the_alert_still_asks_why_with_help_chosen(client, sam, asked):
    html = log_in(client, sam).get(f"/medewerkers/overzicht/gesprek/{asked.pk}/?reden=help")
    html = html.content.decode()
    chosen = re.findall(r"<input[^>]*checked[^>]*>", html)
    assert len(chosen) == 1 and 'value="help"' in chosen[0]
    assert list(help_requests.open_requests()) != []  # answered only by the look itself
    log_in(client, sam).post(f"/medewerkers/overzicht/gesprek/{asked.pk}/", {"reason_code": "help"})
    assert list(help_requests.open_requests()) == []
