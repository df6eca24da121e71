"""An anonymous conversation saved under a new account, and reading earlier ones back."""

import re
import uuid

from django.test import Client

from accounts import session_keys
from accounts.models import User
from chat import conversations
from chat.models import Conversation
from tests.accounts.conftest import cheap_argon2  # noqa: F401  (fixture)


def finished_anonymous_chat(client):
    conversation = conversations.open_conversation(for_whom="self", minor="no", in_danger=False)
    conversations.post_message(conversation, "visitor", "wat ik kwijt wilde", uuid.uuid4())
    session = client.session
    session[session_keys.CONVERSATION] = str(conversation.pk)
    session.save()
    conversations.end_conversation(conversation, by="counsellor")
    return conversation


def test_an_anonymous_visitor_saves_the_chat_under_a_new_account(db):
    client = Client()
    conversation = finished_anonymous_chat(client)
    ended = client.get("/chat/").content.decode()
    assert "Bewaar dit gesprek in een nieuw account" in ended
    assert client.post("/chat/bewaren/").headers["Location"] == "/account/nieuw/"
    page = client.post("/account/nieuw/").content.decode()
    passphrase = re.search(r"data-passphrase>([a-z ]+)<", page).group(1)
    created = client.post("/account/bevestigen/", {"passphrase": passphrase})
    assert created.headers["Location"] == "/chat/bewaard/"
    assert "Je gesprek staat in je account" in client.get("/chat/bewaard/").content.decode()
    user = User.objects.get(role="client")
    assert Conversation.objects.get(pk=conversation.pk).client == user
    history = client.get("/chat/eerder/").content.decode()
    assert f"/chat/eerder/{conversation.pk}/" in history
    transcript = client.get(f"/chat/eerder/{conversation.pk}/").content.decode()
    assert "wat ik kwijt wilde" in transcript


def test_saving_needs_the_session_that_had_the_chat(db):
    assert Client().post("/chat/bewaren/").headers["Location"] == "/chat/"


def test_clients_read_only_their_own_conversations(db, robin):
    from tests.conftest import log_in

    other = User.objects.create(username="other-client", role="client")
    theirs = conversations.open_conversation(
        for_whom="self", minor="no", in_danger=False, client=other
    )
    client = log_in(Client(), robin)
    assert client.get(f"/chat/eerder/{theirs.pk}/").status_code == 403
    assert str(theirs.pk) not in client.get("/chat/eerder/").content.decode()


def test_clients_can_download_their_conversation(db, robin):
    from tests.conftest import log_in

    conversation = conversations.open_conversation(
        for_whom="self", minor="no", in_danger=False, client=robin
    )
    conversations.post_message(conversation, "visitor", "eerste regel", uuid.uuid4(), robin)
    response = log_in(Client(), robin).get(f"/chat/eerder/{conversation.pk}/bestand/")
    assert response.headers["Content-Disposition"] == 'attachment; filename="gesprek.txt"'
    assert "no-store" in response.headers["Cache-Control"]
    assert "eerste regel" in response.content.decode()


def test_a_block_of_the_visitor_holds_the_account_they_keep_the_chat_in(db, hana):
    """A blocked visitor who keeps the chat in a new account is not let in again by it."""
    from chat import blocks
    from tests.handover.conftest import active_conversation

    client = Client()
    conversation = active_conversation(hana)
    session = client.session
    session[session_keys.CONVERSATION] = str(conversation.pk)
    conversation.visitor_pseudonym = blocks.pseudonym_for_session(session)
    conversation.save()
    session.save()
    blocks.block_visitor(conversation, hana, duration="7d", reason="dreigde")
    client.get("/chat/")
    client.post("/chat/bewaren/")
    page = client.post("/account/nieuw/").content.decode()
    passphrase = re.search(r"data-passphrase>([a-z ]+)<", page).group(1)
    client.post("/account/bevestigen/", {"passphrase": passphrase})
    client.get("/chat/bewaard/")
    user = User.objects.get(role="client")
    assert Conversation.objects.get(pk=conversation.pk).client == user
    assert blocks.is_blocked(user, {}) is True
