"""The conversation socket: one per participant per conversation (docs/protocol.md).

The consumer only dispatches: every database touch is one named function in
chat/conversations.py or chat/queue.py, run off the event loop, and every action
checks again that this user may still take part.
"""

import asyncio
import logging
import time

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from accounts import session_keys, sessions, staff
from chat import (
    conversations,
    events,
    frames,
    guests,
    leaving,
    observers,
    queue,
    rechecks,
    records,
    socket_limits,
    speakers,
    whispers,
)
from chat.models import Message
from common import metrics
from common.db_threads import UNAVAILABLE, in_db_thread
from common.refusals import InvalidFrame, NotAllowed, Refused, SessionGone

logger = logging.getLogger(__name__)

CLOSE_NOT_ALLOWED = 4403
CLOSE_SESSION_ENDED = 4401
CLOSE_TOO_MANY_SOCKETS = 4429
CLOSE_INTERNAL_ERROR = 1011
CLOSE_NO_SUCH_SOCKET = 4404
RATE_PER_SECOND = 5
# A socket writes its activity back at most this often (the idle limit is 30 minutes), so
# a chat message costs one INSERT and no session write.
ACTIVITY_SAVE_SECONDS = 5 * 60


def _authorise(user, session, conversation_id):
    """(conversation, role) or NotAllowed: sessions, TOTP and participation.

    Anonymous sessions holding a chat have the clients' lifetimes too (accounts/sessions.py).
    """
    sessions.ensure_clocks(session, user, save=True)
    if not sessions.has_lifetime(session, user) or sessions.is_expired(session, user):
        # Nothing to act for: an anonymous session that holds no chat (the one that did
        # expired and is gone) or one past its limits.
        raise SessionGone
    sessions.note_activity(session, user, save=True)
    staff.require_second_factor(user, session)
    conversation = conversations.get_conversation_for(user, conversation_id, session)
    return conversation, conversations.role_in(conversation, user, session)


def _resume(user, session, conversation_id, after):
    conversation, role = _authorise(user, session, conversation_id)
    if role == Message.Sender.GUEST:
        # A partner's professional reads only what was said after they joined.
        after = max(after, guests.visible_after(conversation, session))
    messages = conversations.messages_after(conversation, after)
    if role in events.STAFF:
        # Staff read who wrote a counsellor's message when it was not the chat's counsellor
        # (chat/speakers.py), and the whispers in between (chat/whispers.py).
        missed = [speakers.for_staff(m, conversation.counsellor_id) for m in messages]
        missed += [note.as_whisper_event() for note in whispers.whispers_from(conversation, after)]
    else:
        missed = [m.as_event() for m in messages]
    position = queue.position_of(conversation)
    status = {
        "type": "resumed",
        "state": conversation.state,
        "last_seq": conversation.last_seq,
        "position": position,
        "wait_minutes": queue.estimated_wait_minutes(position),
    }
    if conversation.state == conversation.State.ENDED and records.visitor_left(conversation):
        status["left"] = True  # the counsellor's page says the visitor left, after a reload
    if role == observers.OBSERVER:
        status["joined"] = observers.joined(conversation, user).exists()
    return missed, status


def _send(conversation, role, user, body, client_id, session, note_activity):
    """The hot path: one statement. post_message itself refuses an ended conversation or a
    counsellor who no longer holds it; the session was checked in memory by the caller."""
    author = user if user.is_authenticated else None
    if note_activity:
        sessions.note_activity(session, user, save=True)
    if role == Message.Sender.GUEST:
        guests.visible_after(conversation, session)  # NotAllowed once removed
    if role == observers.OBSERVER:
        return observers.say(conversation, user, session, body, client_id).seq
    message, _ = conversations.post_message(conversation, role, body, client_id, author)
    return message.seq


def _end(user, session, conversation_id):
    conversation, role = _authorise(user, session, conversation_id)
    if role == observers.OBSERVER:
        raise observers.OnlyLooking  # ending is the counsellor's (or the visitor's)
    if role == Message.Sender.GUEST:
        # A guest leaves; the conversation goes on between the client and the counsellor.
        guests.remove(guests.invitation_in(session, conversation), None, session)
        return
    conversations.end_conversation(conversation, by=role, actor=user)


def close_code(refused):
    """4401 when logging in again may help, 4403 when nothing will (docs/protocol.md)."""
    return CLOSE_SESSION_ENDED if isinstance(refused, SessionGone) else CLOSE_NOT_ALLOWED


# Asked after a visitor's page went away; held here so the tasks are not collected.
_pending_leaves = set()


