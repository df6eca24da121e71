"""The consent cards as the visitor's chat shows them: the card as frozen when it was asked
(`referrals.card_of`), the answers it offers (`referrals.allowed_steps`), the sentence
saying where it stands (handover/includes/client_state.html) and where it sits in the
conversation. Both the cards' JSON (static/js/referral-card.js) and the server-rendered
cards of the chat page (templatetags/consent.py, for a browser without JavaScript) read
this; neither keeps a list of states."""

from datetime import timedelta

from django.db.models import Max
from django.template.loader import render_to_string
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from chat import conversations
from handover import referrals
from handover.models import Referral


def is_visitor(request, conversation):
    return conversations.role_in(conversation, request.user, request.session) == "visitor"


def visitor_cards(request, conversation):
    """Every card asked in this conversation, for its visitor (the caller checks the role)."""
    cards = []
    for referral in Referral.objects.cards_in(conversation).select_related(
        "conversation", "partner"
    ):
        if not referral.consent_snapshot:
            continue
        card = referrals.card_of(referral)
        cards.append(
            {**card, **client_view(request, referral), "after_seq": _after(card, referral)}
        )
    return cards


def client_view(request, referral):
    """What the card offers (accept, decline, withdraw) and the sentence saying where it
    stands, from the one home of those sentences."""
    steps = sorted(referrals.allowed_steps(referral, request.user, request.session))
    # While the question is open the card itself asks it, with its buttons.
    status = "" if "accept" in steps else status_of(referral)
    return {"state": referral.state, "steps": steps, "status": status}


def status_of(referral):
    return render_to_string("handover/includes/client_state.html", {"referral": referral}).strip()


def _after(card, referral):
    """The last message said before the card was asked, so the chat shows the card where it
    came up, also after a reload (the message list is in `seq` order)."""
    asked_at = parse_datetime(card.get("asked_at") or "")
    if asked_at is None:
        return 0
    # asked_at keeps whole seconds: a message in the same second counts as before.
    before = asked_at + timedelta(seconds=1)
    messages = referral.conversation.messages.filter(created_at__lt=before)
    return messages.aggregate(last=Max("seq"))["last"] or 0


# What a refused answer says, by its code (common.refusals), on the card: the same words
# whether the answer came by fetch (referral-card.js reads them from data- attributes) or
# by an ordinary form (the server-rendered card shows the one remembered below).
ERRORS = {
    "contact_missing": _("Vul in hoe ze je kunnen bereiken. Of kies Nee, liever niet."),
    "card_changed": _("Deze vraag is intussen veranderd. Lees hem nog eens."),
    "anonymous": _("Je chat anoniem. Daarom geven we geen contactgegevens door."),
    "sent": _(
        "Dit is al verstuurd; intrekken kan niet meer. Vraag je hulpverlener wat je nu kunt doen."
    ),
    "other": _("Dat lukte niet. Probeer het opnieuw of zeg het je hulpverlener in de chat."),
}

# The one refusal a form answer leaves for the chat page to show (a referral id and a code).
ERROR_KEY = "handover.card_error"


def error_text(code, decision=None):
    if code == "wrong_state" and decision == "withdraw":
        return ERRORS["sent"]
    return ERRORS.get(code, ERRORS["other"])


def remember_error(session, referral, code, decision=None):
    if code is None:
        session.pop(ERROR_KEY, None)
    else:
        session[ERROR_KEY] = [str(referral.pk), str(error_text(code, decision))]


def take_error(session):
    """The refusal to show once, as (referral id, sentence), or (None, "")."""
    referral_id, text = session.pop(ERROR_KEY, None) or (None, "")
    return referral_id, text
