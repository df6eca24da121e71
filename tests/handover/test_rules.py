"""Who may take which step, the consent card's record, anonymous visitors, the meldcode."""

import json

import pytest

from accounts.models import User
from chat.models import Conversation
from common.refusals import NotAllowed
from handover import referrals
from handover.models import Referral
from partners.models import Partner
from tests.handover.conftest import (
    Session,
    active_conversation,
    consented_draft,
    in_state,
    meldcode_draft,
)

State = Referral.State


@pytest.fixture
def alex(db):
    """Another client."""
    return User.objects.create_user(username="alex-client", role=User.Role.CLIENT)


def asked(chat, hana, partner, **extra):
    referral = consented_draft(chat, hana, partner, **extra)
    referrals.ask_consent(referral, hana)
    referral.refresh_from_db()
    return referral


# --- Drafting ----------------------------------------------------------------------------


def test_a_counsellor_drafts_only_for_a_conversation_they_hold(chat, otto, sam, veilig_thuis):
    for someone in (otto, sam):
        with pytest.raises(NotAllowed):
            consented_draft(chat, someone, veilig_thuis)


def test_only_partners_that_accept_referrals_can_be_chosen(chat, hana):
    with pytest.raises(referrals.InvalidDraft):
        consented_draft(chat, hana, Partner.objects.get(slug="112"))
    assert "veilig-thuis" in {p.slug for p in referrals.partners_for_referral()}
    assert "fier-hulp" in {p.slug for p in referrals.partners_for_referral()}


def test_the_summary_always_goes_and_a_call_needs_a_number(chat, hana, veilig_thuis):
    referral = consented_draft(chat, hana, veilig_thuis)
    assert referral.shared[0] == Referral.Shared.SUMMARY
    with pytest.raises(referrals.InvalidDraft):
        consented_draft(chat, hana, veilig_thuis, shared=[])


def test_only_the_drafter_edits_and_only_a_draft(chat, hana, otto, veilig_thuis):
    referral = consented_draft(chat, hana, veilig_thuis)
    with pytest.raises(NotAllowed):
        referrals.edit(referral, otto, summary="x")
    referrals.ask_consent(referral, hana)
    with pytest.raises(referrals.WrongState):
        referrals.edit(referral, hana, summary="x")


# --- Anonymous visitors ------------------------------------------------------------------


@pytest.mark.parametrize(
    "shared,route",
    [
        ([Referral.Shared.NAME], Referral.ContactRoute.CLIENT_CONTACTS),
        ([Referral.Shared.CONTACT], Referral.ContactRoute.PARTNER_CALLS),
        ([], Referral.ContactRoute.PARTNER_WRITES),
    ],
)
def test_an_anonymous_visitor_is_never_referred_with_identifying_data(
    anonymous_chat, hana, veilig_thuis, shared, route
):
    with pytest.raises(referrals.IdentifyingDataForAnonymous):
        consented_draft(anonymous_chat, hana, veilig_thuis, shared=shared, contact_route=route)


def test_an_anonymous_visitor_gets_the_partners_own_route_and_cannot_give_details(
    anonymous_chat, hana, veilig_thuis
):
    referral = consented_draft(
        anonymous_chat,
        hana,
        veilig_thuis,
        shared=[Referral.Shared.AGE],
        contact_route=Referral.ContactRoute.CLIENT_CONTACTS,
    )
    referrals.ask_consent(referral, hana)
    referral.refresh_from_db()
    card = referrals.card_of(referral)
    assert card["anonymous"] and card["own_route"] == "0800-2000"
    session = Session(conversation_id=str(anonymous_chat.pk))
    visitor = _anonymous()
    with pytest.raises(referrals.IdentifyingDataForAnonymous):
        referrals.accept(
            referral, visitor, session, shown_digest=card["digest"], contact={"contact": "06-1"}
        )
    referrals.accept(referral, visitor, session, shown_digest=card["digest"])
    referral.refresh_from_db()
    assert referral.state == State.IN_REVIEW and referral.contact_details == ""


def _anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


# --- Consent -----------------------------------------------------------------------------


def test_consent_is_recorded_with_the_time_and_the_card_as_shown(chat, hana, robin, veilig_thuis):
    referral = asked(chat, hana, veilig_thuis)
    card = referrals.card_of(referral)
    assert card["partner"] == "Veilig Thuis" and card["summary"] == referral.summary
    assert "het telefoonnummer of e-mailadres dat jij opgeeft" in card["shares"]
    assert card["asks_contact"] and card["asks_name"]
    referrals.accept(
        referral,
        robin,
        Session(),
        shown_digest=card["digest"],
        contact={"name": "Sanne", "contact": "06-12345678", "times": "na 20 uur"},
    )
    referral.refresh_from_db()
    assert referral.consent_at is not None
    assert json.loads(referral.consent_snapshot)["summary"] == referral.summary
    assert json.loads(referral.contact_details) == {
        "name": "Sanne",
        "contact": "06-12345678",
        "times": "na 20 uur",
    }
    # Sealed in the database, like all free text.
    raw = Referral.objects.filter(pk=referral.pk).values_list("contact_details", flat=True)[0]
    assert "06-12345678" not in raw


