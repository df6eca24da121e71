"""Every step from every state: allowed where docs/handover.md says so, refused elsewhere,
and each allowed step in the audit log."""

import pytest
from django.test import Client

from accounts.models import User
from audit.models import AuditEntry
from common.refusals import Refused
from handover import referrals
from handover.models import Referral
from tests.conftest import log_in
from tests.handover.conftest import (
    Session,
    active_conversation,
    consented_draft,
    in_state,
    meldcode_draft,
)

State = Referral.State
Action = AuditEntry.Action
BASE = "/medewerkers/verwijzingen/"

AUDITED = {
    "ask_consent": Action.REFERRAL_CONSENT_ASKED,
    "accept": Action.REFERRAL_CONSENT_GIVEN,
    "decline": Action.REFERRAL_CONSENT_DECLINED,
    "submit": Action.REFERRAL_SUBMITTED,
    "approve": Action.REFERRAL_APPROVED,
    "return": Action.REFERRAL_RETURNED,
    "revise": Action.REFERRAL_CHANGED,
    "resubmit": Action.REFERRAL_SUBMITTED,
    "mark_sent": Action.REFERRAL_SENT,
    "acknowledge": Action.REFERRAL_ACKNOWLEDGED,
    "close": Action.REFERRAL_CLOSED,
    "withdraw": Action.REFERRAL_CONSENT_WITHDRAWN,
    "cancel": Action.REFERRAL_CANCELLED,
}
# Steps only the meldcode path takes; the rest are tried on a consented referral.
MELDCODE_ONLY = {"submit"}


def take(verb, referral, hana, sam, robin):
    session = Session()
    shown = referrals.digest(referral.consent_snapshot)
    steps = {
        "ask_consent": lambda: referrals.ask_consent(referral, hana),
        "accept": lambda: referrals.accept(
            referral, robin, session, shown_digest=shown, contact={"contact": "06-12345678"}
        ),
        "decline": lambda: referrals.decline(referral, robin, session, shown_digest=shown),
        "submit": lambda: referrals.submit(referral, hana),
        "approve": lambda: referrals.approve(referral, sam),
        "return": lambda: referrals.return_for_changes(referral, sam, "Graag korter."),
        "revise": lambda: referrals.revise(referral, hana),
        "resubmit": lambda: referrals.resubmit(referral, hana),
        "mark_sent": lambda: referrals.mark_sent(referral, hana, Referral.SendMethod.PHONE),
        "acknowledge": lambda: referrals.acknowledge(referral, hana),
        "close": lambda: referrals.close(referral, sam),
        "withdraw": lambda: referrals.withdraw(referral, robin, session),
        "cancel": lambda: referrals.cancel(referral, sam),
    }
    return steps[verb]()


def test_the_table_covers_every_step_and_state():
    assert set(referrals.TRANSITIONS) == set(AUDITED)
    reachable = {target for _sources, target in referrals.TRANSITIONS.values()}
    assert reachable | {State.DRAFT} == set(State.values)


@pytest.mark.parametrize("state", State.values)
@pytest.mark.parametrize("verb", sorted(referrals.TRANSITIONS))
def test_each_step_from_each_state(verb, state, chat, hana, sam, robin, veilig_thuis):
    make = meldcode_draft if verb in MELDCODE_ONLY else consented_draft
    referral = in_state(make(chat, hana, veilig_thuis), state)
    sources, target = referrals.TRANSITIONS[verb]
    logged = AuditEntry.objects.filter(referral_id=referral.pk).count()

    if state in sources:
        take(verb, referral, hana, sam, robin)
        referral.refresh_from_db()
        assert referral.state == target
        last = AuditEntry.objects.filter(referral_id=referral.pk).order_by("-at").first()
        assert last.action == AUDITED[verb] and f"state={target}" in last.detail
        assert (referral.finished_at is not None) == (target in referrals.FINAL_STATES)
    else:
        with pytest.raises(referrals.WrongState):
            take(verb, referral, hana, sam, robin)
        referral.refresh_from_db()
        assert referral.state == state
        assert AuditEntry.objects.filter(referral_id=referral.pk).count() == logged