def _ask_later(conversation_id):
    """After the grace time, end the chat if no visitor page of it came back (a second
    late, so that it never asks a moment before the grace time is up)."""

    async def ask():
        try:
            await in_db_thread(leaving.end_if_gone)(conversation_id)
        except Exception:
            # The scheduler's end_left_chats asks again.
            logger.exception("Ending a chat its visitor left failed")

    def start():
        task = asyncio.ensure_future(ask())
        _pending_leaves.add(task)
        task.add_done_callback(_pending_leaves.discard)

    asyncio.get_running_loop().call_later(settings.VISITOR_GRACE_SECONDS + 1, start)


class CountedConsumer(AsyncJsonWebsocketConsumer):
    """Counts itself open for /metrics from accept() until the consumer ends (common/metrics.py).

    Counted down when __call__ returns rather than in disconnect(): Channels skips
    disconnect() after a handler raised, and a refused socket was never counted up.
    """

    socket_kind = None
    counted = False
    budget = None

    async def __call__(self, scope, receive, send):
        try:
            await super().__call__(scope, receive, send)
        except Exception:
            metrics.socket_errors.add()
            # Channels skips disconnect() after a handler raised: without this the dead
            # socket would stay in its groups (and a visitor's page would never count as gone).
            await self.disconnect_after_crash()
            raise
        finally:
            rechecks.forget(self)
            if self.budget is not None:
                socket_limits.close_socket(self.budget)
            if self.counted:
                metrics.open_sockets.closed(self.socket_kind)

    async def websocket_connect(self, message):
        # Counted before the consumer's own database work, so a session's thousandth socket
        # costs only the handshake and the auth middleware's session and user lookup
        # (chat/socket_limits.py).
        key = sessions.socket_group(self.scope["session"].session_key or "")
        self.budget = socket_limits.open_socket(key)
        if self.budget is None:
            await self.close(code=CLOSE_TOO_MANY_SOCKETS)
            return
        await super().websocket_connect(message)

    async def disconnect_after_crash(self):
        try:
            await self.disconnect(CLOSE_INTERNAL_ERROR)
        except Exception:
            logger.exception("Cleaning up after a crashed socket failed")

    async def refuse(self, refused):
        """Accept, then close with the code that says why. A handshake refused at HTTP
        reaches a browser as 1006, which a page cannot tell from a network failure, so it
        would try again for ever (docs/protocol.md, close codes). Not counted as open."""
        await super().accept()
        await self.close(code=close_code(refused))

    async def accept(self, subprotocol=None, headers=None):
        await super().accept(subprotocol, headers)
        if not self.counted:
            self.counted = True
            metrics.open_sockets.opened(self.socket_kind)

    async def join_groups(self, *groups):
        """Join the socket's groups, its session's and (logged in) its user's, so that however
        the session or the user ends, the socket hears of it (accounts/sessions.py)."""
        user, session = self.scope["user"], self.scope["session"]
        self.groups_joined = [*groups, sessions.socket_group(session.session_key or "")]
        if user.is_authenticated:
            self.groups_joined.append(sessions.user_group(user.pk))
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)

    async def leave_groups(self):
        groups, self.groups_joined = getattr(self, "groups_joined", ()), ()
        for group in groups:
            await self.channel_layer.group_discard(group, self.channel_name)

    def start_rechecks(self):
        rechecks.watch(self)

    def recheck_asks(self):
        """What this socket's periodic re-check asks (chat/rechecks.py)."""
        raise NotImplementedError

    async def rechecked(self, outcome):
        """The re-check's answer: the session as stored now (the socket works with it from
        here on, which also sees what the session's pages changed since the connect), a
        Refused, or the failure that left it unknown. Whether the socket stays open."""
        if isinstance(outcome, Refused):
            await self.close(code=CLOSE_SESSION_ENDED)
            return False
        if isinstance(outcome, Exception):
            await self.close(code=CLOSE_INTERNAL_ERROR)  # logged by the re-check
            return False
        self.session = outcome
        return True

    async def session_ended(self, message):
        """Log-out, expiry, quick exit, account deletion or deactivation: close at once."""
        await self.close(code=CLOSE_SESSION_ENDED)


