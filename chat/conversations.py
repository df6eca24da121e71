"""Conversations and their messages: open, post, read back, end (the chat's domain)."""

import datetime
import uuid
from contextlib import nullcontext

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, models, transaction
from django.utils import timezone

from accounts import passphrases, session_keys
from accounts.models import User
from audit import entries
from chat import consent, events, observers, queue, records, speakers
from chat.models import Conversation, GuestInvitation, Message
from common.refusals import NotAllowed, Refused


class ConversationClosed(Refused):
    """The conversation has ended; nothing more can be said in it."""

    code = "ended"
    default_message = "This conversation has ended."


class MessageTooLong(Refused):
    code = "too_long"
    default_message = "A message holds at most 4,000 characters."


class EmptyMessage(Refused):
    code = "invalid"
    default_message = "This frame is missing or has a wrong field."


class PassphraseInMessage(Refused):
    """The client is about to send their own passphrase: it is not sent."""

    code = "passphrase"
    default_message = "This message holds your passphrase, so it was not sent. Keep it to yourself."


def open_conversation(
    *,
    for_whom,
    minor,
    in_danger,
    topic="",
    client=None,
    left_message=False,
    visitor_pseudonym="",
    source=None,
    language=Conversation.Language.DUTCH,
    asked_for=None,
    asked_because="",
):
    """Start a conversation in the queue. The caller must have shown the consent text.

    A visitor's start comes with its `source` (chat/queue.py): it is counted and may be
    refused (queue.Refused), and only a first start earns the place its answers ask for.
    `language` is the site's language the visitor started in (`language_of`).
    `asked_for`: a client's chat offered to that counsellor first, `asked_because` why
    (chat/returning.py); only for a client with an account.
    """
    if asked_for is not None and client is None:
        raise ValueError("Only a client with an account asks for a counsellor.")
    priority = queue.priority_for(in_danger, minor)
    if source is not None:
        priority = queue.admit(source, in_danger=in_danger, minor=minor, left_message=left_message)
    with transaction.atomic():
        conversation = Conversation.objects.create(
            for_whom=for_whom,
            minor=minor,
            in_danger=in_danger,
            priority=priority,
            topic=topic,
            client=client,
            left_message=left_message,
            language=language,
            asked_for=asked_for,
            asked_because=asked_because if asked_for is not None else "",
            consent_version=consent.VERSION,
            visitor_pseudonym="" if client is not None else visitor_pseudonym,
        )
        records.open_record(conversation)
        if source is not None:
            queue.remember_source(conversation, source)
        if client is not None and client.first_conversation_at is None:
            User.objects.filter(pk=client.pk).update(first_conversation_at=timezone.now())
        events.queue_changed_on_commit()
    return conversation


def language_of(language_code):
    """The Conversation.Language of a request's active language: the URL's prefix (/en/),
    the only place the visitor's choice is kept (hoc/settings.py, no cookie)."""
    code = (language_code or "").split("-")[0]
    if code in Conversation.Language.values:
        return Conversation.Language(code)
    return Conversation.Language.DUTCH


def leave_message(
    client,
    body,
    source=None,
    language=Conversation.Language.DUTCH,
    asked_for=None,
    asked_because="",
):
    """A client with an account leaves a message while the chat is closed (or for a
    counsellor who is not there now, `asked_for`, chat/returning.py); a counsellor answers
    it later and the client reads the answer after logging in. Counted like a start
    (`source`, see open_conversation)."""
    if not client.is_client:
        raise NotAllowed
    with transaction.atomic():
        conversation = open_conversation(
            for_whom=Conversation.ForWhom.SELF,
            minor=Conversation.Minor.UNSAID,
            in_danger=False,
            client=client,
            left_message=True,
            source=source,
            language=language,
            asked_for=asked_for,
            asked_because=asked_because,
        )
        post_message(conversation, Message.Sender.VISITOR, body, uuid.uuid4(), author=client)
    return conversation


def answered_messages(client):
    """The client's left messages that a counsellor has answered."""
    return (
        Conversation.objects.filter(
            client=client, left_message=True, messages__sender=Message.Sender.COUNSELLOR
        )
        .distinct()
        .order_by("-created_at")
    )


def get_conversation_for(user, conversation_id, session=None):
    """The conversation if this user (or this anonymous browser session) may take part.

    Raises NotAllowed otherwise; used by views and sockets alike, on every action.
    """
    (outcome,) = conversations_for([(user, conversation_id, session)])
    if isinstance(outcome, NotAllowed):
        raise outcome
    return outcome


