"""A three-way chat, end to end over the sockets (issue 15, item 10): an anonymous visitor,
their counsellor and a partner's professional who joined by the link; the visitor keeps the
chat in a new account, and its history page and download name the right speaker for every
message, the help point's own lines (joined, left) included."""

import re
import uuid

import pytest
from channels.db import database_sync_to_async
from django.conf import settings
from django.test import Client

from chat import conversations, guests
from handover import referrals
from handover.models import Referral
from partners.models import Partner
from tests.handover.conftest import active_conversation, consented_draft, in_state
from tests.helpers.sockets import connect, staff_cookie, visitor_cookie

pytestmark = pytest.mark.django_db(transaction=True)


def three_way(hana):
    conversation = active_conversation(hana)
    partner = Partner.objects.create(
        slug="vt-history",
        name="Veilig Thuis",
        kind=Partner.Kind.SAFETY,
        summary="-",
        accepts_referrals=True,
    )
    referral = consented_draft(
        conversation, hana, partner, shared=[], contact_route=Referral.ContactRoute.IN_CHAT
    )
    # Approved by a supervisor, so the invitation is possible whatever the review rule.
    referral = in_state(referral, Referral.State.APPROVED)
    invitation, token = referrals.invite_partner(referral, hana)
    return conversation, invitation, token


def guest_cookie(token):
    client = Client()
    session = client.session
    guests.redeem(token, session)
    session.save()
    return session.session_key


async def say(socket, body):
    await socket.send_json_to({"type": "message.send", "id": str(uuid.uuid4()), "body": body})


async def until(socket, body):
    """Read frames until the message with this body arrives; it, as it arrived."""
    while True:
        frame = await socket.receive_json_from(timeout=5)
        if frame.get("body") == body:
            return frame


def keep_in_account(visitor_key):
    browser = Client()
    browser.cookies[settings.SESSION_COOKIE_NAME] = visitor_key
    browser.get("/chat/")  # the end page, with the offer
    browser.post("/chat/bewaren/")
    page = browser.post("/account/nieuw/").content.decode()
    passphrase = re.search(r"data-passphrase>([a-z ]+)<", page).group(1)
    browser.post("/account/bevestigen/", {"passphrase": passphrase})
    assert "Je gesprek staat in je account" in browser.get("/chat/bewaard/").content.decode()
    return browser


SAID = [
    ("visitor", "ik wil het wel proberen"),
    ("guest", "Hoi, ik ben van Veilig Thuis"),
    ("counsellor", "ik blijf er ook bij"),
    ("visitor", "dank jullie"),
]


async def test_the_kept_three_way_chat_names_every_speaker(hana):
    conversation, invitation, token = await database_sync_to_async(three_way)(hana)
    visitor_key = await database_sync_to_async(visitor_cookie)(conversation)
    visitor, ok, _ = await connect(conversation, visitor_key)
    assert ok
    hana_key = await database_sync_to_async(staff_cookie)(hana)
    counsellor, ok, _ = await connect(conversation, hana_key)
    assert ok
    guest, ok, _ = await connect(conversation, await database_sync_to_async(guest_cookie)(token))
    assert ok
    sockets = {"visitor": visitor, "counsellor": counsellor, "guest": guest}
    for sender, body in SAID:
        await say(sockets[sender], body)
        assert (await until(visitor, body))["from"] == sender
    await database_sync_to_async(guests.remove)(invitation, hana)
    for socket in sockets.values():
        await socket.disconnect()
    await database_sync_to_async(conversations.end_conversation)(conversation, by="counsellor")

    browser = await database_sync_to_async(keep_in_account)(visitor_key)
    page = await database_sync_to_async(browser.get)(f"/chat/eerder/{conversation.pk}/")
    download = await database_sync_to_async(browser.get)(f"/chat/eerder/{conversation.pk}/bestand/")

    # The download: "<speaker> (HH:MM):" above each message, in the order they were said.
    lines = download.content.decode().splitlines()
    headed = [
        (re.sub(r" \(\d\d:\d\d\):$", "", lines[at - 1]), line)
        for at, line in enumerate(lines)
        if at and lines[at - 1].endswith("):")
    ]
    said = [(speaker, body) for speaker, body in headed if body in dict(map(reversed, SAID))]
    assert said == [
        ("Jij", "ik wil het wel proberen"),
        ("Professional van een partner", "Hoi, ik ben van Veilig Thuis"),
        ("Hulpverlener", "ik blijf er ook bij"),
        ("Jij", "dank jullie"),
    ]
    system = [body for speaker, body in headed if speaker == "Hulppunt Onder Controle"]
    assert any("Veilig Thuis" in body for body in system)  # joined
    assert any("niet meer mee" in body for body in system)  # left

    # The history page: each message's own speaker, from the one markup of a message.
    html = page.content.decode()
    items = re.findall(r'<li class="message[^"]*".*?</li>', html, flags=re.S)
    shown = []
    for item in items:
        speaker = re.search(r"data-from>([^<]*)<", item).group(1)
        body = re.search(r"data-body>([^<]*)<", item).group(1)
        shown.append((speaker, body))
    assert [pair for pair in shown if pair in said] == said
    assert sum(1 for speaker, _ in shown if speaker == "Hulppunt Onder Controle") == len(system)
