"""The three-way handover: a partner's professional joins the live chat by a link that
works once and expires, sees only what is said after joining, and can be removed."""

import datetime
import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from audit.models import AuditEntry
from chat import conversations, guests
from chat.models import GuestInvitation, Message
from common.refusals import NotAllowed
from handover import referrals
from handover.models import Referral
from tests.handover.conftest import Session, consented_draft, in_state


def in_chat_referral(chat, hana, partner, state=Referral.State.APPROVED):
    referral = consented_draft(
        chat, hana, partner, shared=[], contact_route=Referral.ContactRoute.IN_CHAT
    )
    return in_state(referral, state)


def say(conversation, sender, body, author=None):
    return conversations.post_message(conversation, sender, body, uuid.uuid4(), author)[0]


def test_a_guest_is_invited_only_with_consent_to_a_chat_in_the_chat(chat, hana, otto, veilig_thuis):
    for state in (
        Referral.State.DRAFT,
        Referral.State.CONSENT_ASKED,
        Referral.State.DECLINED,
        Referral.State.IN_REVIEW,
    ):
        with pytest.raises(referrals.WrongState):
            referrals.invite_partner(in_chat_referral(chat, hana, veilig_thuis, state), hana)
    by_phone = in_state(consented_draft(chat, hana, veilig_thuis), Referral.State.APPROVED)
    with pytest.raises(referrals.WrongState):
        referrals.invite_partner(by_phone, hana)
    referral = in_chat_referral(chat, hana, veilig_thuis)
    with pytest.raises(NotAllowed):
        referrals.invite_partner(referral, otto)
    invitation, token = referrals.invite_partner(referral, hana)
    assert invitation.partner_name == "Veilig Thuis"
    # Only a hash of the token is kept, and the link expires.
    assert token not in invitation.token_hash and len(invitation.token_hash) == 64
    assert invitation.expires_at - timezone.now() <= datetime.timedelta(minutes=30)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.GUEST_INVITED)
    assert entry.referral_id == referral.pk and entry.conversation_id == chat.pk


def test_no_professional_is_invited_before_a_supervisor_approved(chat, hana, sam, veilig_thuis):
    # The card promises that a second person checks first (issue 15, item 3): the link for
    # the partner's professional is made only once a supervisor approved the referral.
    from tests.conftest import log_in

    referral = in_chat_referral(chat, hana, veilig_thuis, Referral.State.IN_REVIEW)
    assert "invite" not in referrals.allowed_steps(referral, hana)
    with pytest.raises(referrals.WrongState, match="supervisor"):
        referrals.invite_partner(referral, hana)
    page = log_in(Client(), hana).get(f"/medewerkers/verwijzingen/{referral.pk}/")
    html = page.content.decode()
    assert "stap/uitnodigen/" not in html
    assert "zodra een supervisor de verwijzing heeft goedgekeurd" in html
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.GUEST_INVITED).exists()

    referral = referrals.approve(referral, sam)
    assert "invite" in referrals.allowed_steps(referral, hana)
    invitation, _token = referrals.invite_partner(referral, hana)
    assert invitation.partner_name == "Veilig Thuis"


def test_the_link_works_once(chat, hana, veilig_thuis):
    _invitation, token = referrals.invite_partner(in_chat_referral(chat, hana, veilig_thuis), hana)
    guests.redeem(token, Session())
    with pytest.raises(guests.LinkNotValid):
        guests.redeem(token, Session())
    with pytest.raises(guests.LinkNotValid):
        guests.redeem("a guessed token", Session())


def test_the_link_expires(chat, hana, veilig_thuis):
    invitation, token = referrals.invite_partner(in_chat_referral(chat, hana, veilig_thuis), hana)
    GuestInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    with pytest.raises(guests.LinkNotValid):
        guests.redeem(token, Session())


def test_the_guest_sees_only_what_is_said_after_joining(chat, hana, robin, veilig_thuis):
    from chat.consumers import _resume

    say(chat, Message.Sender.VISITOR, "Iets wat alleen de hulpverlener mag weten.", robin)
    say(chat, Message.Sender.COUNSELLOR, "Dank je.", hana)
    _invitation, token = referrals.invite_partner(in_chat_referral(chat, hana, veilig_thuis), hana)
    session = Session()
    invitation = guests.redeem(token, session)
    assert invitation.joined_seq == 2
    from django.contrib.auth.models import AnonymousUser

    assert conversations.role_in(chat, AnonymousUser(), session) == Message.Sender.GUEST
    missed, _status = _resume(AnonymousUser(), session, chat.pk, 0)
    joined = "Er doet nu iemand van Veilig Thuis mee aan het gesprek."
    assert [m["body"] for m in missed] == [joined]
    assert missed[0]["from"] == "system"
    say(chat, Message.Sender.GUEST, "Hallo, ik ben van Veilig Thuis.")
    missed, _status = _resume(AnonymousUser(), session, chat.pk, 0)
    assert [m["from"] for m in missed] == ["system", "guest"]


def test_removing_the_guest_tells_the_client_and_ends_their_access(chat, hana, otto, veilig_thuis):
    from django.contrib.auth.models import AnonymousUser

    _invitation, token = referrals.invite_partner(in_chat_referral(chat, hana, veilig_thuis), hana)
    session = Session()
    invitation = guests.redeem(token, session)
    with pytest.raises(PermissionDenied):
        guests.remove(invitation, otto)
    assert guests.remove(invitation, hana)
    assert conversations.role_in(chat, AnonymousUser(), session) is None
    last = chat.messages.order_by("-seq").first()
    assert last.sender == "system" and "doet niet meer mee" in last.body
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"guest.invited", "guest.joined", "guest.removed"} <= actions


def test_the_join_page_asks_first_and_the_post_uses_the_link(chat, hana, veilig_thuis):
    _invitation, token = referrals.invite_partner(in_chat_referral(chat, hana, veilig_thuis), hana)
    guest = Client()
    page = guest.get(f"/chat/gast/{token}/")
    assert page.status_code == 200 and "Meedoen aan het gesprek" in page.content.decode()
    assert GuestInvitation.objects.get().used_at is None  # a link preview spends nothing
    response = guest.post(f"/chat/gast/{token}/")
    assert response.status_code == 302 and response.url == "/chat/gast/"
    html = guest.get("/chat/gast/").content.decode()
    assert 'data-role="guest"' in html
    assert Client().post(f"/chat/gast/{token}/").status_code == 410
    assert Client().get("/chat/gast/").status_code == 410


def test_a_logged_in_browser_cannot_become_a_guest(chat, hana, robin, veilig_thuis):
    from tests.conftest import log_in

    _invitation, token = referrals.invite_partner(in_chat_referral(chat, hana, veilig_thuis), hana)
    assert log_in(Client(), robin).post(f"/chat/gast/{token}/").status_code == 403
    assert GuestInvitation.objects.get().used_at is None


def test_the_card_says_the_partner_joins_only_after_a_second_person_checked(
    chat, hana, veilig_thuis
):
    referral = consented_draft(
        chat, hana, veilig_thuis, shared=[], contact_route=Referral.ContactRoute.IN_CHAT
    )
    referral = referrals.ask_consent(referral, hana)
    contact = referrals.card_of(referral)["contact"]
    assert contact.startswith("Eerst kijkt een tweede hulpverlener")
    assert "Pas daarna komt iemand van Veilig Thuis erbij in deze chat." in contact