def conversations_for(checks):
    """get_conversation_for for many (user, conversation_id, session) at once, with one
    query for the conversations (chat/rechecks.py). Each answer is the conversation or the
    NotAllowed."""
    pks = []
    for _, conversation_id, _ in checks:
        try:
            pks.append(Conversation._meta.pk.to_python(conversation_id))
        except (ValidationError, ValueError, TypeError):
            pks.append(None)  # no such conversation for anyone
    wanted = {pk for pk in pks if pk is not None}
    found = Conversation.objects.in_bulk(wanted) if wanted else {}
    outcomes = []
    for (user, _, session), pk in zip(checks, pks, strict=True):
        conversation = found.get(pk)
        if conversation is None or role_in(conversation, user, session) is None:
            outcomes.append(NotAllowed())
        else:
            outcomes.append(conversation)
    return outcomes


def role_in(conversation, user, session=None):
    """ "visitor", "counsellor", "guest" (a partner's professional, chat/guests.py),
    "observer" (a supervisor looking on live after an audited look, chat/observers.py; only
    with the session that looked) or None."""
    if user is not None and user.is_authenticated:
        if user.is_staff_member:
            if conversation.counsellor_id == user.pk and _still_held(conversation, user):
                return Message.Sender.COUNSELLOR
            if observers.may_observe(conversation, user, session):
                return observers.OBSERVER
            return None
        if conversation.client_id == user.pk:
            return Message.Sender.VISITOR
        return None
    if session is None:
        return None
    in_session = session.get(session_keys.CONVERSATION) == str(conversation.pk)
    if in_session and conversation.client_id is None:
        return Message.Sender.VISITOR
    guest = GuestInvitation.objects.held_by(session).filter(conversation=conversation)
    if guest.exists() and conversation.is_open:
        return Message.Sender.GUEST
    return None


def _still_held(conversation, counsellor):
    """A counsellor takes part while the chat runs and until its closing form is in. After
    that, reading it again is an audited look with a reason (oversight/looks.py), as for
    a supervisor: the socket's resume would otherwise replay it, unlogged, for ever."""
    return conversation.is_open or records.to_close(counsellor).filter(pk=conversation.pk).exists()


def post_message(conversation, sender, body, client_id, author=None, *, second=False):
    """Store a message once (a resend with the same client_id returns the first) and
    broadcast it after commit. Returns (message, created).

    `second`: a supervisor who joined openly writes as a counsellor; chat/observers.py
    has checked, under the lock of their joining, that they still take part. Staff read
    their name (chat/speakers.py), the visitor and a guest only "Hulpverlener".

    One statement and, outside a caller's transaction, one commit: the statement takes
    the next sequence number from the conversation row and inserts the message only while
    the conversation is open and the sender still belongs to it (a counsellor transferred
    away, or an ended chat, is refused at that moment, not at connect). The conversation's
    row lock orders concurrent posts; the (conversation, client_id) unique constraint makes
    a resend that races itself store nothing twice.
    """
    body = body.strip()
    if not body:
        raise EmptyMessage
    if len(body) > settings.MESSAGE_MAX_CHARS:
        raise MessageTooLong
    if sender == Message.Sender.VISITOR and passphrases.contains_passphrase_of(author, body):
        raise PassphraseInMessage
    message = Message(
        conversation=conversation,
        client_id=uuid.UUID(str(client_id)),
        sender=sender,
        author=author,
        body=body,
        created_at=timezone.now(),
    )
    try:
        # Inside a caller's transaction a failed INSERT must not spoil it: a savepoint.
        with transaction.atomic() if connection.in_atomic_block else nullcontext():
            message.seq = _insert_message(message, sender, author, second)
    except IntegrityError:
        message.seq = None  # the same client_id was stored before: a resend
    if message.seq is None:
        return _refused_or_stored_before(conversation, message.client_id)
    message._state.adding = False
    message._state.db = DEFAULT_DB_ALIAS
    event = message.as_event()
    if second:
        events.send_on_commit(events.Audience.outside_staff(conversation), event)
        events.send_on_commit(
            events.Audience.staff(conversation),
            speakers.for_staff(message, conversation.counsellor_id),
        )
    else:
        events.send_on_commit(events.Audience.conversation(conversation), event)
    return message, True


# The next number and the message in one statement. The UPDATE's row lock orders
# concurrent posts in a conversation; its WHERE is the per-action authorisation: the
# conversation is open and, for a counsellor, still theirs (transfers change it; a
# visitor's part never changes while the conversation is open). The columns come from the
# model, so a new field of Message is written here too: every one but the two taken from
# the conversation row.
_FROM_CONVERSATION = ("conversation", "seq")
_VALUE_FIELDS = [f for f in Message._meta.concrete_fields if f.name not in _FROM_CONVERSATION]
_COLUMNS = ", ".join(
    [f.column for f in _VALUE_FIELDS]
    + [Message._meta.get_field(name).column for name in _FROM_CONVERSATION]
)
_PLACEHOLDERS = ", ".join(["%s"] * len(_VALUE_FIELDS))
# Table and column names from the model, values as parameters: nothing from outside.
_BUMP = f"""
    UPDATE {Conversation._meta.db_table} SET last_seq = last_seq + 1
    WHERE id = %s AND state IN ({", ".join(["%s"] * len(Conversation.OPEN_STATES))})
        AND (%s OR counsellor_id = %s)
    RETURNING id, last_seq
"""  # noqa: S608
_POST = f"""
    WITH bumped AS ({_BUMP})
    INSERT INTO {Message._meta.db_table} ({_COLUMNS})
    SELECT {_PLACEHOLDERS}, bumped.id, bumped.last_seq FROM bumped
    RETURNING seq
"""  # noqa: S608
# SQLite (development only) has no UPDATE inside WITH: the same in two statements.
_INSERT = f"""
    INSERT INTO {Message._meta.db_table} ({_COLUMNS}) VALUES ({_PLACEHOLDERS}, %s, %s)
"""  # noqa: S608