def test_the_whole_way_with_consent(chat, hana, sam, robin, veilig_thuis):
    referral = consented_draft(chat, hana, veilig_thuis)
    assert referral.state == State.DRAFT
    referrals.ask_consent(referral, hana)
    card = referrals.card_of(Referral.objects.get(pk=referral.pk))
    referrals.accept(
        referral, robin, Session(), shown_digest=card["digest"], contact={"contact": "06-1"}
    )
    referrals.approve(referral, sam)
    referrals.mark_sent(referral, hana, Referral.SendMethod.SECURE_MAIL)
    referrals.acknowledge(referral, hana)
    referrals.close(referral, hana)
    referral.refresh_from_db()
    assert referral.state == State.CLOSED and referral.sent_method == "secure_mail"
    assert list(
        AuditEntry.objects.filter(referral_id=referral.pk)
        .order_by("at")
        .values_list("action", flat=True)
    ) == [
        Action.REFERRAL_DRAFTED,
        Action.REFERRAL_CONSENT_ASKED,
        Action.REFERRAL_CONSENT_GIVEN,
        Action.REFERRAL_APPROVED,
        Action.REFERRAL_SENT,
        Action.REFERRAL_ACKNOWLEDGED,
        Action.REFERRAL_CLOSED,
    ]
    # Codes only: nothing the client or the counsellor wrote reaches the log.
    for entry in AuditEntry.objects.filter(referral_id=referral.pk):
        assert "kinderen" not in entry.detail and "06-1" not in entry.detail


def test_a_returned_referral_is_revised_and_asked_again(chat, hana, sam, robin, veilig_thuis):
    referral = consented_draft(chat, hana, veilig_thuis)
    referrals.ask_consent(referral, hana)
    referral.refresh_from_db()
    referrals.accept(
        referral,
        robin,
        Session(),
        shown_digest=referrals.digest(referral.consent_snapshot),
        contact={"contact": "06-1"},
    )
    referrals.return_for_changes(referral, sam, "Noem de groep niet.")
    referrals.revise(referral, hana)
    referral.refresh_from_db()
    # What the client agreed to no longer stands: it must be asked again.
    assert referral.state == State.DRAFT
    assert referral.consent_snapshot == "" and referral.contact_details == ""
    assert referral.review_comments == "Noem de groep niet."
    referrals.edit(referral, hana, summary="Zorgen om de kinderen.")
    referrals.ask_consent(referral, hana)
    referral.refresh_from_db()
    assert referral.state == State.CONSENT_ASKED
    assert "Zorgen om de kinderen." in referral.consent_snapshot


# --- What each person is offered, and what each person may do -----------------------------
#
# For every state, every kind of referral and everyone around it, the page shows a button
# (or link, or the card's answer) exactly for the steps in allowed_steps, and each verb
# succeeds exactly for those. Taken in a savepoint that is rolled back, so each attempt
# starts from the same referral.

# The staff pages' step URLs (/stap/<slug>/) and links, by step.
SLUGS = {
    "ask_consent": "stap/toestemming-vragen/",
    "submit": "stap/aanbieden/",
    "approve": "stap/goedkeuren/",
    "return": "stap/terugsturen/",
    "revise": "stap/aanpassen/",
    "resubmit": "stap/opnieuw-aanbieden/",
    "mark_sent": "stap/verstuurd/",
    "acknowledge": "stap/ontvangen/",
    "close": "stap/afsluiten/",
    "cancel": "stap/annuleren/",
    "invite": "stap/uitnodigen/",
    "edit": "/wijzigen/",
    "print": "/afdrukken/",
}
KINDS = {
    "consent": lambda chat, drafter, partner: consented_draft(chat, drafter, partner),
    "in_chat": lambda chat, drafter, partner: consented_draft(
        chat, drafter, partner, shared=[], contact_route=Referral.ContactRoute.IN_CHAT
    ),
    "meldcode": meldcode_draft,
}


