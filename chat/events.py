"""Broadcasts to a conversation's sockets, only after the database has committed.

A message that rolls back must never have been seen (style brief, anti-pattern 3). The
channel layer may drop a broadcast (the PubSub layer delivers at most once); clients then
catch up from the database by sequence number.
"""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

QUEUE_GROUP = "queue"


def send_on_commit(group, event, to=None):
    """`to`: only sockets of these roles forward it (for example ("visitor",))."""
    message = {"type": "broadcast", "event": event}
    if to is not None:
        message["to"] = list(to)

    def send():
        async_to_sync(get_channel_layer().group_send)(group, message)

    transaction.on_commit(send)


def state_event(conversation, name, **extra):
    return {"type": "event", "event": name, "conversation": str(conversation.pk), **extra}


def queue_changed():
    return {"type": "queue.changed"}


def help_requested():
    """To the queue group: the supervisors' pages say so; counsellors' pages refresh."""
    return {"type": "help.requested"}
