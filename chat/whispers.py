"""A supervisor looking on live writes to the counsellor alone: a whisper.

Stored as a staff note (chat.Note, sealed like every note, `whisper` set), audited without
its content, and delivered to the counsellor's sockets and those of supervisors looking on
only (`events.Audience.staff`; chat/events.py refuses to address a whisper to anyone else).
It never reaches the visitor's or a guest's socket, and is never part of the visitor's page,
history, download or account: those read messages, and a whisper is no message.
"""

from django.db import transaction

from audit import entries
from chat import events, observers
from chat.models import Conversation, Note
from chat.notes import NOTE_MAX_CHARS
from common.refusals import InvalidFrame, Refused


class WhisperTooLong(Refused):
    code = "too_long"
    default_message = "A whisper holds at most 2,000 characters."


class NobodyToWhisperTo(Refused):
    """The chat has no counsellor now (still waiting) or has ended."""

    code = "cannot_whisper"
    default_message = "Nobody holds this conversation now."


def whisper(conversation, supervisor, session, body):
    """Store and deliver a whisper; the observer's grant is checked first (on every frame)."""
    _, conversation = observers.check(supervisor, session, conversation.pk)
    if not isinstance(body, str):
        raise InvalidFrame
    body = body.strip()
    if not body:
        raise InvalidFrame
    if len(body) > NOTE_MAX_CHARS:
        raise WhisperTooLong
    with transaction.atomic():
        current = Conversation.objects.filter(pk=conversation.pk).first()
        if current is None or current.state != Conversation.State.ACTIVE:
            raise NobodyToWhisperTo
        note = Note.objects.create(
            conversation=current,
            author=supervisor,
            body=body,
            whisper=True,
            after_seq=current.last_seq,
        )
        entries.record(supervisor, entries.Action.WHISPERED, conversation=current)
        events.send_on_commit(events.Audience.staff(current), note.as_whisper_event())
    return note


def whispers_from(conversation, seq):
    """Whispers written after message `seq` or right after it (a resume may have the
    message but not the whisper; the page drops one it has)."""
    return list(
        Note.objects.filter(conversation=conversation, whisper=True, after_seq__gte=seq)
        .select_related("author")
        .order_by("created_at")
    )
