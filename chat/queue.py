"""The queue: who waits, in what order, and taking a chat from it."""

from django.db import transaction
from django.utils import timezone

from audit import entries
from chat import availability, events, records
from chat.models import Availability, Conversation

# A first estimate until there is history to learn from: minutes per person ahead.
MINUTES_PER_PLACE = 5


class AlreadyClaimed(Exception):
    """Someone else took this conversation first."""


class AtCapacity(Exception):
    """The counsellor already has as many chats as they may."""


class NotAvailable(Exception):
    """The counsellor's status is busy or away: they take no new chats."""


def waiting():
    return Conversation.objects.waiting()


def position_of(conversation):
    """1 for the first in line; None when not waiting."""
    if conversation.state != Conversation.State.WAITING:
        return None
    ids = list(waiting().values_list("pk", flat=True))
    return ids.index(conversation.pk) + 1 if conversation.pk in ids else None


def estimated_wait_minutes(position):
    return None if position is None else (position - 1) * MINUTES_PER_PLACE


def claim(conversation, counsellor):
    """Take a waiting conversation. A conditional UPDATE, so two counsellors can never
    both get it: whoever's UPDATE changes the row wins, the other gets AlreadyClaimed."""
    if not counsellor.is_staff_member:
        raise PermissionError("only staff claim conversations")
    own = availability.availability_of(counsellor)
    if own.status != Availability.Status.AVAILABLE:
        raise NotAvailable
    if Conversation.objects.active_for(counsellor).count() >= availability.limit_of(own):
        raise AtCapacity
    with transaction.atomic():
        won = Conversation.objects.filter(
            pk=conversation.pk, state=Conversation.State.WAITING
        ).update(state=Conversation.State.ACTIVE, counsellor=counsellor, claimed_at=timezone.now())
        if not won:
            raise AlreadyClaimed
        conversation.refresh_from_db()
        records.note_claimed(conversation)
        entries.record(counsellor, entries.Action.CONVERSATION_CLAIMED, conversation=conversation)
        events.send_on_commit(conversation.group_name, events.state_event(conversation, "joined"))
        events.send_on_commit(events.QUEUE_GROUP, events.queue_changed())
    return conversation
