"""Every open socket checks its session, user and conversation again about once a minute.

A backstop: log-out, deactivation and the like close sockets at once through the channel
layer, which delivers at most once, and idle expiry has no event at all. The re-checks of
one process run together: each socket is due a random 75-100 % of RECHECK_SECONDS after
its connect or last check (so sockets that connected together after a restart spread
out), and whatever is due within the same TICK is checked in one call on a database
thread, with one query each for the sessions, the users, the staff devices and the
conversations, and one Redis round trip for the visitors' presence. One socket at a time
cost about three statements, a thread hop and, for a visitor, a Redis SET each, and at
10,000 idle sockets kept the server core half busy (bench/README.md, "What holds the chat
back").

The rule for one socket is the same as at its connect, minus noting activity: an open
socket alone does not keep a session alive.
"""

import asyncio
import logging
import math
import random
import weakref
from collections import defaultdict
from dataclasses import dataclass

from accounts import sessions, staff
from chat import conversations, leaving
from common.db_threads import UNAVAILABLE, in_db_thread
from common.refusals import Refused

logger = logging.getLogger(__name__)

RECHECK_SECONDS = 60
# Sockets due within one tick are checked together: a second, or a twentieth of the period
# when that is shorter (tests run the period in a fraction of a second).
TICK_SECONDS = 1.0
# At most this many sockets per database call: bounded statements (IN lists) and a
# bounded stretch of the database thread.
BATCH = 250
_GONE = object()


@dataclass(frozen=True, slots=True)
class Check:
    """What one socket asks: its user and session, and for a conversation socket the
    conversation (None: the counsellors' queue socket, which is staff only)."""

    user: object
    session: object
    conversation_id: object = None
    visitor: bool = False  # a visitor's page: noted present when it passes


def check_all(checks):
    """For each Check, the session as stored now, or the Refused that ends that socket.
    Raises what PostgreSQL or Redis raise when either is unavailable: then nobody's
    answer is known and every socket asks again at its next turn."""
    outcomes = sessions.stored_sessions([(c.session, c.user) for c in checks])
    devices = staff.devices_of(s for s in outcomes if not isinstance(s, Refused))
    for i, check in enumerate(checks):
        if not isinstance(outcomes[i], Refused):
            outcomes[i] = _refused_or(_as_staff, check, outcomes[i], devices)
    in_chats = [
        i for i, c in enumerate(checks) if c.conversation_id is not None and _passed(outcomes[i])
    ]
    found = conversations.conversations_for(
        [(checks[i].user, checks[i].conversation_id, outcomes[i]) for i in in_chats]
    )
    for i, conversation in zip(in_chats, found, strict=True):
        if isinstance(conversation, Refused):
            outcomes[i] = conversation
    present = zip(checks, outcomes, strict=True)
    leaving.note_all_present([c.conversation_id for c, o in present if c.visitor and _passed(o)])
    return outcomes


def _passed(outcome):
    return not isinstance(outcome, Refused)


def _refused_or(rule, *args):
    try:
        return rule(*args)
    except Refused as refused:
        return refused


def _as_staff(check, store, devices):
    """Staff pass TOTP for every socket; the queue's socket is for staff only."""
    if check.conversation_id is None:
        staff.authorise_socket(check.user, store, devices)
    else:
        staff.require_second_factor(check.user, store, devices)
    return store


class _Schedule:
    """The sockets of one event loop (one process) and when each is due."""

    def __init__(self):
        # No reference to the loop: it is this schedule's key in a WeakKeyDictionary.
        self.tick = min(TICK_SECONDS, RECHECK_SECONDS / 20)
        self.due = defaultdict(set)  # tick number -> sockets due then
        self.watched = {}  # socket -> its tick number; None while its check runs
        self.task = None

    def watch(self, socket):
        loop = asyncio.get_running_loop()
        when = loop.time() + RECHECK_SECONDS * random.uniform(0.75, 1)  # noqa: S311 (jitter)
        tick = math.ceil(when / self.tick)
        self.due[tick].add(socket)
        self.watched[socket] = tick
        if self.task is None:
            self.task = loop.create_task(self.run())

    def forget(self, socket):
        tick = self.watched.pop(socket, None)
        if tick is not None and tick in self.due:
            self.due[tick].discard(socket)
            if not self.due[tick]:
                del self.due[tick]

    async def run(self):
        try:
            while self.watched:
                await asyncio.sleep(self.tick)
                now = math.floor(asyncio.get_running_loop().time() / self.tick)
                ready = []
                for tick in sorted(t for t in self.due if t <= now):
                    ready.extend(self.due.pop(tick))
                for socket in ready:
                    self.watched[socket] = None
                for start in range(0, len(ready), BATCH):
                    chunk = ready[start : start + BATCH]
                    try:
                        await self.check(chunk)
                    except Exception as failure:
                        logger.exception("Socket re-check failed")
                        await self.fail(chunk, failure)
        finally:
            self.task = None

    async def check(self, sockets):
        try:
            outcomes = await in_db_thread(check_all)([s.recheck_asks() for s in sockets])
        except UNAVAILABLE:
            outcomes = [None] * len(sockets)  # not an ended session: ask again next round
        for socket, outcome in zip(sockets, outcomes, strict=True):
            if socket not in self.watched:
                continue  # closed while its check ran
            try:
                keep = outcome is None or await socket.rechecked(outcome)
            except Exception as failure:
                logger.exception("Applying a socket's re-check failed")
                await self.fail([socket], failure)
                continue
            del self.watched[socket]
            if keep:
                self.watch(socket)

    async def fail(self, sockets, failure):
        """Fail closed: a socket that cannot be checked does not stay open unchecked. Its page
        reconnects and is checked afresh."""
        for socket in sockets:
            if self.watched.get(socket, _GONE) is not None:
                continue  # closed meanwhile, or answered and watched again
            del self.watched[socket]
            try:
                await socket.rechecked(failure)  # closes with 1011 (chat/consumers.py)
            except Exception:
                logger.exception("Closing a socket whose re-check failed failed")


_schedules = weakref.WeakKeyDictionary()


def watch(socket):
    """Re-check this socket from now on, until forget(). The socket answers recheck_asks()
    with its Check, and `await rechecked(outcome)` with whether it stays open: outcome is
    the session as stored now, a Refused, or the exception that made the check fail."""
    loop = asyncio.get_running_loop()
    schedule = _schedules.get(loop)
    if schedule is None:
        schedule = _schedules[loop] = _Schedule()
    schedule.watch(socket)


def forget(socket):
    schedule = _schedules.get(asyncio.get_running_loop())
    if schedule is not None:
        schedule.forget(socket)
