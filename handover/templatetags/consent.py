"""`{% consent_cards conversation %}`: the consent cards of the visitor's chat, rendered on
the server (handover/cards.py), so they can be read and answered with ordinary forms when
JavaScript does not run; static/js/referral-card.js takes them over when it does."""

from django import template

from handover import cards

register = template.Library()


@register.inclusion_tag("handover/includes/consent_cards.html", takes_context=True)
def consent_cards(context, conversation, rendered=True):
    """`rendered=False`: only the section and its template, which referral-card.js fills
    from JSON (the live chat: the page without script renders them in its own part, and
    one card must not stand twice on a page, under one id)."""
    request = context["request"]
    shown = []
    if rendered and cards.is_visitor(request, conversation):
        shown = cards.visitor_cards(request, conversation)
        error_for, error = cards.take_error(request.session)
        for card in shown:
            card["error"] = error if card["id"] == error_for else ""
            card["asking"] = "accept" in card["steps"]
    return {"conversation": conversation, "cards": shown, "errors": cards.ERRORS}