class Attempted(Exception):
    """Raised to roll an attempt back after it succeeded."""


def attempt(step, referral, person, browser):
    """Whether `person` can take `step` now; nothing of it stays."""
    from django.db import transaction

    session = Session()
    shown = referrals.digest(referral.consent_snapshot)
    verbs = {
        "edit": lambda: referrals.edit(referral, person, summary="Korter."),
        "ask_consent": lambda: referrals.ask_consent(referral, person),
        "accept": lambda: referrals.accept(
            referral, person, session, shown_digest=shown, contact={"contact": "06-12345678"}
        ),
        "decline": lambda: referrals.decline(referral, person, session, shown_digest=shown),
        "withdraw": lambda: referrals.withdraw(referral, person, session),
        "submit": lambda: referrals.submit(referral, person),
        "approve": lambda: referrals.approve(referral, person),
        "return": lambda: referrals.return_for_changes(referral, person, "Graag korter."),
        "revise": lambda: referrals.revise(referral, person),
        "resubmit": lambda: referrals.resubmit(referral, person),
        "mark_sent": lambda: referrals.mark_sent(referral, person, Referral.SendMethod.PHONE),
        "acknowledge": lambda: referrals.acknowledge(referral, person),
        "close": lambda: referrals.close(referral, person),
        "cancel": lambda: referrals.cancel(referral, person),
        "invite": lambda: referrals.invite_partner(referral, person),
    }
    if step == "print":  # a page, not a verb
        return browser.get(f"{BASE}{referral.pk}/afdrukken/").status_code == 200
    try:
        with transaction.atomic():
            verbs[step]()
            raise Attempted
    except Attempted:
        return True
    except Refused:
        return False


def offered_to_staff(referral, browser):
    response = browser.get(f"{BASE}{referral.pk}/")
    if response.status_code == 403:
        return set()
    assert response.status_code == 200
    html = response.content.decode()
    return {step for step, url in SLUGS.items() if f"{referral.pk}/{url.lstrip('/')}" in html}


def offered_to_client(referral, browser):
    """The answers on the card in the chat; on the account page, only "Toch niet"."""
    cards = browser.get(f"/chat/toestemming/{referral.conversation_id}/").json()["cards"]
    on_card = {step for card in cards if card["id"] == str(referral.pk) for step in card["steps"]}
    account = browser.get("/account/").content.decode()
    on_account = f"/account/toestemming/{referral.pk}/intrekken/" in account
    return on_card, on_account


# A supervisor who drafts (and holds the chat) differs only where four eyes and the
# drafter's own steps meet.
CASES = [
    *[(kind, "hana", state) for kind in KINDS for state in State.values],
    *[("consent", "sam", state) for state in ("draft", "in_review", "returned", "approved")],
]


@pytest.mark.parametrize(("kind", "drafted_by", "state"), CASES)
def test_what_each_person_is_offered_is_what_they_may_do(
    kind, drafted_by, state, hana, otto, sam, robin, veilig_thuis
):
    admin = User.objects.create_user(username="ria", role=User.Role.ADMIN)
    people = {"hana": hana, "otto": otto, "sam": sam, "ria": admin, "robin": robin}
    drafter = people[drafted_by]
    chat = active_conversation(drafter, client=robin)
    referral = in_state(KINDS[kind](chat, drafter, veilig_thuis), state)

    for name, person in people.items():
        allowed = referrals.allowed_steps(referral, person)
        browser = log_in(Client(), person)
        if person.is_client:
            on_card, on_account = offered_to_client(referral, browser)
            assert on_card == allowed, (name, sorted(allowed))
            assert on_account == ("withdraw" in allowed)
        else:
            assert offered_to_staff(referral, browser) == allowed, (name, sorted(allowed))
        for step in sorted(referrals.STEPS):
            assert attempt(step, referral, person, browser) == (step in allowed), (name, step)