def test_an_answer_to_an_older_card_is_refused(chat, hana, robin, veilig_thuis):
    referral = asked(chat, hana, veilig_thuis)
    with pytest.raises(referrals.CardChanged):
        referrals.accept(
            referral, robin, Session(), shown_digest="0" * 64, contact={"contact": "1"}
        )


def test_a_call_needs_a_way_to_reach_the_client(chat, hana, robin, veilig_thuis):
    referral = asked(chat, hana, veilig_thuis)
    with pytest.raises(referrals.ContactDetailsMissing):
        referrals.accept(
            referral, robin, Session(), shown_digest=referrals.digest(referral.consent_snapshot)
        )


def test_only_their_own_client_answers(chat, hana, robin, alex, otto, veilig_thuis):
    referral = asked(chat, hana, veilig_thuis)
    shown = referrals.digest(referral.consent_snapshot)
    for someone, session in [
        (alex, Session()),
        (otto, Session()),
        (_anonymous(), Session(conversation_id=str(chat.pk))),  # the chat has a client
    ]:
        with pytest.raises(NotAllowed):
            referrals.decline(referral, someone, session, shown_digest=shown)
    referrals.decline(referral, robin, Session(), shown_digest=shown)


def test_an_anonymous_visitor_answers_only_from_their_own_session(
    anonymous_chat, hana, veilig_thuis
):
    referral = consented_draft(
        anonymous_chat, hana, veilig_thuis, shared=[], contact_route="client_contacts"
    )
    referrals.ask_consent(referral, hana)
    referral.refresh_from_db()
    shown = referrals.digest(referral.consent_snapshot)
    with pytest.raises(NotAllowed):
        referrals.decline(referral, _anonymous(), Session(), shown_digest=shown)
    referrals.decline(
        referral, _anonymous(), Session(conversation_id=str(anonymous_chat.pk)), shown_digest=shown
    )


def test_withdrawing_consent_forgets_the_contact_details(chat, hana, sam, robin, veilig_thuis):
    referral = asked(chat, hana, veilig_thuis)
    referrals.accept(
        referral,
        robin,
        Session(),
        shown_digest=referrals.digest(referral.consent_snapshot),
        contact={"contact": "06-1"},
    )
    referrals.approve(referral, sam)
    referrals.withdraw(referral, robin, Session())
    referral.refresh_from_db()
    assert referral.state == State.WITHDRAWN and referral.contact_details == ""
    with pytest.raises(referrals.WrongState):
        referrals.mark_sent(referral, hana, "phone")


def test_consent_cannot_be_withdrawn_once_sent(chat, hana, robin, veilig_thuis):
    referral = in_state(consented_draft(chat, hana, veilig_thuis), State.SENT)
    with pytest.raises(referrals.WrongState):
        referrals.withdraw(referral, robin, Session())


def test_asking_consent_needs_the_chat_open(chat, hana, veilig_thuis):
    referral = consented_draft(chat, hana, veilig_thuis)
    Conversation.objects.filter(pk=chat.pk).update(state=Conversation.State.ENDED)
    with pytest.raises(referrals.WrongState):
        referrals.ask_consent(referral, hana)


def test_the_card_goes_only_to_the_visitors_socket(chat, hana, veilig_thuis, capture_broadcasts):
    referral = consented_draft(chat, hana, veilig_thuis)
    with capture_broadcasts() as sent:
        referrals.ask_consent(referral, hana)
    # The visitor's socket alone: the counsellor drafted it, a guest must not see it.
    assert sent == [
        (
            chat.group_name,
            {
                "type": "broadcast",
                "to": ["visitor"],
                "event": {
                    "type": "referral",
                    "referral": str(referral.pk),
                    "state": "consent_asked",
                },
            },
        )
    ]


# --- Review: four eyes -------------------------------------------------------------------


def test_the_drafter_can_never_approve_their_own_referral(robin, sam, veilig_thuis):
    # A supervisor who holds a chat drafts; approving it needs someone else.
    chat = active_conversation(sam, client=robin)
    referral = in_state(consented_draft(chat, sam, veilig_thuis), State.IN_REVIEW)
    with pytest.raises(referrals.FourEyes):
        referrals.approve(referral, sam)
    with pytest.raises(referrals.FourEyes):
        referrals.return_for_changes(referral, sam, "x")
    other = User.objects.create_user(username="ria", role=User.Role.ADMIN)
    referrals.approve(referral, other)
    referral.refresh_from_db()
    assert referral.state == State.APPROVED and referral.reviewed_by == other


