"""Canned responses ("snelle antwoorden") in the order a counsellor needs them: the ones in
the chat's own language first, so a counsellor in an English chat reaches the English texts
at once, then the rest (a Dutch text can still be wanted in an English chat)."""

from django.db.models import Case, IntegerField, Value, When

from chat.models import CannedResponse, Conversation


def listing(first_language=Conversation.Language.DUTCH):
    """Every canned response, `first_language` first, each language in the supervisors'
    order. One query; the list is as long as supervisors made it."""
    first = Case(
        When(language=first_language, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return list(CannedResponse.objects.order_by(first, "language", "position", "title"))


def for_conversation(conversation):
    return listing(conversation.language)
