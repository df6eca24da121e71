"""The visitor's chat without JavaScript (issue #17, item 7): the same conversation, read
and written with ordinary pages and forms.

Tor Browser at "Safest" and locked-down phones run no script, so there is no socket. The
chat page then shows what was said (rendered here, the newest SHOWN), refreshes itself
while the visitor only reads (a meta refresh in <noscript>, so a page with script never
reloads), and writing happens on its own view of the same page, which never refreshes,
so a half-written message is never wiped. Each form carries a fresh client id, and
post_message stores a message once per (conversation, client id): a double submit is one
message. The rules are the socket's: post_message (length, open state, who may write),
get_conversation_for on every request, and a bounded rate per session.

Presence: a page without script cannot say that it went away. Every page load and post
notes the visitor present (chat/leaving.py), as the socket does; the reading view comes
back every few seconds by itself, and the writing view holds the chat for WRITE_SECONDS,
since a scared person may take long over one message. Closing the tab ends the chat
after the grace time (longer when it was closed while writing).
"""

import uuid

from django.dispatch import Signal

from chat import blocks, leaving, queue
from chat.models import Conversation
from common import throttling
from common.refusals import Refused

# The reading view refreshes itself this often: while waiting, to show the place in the
# queue; while talking, so the counsellor's messages come in.
WAITING_REFRESH_SECONDS = 10
ACTIVE_REFRESH_SECONDS = 15
# What one page shows of a long conversation: a refresh every few seconds must not cost
# more the longer it goes on (or the more a visitor floods it).
SHOWN = 100
# Posts (messages, "Vernieuwen", ending) per session in a minute: a person writes a few
# messages a minute; the socket allows 5 frames a second, a form far less is enough.
POSTS_PER_MINUTE = 20
POST_WINDOW = 60
# How long the writing view keeps the visitor present without a request.
WRITE_SECONDS = 15 * 60


# Sent with `conversation`; a receiver answers True while the reading view must hold still
# (handover: a consent question waits for its answer, with fields the visitor may be filling
# in, which a refresh would wipe). It is then kept present as while writing.
holds_still = Signal()


def _held(conversation):
    answers = holds_still.send(sender=Conversation, conversation=conversation)
    return any(answer for _receiver, answer in answers)


class TooFast(Refused):
    """More posts from this session in a minute than a person writes."""

    code = "rate_limited"
    default_message = "Too many messages in a short time; wait a moment."


def recent_messages(conversation):
    """The newest SHOWN messages in order, and whether earlier ones were left out."""
    newest = list(conversation.messages.order_by("-seq")[: SHOWN + 1])
    return list(reversed(newest[:SHOWN])), len(newest) > SHOWN


def page(conversation, writing=False):
    """What the plain chat page shows besides the messages: the state, the place in the
    queue, how often the reading view refreshes, and a fresh client id for the form."""
    position = queue.position_of(conversation)
    shown, earlier = recent_messages(conversation)
    if writing or _held(conversation):
        refresh = None
    elif conversation.state == conversation.State.WAITING:
        refresh = WAITING_REFRESH_SECONDS
    else:
        refresh = ACTIVE_REFRESH_SECONDS
    return {
        "plain_messages": shown,
        "plain_earlier": earlier,
        "position": position,
        "wait_minutes": queue.estimated_wait_minutes(position),
        "refresh": refresh,
        "writing": writing,
        "client_id": uuid.uuid4(),
    }


def note_present(conversation, writing=False):
    """A plain page of this conversation was loaded or posted just now (chat/leaving.py)."""
    holding = writing or _held(conversation)
    leaving.note_present(conversation.pk, keep_seconds=WRITE_SECONDS if holding else 0)


def check_rate(session):
    """Count one post from this browser session; TooFast beyond POSTS_PER_MINUTE. Keyed by
    the session's pseudonym (chat/blocks.py), never the session key itself."""
    bucket = f"chat-plain-post:{blocks.pseudonym_for_session(session)}"
    if not throttling.allow(bucket, POSTS_PER_MINUTE, POST_WINDOW):
        raise TooFast


def client_id_of(value):
    """The form's client id as a UUID, or None when it is not one."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
