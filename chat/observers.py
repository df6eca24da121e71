"""A supervisor looks on live, and may join the chat openly (docs/security.md, the grant).

Only an audited look gives a socket the role "observer" (oversight/looks.py writes the
audit entry with the reason, then calls `grant`). The grant lives in the supervisor's own
session: this conversation, until `GRANT_MINUTES` after the look, and the audit entry's id.
It goes with the session at log-out, and every observer socket checks it again, together
with `user.is_supervisor` and the stored session, at connect, on every frame and at its
re-checks; delivering an event checks its time in memory. A counsellor's look after the
closing form gets no grant: it stays read-only and is not live.

The visitor never learns that someone looks on: an observer sends no presence, typing or
reading (chat/events.py). Joining openly is different: the visitor reads that a second
counsellor joins, and from then on the supervisor writes to the visitor as a counsellor.
"""

import time
import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop, override

from accounts import session_keys, sessions
from audit import entries
from chat import conversations, events
from chat.models import Conversation, Message, SecondCounsellor
from common.refusals import NotAllowed, Refused

OBSERVER = events.OBSERVER
GRANT_MINUTES = 60
# A session keeps at most this many grants: looking into many chats costs no more.
MAX_GRANTS = 10

# Translated when said, into the conversation's language (`_announce`).
JOINED_TEXT = gettext_noop("Er komt een tweede hulpverlener bij het gesprek.")
LEFT_TEXT = gettext_noop("De tweede hulpverlener doet niet meer mee aan het gesprek.")


class OnlyLooking(Refused):
    """The observer has not joined the chat (or cannot: ending it is the counsellor's)."""

    code = "observing"
    default_message = "You are looking on; join the conversation to write in it."


class CannotJoin(Refused):
    """Only a chat a counsellor holds, once: nobody to join yet, or it has ended."""

    code = "cannot_join"
    default_message = "This conversation cannot be joined now."


def grant(session, supervisor, conversation, entry):
    """After the audited look `entry`: this session's sockets may look on live for a while.
    Returns the Unix time it ends."""
    if not supervisor.is_supervisor:
        raise NotAllowed
    now = time.time()
    held = {
        key: value
        for key, value in (session.get(session_keys.OBSERVING) or {}).items()
        if value.get("until", 0) > now and key != str(conversation.pk)
    }
    until = now + GRANT_MINUTES * 60
    held[str(conversation.pk)] = {"until": until, "entry": str(entry.pk)}
    newest = sorted(held.items(), key=lambda item: item[1]["until"])[-MAX_GRANTS:]
    session[session_keys.OBSERVING] = dict(newest)
    return until


def grant_until(session, conversation_id):
    """Until when this session may look on live at the conversation (0: not at all)."""
    held = (session.get(session_keys.OBSERVING) or {}) if session is not None else {}
    entry = held.get(str(conversation_id))
    return entry.get("until", 0) if isinstance(entry, dict) else 0


def may_observe(conversation, user, session):
    """A supervisor whose session holds a live grant for this conversation."""
    return (
        user is not None
        and user.is_authenticated
        and user.is_supervisor
        and grant_until(session, conversation.pk) > time.time()
    )


def check(user, session, conversation_id):
    """Every frame of an observer: the stored session (log-out, expiry, a new role or
    password end it), still a supervisor, the grant still running. Returns the stored
    session; NotAllowed otherwise."""
    stored = sessions.stored_session(session, user)
    conversation = Conversation.objects.filter(pk=conversation_id).first()
    if conversation is None or not may_observe(conversation, user, stored):
        raise NotAllowed
    return stored, conversation


def joined(conversation, user):
    return SecondCounsellor.objects.filter(
        conversation=conversation, user=user, left_at__isnull=True
    )


def _announce(conversation, text):
    # System messages are stored in the visitor's language: they read them.
    with override(conversation.language):
        notice = gettext(text)
    conversations.post_message(conversation, Message.Sender.SYSTEM, notice, uuid.uuid4())


def join(conversation, supervisor, session):
    """The supervisor joins openly: the visitor is told, staff hear who."""
    _, conversation = check(supervisor, session, conversation.pk)
    with transaction.atomic():
        locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if locked.state != Conversation.State.ACTIVE or locked.counsellor_id == supervisor.pk:
            raise CannotJoin
        if joined(locked, supervisor).exists():
            return False
        SecondCounsellor.objects.create(conversation=locked, user=supervisor)
        entries.record(supervisor, entries.Action.CONVERSATION_JOINED, conversation=locked)
        _announce(locked, JOINED_TEXT)
        events.send_on_commit(
            events.Audience.staff(locked),
            events.state_event(locked, "second.joined", by=supervisor.username),
        )
    return True


def leave(conversation, supervisor, session):
    """The joined supervisor goes again; the visitor reads that too."""
    _, conversation = check(supervisor, session, conversation.pk)
    with transaction.atomic():
        left = joined(conversation, supervisor).update(left_at=timezone.now())
        if not left:
            return False
        entries.record(
            supervisor, entries.Action.CONVERSATION_SECOND_LEFT, conversation=conversation
        )
        if Conversation.objects.open().filter(pk=conversation.pk).exists():
            _announce(conversation, LEFT_TEXT)
        events.send_on_commit(
            events.Audience.staff(conversation),
            events.state_event(conversation, "second.left", by=supervisor.username),
        )
    return True


def say(conversation, supervisor, session, body, client_id):
    """A joined supervisor's message to the visitor: stored as a counsellor's, written by
    the supervisor. The joining row is locked, so a leave at the same moment comes first or
    after, never in between."""
    _, conversation = check(supervisor, session, conversation.pk)
    with transaction.atomic():
        if not list(joined(conversation, supervisor).select_for_update()[:1]):
            raise OnlyLooking
        message, _created = conversations.post_message(
            conversation, Message.Sender.COUNSELLOR, body, client_id, supervisor, second=True
        )
    return message