class ConversationConsumer(CountedConsumer):
    socket_kind = "conversation"
    seq_sent = 0  # the highest message seq this socket has sent: no one reads beyond it

    async def connect(self):
        self.conversation_id = self.scope["url_route"]["kwargs"]["conversation_id"]
        self.user, self.session = self.scope["user"], self.scope["session"]
        try:
            conversation, self.role = await in_db_thread(_authorise)(
                self.user, self.session, self.conversation_id
            )
        except Refused as refused:
            await self.refuse(refused)
            return
        except UNAVAILABLE:
            await self.close()  # the handshake fails; the page tries again with backoff
            return
        self.conversation = conversation
        self.group = conversation.group_name
        self.window = (time.monotonic(), 0)
        self.grant_until = observers.grant_until(self.session, self.conversation_id)
        await self.join_groups(self.group)
        await self.accept()
        self.start_rechecks()
        await self.note_visitor_present()

    async def disconnect(self, code):
        await self.leave_groups()
        if getattr(self, "role", None) == Message.Sender.VISITOR:
            # The visitor's page went away: if none comes back within the grace time, the
            # visitor has left (chat/leaving.py).
            await self.note_visitor_present()
            _ask_later(self.conversation_id)

    def recheck_asks(self):
        visitor = self.role == Message.Sender.VISITOR
        return rechecks.Check(self.user, self.session, self.conversation_id, visitor)

    async def rechecked(self, outcome):
        if not await super().rechecked(outcome):
            return False
        self.grant_until = observers.grant_until(self.session, self.conversation_id)
        return True

    async def note_visitor_present(self):
        if self.role == Message.Sender.VISITOR:
            await in_db_thread(leaving.note_present)(self.conversation_id)

    async def guest_removed(self, message):
        """A partner's professional was removed or left (chat/guests.py): their socket goes."""
        mine = self.session.get(session_keys.GUEST_INVITATION) == message["invitation"]
        if self.role == Message.Sender.GUEST and mine:
            await self.close(code=CLOSE_NOT_ALLOWED)

    async def dispatch(self, message):
        # Channels runs close_old_connections() in a thread before every event, a thread
        # hop per frame and per fan-out delivery, measurably slower under load (bench/).
        # This consumer touches the database only through in_db_thread, which tidies
        # connections in the thread that uses them.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    def session_allows_sending(self):
        """Checked in memory, without a query: expiry follows from the session's own clocks
        (accounts/sessions.py), TOTP was checked at connect, and log-out, quick exit and
        deletion close this socket through the session group. Returns whether this frame
        should also write the session's activity back."""
        if not sessions.has_lifetime(self.session, self.user):
            return False
        if sessions.is_expired(self.session, self.user):
            raise SessionGone
        return time.time() - self.session[sessions.SEEN] > ACTIVITY_SAVE_SECONDS

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        try:
            content = frames.parse(text_data)
        except frames.BadJson:
            if self.within_rate():
                await self.error("bad_json", "Frames are JSON objects.")
            else:
                await self.error("rate_limited", "Too many frames; slow down.")
            return
        await self.receive_json(content)

    async def receive_json(self, content, **kwargs):
        kind = content.get("type")
        # An observer's socket has its own table: a whisper from anyone else is unknown.
        table = self.OBSERVER_HANDLERS if self.role == observers.OBSERVER else self.HANDLERS
        handler = table.get(kind) if isinstance(kind, str) else None  # {"type": []}
        if not self.within_rate():
            await self.error("rate_limited", "Too many frames; slow down.", content)
            return
        if handler is None:
            await self.error("unknown_type", "Unknown frame type.", content)
            return
        try:
            if self.role == observers.OBSERVER:
                await self.check_observer()
            await handler(self, content)
        except Refused as refused:
            if refused.code == NotAllowed.code:
                await self.error(refused.code, "You are not part of this conversation.", content)
                await self.close(code=close_code(refused))
            else:
                await self.error(refused.code, refused.message, content)
        except InvalidFrame:
            await self.error("invalid", "This frame is missing or has a wrong field.", content)
        except UNAVAILABLE:
            # Not a crash: the frame may or may not have taken effect, and a resend with the
            # same id is stored once, so the client keeps it and tries again.
            await self.error("unavailable", "Temporarily unavailable; try again.", content)
        except Exception:
            # A bug, not the client's fault: logged with its traceback, and the client is
            # told, without details; the socket stays open.
            logger.exception("A %s frame failed", kind)
            metrics.socket_errors.add()
            await self.error("internal", "Something went wrong on our side.", content)

    def within_rate(self):
        """Every frame counts, whatever it holds: against this socket's 5 a second, then
        against the budget all of the session's sockets share."""
        started, count = self.window
        now = time.monotonic()
        if now - started >= 1:
            self.window = (now, 1)
        else:
            self.window = (started, count + 1)
            if count + 1 > RATE_PER_SECOND:
                return False
        return socket_limits.allow_frame(self.budget)

    async def error(self, code, message, content=None):
        frame = {"type": "error", "code": code, "message": message}
        if isinstance(content, dict) and isinstance(content.get("id"), str):
            frame["ref"] = content["id"][:64]
        await self.send_json(frame)
        metrics.error_frames.add()

    # --- Handlers (a fixed table: the client's "type" never picks a method by name) ---

    async def on_resume(self, content):
        after = frames.seq(content.get("after", 0))
        missed, status = await in_db_thread(_resume)(
            self.user, self.session, self.conversation_id, after
        )
        for event in missed:
            await self.send_json(event)
        self.seq_sent = max(self.seq_sent, status["last_seq"])
        await self.send_json(status)

    async def on_send(self, content):
        client_id = frames.message_id(content.get("id"))
        body = frames.body(content.get("body"))
        note_activity = self.session_allows_sending()
        seq = await in_db_thread(_send)(
            self.conversation, self.role, self.user, body, client_id, self.session, note_activity
        )
        await self.send_json({"type": "ack", "id": client_id, "seq": seq})
        metrics.messages.add()

    async def on_typing(self, content):
        # Who hears it is chat/events.py's rule. Merged across the session's sockets: a
        # counsellor needs one now and then.
        told = events.typing(self.conversation, self.role)
        if told is not None and socket_limits.allow_typing(self.budget):
            await self.channel_layer.group_send(*told)

    async def on_read(self, content):
        # No one reads past what this socket was sent: clamped to it, without a query.
        seq = min(frames.seq(content.get("seq")), self.seq_sent)
        told = events.read(self.conversation, self.role, seq) if seq > 0 else None
        if told is not None:
            await self.channel_layer.group_send(*told)

    async def on_end(self, content):
        await in_db_thread(_end)(self.user, self.session, self.conversation_id)

    async def check_observer(self):
        """Every frame of an observer: the stored session, the role, the grant (NotAllowed
        closes the socket with 4403)."""
        self.session, _ = await in_db_thread(observers.check)(
            self.user, self.session, self.conversation_id
        )
        self.grant_until = observers.grant_until(self.session, self.conversation_id)

    async def on_whisper(self, content):
        await in_db_thread(whispers.whisper)(
            self.conversation, self.user, self.session, content.get("body")
        )

    async def on_join(self, content):
        await in_db_thread(observers.join)(self.conversation, self.user, self.session)

    async def on_leave(self, content):
        await in_db_thread(observers.leave)(self.conversation, self.user, self.session)

    HANDLERS = {
        "resume": on_resume,
        "message.send": on_send,
        "typing": on_typing,
        "read": on_read,
        "end": on_end,
    }
    # A supervisor looking on: no typing, no reading (the visitor learns nothing of them),
    # no ending; writing to the visitor only after joining.
    OBSERVER_HANDLERS = {
        "resume": on_resume,
        "message.send": on_send,
        "whisper": on_whisper,
        "join": on_join,
        "leave": on_leave,
    }

    async def broadcast(self, message):
        """Deliver what chat/events.py addressed to this socket; decide nothing."""
        if not events.reaches(message, self.role, self.user.pk):
            return
        if self.role == observers.OBSERVER and time.time() >= self.grant_until:
            # The look's time is up: nothing more reaches this socket (checked in memory).
            await self.close(code=CLOSE_NOT_ALLOWED)
            return
        if message["event"].get("type") == "message":
            self.seq_sent = max(self.seq_sent, message["event"]["seq"])
        await self.send_json(message["event"])
        if message.get("close"):
            await self.close(code=CLOSE_NOT_ALLOWED)


