"""The visitor's chat without JavaScript (chat/plain_chat.py, chat/plain_views.py): the
chat page rendered on the server, its forms, and the same rules as the socket."""

import re
import time
import uuid

import pytest
from django.conf import settings
from django.test import Client

from accounts import session_keys
from chat import conversations, leaving, plain_chat, queue
from chat.models import Conversation, Message
from tests.chat.test_views import INTAKE, chat_open  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("chat_open")]


def start(client):
    client.post("/chat/", INTAKE)
    return Conversation.objects.get(pk=client.session[session_keys.CONVERSATION])


def form_id(html):
    """The client id the writing view rendered into its form."""
    return re.search(r'name="id" value="([0-9a-f-]{36})"', html).group(1)


def send(client, body, client_id=None):
    if client_id is None:
        client_id = form_id(client.get("/chat/?schrijven").content.decode())
    return client.post("/chat/", {"do": "send", "body": body, "id": client_id})


def bodies(conversation):
    return [m.body for m in conversation.messages.order_by("seq")]


def test_the_waiting_page_shows_the_place_in_the_queue_and_refreshes_itself(client):
    conversations.open_conversation(for_whom="self", minor="no", in_danger=False)
    conversations.open_conversation(for_whom="self", minor="no", in_danger=False)
    start(client)
    html = client.get("/chat/").content.decode()
    assert "Je bent nummer 3 in de wachtrij. Je wacht ongeveer 10 minuten." in html
    # Only inside <noscript>: a page with script must never reload itself.
    head = html.split("</head>")[0]
    noscript = re.search(r"<noscript>(.*?)</noscript>", head, re.S).group(1)
    assert '<meta http-equiv="refresh" content="10">' in noscript
    assert head.count('http-equiv="refresh"') == 1
    assert "<script>" not in html  # no inline script, the CSP stays as it is


def test_the_waiting_page_shows_nothing_of_the_others_in_the_queue(client):
    ahead = conversations.open_conversation(
        for_whom="self", minor="no", in_danger=False, topic="geheim onderwerp"
    )
    conversations.post_message(ahead, Message.Sender.VISITOR, "iets van een ander", uuid.uuid4())
    start(client)
    html = client.get("/chat/").content.decode()
    assert "Je bent nummer 2 in de wachtrij." in html
    assert "geheim onderwerp" not in html and "iets van een ander" not in html


def test_the_writing_view_does_not_refresh_and_holds_the_chat_longer(client):
    conversation = start(client)
    html = client.get("/chat/?schrijven").content.decode()
    assert 'http-equiv="refresh"' not in html
    assert 'name="body"' in html
    # Writing for longer than the grace time does not end the chat; a closed tab still does.
    now = time.time()
    assert not leaving.is_gone(conversation.pk, now + settings.VISITOR_GRACE_SECONDS + 60)
    later = now + plain_chat.WRITE_SECONDS + settings.VISITOR_GRACE_SECONDS + 1
    assert leaving.is_gone(conversation.pk, later)


def test_each_reading_page_notes_the_visitor_present(client):
    conversation = start(client)
    client.get("/chat/")
    assert not leaving.is_gone(conversation.pk)
    # Without another load within the grace time, the visitor has left.
    assert leaving.is_gone(conversation.pk, time.time() + settings.VISITOR_GRACE_SECONDS + 1)


def test_a_message_by_form_is_stored_and_the_same_form_twice_is_stored_once(client):
    conversation = start(client)
    client_id = form_id(client.get("/chat/?schrijven").content.decode())
    first = send(client, "Hallo, ik wil iets vragen.", client_id)
    again = send(client, "Hallo, ik wil iets vragen.", client_id)
    assert first.status_code == again.status_code == 302 and first.url == "/chat/"
    assert bodies(conversation) == ["Hallo, ik wil iets vragen."]
    # Each writing view carries a fresh id: the next message is a new one.
    send(client, "Nog iets.")
    assert bodies(conversation) == ["Hallo, ik wil iets vragen.", "Nog iets."]
    html = client.get("/chat/").content.decode()
    assert "Hallo, ik wil iets vragen." in html and "Nog iets." in html


