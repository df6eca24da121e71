"""Who hears which event: the domain function that causes an event names its audience.

`send_on_commit(audience, event)` is the one way a chat event reaches sockets, after the
database has committed (common/broadcast.py). The consumers only deliver what `reaches`
them; they decide nothing about who may hear what. The privacy rule lives here too: the
visitor never learns when the counsellor reads or types, and neither does a partner's
guest (`typing` and `read` go to the counsellor only, and only the visitor's).
"""

from dataclasses import dataclass

from chat.models import Message
from common import broadcast

QUEUE_GROUP = "queue"
# A queue socket's role (chat/consumers.py QueueConsumer): supervisors and admins, or not.
SUPERVISOR = "supervisor"
COUNSELLOR = Message.Sender.COUNSELLOR
VISITOR = Message.Sender.VISITOR
# A conversation socket's role for a supervisor who looks on live, after an audited look
# (chat/observers.py). Never a sender: a supervisor who joins writes as a counsellor.
OBSERVER = "observer"
STAFF = (COUNSELLOR, OBSERVER)
# Events about someone's timing: never to the visitor's or a guest's socket.
COUNSELLOR_ONLY = frozenset({"typing", "read"})
# Staff among themselves: a supervisor's whisper, who joined or answered. Never to the
# visitor's or a guest's socket, which also never learns that anyone looks on.
STAFF_ONLY = frozenset({"whisper"})
STAFF_ONLY_STATES = frozenset({"second.joined", "second.left", "help.answered"})


@dataclass(frozen=True)
class Audience:
    """A group's sockets, or only those with one of `roles` (a conversation socket's role:
    visitor, counsellor, guest, observer; a queue socket's: supervisor, counsellor), or
    only one user's (`user`)."""

    group: str
    roles: tuple | None = None
    user: int | None = None

    @classmethod
    def conversation(cls, conversation):
        """Everyone taking part: the visitor, the counsellor and a guest, and supervisors
        looking on (who hear what is said, never more than the counsellor)."""
        return cls(conversation.group_name)

    @classmethod
    def staff(cls, conversation):
        """The counsellor's sockets and those of supervisors looking on: never the
        visitor's or a guest's."""
        return cls(conversation.group_name, STAFF)

    @classmethod
    def outside_staff(cls, conversation):
        """The visitor's and a guest's sockets."""
        return cls(conversation.group_name, (VISITOR, Message.Sender.GUEST))

    @classmethod
    def counsellor(cls, conversation, user=None):
        """The counsellor's sockets only; with `user`, only that staff member's."""
        return cls(conversation.group_name, (COUNSELLOR,), getattr(user, "pk", user))

    @classmethod
    def visitor(cls, conversation):
        return cls(conversation.group_name, (VISITOR,))

    @classmethod
    def queue(cls):
        """Every staff member's queue socket."""
        return cls(QUEUE_GROUP)

    @classmethod
    def supervisors(cls):
        return cls(QUEUE_GROUP, (SUPERVISOR,))

    @classmethod
    def counsellors(cls):
        """The queue sockets of staff who are not supervisors."""
        return cls(QUEUE_GROUP, (COUNSELLOR,))


def send_on_commit(audience, event, *, then_close=False):
    """Broadcast `event` to `audience` after commit. `then_close`: the sockets it reaches
    close (4403) once they have sent it, as the counsellor's does after a transfer."""
    broadcast.send_on_commit(audience.group, layer_message(audience, event, then_close))


def layer_message(audience, event, then_close=False):
    if event.get("type") in COUNSELLOR_ONLY and audience.roles != (COUNSELLOR,):
        raise ValueError(f"{event['type']!r} goes to the counsellor only")
    staff_only = event.get("type") in STAFF_ONLY or event.get("event") in STAFF_ONLY_STATES
    if staff_only and (audience.roles is None or not set(audience.roles) <= set(STAFF)):
        raise ValueError(f"{event.get('event') or event['type']!r} goes to staff only")
    message = {"type": "broadcast", "event": event}
    if audience.roles is not None:
        message["to"] = list(audience.roles)
    if audience.user is not None:
        message["user"] = audience.user
    if then_close:
        message["close"] = True
    return message


def reaches(message, role, user_id):
    """Whether a socket of this role and user delivers this layer message."""
    if "to" in message and role not in message["to"]:
        return False
    return "user" not in message or message["user"] == user_id


def signal_on_commit(group, message):
    """A channel-layer message for the consumers themselves, never forwarded to a browser
    (for example `guest.removed`, which closes a removed guest's socket)."""
    broadcast.send_on_commit(group, message)


# --- What a socket's own frames tell others (no database: sent at once by the consumer) ---


def typing(conversation, by):
    """(group, layer message) for a `typing` frame, or None: only the visitor's typing is
    told, and only to the counsellor."""
    if by != VISITOR:
        return None
    audience = Audience.counsellor(conversation)
    return audience.group, layer_message(audience, {"type": "typing"})


def read(conversation, by, seq):
    """(group, layer message) for a `read` frame, or None: only the visitor's reading is
    told, and only to the counsellor."""
    if by != VISITOR:
        return None
    audience = Audience.counsellor(conversation)
    return audience.group, layer_message(audience, {"type": "read", "by": by, "seq": seq})


# --- Event builders ---


def state_event(conversation, name, **extra):
    return {"type": "event", "event": name, "conversation": str(conversation.pk), **extra}


def transferred():
    """To the counsellor who handed the chat over: nothing about whom to."""
    return {"type": "event", "event": "transferred"}


def queue_changed():
    return {"type": "queue.changed"}


def help_requested():
    return {"type": "help.requested"}


def review_requested():
    """A referral waits for a supervisor (handover): nothing about which or whose."""
    return {"type": "review.requested"}


def queue_changed_on_commit():
    send_on_commit(Audience.queue(), queue_changed())


def help_requested_on_commit():
    """Supervisors' pages say so; counsellors' pages only refresh their queue."""
    send_on_commit(Audience.supervisors(), help_requested())
    send_on_commit(Audience.counsellors(), queue_changed())


def review_requested_on_commit():
    """A referral entered review: supervisors' overviews say so at once, with the tone of
    a call for help, because a client may be waiting in the chat for the partner to join."""
    send_on_commit(Audience.supervisors(), review_requested())