class QueueConsumer(CountedConsumer):
    """Tells counsellors' queue pages the moment the queue changes; the page then fetches
    the list itself, so nothing about a conversation travels over this socket."""

    socket_kind = "queue"

    async def connect(self):
        self.user, self.session = self.scope["user"], self.scope["session"]
        try:
            await in_db_thread(staff.authorise_socket)(self.user, self.session)
            self.role = events.SUPERVISOR if self.user.is_supervisor else events.COUNSELLOR
        except Refused as refused:
            await self.refuse(refused)
            return
        await self.join_groups(events.QUEUE_GROUP)
        await self.accept()
        self.start_rechecks()

    async def disconnect(self, code):
        await self.leave_groups()

    def recheck_asks(self):
        return rechecks.Check(self.user, self.session)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        # Listen only: every frame gets this answer, without being decoded, so a frame that
        # is not JSON cannot crash the socket either. Beyond the session's frame budget
        # frames go unanswered.
        if not socket_limits.allow_frame(self.budget):
            return
        await self.send_json({"type": "error", "code": "unknown_type", "message": "Listen only."})
        metrics.error_frames.add()

    async def broadcast(self, message):
        """Deliver what chat/events.py addressed to this socket; decide nothing."""
        if events.reaches(message, self.role, self.user.pk):
            await self.send_json(message["event"])
