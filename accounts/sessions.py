"""Which sessions belong to whom, how long they may live, and how they end (brief B2).

Clients: 30 minutes idle, 2 hours at most. Staff: 30 minutes idle, 12 hours at most. The
clock starts at log-in; activity is written back at most once a minute, so a busy page
does not turn into a database write per request. Anonymous sessions that hold a chat, a
guest's place in one or the offer to keep one live by the clients' limits, with clocks
that start when they come to hold it: on a shared device the next person at the browser
must not read a chat back.

However a session or a user ends, their sockets close at once: log-out of any kind
(ours, the admin's, expiry) through Django's user_logged_out signal, deactivation, a new
role or password through the User model's save signals, because the admin and Django's
own views change users without calling us. Sockets also re-check their session against
the store about once a minute (chat/rechecks.py), for what the channel layer lost.
"""

import contextlib
import functools
import hashlib
import logging
import time
from importlib import import_module

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_out
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models.signals import post_save, pre_delete, pre_save
from django.dispatch import Signal, receiver
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from accounts import session_keys
from accounts.models import LoginSession, User
from common import broadcast
from common.refusals import NotAllowed

logger = logging.getLogger(__name__)

IDLE_SECONDS = 30 * 60
CLIENT_MAX_SECONDS = 2 * 60 * 60
STAFF_MAX_SECONDS = 12 * 60 * 60
TOUCH_EVERY_SECONDS = 60

STARTED = "hoc_started"
SEEN = "hoc_seen"
# An anonymous session holding one of these has a lifetime: a visitor's conversation
# (chat/views.py), a partner's guest invitation (chat/guests.py), the offer to keep an
# ended chat (chat/saving.py), the questions after one (chat/feedback.py): that a chat
# ended in this browser is itself something the next person at it must not learn.
HOLDING_KEYS = (
    session_keys.CONVERSATION,
    session_keys.GUEST_INVITATION,
    session_keys.SAVEABLE,
    session_keys.FEEDBACK,
)

# Sent with `session` (still holding its keys) as a session ends by a log-out of any kind:
# quick exit, our log-out views, expiry, the admin's log-out, account deletion. Apps above
# accounts let go of what the session held here (chat/leaving.py: the visitor has left
# their chat), since accounts may not call them.
session_ending = Signal()


def start(request, user):
    """Call right after django.contrib.auth.login(): start the session's clocks."""
    now = time.time()
    request.session[STARTED] = now
    request.session[SEEN] = now
    request.session.save()
    touch_last_seen(user)
    LoginSession.objects.get_or_create(user=user, session_key=request.session.session_key)


def has_lifetime(session, user):
    """Whether this session is subject to the idle and absolute limits."""
    return user.is_authenticated or any(key in session for key in HOLDING_KEYS)


def start_clocks(session, now=None):
    now = time.time() if now is None else now
    session[STARTED] = session[SEEN] = now


def ensure_clocks(session, user, save=False):
    """An anonymous session holding something without clocks (set before these limits, or
    outside a request) starts them now; a logged-in one without clocks stays expired."""
    if user.is_authenticated or STARTED in session or not has_lifetime(session, user):
        return
    start_clocks(session)
    if save:
        _store(session, {STARTED: session[STARTED], SEEN: session[SEEN]})


def max_seconds(user):
    staff_member = user.is_authenticated and user.is_staff_member
    return STAFF_MAX_SECONDS if staff_member else CLIENT_MAX_SECONDS


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
        if user is not None and user.is_authenticated:
            touch_last_seen(user)
        if save:  # sockets must save; for requests the session middleware does
            _store(session, {SEEN: now})


def _store(session, values):
    """Write `values` into the stored session, for a socket. Only these: the socket's copy
    dates from its connect or last re-check, and saving it whole would undo what the pages
    changed meanwhile (an ended chat let go of, an offer taken). Never recreates a session
    that has ended."""
    store = import_module(settings.SESSION_ENGINE).SessionStore(session.session_key)
    if not session.session_key or not dict(store.items()):
        return
    store.update(values)
    # Deleted between the read and the write: the socket's re-check closes it.
    with contextlib.suppress(UpdateError):
        store.save()


def touch_last_seen(user):
    """Record activity to the hour: enough for the inactivity retention, no usage trail."""
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    if user.last_seen_at != hour:
        User.objects.filter(pk=user.pk).update(last_seen_at=hour)
        user.last_seen_at = hour


