"""Internal notes on a conversation: for staff only, sealed like every free text."""

from django.db import transaction

from audit import entries
from chat.models import Note
from common.refusals import NotAllowed

NOTE_MAX_CHARS = 2000


class EmptyNote(Exception):
    pass


def may_read_notes(conversation, user):
    """The counsellor who holds the conversation; supervisors read them when they look."""
    return user.is_staff_member and conversation.counsellor_id == user.pk


def add_note(conversation, author, body):
    if not may_read_notes(conversation, author):
        raise NotAllowed
    body = body.strip()[:NOTE_MAX_CHARS]
    if not body:
        raise EmptyNote
    with transaction.atomic():
        note = Note.objects.create(conversation=conversation, author=author, body=body)
        entries.record(author, entries.Action.NOTE_ADDED, conversation=conversation)
    return note


def notes_of(conversation):
    return list(conversation.notes.select_related("author"))
