"""Broadcasts to a conversation's sockets, only after the database has committed.

A message that rolls back must never have been seen (style brief, anti-pattern 3). The
channel layer may drop a broadcast (the PubSub layer delivers at most once); clients then
catch up from the database by sequence number.
"""

import asyncio
import logging

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

QUEUE_GROUP = "queue"
_sending = set()  # broadcasts handed to the event loop, kept until done


def send_on_commit(group, event, to=None):
    """`to`: only sockets of these roles forward it (for example ("visitor",))."""
    message = {"type": "broadcast", "event": event}
    if to is not None:
        message["to"] = list(to)

    transaction.on_commit(lambda: _send(group, message))


def signal_on_commit(group, message):
    """A channel-layer message for the consumers themselves, never forwarded to a browser
    (for example `guest.removed`, which closes a removed guest's socket)."""
    transaction.on_commit(lambda: _send(group, message))


def _send(group, message):
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    if loop is not None and loop.is_running():
        # Called from a thread of a running server (a socket's database work, a view):
        # hand the broadcast to the event loop instead of holding this thread, and with
        # it a database connection, for a round trip to Redis (bench/README.md).
        loop.call_soon_threadsafe(_start, group, message)
    else:
        async_to_sync(get_channel_layer().group_send)(group, message)


def _start(group, message):
    task = get_channel_layer().group_send(group, message)
    future = asyncio.ensure_future(task)
    _sending.add(future)
    future.add_done_callback(_done)


def _done(future):
    _sending.discard(future)
    if not future.cancelled() and future.exception() is not None:
        # The message is stored; clients catch up by sequence number (module docstring).
        logger.warning("A broadcast did not reach the channel layer", exc_info=future.exception())


def state_event(conversation, name, **extra):
    return {"type": "event", "event": name, "conversation": str(conversation.pk), **extra}


def queue_changed():
    return {"type": "queue.changed"}


def help_requested():
    """To the queue group: the supervisors' pages say so; counsellors' pages refresh."""
    return {"type": "help.requested"}
