"""The counsellor's closing form: what a contact was about, for the statistics."""

from django.db import transaction
from django.utils import timezone

from audit import entries
from chat import conversations, records
from chat.models import ContactRecord, ContactTheme
from common.refusals import NotAllowed

Theme = ContactTheme.Theme
GroupContext = ContactRecord.GroupContext
Outcome = ContactRecord.Outcome


def close(conversation, counsellor, *, themes, group_context, outcome):
    """The closing form: ends the chat if it still runs, then registers what it was about.

    Themes, group context and outcome are coarse categories only: never a group's name.
    """
    if conversation.counsellor_id != counsellor.pk:
        raise NotAllowed
    with transaction.atomic():
        if conversation.is_open:
            conversations.end_conversation(conversation, by="counsellor", actor=counsellor)
        record = records.record_of(conversation)
        record.group_context = GroupContext(group_context)
        record.outcome = Outcome(outcome)
        record.closed_at = timezone.now()
        record.save(update_fields=["group_context", "outcome", "closed_at"])
        record.themes.all().delete()
        ContactTheme.objects.bulk_create(
            ContactTheme(record=record, theme=Theme(theme)) for theme in sorted(set(themes))
        )
        entries.record(counsellor, entries.Action.CONVERSATION_CLOSED, conversation=conversation)
    return record