def socket_group(session_key):
    """The channel-layer group of every socket opened with this session."""
    return "session." + hashlib.sha256(session_key.encode()).hexdigest()[:40]


def user_group(user_id):
    """The channel-layer group of every socket of this user, whichever session opened it:
    a session key can change under a socket (cycle_key), the user cannot."""
    return f"user.{user_id}"


def _tell_sockets_to_close(group):
    # After commit, like every broadcast, and never raising (common/broadcast.py): quick
    # exit and log-out must work even with Redis down (the sockets then find the session
    # gone at their next action or re-check).
    broadcast.send_on_commit(group, {"type": "session.ended"})


def close_sockets(session_key):
    """Tell every socket of this session to close: on log-out, quick exit and deletion."""
    if session_key:
        _tell_sockets_to_close(socket_group(session_key))


def close_user_sockets(user_id):
    """Tell every socket of this user to close, in every session."""
    _tell_sockets_to_close(user_group(user_id))


def end_session(request):
    """Log out and delete the session on the server; its sockets close through the
    user_logged_out receiver below, as for every other log-out."""
    logout(request)


def end_all_sessions(user):
    keys = list(LoginSession.objects.filter(user=user).values_list("session_key", flat=True))
    for key in keys:
        close_sockets(key)
    close_user_sockets(user.pk)
    Session.objects.filter(session_key__in=keys).delete()
    LoginSession.objects.filter(user=user).delete()


def stored_session(session, user):
    """A socket's session as the store holds it now (the socket's own copy dates from its
    connect). NotAllowed once the session has ended for this socket: deleted (log-out,
    quick exit, a new key), past its idle or absolute limit, or no longer this user's
    (deactivated, deleted, another role, a new password)."""
    (outcome,) = stored_sessions([(session, user)])
    if isinstance(outcome, NotAllowed):
        raise outcome
    return outcome


def stored_sessions(pairs):
    """stored_session for many sockets' (session, user) pairs at once: one query for the
    sessions and one for their users, however many there are (chat/rechecks.py). Each
    answer is the store as it is now, or the NotAllowed that ends that socket."""
    keys = {session.session_key for session, _ in pairs if session.session_key}
    rows = {}
    if keys:
        model = import_module(settings.SESSION_ENGINE).SessionStore.get_model_class()
        # The expiry the store's own load() applies.
        live = model.objects.filter(session_key__in=keys, expire_date__gt=timezone.now())
        rows = dict(live.values_list("session_key", "session_data"))
    user_ids = {user.pk for _, user in pairs if user.is_authenticated}
    current = User.objects.filter(is_active=True).in_bulk(user_ids) if user_ids else {}
    outcomes = []
    for session, user in pairs:
        try:
            outcomes.append(_judge(session, user, rows.get(session.session_key), current))
        except NotAllowed as refused:
            outcomes.append(refused)
    return outcomes


def _judge(session, user, data, current):
    if not session.session_key or data is None:
        raise NotAllowed
    store = _loaded_store()(session.session_key, data)
    if not dict(store.items()):
        raise NotAllowed
    logged_in_as = store.get(auth.SESSION_KEY)
    if not user.is_authenticated:
        if logged_in_as is not None or (has_lifetime(store, user) and is_expired(store, user)):
            raise NotAllowed
        return store
    if logged_in_as != str(user.pk) or is_expired(store, user):
        raise NotAllowed
    if not _still(user, store, current.get(user.pk)):
        raise NotAllowed
    return store


@functools.cache
def _loaded_store():
    """The session engine's store, given data that was read with other sessions' in one
    query instead of reading its own row."""

    base = import_module(settings.SESSION_ENGINE).SessionStore

    class LoadedStore(base):
        # Django signs session data with a salt named after the store's class: this one
        # must read (and, were it saved, write) what the engine's own store does.
        __qualname__ = base.__qualname__

        def __init__(self, session_key, data):
            super().__init__(session_key)
            self._read = data

        def load(self):
            return self.decode(self._read)

    return LoadedStore


def _still(user, store, current):
    """The user (`current`: as stored now, active, or None) is still active, in the same
    role, and the session was made with their current password (Django's session hash,
    fallback keys included)."""
    if current is None or current.role != user.role:
        return False
    stored_hash = store.get(auth.HASH_SESSION_KEY) or ""
    hashes = [current.get_session_auth_hash(), *current.get_session_auth_fallback_hash()]
    return any(constant_time_compare(stored_hash, h) for h in hashes)