def test_the_counsellors_message_is_on_the_page_after_a_refresh(client, hana):
    conversation = start(client)
    queue.claim(conversation, hana)
    conversations.post_message(
        conversation, Message.Sender.COUNSELLOR, "Fijn dat je er bent.", uuid.uuid4(), hana
    )
    html = client.get("/chat/").content.decode()
    assert "Een hulpverlener praat nu met je." in html
    assert "Fijn dat je er bent." in html and "hana" not in html  # role, never the name
    assert '<meta http-equiv="refresh" content="15">' in html


def test_a_too_long_message_is_refused_and_the_text_stays(client):
    conversation = start(client)
    response = send(client, "a" * (settings.MESSAGE_MAX_CHARS + 1))
    assert response.status_code == 400
    assert "Je bericht is te lang." in response.content.decode()
    assert "a" * (settings.MESSAGE_MAX_CHARS + 1) in response.content.decode()
    assert bodies(conversation) == []


def test_vernieuwen_keeps_the_draft_and_stores_nothing(client):
    conversation = start(client)
    client_id = form_id(client.get("/chat/?schrijven").content.decode())
    response = client.post("/chat/", {"do": "refresh", "body": "half af", "id": client_id})
    assert response.status_code == 200
    html = response.content.decode()
    assert ">half af</textarea>" in html and form_id(html) == client_id
    assert bodies(conversation) == []


def test_posts_beyond_the_rate_are_refused_with_the_text_kept(client):
    conversation = start(client)
    for number in range(plain_chat.POSTS_PER_MINUTE):
        assert send(client, f"bericht {number}", str(uuid.uuid4())).status_code == 302
    response = send(client, "een te veel", str(uuid.uuid4()))
    assert response.status_code == 429
    assert ">een te veel</textarea>" in response.content.decode()
    assert len(bodies(conversation)) == plain_chat.POSTS_PER_MINUTE


def test_another_session_cannot_post_into_or_read_the_conversation(client):
    conversation = start(client)
    send(client, "alleen voor mij")
    stranger = Client()
    stranger.post("/chat/", INTAKE)  # their own chat
    response = stranger.post(
        "/chat/", {"do": "send", "body": "ingebroken", "id": str(uuid.uuid4())}
    )
    assert "ingebroken" not in bodies(conversation)
    assert "alleen voor mij" not in stranger.get("/chat/").content.decode()
    # A session whose conversation is gone is refused by get_conversation_for: nothing posted.
    forged = Client()
    session = forged.session
    session[session_keys.CONVERSATION] = str(uuid.uuid4())
    session.save()
    response = forged.post("/chat/", {"do": "send", "body": "x", "id": str(uuid.uuid4())})
    assert response.status_code == 200 and "Start de chat" in response.content.decode()
    assert bodies(conversation) == ["alleen voor mij"]


def test_a_staff_member_holding_the_session_key_is_refused(client, hana):
    from tests.conftest import log_in

    conversation = start(client)
    staff = Client()
    log_in(staff, hana)
    session = staff.session
    session[session_keys.CONVERSATION] = str(conversation.pk)
    session.save()
    queue.claim(conversation, hana)
    response = staff.post("/chat/", {"do": "send", "body": "als bezoeker", "id": str(uuid.uuid4())})
    assert response.status_code == 403
    assert bodies(conversation) == []


def test_ending_asks_first_then_ends(client, hana):
    conversation = start(client)
    queue.claim(conversation, hana)
    response = client.post("/chat/", {"do": "end"})
    assert response.status_code == 302 and response.url == "/chat/?beeindigen#beeindigen"
    conversation.refresh_from_db()
    assert conversation.is_open
    html = client.get("/chat/?beeindigen").content.decode()
    assert "Weet je het zeker?" in html and 'name="confirmed" value="1"' in html
    response = client.post("/chat/", {"do": "end", "confirmed": "1"})
    assert response.status_code == 302 and response.url == "/chat/"
    conversation.refresh_from_db()
    assert conversation.state == Conversation.State.ENDED
    assert "Het gesprek is afgelopen" in client.get("/chat/").content.decode()


def test_a_post_after_the_end_stores_nothing(client, hana):
    conversation = start(client)
    client_id = form_id(client.get("/chat/?schrijven").content.decode())
    conversations.end_conversation(conversation, by=Message.Sender.COUNSELLOR, actor=hana)
    response = send(client, "te laat", client_id)
    assert "Het gesprek is afgelopen" in response.content.decode()
    assert bodies(conversation) == []
