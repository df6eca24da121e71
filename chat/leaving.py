"""A visitor who goes away without ending their chat has left it (issue #15, item 4).

Two ways to go: a session that ends (quick exit, log-out, expiry: accounts' session_ending
signal, since accounts may not call chat) ends the visitor's part at once; a chat page that
goes away (a closed tab, a dropped connection) and does not come back within
VISITOR_GRACE_SECONDS ends it then. Either way it is one ending, end_conversation with
`left=True`: a waiting chat leaves the queue (abandoned), an active one ends and its
counsellor is told "de bezoeker heeft het gesprek verlaten"; the counsellor still fills in
the closing form, and the contact record counts it as left (chat/records.py).

Whether a page is there is kept in the cache, not the database: each visitor socket notes
the time at connect, at its re-check about once a minute and when it closes (a page
without script, chat/plain_chat.py, at each load and post instead). The socket
that closes asks again after the grace time; the `end_left_chats` command (the scheduler)
catches what a restarted process forgot.
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.dispatch import receiver

from accounts import session_keys, sessions
from chat import conversations
from chat.models import Conversation, Message

logger = logging.getLogger(__name__)

# Longer than the grace time, so a page that went away is still known when it is asked.
SEEN_KEEP_SECONDS = 24 * 60 * 60


def _seen_key(conversation_id):
    return f"chat.visitor_seen.{conversation_id}"


def note_present(conversation_id, now=None, keep_seconds=0):
    """A visitor's page of this conversation is (or was, until just now) connected.

    A page without script (chat/plain_chat.py) has no socket: each of its loads and posts
    notes it here, and `keep_seconds` counts it present that much longer (its writing
    view, which cannot refresh itself without losing what is being typed)."""
    now = time.time() if now is None else now
    cache.set(_seen_key(conversation_id), now + keep_seconds, SEEN_KEEP_SECONDS + keep_seconds)


def note_all_present(conversation_ids, now=None):
    """note_present for the visitor sockets of many conversations at once, in one round
    trip (chat/rechecks.py)."""
    now = time.time() if now is None else now
    if conversation_ids:
        cache.set_many({_seen_key(c): now for c in conversation_ids}, SEEN_KEEP_SECONDS)


def leave(conversation_id):
    """The visitor has gone: end their part of this conversation if it is still open.
    Returns the conversation, or None when there was nothing to end."""
    with transaction.atomic():
        conversation = (
            Conversation.objects.open()
            .select_for_update()
            .filter(pk=conversation_id, left_message=False)
            .first()
        )
        if conversation is None:
            return None
        try:
            conversations.end_conversation(conversation, by=Message.Sender.VISITOR, left=True)
        except conversations.ConversationClosed:
            return None
    cache.delete(_seen_key(conversation_id))
    return conversation


def is_gone(conversation_id, now=None):
    """A visitor's page was connected, and none has been for the grace time."""
    seen = cache.get(_seen_key(conversation_id))
    now = time.time() if now is None else now
    return seen is not None and now - seen >= settings.VISITOR_GRACE_SECONDS


def end_if_gone(conversation_id, now=None):
    if is_gone(conversation_id, now):
        return leave(conversation_id)
    return None


def end_all_gone(now=None):
    """Every open chat whose visitor's page went away more than the grace time ago."""
    ids = Conversation.objects.open().filter(left_message=False).values_list("pk", flat=True)
    return [c for c in (end_if_gone(pk, now) for pk in ids) if c is not None]


@receiver(sessions.session_ending, dispatch_uid="chat.leaving.session_ending")
def _visitor_session_ending(sender, session, **kwargs):
    conversation_id = session.get(session_keys.CONVERSATION)
    if conversation_id is not None:
        leave(conversation_id)
