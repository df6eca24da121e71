"""Which sessions belong to whom, and how long they may live (security brief B2).

Clients: 30 minutes idle, 2 hours at most. Staff: 30 minutes idle, 12 hours at most. The
clock starts at log-in; activity is written back at most once a minute, so a busy page
does not turn into a database write per request.
"""

import hashlib
import logging
import time

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.auth import logout
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.models import LoginSession, User

logger = logging.getLogger(__name__)

IDLE_SECONDS = 30 * 60
CLIENT_MAX_SECONDS = 2 * 60 * 60
STAFF_MAX_SECONDS = 12 * 60 * 60
TOUCH_EVERY_SECONDS = 60

STARTED = "hoc_started"
SEEN = "hoc_seen"


def start(request, user):
    """Call right after django.contrib.auth.login(): start the session's clocks."""
    now = time.time()
    request.session[STARTED] = now
    request.session[SEEN] = now
    request.session.save()
    touch_last_seen(user)
    LoginSession.objects.get_or_create(user=user, session_key=request.session.session_key)


def max_seconds(user):
    return CLIENT_MAX_SECONDS if user.is_client else STAFF_MAX_SECONDS


def is_expired(session, user, now=None):
    now = time.time() if now is None else now
    started, seen = session.get(STARTED), session.get(SEEN)
    if started is None or seen is None:
        return True
    return now - seen > IDLE_SECONDS or now - started > max_seconds(user)


def note_activity(session, user, now=None, save=False):
    """Count this request or socket frame as activity, writing at most once a minute.

    A chat happens over a socket, with no page loads: without this a counsellor or client
    in a long conversation would count as idle after 30 minutes.
    """
    now = time.time() if now is None else now
    if now - session[SEEN] > TOUCH_EVERY_SECONDS:
        session[SEEN] = now
        touch_last_seen(user)
        if save:  # sockets must save; for requests the session middleware does
            session.save()


def touch_last_seen(user):
    """Record activity to the hour: enough for the inactivity retention, no usage trail."""
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    if user.last_seen_at != hour:
        User.objects.filter(pk=user.pk).update(last_seen_at=hour)
        user.last_seen_at = hour


def socket_group(session_key):
    """The channel-layer group of every socket opened with this session (R-B4)."""
    return "session." + hashlib.sha256(session_key.encode()).hexdigest()[:40]


def close_sockets(session_key):
    """Tell every socket of this session to close: on log-out, quick exit and deletion.

    Never lets a channel-layer failure stop the caller: quick exit and log-out must work
    even with Redis down (the sockets then find the session gone on their next action).
    """
    if not session_key:
        return
    try:
        async_to_sync(get_channel_layer().group_send)(
            socket_group(session_key), {"type": "session.ended"}
        )
    except Exception:
        logger.warning("Could not tell a session's sockets to close", exc_info=True)


def end_session(request):
    """Log out: close this session's sockets, then delete it on the server."""
    close_sockets(request.session.session_key)
    logout(request)


def end_all_sessions(user):
    keys = list(LoginSession.objects.filter(user=user).values_list("session_key", flat=True))
    for key in keys:
        close_sockets(key)
    Session.objects.filter(session_key__in=keys).delete()
    LoginSession.objects.filter(user=user).delete()


class SessionLifetimeMiddleware:
    """Log out sessions past their idle or absolute limit; note activity now and then."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            if is_expired(request.session, user, now):
                end_session(request)
                request.session_expired = True
            else:
                note_activity(request.session, user, now)
        return self.get_response(request)