def _insert_message(message, sender, author, second=False):
    """The sequence number the message was stored under, or None when refused."""
    # A second counsellor's place was checked by the caller, under its row lock.
    as_counsellor = sender == Message.Sender.COUNSELLOR and not second
    bump_params = [
        _db_value(Conversation, "id", message.conversation_id),
        *Conversation.OPEN_STATES,
        not as_counsellor,
        author.pk if as_counsellor and author is not None else None,
    ]
    values = [_db_value(Message, field.name, message) for field in _VALUE_FIELDS]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_POST, [*bump_params, *values])
            row = cursor.fetchone()
            return None if row is None else row[0]
        with transaction.atomic():
            cursor.execute(_BUMP, bump_params)
            row = cursor.fetchone()
            if row is None:
                return None
            cursor.execute(_INSERT, [*values, *row])
            return row[1]


def _db_value(model, name, instance_or_value):
    """A value as the ORM would write it; for the body that is the ciphertext sealed to
    this row's id (common/fields.py)."""
    field = model._meta.get_field(name)
    value = instance_or_value
    if isinstance(instance_or_value, models.Model):
        value = field.pre_save(instance_or_value, add=True)
    return field.get_db_prep_save(value, connection)


def _refused_or_stored_before(conversation, client_id):
    """Nothing was stored: a resend of a stored message, an ended chat, or not allowed."""
    existing = Message.objects.filter(conversation=conversation, client_id=client_id).first()
    if existing is not None:
        return existing, False
    if not Conversation.objects.open().filter(pk=conversation.pk).exists():
        raise ConversationClosed
    raise NotAllowed


def messages_after(conversation, seq):
    return list(conversation.messages.filter(seq__gt=seq).order_by("seq"))


def end_conversation(conversation, by, actor=None, left=False):
    """End a waiting or active conversation; anyone taking part may. `by` is who ended it
    (visitor, counsellor, or system), `actor` the staff member if one did. `left`: the
    visitor went away without ending it (a quick exit, a log-out, a page that did not come
    back; chat/leaving.py), which the counsellor is told and the contact record counts.

    The audit log records the ending, with who but never what was said; a visitor is
    recorded by role only, not by account, like every other entry about clients.
    """
    if left and by != Message.Sender.VISITOR:
        raise ValueError("Only the visitor leaves a conversation.")
    with transaction.atomic():
        ended = (
            Conversation.objects.open()
            .filter(pk=conversation.pk)
            .update(
                state=(
                    Conversation.State.ABANDONED
                    if conversation.state == Conversation.State.WAITING
                    and by == Message.Sender.VISITOR
                    else Conversation.State.ENDED
                ),
                ended_at=timezone.now(),
            )
        )
        if not ended:
            raise ConversationClosed
        conversation.refresh_from_db()
        records.note_ended(conversation, left=left)
        detail = f"by={by} state={conversation.state}"
        entries.record(
            actor if by == Message.Sender.COUNSELLOR else None,
            entries.Action.CONVERSATION_ENDED,
            conversation=conversation,
            detail=detail + " left" if left else detail,
        )
        event = events.state_event(conversation, "ended", by=by)
        if left:
            event["left"] = True
        events.send_on_commit(events.Audience.conversation(conversation), event)
        events.queue_changed_on_commit()
    return conversation


def purge_expired(now=None):
    """Hard-delete anonymous conversations CONVERSATION_RETENTION_DAYS after they ended,
    and anonymous ones left open that long (their visitor's session is long gone).
    Account conversations go with their account (accounts/retention.py)."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.CONVERSATION_RETENTION_DAYS)
    anonymous = Conversation.objects.filter(client__isnull=True)
    ended = anonymous.filter(ended_at__lt=cutoff)
    stale = anonymous.filter(ended_at__isnull=True, created_at__lt=cutoff)
    deleted = ended.delete()[0] + stale.delete()[0]
    return deleted


def conversations_of(client):
    return Conversation.objects.filter(client=client).order_by("-created_at")
