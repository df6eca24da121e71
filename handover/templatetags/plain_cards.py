"""The consent cards rendered on the server, for the visitor's chat without JavaScript
(chat/plain_chat.py); with script, static/js/referral-card.js fills them from JSON."""

from django import template

from handover import referrals
from handover.models import Referral

register = template.Library()


@register.inclusion_tag("handover/includes/nojs_cards.html", takes_context=True)
def plain_consent_cards(context, conversation):
    """The conversation's cards as its visitor reads them: the text as it was asked (the
    snapshot), with its digest, and the answers open to this visitor now."""
    request = context["request"]
    shown = Referral.objects.cards_in(conversation).select_related("conversation", "partner")
    cards = [
        {
            "card": referrals.card_of(referral),
            "referral": referral,
            "steps": referrals.allowed_steps(referral, request.user, request.session),
        }
        for referral in shown
        if referral.consent_snapshot
    ]
    return {"cards": cards, "request": request, "csrf_token": context.get("csrf_token")}
