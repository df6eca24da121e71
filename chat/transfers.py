"""Handing a live conversation to a colleague or a supervisor, with a note for them."""

import uuid

from django.db import transaction

from audit import entries
from chat import availability, conversations, events, records
from chat.models import Conversation, Message, Transfer
from common.refusals import NotAllowed, Refused

# What the visitor sees: neutral, and honest that the colleague can read back.
VISITOR_TEXT = (
    "Je gesprek gaat verder met een collega. Die kan lezen wat je eerder hebt geschreven."
)


class NotYours(NotAllowed):
    """Only the counsellor who holds the conversation can hand it over."""


class NotReachable(Refused):
    """The colleague is not online and available (supervisors always are)."""

    code = "not_reachable"


def colleagues_for(user):
    """Who this conversation can go to now: supervisors on duty and available counsellors."""
    choices = []
    for entry in availability.online_staff():
        colleague = entry.user
        if colleague.pk == user.pk:
            continue
        if colleague.is_supervisor or entry.status == entry.Status.AVAILABLE:
            choices.append(colleague)
    return choices


def transfer(conversation, from_user, to_user, note=""):
    """Move the conversation to `to_user`. The old counsellor's socket closes; the visitor
    gets a neutral system message; the new counsellor finds it in their workspace."""
    if to_user.pk not in {c.pk for c in colleagues_for(from_user)}:
        raise NotReachable
    with transaction.atomic():
        moved = Conversation.objects.filter(
            pk=conversation.pk, state=Conversation.State.ACTIVE, counsellor=from_user
        ).update(counsellor=to_user)
        if not moved:
            raise NotYours
        conversation.refresh_from_db()
        Transfer.objects.create(
            conversation=conversation, from_user=from_user, to_user=to_user, note=note.strip()
        )
        records.note_transferred(conversation)
        availability.note_chat_taken(to_user)
        entries.record(
            from_user,
            entries.Action.CONVERSATION_TRANSFERRED,
            conversation=conversation,
            detail=f"to={to_user.pk}",
        )
        conversations.post_message(conversation, Message.Sender.SYSTEM, VISITOR_TEXT, uuid.uuid4())
        # Only the counsellor who handed the chat over hears of it, and loses the socket
        # at once: from now on nothing of this conversation reaches them.
        events.send_on_commit(
            events.Audience.counsellor(conversation, user=from_user),
            events.transferred(),
            then_close=True,
        )
        events.queue_changed_on_commit()
    return conversation


def transfers_of(conversation):
    return list(conversation.transfers.select_related("from_user", "to_user"))