# --- Signals: ways a session or a user ends that do not pass through our own code --------


@receiver(user_logged_out, dispatch_uid="accounts.sessions.log_out")
def _close_sockets_on_log_out(sender, request, user, **kwargs):
    # Sent by django.contrib.auth.logout() before it flushes the session: our log-out
    # views, quick exit, expiry in the middleware below, and the admin's /beheer/logout/.
    # Robust: a quick exit gets away even when a receiver fails (the chat then ends by the
    # grace time instead).
    for _receiver, failure in session_ending.send_robust(sender=None, session=request.session):
        if isinstance(failure, Exception):
            logger.error("A session_ending receiver failed", exc_info=failure)
    close_sockets(request.session.session_key)


ENDING_FIELDS = {"is_active", "role", "password"}


@receiver(pre_save, sender=User, dispatch_uid="accounts.sessions.before_user_saved")
def _note_what_the_save_ends(sender, instance, raw=False, update_fields=None, **kwargs):
    instance._sessions_end = None
    if raw or instance._state.adding:
        return
    if update_fields is not None and not ENDING_FIELDS & set(update_fields):
        return  # last_login, display_name and the like: no query on those paths
    before = User.objects.filter(pk=instance.pk).values(*ENDING_FIELDS).first()
    if before is None:
        return
    if (before["is_active"] and not instance.is_active) or before["role"] != instance.role:
        instance._sessions_end = "all"
    elif before["password"] != instance.password:
        # Django's session hash already makes the other sessions worthless at their next
        # request; their sockets must not wait for one. This session's own sockets close
        # too and reconnect with its updated hash (update_session_auth_hash).
        instance._sessions_end = "sockets"


@receiver(post_save, sender=User, dispatch_uid="accounts.sessions.after_user_saved")
def _end_what_the_save_ended(sender, instance, **kwargs):
    ending = instance.__dict__.pop("_sessions_end", None)
    if ending == "all":
        # A deactivated user, or one whose role changed (a privilege change): every
        # session ends, so reactivating them later does not revive an old cookie.
        transaction.on_commit(functools.partial(end_all_sessions, instance))
    elif ending == "sockets":
        transaction.on_commit(functools.partial(close_user_sockets, instance.pk))


@receiver(pre_delete, sender=User, dispatch_uid="accounts.sessions.before_user_deleted")
def _end_sessions_of_deleted_user(sender, instance, **kwargs):
    # The LoginSession rows go with the user, and the instance loses its pk: read both now
    # and act after commit.
    user_id = instance.pk
    keys = list(LoginSession.objects.filter(user=instance).values_list("session_key", flat=True))

    def end():
        for key in keys:
            close_sockets(key)
        close_user_sockets(user_id)
        Session.objects.filter(session_key__in=keys).delete()

    transaction.on_commit(end)


class SessionLifetimeMiddleware:
    """Log out sessions past their idle or absolute limit (logged in, or anonymous and
    holding a chat: has_lifetime); note activity now and then.

    A view that gives the session a new key (TOTP, a new passphrase, a new password) leaves
    LoginSession pointing at the old one; it follows here, so end_all_sessions still finds
    the session, and the old key's sockets are closed.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user, session = request.user, request.session
        if has_lifetime(session, user):
            now = time.time()
            ensure_clocks(session, user)
            if is_expired(session, user, now):
                end_session(request)
                request.session_expired = True
            else:
                note_activity(session, user, now)
        key_before = session.session_key
        held_before = [session.get(key) for key in HOLDING_KEYS]
        response = self.get_response(request)
        session = request.session
        key_after = session.session_key
        if key_before and key_after and key_before != key_after:
            close_sockets(key_before)
            LoginSession.objects.filter(session_key=key_before).update(session_key=key_after)
        if not request.user.is_authenticated:
            held_after = [session.get(key) for key in HOLDING_KEYS]
            # A new chat, guest place or offer starts the clocks afresh: each replaces what
            # the session held before, so nothing older stays readable for longer.
            if any(
                after is not None and after != before
                for before, after in zip(held_before, held_after, strict=True)
            ):
                start_clocks(session)
        return response
