"""The guest professional's socket: joins late, hears no earlier messages and no consent
cards, and is closed the moment the counsellor removes them."""

import uuid

import pytest
from channels.db import database_sync_to_async
from django.test import Client

from chat import guests
from handover import referrals
from handover.models import Referral
from partners.models import Partner
from tests.handover.conftest import active_conversation, consented_draft, in_state
from tests.helpers.sockets import connect, refusal, staff_cookie, visitor_cookie

pytestmark = pytest.mark.django_db(transaction=True)


def guest_cookie(token):
    client = Client()
    session = client.session
    guests.redeem(token, session)
    session.save()
    return session.session_key


def partner(slug, name):
    # Our own rows: a transactional test may run after another one flushed the seed data.
    return Partner.objects.create(
        slug=slug, name=name, kind=Partner.Kind.SAFETY, summary="-", accepts_referrals=True
    )


@pytest.fixture
def three_way(hana):
    conversation = active_conversation(hana)
    partner("vt-test", "Veilig Thuis")
    partner("shn-test", "Slachtofferhulp")
    referral = consented_draft(
        conversation,
        hana,
        Partner.objects.get(slug="vt-test"),
        shared=[],
        contact_route=Referral.ContactRoute.IN_CHAT,
    )
    referral = in_state(referral, Referral.State.APPROVED)
    invitation, token = referrals.invite_partner(referral, hana)
    return conversation, visitor_cookie(conversation), staff_cookie(hana), token, invitation


async def test_the_guest_joins_late_and_is_removed(three_way, hana):
    conversation, visitor_key, hana_key, token, invitation = three_way
    visitor, _, _ = await connect(conversation, visitor_key)
    await visitor.send_json_to({"type": "message.send", "id": str(uuid.uuid4()), "body": "geheim"})
    assert (await visitor.receive_json_from(timeout=5))["type"] == "ack"
    assert (await visitor.receive_json_from(timeout=5))["body"] == "geheim"

    guest_key = await database_sync_to_async(guest_cookie)(token)
    joined = await visitor.receive_json_from(timeout=5)
    assert joined["from"] == "system" and "Veilig Thuis" in joined["body"]
    guest, ok, _ = await connect(conversation, guest_key)
    assert ok
    await guest.send_json_to({"type": "resume", "after": 0})
    replay = await guest.receive_json_from(timeout=5)
    assert replay["seq"] == 2 and replay["from"] == "system"  # not "geheim"
    assert (await guest.receive_json_from(timeout=5))["type"] == "resumed"

    # The guest speaks; the client sees who said it. Read markers stay away from the guest.
    await guest.send_json_to({"type": "message.send", "id": str(uuid.uuid4()), "body": "Hoi"})
    assert (await guest.receive_json_from(timeout=5))["type"] == "ack"
    assert (await guest.receive_json_from(timeout=5))["from"] == "guest"
    seen = await visitor.receive_json_from(timeout=5)
    assert seen["from"] == "guest" and seen["body"] == "Hoi"
    await visitor.send_json_to({"type": "read", "seq": 3})

    # A consent card event goes to the visitor only.
    other = await database_sync_to_async(consented_draft)(
        conversation,
        hana,
        await database_sync_to_async(Partner.objects.get)(slug="shn-test"),
        shared=[],
        contact_route=Referral.ContactRoute.CLIENT_CONTACTS,
    )
    await database_sync_to_async(referrals.ask_consent)(other, hana)
    assert (await visitor.receive_json_from(timeout=5))["type"] == "referral"
    assert await guest.receive_nothing(timeout=0.5)

    # Removed: the client is told, the guest's socket closes at once.
    await database_sync_to_async(guests.remove)(invitation, hana)
    left = await visitor.receive_json_from(timeout=5)
    assert left["from"] == "system" and "niet meer mee" in left["body"]
    assert (await guest.receive_json_from(timeout=5))["from"] == "system"
    closed = await guest.receive_output(timeout=5)
    assert closed == {"type": "websocket.close", "code": 4403}
    assert await refusal(conversation, guest_key) == 4403
    await visitor.disconnect()
