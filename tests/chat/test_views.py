"""The chat's pages: the visitor's steps on /chat/, the counsellor's queue and conversation."""

import datetime
import re

import pytest
from django.test import Client

from accounts import session_keys
from chat import consent, conversations, queue
from chat.models import Conversation, OpeningHours
from tests.conftest import log_in

INTAKE = {
    "for_whom": "self",
    "minor": "no",
    "in_danger": "no",
    "topic": "mijn broer",
    "consent": "on",
}


@pytest.fixture
def chat_open(db):
    for weekday in range(7):
        OpeningHours.objects.create(
            weekday=weekday, opens=datetime.time(0), closes=datetime.time(0)
        )


def waiting(**intake):
    return conversations.open_conversation(
        **{"for_whom": "self", "minor": "no", "in_danger": False, **intake}
    )


def test_the_intake_refuses_without_consent(client, chat_open):
    response = client.post("/chat/", {**INTAKE, "consent": ""})
    assert response.status_code == 200
    assert "Zonder je toestemming kunnen we niet met je chatten." in response.content.decode()
    assert not Conversation.objects.exists()
    assert session_keys.CONVERSATION not in client.session


def test_the_intake_shows_the_consent_text_and_asks_for_a_token(client, chat_open):
    html = client.get("/chat/").content.decode()
    assert str(consent.TEXT) in html
    assert "csrfmiddlewaretoken" in html
    assert "data-danger-alert" in html and "bel eerst 112" in html


def test_the_intake_opens_a_conversation_and_keeps_it_in_the_session(client, chat_open):
    response = client.post("/chat/", {**INTAKE, "in_danger": "yes"})
    assert response.status_code == 302 and response.url == "/chat/"
    conversation = Conversation.objects.get()
    assert conversation.consent_version == consent.VERSION
    assert conversation.state == Conversation.State.WAITING
    assert conversation.in_danger and conversation.topic == "mijn broer"
    assert conversation.client is None
    assert client.session[session_keys.CONVERSATION] == str(conversation.pk)


def test_the_chat_then_shows_on_the_same_url(client, chat_open):
    client.post("/chat/", INTAKE)
    conversation = Conversation.objects.get()
    response = client.get("/chat/")
    html = response.content.decode()
    assert f'data-conversation="{conversation.pk}"' in html
    assert 'data-role="visitor"' in html
    assert "data-message-template" in html and 'aria-live="polite"' in html
    assert "<title>HOC</title>" in html  # neutral, like every page after the front page
    # With the script, two tokens: the end form's (it posts to this same page) and the
    # consent cards' (a warm handover's yes or no goes over HTTP); the messages themselves
    # go over the socket. What stands in <noscript> is the page without script.
    with_script = re.sub(r"<noscript>.*?</noscript>", "", html, flags=re.S)
    assert with_script.count("csrfmiddlewaretoken") == 2
    end_form = html.index("data-chat-end-form")
    assert html.index("csrfmiddlewaretoken", end_form) < html.index("data-chat-end-dialog")
    assert html.index("data-referral-cards") < html.rindex("csrfmiddlewaretoken")


def test_the_welcome_follows_the_state_in_the_conversations_language(client, chat_open):
    client.post("/chat/", INTAKE)
    html = client.get("/chat/").content.decode()
    waiting = html.index('data-chat-welcome="waiting"')
    active = html.index('data-chat-welcome="active"')
    assert html[waiting : html.index(">", waiting)].strip().endswith('"waiting"')  # shown
    assert " hidden" in html[active : html.index(">", active)]
    assert "Je wacht op een hulpverlener." in html and 'lang="nl"' in html
    Conversation.objects.update(
        language=Conversation.Language.ENGLISH, state=Conversation.State.ACTIVE
    )
    html = client.get("/chat/").content.decode()
    waiting = html.index('data-chat-welcome="waiting"')
    assert " hidden" in html[waiting : html.index(">", waiting)]
    assert "A trained counsellor from Hulppunt Onder Controle is now with you" in html
    assert 'class="chat__welcome" lang="en"' in html


def test_a_second_intake_post_does_not_open_a_second_conversation(client, chat_open):
    client.post("/chat/", INTAKE)
    response = client.post("/chat/", INTAKE)
    assert response.status_code == 302 and response.url == "/chat/"
    assert Conversation.objects.count() == 1


def test_a_logged_in_client_gets_the_conversation_on_their_account(client, chat_open, robin):
    log_in(client, robin)
    client.post("/chat/", INTAKE)
    conversation = Conversation.objects.get()
    assert conversation.client == robin
    assert f'data-conversation="{conversation.pk}"' in client.get("/chat/").content.decode()


def test_the_closed_chat_shows_the_closed_page_and_opens_nothing(client, db):
    assert not OpeningHours.objects.exists()
    html = client.get("/chat/").content.decode()
    assert "De chat is nu gesloten." in html and "0800-2000" in html
    assert "<form" not in html.split('id="main"')[1]
    client.post("/chat/", INTAKE)
    assert not Conversation.objects.exists()


