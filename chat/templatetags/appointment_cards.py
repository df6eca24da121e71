"""`{% appointment_cards conversation %}`: the follow-up appointment cards of the visitor's
chat, rendered on the server so they are answered with ordinary forms when no script runs;
static/js/appointment-card.js draws them from JSON when it does (`rendered=False`: only
the section and its template, as for the consent cards)."""

from django import template

from chat import appointment_views

register = template.Library()


@register.inclusion_tag("chat/includes/appointment_cards.html", takes_context=True)
def appointment_cards(context, conversation, rendered=True):
    request = context["request"]
    shown = []
    if rendered and conversation.client_id and appointment_views.is_visitor(request, conversation):
        shown = appointment_views.visitor_cards(conversation)
    return {
        "conversation": conversation,
        "cards": shown,
        "errors": appointment_views.CLIENT_ERRORS,
    }


@register.inclusion_tag("chat/includes/appointment_side.html", takes_context=True)
def appointment_side(context, conversation):
    """The workspace side panel's follow-up part for a chat with a client's account."""
    return appointment_views.side_context(context["request"], conversation)


@register.inclusion_tag("chat/includes/appointment_list.html", takes_context=True)
def my_appointments(context):
    """The workspace's list of the counsellor's follow-up appointments."""
    return appointment_views.list_context(context["request"])
