"""A returning client's earlier conversations, their notes and the client's appointments, as
the counsellor of the current chat reads them in the workspace's side panel (issue #18).

Only for a chat with a client account (anonymous chats have no history), only to whoever
takes part in the current chat as its counsellor (chat/conversations.py `role_in`, the home
of "who may see this conversation": the chat's counsellor until its closing form is in, and
a supervisor with a live, audited look), and only as far as retention keeps them: account
conversations stay until the account goes (accounts/retention.py). Bounded: the newest
SHOWN of each.

The panel itself shows facts (day, label, counsellor, outcome, how many notes; appointments
with their time and state). What was written, the notes and an earlier chat's messages, is
read on a page of its own, and every such reading is an audit entry
(`client_history.viewed`): `shown=N` for the notes, `from=<chat>` for one earlier chat.
"""

from django.db import transaction
from django.db.models import Count, Q

from audit import entries
from chat import conversations, observers, speakers
from chat.models import Appointment, Conversation, Message, Note
from common.refusals import NotAllowed

SHOWN = 10
# An earlier chat read in full shows at most its newest this many messages.
MESSAGES = 500

# The roles in the current chat that read its client's history.
READERS = (Message.Sender.COUNSELLOR, observers.OBSERVER)


def may_read(conversation, user, session=None):
    return (
        conversation.client_id is not None
        and user.is_authenticated
        and user.is_staff_member
        and conversations.role_in(conversation, user, session) in READERS
    )


def earlier(conversation):
    """The client's other conversations that ended, newest first, with their counsellor,
    contact record (the outcome) and how many notes each has."""
    if conversation.client_id is None:
        return []
    return list(
        Conversation.objects.filter(
            client_id=conversation.client_id, state=Conversation.State.ENDED
        )
        .exclude(pk=conversation.pk)
        .select_related("counsellor", "record")
        .annotate(note_count=Count("notes", filter=Q(notes__whisper=False)))
        .order_by("-created_at")[:SHOWN]
    )


def appointments_of(conversation):
    """The client's appointments in any state, newest first."""
    if conversation.client_id is None:
        return []
    return list(
        Appointment.objects.filter(client_id=conversation.client_id)
        .select_related("counsellor")
        .order_by("-starts_at")[:SHOWN]
    )


def summary(conversation):
    """What the side panel shows without opening anything: facts only, not audited."""
    return {"earlier": earlier(conversation), "appointments": appointments_of(conversation)}


def read_notes(conversation, user, session=None):
    """The earlier conversations with their notes (no whispers), recorded in the audit log."""
    if not may_read(conversation, user, session):
        raise NotAllowed
    shown = earlier(conversation)
    notes = {}
    for note in (
        Note.objects.filter(conversation__in=shown, whisper=False)
        .select_related("author")
        .order_by("created_at")
    ):
        notes.setdefault(note.conversation_id, []).append(note)
    with transaction.atomic():
        entries.record(
            user,
            entries.Action.CLIENT_HISTORY_VIEWED,
            conversation=conversation,
            detail=f"shown={len(shown)}",
        )
    return {
        "earlier": [(other, notes.get(other.pk, [])) for other in shown],
        "appointments": appointments_of(conversation),
    }


def read_conversation(conversation, earlier_id, user, session=None):
    """One earlier conversation of the same client, read-only: its messages and notes.
    The audit entry names the chat read, and the chat it was read from."""
    if not may_read(conversation, user, session):
        raise NotAllowed
    try:
        other = Conversation.objects.select_related("counsellor", "record").get(
            pk=earlier_id, client_id=conversation.client_id, state=Conversation.State.ENDED
        )
    except (Conversation.DoesNotExist, ValueError, TypeError):
        raise NotAllowed from None
    if other.pk == conversation.pk:
        raise NotAllowed
    with transaction.atomic():
        entries.record(
            user,
            entries.Action.CLIENT_HISTORY_VIEWED,
            conversation=other,
            detail=f"from={conversation.pk.hex[:4]}",
        )
    newest = list(other.messages.select_related("author").order_by("-seq")[: MESSAGES + 1])
    messages = list(reversed(newest[:MESSAGES]))
    for message in messages:
        message.staff_by = speakers.staff_name(message, other.counsellor_id)
    return {
        "other": other,
        "messages": messages,
        "cut": len(newest) > MESSAGES,
        "notes": list(other.notes.filter(whisper=False).select_related("author")),
    }
