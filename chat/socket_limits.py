"""What one browser session may do with sockets, across all of its sockets.

Each socket already has its own limit of 5 frames a second (chat/consumers.py), but a
session could open a thousand sockets. So a session gets a cap on open sockets, one shared
budget of frames (a token bucket: a burst, then a sustained rate) and typing events merged
to one every few seconds.

Per process: the budgets live in this process's memory, keyed by the session's hashed
socket group, never by the session key itself. With several Daphne processes behind the
proxy one session can reach each process's limits, so at most that many times these; the
number of processes is the deployment's, not the attacker's. Memory stays bounded: a
budget lives while its session has sockets here, and idle ones are forgotten oldest first
beyond MAX_IDLE (kept until then, so closing and reopening sockets does not refill it).
"""

from collections import OrderedDict
from time import monotonic

from django.conf import settings

# The sustained rate equals one socket's limit: at most 5 requests a second per session.
FRAMES_PER_SECOND = 5
# A counsellor's workspace resumes every tab at once after a reconnect (chat.js).
FRAME_BURST = 15
# chat.js sends one typing frame every 3 s while the visitor types.
TYPING_EVERY_SECONDS = 2
MAX_IDLE = 10_000


def sockets_per_session():
    """A counsellor at full capacity, as many ended chats waiting for their closing form,
    the queue socket, and a few more tabs; a visitor needs one or two."""
    return 2 * settings.COUNSELLOR_CAPACITY + 4


class Budget:
    __slots__ = ("key", "sockets", "tokens", "refilled", "typed")

    def __init__(self, key):
        self.key = key
        self.sockets = 0
        self.tokens = float(FRAME_BURST)
        self.refilled = monotonic()
        self.typed = None


_budgets = {}
_idle = OrderedDict()


def open_socket(key):
    """The session's budget with this socket counted in, or None when it has too many."""
    budget = _budgets.get(key)
    if budget is None:
        budget = _budgets[key] = Budget(key)
    if budget.sockets >= sockets_per_session():
        return None
    budget.sockets += 1
    _idle.pop(key, None)
    return budget


def close_socket(budget):
    budget.sockets -= 1
    if budget.sockets <= 0 and _budgets.get(budget.key) is budget:
        _idle[budget.key] = None
        while len(_idle) > MAX_IDLE:
            key, _ = _idle.popitem(last=False)
            _budgets.pop(key, None)


def allow_frame(budget):
    """Take one frame from the session's shared budget; False when it is spent."""
    now = monotonic()
    budget.tokens = min(FRAME_BURST, budget.tokens + (now - budget.refilled) * FRAMES_PER_SECOND)
    budget.refilled = now
    if budget.tokens < 1:
        return False
    budget.tokens -= 1
    return True


def allow_typing(budget):
    """Whether this typing frame goes on to the counsellor: one every few seconds at most,
    from all of the session's sockets together."""
    now = monotonic()
    if budget.typed is not None and now - budget.typed < TYPING_EVERY_SECONDS:
        return False
    budget.typed = now
    return True


# --- Connects under way in this process ---------------------------------------------------
#
# A connect costs a database call (authorisation) and a resume (the history): about 70 a
# second on one core. After a restart every page comes back within seconds; without a
# limit the handshakes queue past Daphne's 5 s handshake limit, are refused with an HTTP 403
# after their work was done, and come back again, so the backlog never drains (bench/
# README.md, S4: none of 2,000 sockets came back). Past the limit a socket is told at once
# to try again later (4503), which costs the server almost nothing, and the page waits a
# random, growing while (static/js/socket.js).

_connecting = [0]


def connects_at_once():
    """Enough to keep every database thread busy and a page opening many tabs unrefused,
    few enough to be through in about a second at ~70 connects a second (64 by default)."""
    return 8 * settings.DB_THREADS


def begin_connect():
    """True when this connect may go ahead; it must then call end_connect()."""
    if _connecting[0] >= connects_at_once():
        return False
    _connecting[0] += 1
    return True


def end_connect():
    _connecting[0] -= 1
