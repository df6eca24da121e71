"""While the chat is closed, a client with an account leaves a message; it is answered later."""

import uuid

from django.test import Client

from chat import conversations, queue
from chat.models import Conversation
from tests.conftest import log_in

CONSENT = {"consent": "on"}


def test_a_client_leaves_a_message_while_closed_and_reads_the_answer_later(db, robin, hana):
    client = log_in(Client(), robin)
    closed = client.get("/chat/").content.decode()
    assert "De chat is nu gesloten." in closed and "Laat een bericht achter" in closed
    left = client.post("/chat/", {"body": "Kunnen jullie me terugschrijven?", **CONSENT})
    assert "Je bericht is achtergelaten" in left.content.decode()
    message = Conversation.objects.get(left_message=True)
    assert message.client == robin and message.messages.get().body.startswith("Kunnen")

    # It waits apart from the live queue, and a counsellor answers it.
    assert list(queue.waiting()) == []
    counsellor = log_in(Client(), hana)
    assert (
        f"/medewerkers/gesprek/{message.pk}/aannemen/"
        in counsellor.get("/medewerkers/wachtrij/").content.decode()
    )
    queue.claim(message, hana)
    conversations.post_message(
        message, "counsellor", "Natuurlijk, hier is ons antwoord.", uuid.uuid4(), hana
    )
    conversations.end_conversation(message, by="counsellor")

    history = client.get("/chat/eerder/").content.decode()
    assert "Antwoorden op je berichten" in history
    assert "hier is ons antwoord" in client.get(f"/chat/eerder/{message.pk}/").content.decode()


def test_anonymous_visitors_get_no_message_form(db):
    closed = Client().get("/chat/").content.decode()
    assert "Laat een bericht achter" not in closed


def test_a_message_needs_consent(db, robin):
    client = log_in(Client(), robin)
    client.post("/chat/", {"body": "zonder toestemming"})
    assert not Conversation.objects.exists()


def test_the_account_page_says_when_an_answer_waits(db, robin, hana):
    client = log_in(Client(), robin)
    client.post("/chat/", {"body": "Lezen jullie dit?", **CONSENT})
    message = Conversation.objects.get(left_message=True)
    assert "data-answered-messages" not in client.get("/account/").content.decode()

    queue.claim(message, hana)
    conversations.post_message(message, "counsellor", "Ja, hier zijn we.", uuid.uuid4(), hana)
    conversations.end_conversation(message, by="counsellor")
    account = client.get("/account/").content.decode()
    assert "Er is een antwoord op je bericht" in account
    assert f"/chat/eerder/{message.pk}/" in account.split("data-answered-messages", 1)[1]


def test_another_clients_answer_is_not_shown(db, robin, hana):
    from accounts.models import User

    other = User.objects.create(username="other-client", role="client")
    theirs = conversations.leave_message(other, "van iemand anders")
    queue.claim(theirs, hana)
    conversations.post_message(theirs, "counsellor", "antwoord", uuid.uuid4(), hana)
    account = log_in(Client(), robin).get("/account/").content.decode()
    assert "data-answered-messages" not in account
