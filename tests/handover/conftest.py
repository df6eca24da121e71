"""Conversations held by hana, and referrals in any state, for the handover tests."""

import json

import pytest

from chat.models import Conversation
from handover import referrals
from handover.models import Referral
from partners.models import Partner


def active_conversation(counsellor, client=None):
    return Conversation.objects.create(
        state=Conversation.State.ACTIVE,
        counsellor=counsellor,
        client=client,
        for_whom=Conversation.ForWhom.SELF,
        minor=Conversation.Minor.NO,
        consent_version="test",
    )


@pytest.fixture
def veilig_thuis(db):
    return Partner.objects.get(slug="veilig-thuis")


@pytest.fixture
def chat(hana, robin):
    """An active conversation between hana and robin (a client with an account)."""
    return active_conversation(hana, client=robin)


@pytest.fixture
def anonymous_chat(hana):
    return active_conversation(hana)


STEPS = {key: f"antwoord op {key}" for key, _label in referrals.MELDCODE_STEPS}


def consented_draft(conversation, counsellor, partner, **extra):
    values = {
        "partner": partner,
        "purpose": Referral.Purpose.ADVICE,
        "summary": "Zorgen om de kinderen in de groep.",
        "shared": [Referral.Shared.CONTACT, Referral.Shared.NAME],
        "contact_route": Referral.ContactRoute.PARTNER_CALLS,
        **extra,
    }
    return referrals.draft(conversation, counsellor, **values)


def meldcode_draft(conversation, counsellor, partner, **extra):
    values = {
        "partner": partner,
        "purpose": Referral.Purpose.MELDING,
        "summary": "Een kind wordt geslagen.",
        "shared": [Referral.Shared.CHILDREN],
        "without_consent": True,
        "concern": Referral.Concern.ACUTE,
        "children_involved": True,
        "justification": STEPS,
        "client_informed": False,
        "not_informed_reason": "Dan is het kind niet meer veilig.",
        **extra,
    }
    return referrals.draft(conversation, counsellor, **values)


def in_state(referral, state, **fields):
    """Put a referral in a state directly, as the steps before would have left it."""
    if state != Referral.State.DRAFT and not referral.without_consent:
        referral.consent_snapshot = json.dumps({"partner": "x", "shares": []})
    for name, value in fields.items():
        setattr(referral, name, value)
    referral.state = state
    referral.save()
    return referral


class Session(dict):
    """What a browser session holds, for the domain functions that read it."""

    session_key = "test"