def test_counsellors_do_not_review(chat, hana, otto, veilig_thuis):
    referral = in_state(consented_draft(chat, hana, veilig_thuis), State.IN_REVIEW)
    for someone in (hana, otto):
        with pytest.raises(NotAllowed):
            referrals.approve(referral, someone)


def test_returning_needs_a_comment(chat, hana, sam, veilig_thuis):
    referral = in_state(consented_draft(chat, hana, veilig_thuis), State.IN_REVIEW)
    with pytest.raises(referrals.CommentsRequired):
        referrals.return_for_changes(referral, sam, "  ")


def test_another_counsellor_cannot_take_any_step(chat, hana, otto, veilig_thuis):
    referral = in_state(consented_draft(chat, hana, veilig_thuis), State.APPROVED)
    with pytest.raises(NotAllowed):
        referrals.mark_sent(referral, otto, "phone")
    with pytest.raises(NotAllowed):
        referrals.cancel(referral, otto)
    with pytest.raises(NotAllowed):
        referrals.get_for_staff(otto, referral.pk)
    assert referrals.get_for_staff(hana, referral.pk) == referral


def test_sending_needs_a_method(chat, hana, veilig_thuis):
    referral = in_state(consented_draft(chat, hana, veilig_thuis), State.APPROVED)
    with pytest.raises(referrals.ReferralError):
        referrals.mark_sent(referral, hana, "pigeon")


# --- Without consent (meldcode) ----------------------------------------------------------


@pytest.mark.parametrize(
    "missing",
    [
        {"justification": {}},
        {"justification": {"signals": "x"}},
        {"concern": ""},
        {"client_informed": None},
        {"client_informed": False, "not_informed_reason": ""},
    ],
)
def test_without_consent_refuses_to_go_on_without_a_justification(
    chat, hana, veilig_thuis, missing
):
    referral = meldcode_draft(chat, hana, veilig_thuis, **missing)
    with pytest.raises(referrals.JustificationMissing):
        referrals.submit(referral, hana)
    referral.refresh_from_db()
    assert referral.state == State.DRAFT


def test_without_consent_needs_a_second_persons_approval_before_sending(
    chat, hana, sam, veilig_thuis
):
    referral = meldcode_draft(chat, hana, veilig_thuis)
    with pytest.raises(referrals.WrongState):
        referrals.ask_consent(referral, hana)
    referrals.submit(referral, hana)
    with pytest.raises(referrals.WrongState):
        referrals.mark_sent(referral, hana, "phone")
    with pytest.raises(NotAllowed):
        referrals.approve(referral, hana)
    referrals.approve(referral, sam)
    referrals.mark_sent(referral, hana, "phone")
    referral.refresh_from_db()
    assert referral.state == State.SENT and referral.without_consent
    assert referral.client_informed is False
    assert referral.not_informed_reason == "Dan is het kind niet meer veilig."


def test_the_client_has_no_say_in_a_referral_without_consent(chat, hana, robin, veilig_thuis):
    referral = in_state(meldcode_draft(chat, hana, veilig_thuis), State.IN_REVIEW)
    with pytest.raises(NotAllowed):
        referrals.withdraw(referral, robin, Session())
    assert list(Referral.objects.of_client(robin)) == []


def test_a_consent_referral_cannot_skip_the_client(chat, hana, veilig_thuis):
    referral = consented_draft(chat, hana, veilig_thuis)
    with pytest.raises(referrals.WrongState):
        referrals.submit(referral, hana)


def test_only_the_details_the_card_asked_for_are_kept(chat, hana, robin, veilig_thuis):
    referral = asked(
        chat, hana, veilig_thuis, shared=[], contact_route=Referral.ContactRoute.CLIENT_CONTACTS
    )
    referrals.accept(
        referral,
        robin,
        Session(),
        shown_digest=referrals.digest(referral.consent_snapshot),
        contact={"name": "Sanne", "contact": "06-1"},
    )
    referral.refresh_from_db()
    assert referral.contact_details == ""
    called = asked(chat, hana, veilig_thuis, shared=[Referral.Shared.CONTACT])
    referrals.accept(
        called,
        robin,
        Session(),
        shown_digest=referrals.digest(called.consent_snapshot),
        contact={"name": "Sanne", "contact": "06-1"},
    )
    called.refresh_from_db()
    assert json.loads(called.contact_details) == {"name": "", "contact": "06-1", "times": ""}
