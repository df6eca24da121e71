"""Sending a message to a channel-layer group, once the database has committed.

The low level under chat/events.py (who hears which event) and accounts/sessions.py (a
session's sockets close): both send through here, so every broadcast waits for the commit
and none can hold a database thread for a round trip to Redis. A message that rolls back
must never have been seen; a broadcast that fails is logged, never raised: what it said is
stored, and sockets catch up from the database (chat: by sequence number; sessions: at the
socket's next action or re-check).
"""

import asyncio
import logging

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

_sending = set()  # broadcasts handed to the event loop, kept until done


def send_on_commit(group, message):
    """Send `message` to `group` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: send(group, message))


def send(group, message):
    """Send now, from synchronous code; never raises."""
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    if loop is not None and loop.is_running():
        # Called from a thread of a running server (a socket's database work, a view):
        # hand the broadcast to the event loop instead of holding this thread, and with
        # it a database connection, for a round trip to Redis (bench/README.md).
        loop.call_soon_threadsafe(_start, group, message)
        return
    try:
        async_to_sync(get_channel_layer().group_send)(group, message)
    except Exception:
        logger.warning("A broadcast did not reach the channel layer", exc_info=True)


def _start(group, message):
    future = asyncio.ensure_future(get_channel_layer().group_send(group, message))
    _sending.add(future)
    future.add_done_callback(_done)


def _done(future):
    _sending.discard(future)
    if not future.cancelled() and future.exception() is not None:
        logger.warning("A broadcast did not reach the channel layer", exc_info=future.exception())
