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

from collections import OrderedDict, deque
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
# A connect costs a database call (authorisation) and a resume (the history): 60-175 a
# second on one core, by machine and load (bench/README.md, S4). After a restart every page
# comes back within seconds; without a limit the handshakes queue past Daphne's 5 s
# handshake limit, are refused with an HTTP 403 after their work was done, and come back
# again, so the backlog never drains (none of 2,000 sockets came back). Past the limit a
# socket is told at once to try again later (4503), which costs the server almost nothing.
#
# When to try again is this process's to say: each refused socket is given the next free
# moment of a schedule that lets them back at the rate connects are getting through here,
# so a backlog of pages comes back spread over the time it needs, each mostly refused once,
# instead of guessing with a growing random wait (up to 30 s) and being refused again and
# again (static/js/socket.js, docs/protocol.md `busy`).

_connecting = [0]
# When recent connects got through (for the rate), and the schedule's next free moment.
_through = deque(maxlen=4096)
_next_free = [0.0]
RATE_WINDOW_SECONDS = 2.0
# The rate assumed before connects are seen getting through (after a restart): about what
# one core took under load (bench/README.md, S4). Too high costs a second refusal of the
# same page, never a wait; a higher rate seen takes over within the window.
MIN_CONNECTS_PER_SECOND = 64
# The longest wait given, the ceiling of the page's own backoff: a flood of connects
# cannot push the pages it crowds out any further than that.
MAX_RETRY_SECONDS = 30.0


def connects_at_once():
    """Enough to keep every database thread busy and a page opening many tabs unrefused,
    few enough that each is through quickly: a connect waits for the ones under way before
    it, so twice as many under way only doubles its wait for the same core (16 by default;
    bench/README.md, the connect gate's width)."""
    return 2 * settings.DB_THREADS


def begin_connect():
    """True when this connect may go ahead; it must then call end_connect()."""
    if _connecting[0] >= connects_at_once():
        return False
    _connecting[0] += 1
    return True


def end_connect():
    _connecting[0] -= 1
    _through.append(monotonic())


def connects_per_second(now=None):
    """How fast connects got through lately, but never taken as fewer than
    MIN_CONNECTS_PER_SECOND (before the first is through, after a restart)."""
    now = monotonic() if now is None else now
    while _through and _through[0] < now - RATE_WINDOW_SECONDS:
        _through.popleft()
    return max(len(_through) / RATE_WINDOW_SECONDS, MIN_CONNECTS_PER_SECOND)


def retry_after(now=None):
    """Seconds a refused socket should wait before it tries again: the next free moment of
    the schedule, one connect's worth of time after the last one given. The schedule never
    reaches further than MAX_RETRY_SECONDS ahead, so a flood of connects delays the pages
    refused with it by that much at most, and none once it stops."""
    now = monotonic() if now is None else now
    step = 1 / connects_per_second(now)
    _next_free[0] = min(max(_next_free[0], now) + step, now + MAX_RETRY_SECONDS)
    return _next_free[0] - now
