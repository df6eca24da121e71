"""A partner's professional takes part only while the client's consent stands (issue 13,
item 1): every step that ends or revokes it removes the guests who are in the chat and
voids the links not yet used, and nothing admits a guest once the referral has left the
consented states."""

import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client

from accounts import session_keys
from audit.models import AuditEntry
from chat import conversations, guests
from chat.consumers import _resume, _send
from chat.models import GuestInvitation, Message
from handover import referrals
from handover.models import Referral
from tests.handover.conftest import Session, consented_draft, in_state

State = Referral.State


def in_chat_referral(chat, hana, partner, state=State.APPROVED):
    referral = consented_draft(
        chat, hana, partner, shared=[], contact_route=Referral.ContactRoute.IN_CHAT
    )
    return in_state(referral, state)


def joined_guest(referral, hana):
    """A guest who used their link, and their browser session."""
    _invitation, token = referrals.invite_partner(referral, hana)
    session = Session()
    guests.redeem(token, session)
    return session


def assert_guest_is_out(conversation, session):
    assert conversations.role_in(conversation, AnonymousUser(), session) is None
    with pytest.raises(PermissionDenied):
        _resume(AnonymousUser(), session, conversation.pk, 0)
    with pytest.raises(PermissionDenied):
        _send(
            conversation,
            Message.Sender.GUEST,
            AnonymousUser(),
            "nog iets",
            uuid.uuid4(),
            session,
            False,
        )


# Every step that takes a referral out of the consented states, by whom it is taken.
STEPS_OUT_OF_CONSENT = {
    "withdraw": lambda r, people: referrals.withdraw(r, people["robin"], Session()),
    "cancel": lambda r, people: referrals.cancel(r, people["hana"]),
    "return": lambda r, people: referrals.return_for_changes(r, people["sam"], "Minder delen."),
    "close": lambda r, people: referrals.close(r, people["hana"]),
}
LEAVING_CONSENT = [
    (verb, source)
    for verb, (sources, target) in referrals.TRANSITIONS.items()
    if target not in referrals.CONSENTED_STATES
    for source in sorted(sources & referrals.CONSENTED_STATES)
]


def test_every_step_out_of_consent_is_tried_here():
    # A new step that leaves the consented states must be added to the table above.
    assert {verb for verb, _source in LEAVING_CONSENT} == set(STEPS_OUT_OF_CONSENT)


@pytest.mark.parametrize(("verb", "source"), LEAVING_CONSENT)
def test_the_step_removes_the_guest_and_voids_unused_links(
    verb, source, chat, hana, robin, sam, veilig_thuis
):
    # Invited once approved; then put in each state a guest can be in (the return from
    # review is tried too, though no guest is invited before approval).
    referral = in_chat_referral(chat, hana, veilig_thuis, State.APPROVED)
    session = joined_guest(referral, hana)
    _unused, token = referrals.invite_partner(referral, hana)
    referral = in_state(referral, source)
    STEPS_OUT_OF_CONSENT[verb](referral, {"robin": robin, "hana": hana, "sam": sam})
    assert_guest_is_out(chat, session)
    # The link not yet used joins no one, not even to explain.
    with pytest.raises(guests.LinkNotValid):
        guests.redeem(token, Session())
    assert Client().get(f"/chat/gast/{token}/").status_code == 410
    # The client reads that the professional has gone.
    last = chat.messages.order_by("-seq").first()
    assert last.sender == "system" and "doet niet meer mee" in last.body
    assert not guests.present(chat).exists()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.GUEST_REMOVED).count() == 2


def test_withdrawing_in_the_chat_ends_the_guest_of_an_anonymous_visitor(
    anonymous_chat, hana, veilig_thuis
):
    referral = in_chat_referral(anonymous_chat, hana, veilig_thuis, State.APPROVED)
    guest = joined_guest(referral, hana)
    visitor = Client()
    session = visitor.session
    session[session_keys.CONVERSATION] = str(anonymous_chat.pk)
    session.save()
    decide = f"/chat/toestemming/besluit/{referral.pk}/"
    assert visitor.post(decide, {"decision": "withdraw"}).json() == {
        "state": "withdrawn",
        "steps": [],
        "status": "Je hebt je ja ingetrokken. Er is niets gedeeld.",
    }
    assert_guest_is_out(anonymous_chat, guest)