def test_an_ended_chat_shows_the_closing_page_once(client, chat_open, hana):
    client.post("/chat/", INTAKE)
    conversation = Conversation.objects.get()
    queue.claim(conversation, hana)
    conversations.end_conversation(conversation, by="counsellor")
    html = client.get("/chat/").content.decode()
    assert "Het gesprek is afgelopen" in html and "0800-2000" in html
    assert "Bewaar dit gesprek in een nieuw account" in html  # anonymous: it may be saved
    assert session_keys.CONVERSATION not in client.session
    assert "csrfmiddlewaretoken" in client.get("/chat/").content.decode()  # a new intake


def test_the_queue_lists_someone_in_danger_first(client, hana):
    calm = waiting(topic="rustig")
    urgent = waiting(in_danger=True, minor="yes")
    html = log_in(client, hana).get("/medewerkers/wachtrij/").content.decode()
    assert html.index(str(urgent.pk)) < html.index(str(calm.pk))
    assert "Direct gevaar" in html and "Jonger dan 18" in html
    assert "rustig" not in html  # the topic is read in the chat, never in a queue row


def test_claiming_takes_the_counsellor_to_the_conversation(client, hana):
    conversation = waiting()
    response = log_in(client, hana).post(f"/medewerkers/gesprek/{conversation.pk}/aannemen/")
    assert response.status_code == 302
    assert response.url == f"/medewerkers/gesprek/{conversation.pk}/"
    html = client.get(response.url).content.decode()
    assert 'data-role="counsellor"' in html and "Anonieme bezoeker" in html
    assert client.get("/medewerkers/wachtrij/").content.decode().count(str(conversation.pk)) >= 1


def test_claiming_what_a_colleague_took_gives_a_message(client, hana, otto):
    conversation = waiting()
    queue.claim(conversation, hana)
    response = log_in(client, otto).post(
        f"/medewerkers/gesprek/{conversation.pk}/aannemen/", follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/medewerkers/wachtrij/"
    assert "al aangenomen" in response.content.decode()


def test_a_double_click_on_claim_lands_in_the_conversation(client, hana):
    conversation = waiting()
    log_in(client, hana)
    client.post(f"/medewerkers/gesprek/{conversation.pk}/aannemen/")
    response = client.post(f"/medewerkers/gesprek/{conversation.pk}/aannemen/")
    assert response.url == f"/medewerkers/gesprek/{conversation.pk}/"


def test_a_full_counsellor_is_told_so(client, hana, settings):
    settings.COUNSELLOR_CAPACITY = 1
    queue.claim(waiting(), hana)
    conversation = waiting()
    response = log_in(client, hana).post(
        f"/medewerkers/gesprek/{conversation.pk}/aannemen/", follow=True
    )
    assert "Rond eerst een gesprek af" in response.content.decode()
    conversation.refresh_from_db()
    assert conversation.state == Conversation.State.WAITING


def test_a_counsellor_cannot_open_someone_elses_conversation(client, hana, otto):
    conversation = waiting()
    queue.claim(conversation, hana)
    response = log_in(client, otto).get(f"/medewerkers/gesprek/{conversation.pk}/")
    assert response.status_code == 403


def test_the_conversation_page_shows_the_intake_and_earlier_chats(client, hana, robin):
    robin.display_label = "Blauwe Reiger"
    robin.save()
    earlier = waiting(client=robin)
    queue.claim(earlier, hana)
    conversations.end_conversation(earlier, by="counsellor")
    conversation = waiting(client=robin, minor="yes", topic="thuis")
    queue.claim(conversation, hana)
    html = log_in(client, hana).get(f"/medewerkers/gesprek/{conversation.pk}/").content.decode()
    # The heading is the chat's label (no name); the flags say this client came before.
    assert f'Gesprek <span class="chat-label__code">#{conversation.code}</span>' in html
    assert "Terugkerende cliënt" in html
    assert "thuis" in html and "Eerdere gesprekken" in html
    assert f"/medewerkers/gesprek/{earlier.pk}/" in html


def test_staff_without_a_second_factor_are_sent_to_it(client, hana):
    conversation = waiting()
    log_in(client, hana, verified=False)
    for response in (
        client.get("/medewerkers/wachtrij/"),
        client.get(f"/medewerkers/gesprek/{conversation.pk}/"),
        client.post(f"/medewerkers/gesprek/{conversation.pk}/aannemen/"),
    ):
        assert response.status_code == 302 and response.url == "/medewerkers/code/"
    conversation.refresh_from_db()
    assert conversation.state == Conversation.State.WAITING


def test_visitors_are_sent_to_the_staff_log_in(db):
    response = Client().get("/medewerkers/wachtrij/")
    assert response.status_code == 302 and response.url.startswith("/medewerkers/inloggen/")


def test_the_staff_home_links_the_queue(client, hana):
    assert "/medewerkers/wachtrij/" in log_in(client, hana).get("/medewerkers/").content.decode()
