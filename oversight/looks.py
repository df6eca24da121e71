"""A supervisor's read-only look into a conversation: only with a stated reason, and
every look is written to the audit log before anything is shown."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from audit import entries
from chat import notes, transfers
from chat.models import Conversation


class Reason:
    HELP = "help"
    DANGER = "danger"
    QUALITY = "quality"
    COMPLAINT = "complaint"
    HANDOVER = "handover"
    OTHER = "other"


def look(supervisor, conversation_id, *, reason_code, reason_text=""):
    """The conversation with its messages, notes and transfers, for reading only."""
    if supervisor.role not in ("supervisor", "admin"):
        raise PermissionDenied
    with transaction.atomic():
        try:
            conversation = Conversation.objects.select_related("counsellor").get(pk=conversation_id)
        except (Conversation.DoesNotExist, ValueError):
            raise PermissionDenied from None
        entries.record(
            supervisor,
            entries.Action.CONVERSATION_VIEWED,
            conversation=conversation,
            detail=f"reason={reason_code}",
            reason=reason_text.strip(),
        )
    return {
        "conversation": conversation,
        "messages": list(conversation.messages.order_by("seq")),
        "notes": notes.notes_of(conversation),
        "transfers": transfers.transfers_of(conversation),
    }
