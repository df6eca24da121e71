"""Who spoke: every page that shows a conversation names each message's sender the same
way, a partner's professional (guest) and the help point's own system messages included."""

import re
import uuid

import pytest
from django.test import Client

from chat import conversations
from chat.models import Message
from tests.conftest import log_in
from tests.handover.conftest import active_conversation

SAID = [
    (Message.Sender.VISITOR, "ik wil iets vertellen"),
    (Message.Sender.COUNSELLOR, "vertel maar rustig"),
    (Message.Sender.GUEST, "ik ben van het steunpunt"),
    (Message.Sender.SYSTEM, "de partner doet mee"),
]
LABELS = ["Jij", "Bezoeker", "Hulpverlener", "Professional van een partner"]
LABELS += ["Hulppunt Onder Controle"]


@pytest.fixture
def three_way(hana, robin):
    """robin's chat with hana, which a partner's professional joined."""
    conversation = active_conversation(hana, client=robin)
    for sender, body in SAID:
        author = {Message.Sender.VISITOR: robin, Message.Sender.COUNSELLOR: hana}.get(sender)
        conversations.post_message(conversation, sender, body, uuid.uuid4(), author)
    return conversation


def speakers_in(html):
    """The speaker shown before each message's body, in the list of messages (a transcript,
    or the live chat of a supervisor's look)."""
    text = re.sub(
        r"<[^>]+>", " ", re.split(r'class="transcript"|data-chat-messages>', html, maxsplit=1)[1]
    )
    text = re.sub(r"\s+", " ", text)
    shown, start = [], 0
    for _sender, body in SAID:
        at = text.index(body, start)
        shown.append([label for label in LABELS if label in text[start:at]])
        start = at + len(body)
    return shown


def test_the_download_names_every_speaker(robin, three_way):
    response = log_in(Client(), robin).get(f"/chat/eerder/{three_way.pk}/bestand/")
    assert response.status_code == 200
    lines = response.content.decode().splitlines()
    said_by = [re.sub(r" \(\d\d:\d\d\):$", "", lines[lines.index(b) - 1]) for _s, b in SAID]
    assert said_by == ["Jij", "Hulpverlener", "Professional van een partner"] + [
        "Hulppunt Onder Controle"
    ]


def test_the_history_page_names_every_speaker(robin, three_way):
    html = log_in(Client(), robin).get(f"/chat/eerder/{three_way.pk}/").content.decode()
    assert speakers_in(html) == [
        ["Jij"],
        ["Hulpverlener"],
        ["Professional van een partner"],
        ["Hulppunt Onder Controle"],
    ]


def test_a_supervisors_look_names_every_speaker(sam, three_way):
    client = log_in(Client(), sam)
    path = f"/medewerkers/overzicht/gesprek/{three_way.pk}/"
    html = client.post(path, {"reason_code": "quality"}).content.decode()
    assert speakers_in(html) == [
        ["Bezoeker"],
        ["Hulpverlener"],
        ["Professional van een partner"],
        ["Hulppunt Onder Controle"],
    ]