def test_a_client_deleting_their_account_ends_the_guest(chat, hana, robin, veilig_thuis):
    referral = in_chat_referral(chat, hana, veilig_thuis, State.APPROVED)
    _invitation, token = referrals.invite_partner(referral, hana)
    referrals.forget_client(robin)
    with pytest.raises(guests.LinkNotValid):
        guests.redeem(token, Session())


def test_a_guest_of_another_referral_stays(chat, hana, robin, veilig_thuis):
    # Withdrawing one referral says nothing about consent given for another.
    first = in_chat_referral(chat, hana, veilig_thuis)
    second = in_chat_referral(chat, hana, veilig_thuis)
    first_guest = joined_guest(first, hana)
    second_guest = joined_guest(second, hana)
    referrals.withdraw(first, robin, Session())
    assert_guest_is_out(chat, first_guest)
    assert conversations.role_in(chat, AnonymousUser(), second_guest) == Message.Sender.GUEST


def test_no_link_is_made_from_a_referral_that_has_just_left_consent(
    chat, hana, robin, veilig_thuis
):
    # The counsellor's page was loaded while the referral was approved; the client
    # withdrew before the click. The step reads the state again, under the row's lock.
    seen_by_counsellor = in_chat_referral(chat, hana, veilig_thuis)
    referrals.withdraw(Referral.objects.get(pk=seen_by_counsellor.pk), robin, Session())
    with pytest.raises(referrals.WrongState):
        referrals.invite_partner(seen_by_counsellor, hana)
    assert not GuestInvitation.objects.exists()


def test_the_referral_page_lists_only_its_own_guests(chat, hana, veilig_thuis):
    from tests.conftest import log_in

    first = in_chat_referral(chat, hana, veilig_thuis)
    second = in_chat_referral(chat, hana, veilig_thuis)
    referrals.invite_partner(first, hana)
    page = log_in(Client(), hana).get(f"/medewerkers/verwijzingen/{second.pk}/")
    assert "nog niet binnen" not in page.content.decode()


@pytest.mark.django_db(transaction=True)
async def test_the_guests_socket_closes_when_the_visitor_withdraws(hana):
    from channels.db import database_sync_to_async as in_db
    from django.conf import settings

    from tests.handover.conftest import active_conversation
    from tests.handover.test_guest_socket import guest_cookie, partner
    from tests.helpers.sockets import connect, refusal, visitor_cookie

    def three_way():
        conversation = active_conversation(hana)
        referral = in_chat_referral(conversation, hana, partner("vt-test", "Veilig Thuis"))
        _invitation, token = referrals.invite_partner(referral, hana)
        _unused, unused_token = referrals.invite_partner(referral, hana)
        return conversation, referral, visitor_cookie(conversation), token, unused_token

    conversation, referral, visitor_key, token, unused_token = await in_db(three_way)()
    guest_key = await in_db(guest_cookie)(token)
    guest, ok, _ = await connect(conversation, guest_key)
    assert ok

    def withdraw_in_the_chat():
        visitor = Client()
        visitor.cookies[settings.SESSION_COOKIE_NAME] = visitor_key
        return visitor.post(f"/chat/toestemming/besluit/{referral.pk}/", {"decision": "withdraw"})

    assert (await in_db(withdraw_in_the_chat)()).json() == {
        "state": "withdrawn",
        "steps": [],
        "status": "Je hebt je ja ingetrokken. Er is niets gedeeld.",
    }
    left = await guest.receive_json_from(timeout=5)
    assert left["from"] == "system" and "niet meer mee" in left["body"]
    assert await guest.receive_output(timeout=5) == {"type": "websocket.close", "code": 4403}

    visitor, _, _ = await connect(conversation, visitor_key)
    await visitor.send_json_to({"type": "message.send", "id": str(uuid.uuid4()), "body": "geheim"})
    assert (await visitor.receive_json_from(timeout=5))["type"] == "ack"
    assert await refusal(conversation, guest_key) == 4403
    joined = await in_db(lambda: Client().post(f"/chat/gast/{unused_token}/").status_code)()
    assert joined == 410
    await visitor.disconnect()
