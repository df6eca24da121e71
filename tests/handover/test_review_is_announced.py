"""A referral entering review is announced to the supervisors at once (issue 15, item 3):
the partner's professional joins only after approval, so approval must be quick."""

import pytest

from chat import events
from handover import referrals
from handover.models import Referral
from tests.handover.conftest import Session, consented_draft, in_state, meldcode_draft

State = Referral.State


def heard_by(sent, role):
    return [m["event"] for group, m in sent if group == "queue" and events.reaches(m, role, 1)]


@pytest.mark.parametrize("path", ["accept", "submit", "resubmit"])
def test_every_way_into_review_tells_the_supervisors_and_no_one_else(
    path, capture_broadcasts, chat, hana, robin, veilig_thuis
):
    if path == "accept":
        referral = in_state(
            consented_draft(
                chat, hana, veilig_thuis, shared=[], contact_route=Referral.ContactRoute.IN_CHAT
            ),
            State.CONSENT_ASKED,
        )
        shown = referrals.digest(referral.consent_snapshot)
        step = lambda: referrals.accept(referral, robin, Session(), shown_digest=shown)  # noqa: E731
    elif path == "submit":
        referral = meldcode_draft(chat, hana, veilig_thuis)
        step = lambda: referrals.submit(referral, hana)  # noqa: E731
    else:
        referral = in_state(meldcode_draft(chat, hana, veilig_thuis), State.RETURNED)
        step = lambda: referrals.resubmit(referral, hana)  # noqa: E731
    with capture_broadcasts() as sent:
        step()
    assert heard_by(sent, events.SUPERVISOR) == [{"type": "review.requested"}]
    assert heard_by(sent, events.COUNSELLOR) == []


def test_steps_that_do_not_enter_review_stay_quiet(
    capture_broadcasts, chat, hana, sam, veilig_thuis
):
    referral = in_state(consented_draft(chat, hana, veilig_thuis), State.IN_REVIEW)
    with capture_broadcasts() as sent:
        referrals.approve(referral, sam)
    assert heard_by(sent, events.SUPERVISOR) == []
