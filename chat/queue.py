"""The queue: who may join it, who waits, in what order, and taking a chat from it.

One attacker must not be able to fill the queue or jump it (issue 13). Starts are counted
per browser session and per address, both as keyed pseudonyms in the cache for an hour;
the queue has a ceiling, with a few places more for someone in danger; and what a visitor
says (in danger, under 18) orders the queue only for their first chat in that hour, so a
flood of "in danger" chats from one source waits in arrival order behind a genuine one.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Case, IntegerField, Min, Q, Value, When
from django.utils import timezone

from audit import entries
from chat import availability, events, records, returning
from chat.models import Availability, Conversation
from common import refusals, throttling

# A first estimate until there is history to learn from: minutes per person ahead.
MINUTES_PER_PLACE = 5
# Staff pages list this many of each list (waiting chats, left messages) and count the rest:
# counsellors take from the top, and a flood must not make every refresh heavier.
SHOWN = 15
START_WINDOW = 60 * 60  # the per-session and per-address limits count starts in an hour
# How long the cache remembers which address pseudonym started a chat, so that a block
# can cover the address too (chat/blocks.py). The pseudonym's key changes daily anyway.
SOURCE_MEMORY = 12 * 60 * 60

Priority = Conversation.Priority


@dataclass(frozen=True)
class Source:
    """Where a start comes from, as far as we let ourselves know: keyed pseudonyms of the
    browser session (chat/blocks.py) and of the address (accounts/pseudonyms.py)."""

    session: str
    address: str


class Refused(refusals.Refused):
    """The visitor cannot join the queue now; the page says why and gives the numbers."""

    code = "queue_refused"


class TooManyStarts(Refused):
    """This browser or address started as many chats this hour as it may."""

    code = "too_many_starts"


class QueueFull(Refused):
    """As many chats wait as the ceiling allows."""

    code = "queue_full"


class AlreadyClaimed(refusals.Refused):
    """Someone else took this conversation first."""

    code = "already_claimed"


class AtCapacity(refusals.Refused):
    """The counsellor already has as many chats as they may."""

    code = "at_capacity"


class NotAvailable(refusals.Refused):
    """The counsellor's status is busy or away: they take no new chats."""

    code = "not_available"


class NobodyWaiting(refusals.Refused):
    """Nobody waits whom this counsellor may take (claim_next)."""

    code = "nobody_waiting"


class ReservedForColleague(refusals.Refused):
    """The visitor waits for a colleague they asked for, or has an appointment with
    (chat/returning.py): only that colleague, or a supervisor, takes it while it holds."""

    code = "reserved_for_colleague"


def waiting():
    return Conversation.objects.waiting()


def priority_for(in_danger, minor):
    if in_danger:
        return Priority.IN_DANGER
    if minor == Conversation.Minor.YES:
        return Priority.MINOR
    return Priority.ORDINARY


def admit(source, *, in_danger, minor, left_message=False):
    """Count a start from `source` and return the priority it earns, or raise
    TooManyStarts or QueueFull.

    The counts are taken first (an atomic increment each), so two starts racing from one
    source cannot both be its first. A start refused for a full queue gives its counts
    back: a visitor who tries again later must not have used up their own starts. The
    ceiling is checked by a count, not under a lock, so concurrent starts can pass it by at
    most one each; that bound is what matters, not the exact number.
    """
    buckets = (f"chat-start:session:{source.session}", f"chat-start:address:{source.address}")
    by_session = throttling.count(buckets[0], START_WINDOW)
    by_address = throttling.count(buckets[1], START_WINDOW)
    if (
        by_session > settings.CHAT_STARTS_PER_SESSION
        or by_address > settings.CHAT_STARTS_PER_ADDRESS
    ):
        raise TooManyStarts
    first = by_session == 1 and by_address == 1
    priority = priority_for(in_danger, minor) if first else Priority.ORDINARY
    room = settings.QUEUE_CEILING
    if priority == Priority.IN_DANGER:
        room += settings.QUEUE_URGENT_RESERVE
    kept = Conversation.objects.messages_left() if left_message else waiting()
    if kept.count() >= room:
        for bucket in buckets:
            throttling.give_back(bucket)
        raise QueueFull
    return priority


def remember_source(conversation, source):
    """Keep, in the cache only, which address pseudonym started this chat (SOURCE_MEMORY)."""
    cache.set(f"chat-source:{conversation.pk}", source.address, SOURCE_MEMORY)


def source_address(conversation):
    """The address pseudonym that started this chat, while the cache remembers it, or ""."""
    return cache.get(f"chat-source:{conversation.pk}", "")


@dataclass
class Listing:
    """What a staff page shows of the queue: the first SHOWN of each list, and how many."""

    waiting: list
    waiting_count: int
    left: list
    left_count: int

    @property
    def waiting_more(self):
        return self.waiting_count - len(self.waiting)

    @property
    def left_more(self):
        return self.left_count - len(self.left)


def listing(user=None, now=None):
    """For a counsellor (`user`), someone in direct danger comes first in each list, then
    the chats that ask for them, then the rest in the queue's order; every listed chat says
    whether it is reserved (chat/returning.py `mark`)."""
    now = now or timezone.now()
    return Listing(
        waiting=_first(waiting(), user, now),
        waiting_count=waiting().count(),
        left=_first(Conversation.objects.messages_left(), user, now),
        left_count=Conversation.objects.messages_left().count(),
    )


def _first(chats, user, now):
    if user is None:
        return returning.mark(list(chats[:SHOWN]), now)
    return returning.mark(list(in_their_order(chats, user)[:SHOWN]), now)


def in_their_order(chats, counsellor):
    """`chats` as a counsellor's workspace lists them: someone in direct danger first (a
    returning client's wish must not put them before an emergency), then the chats that ask
    for this counsellor, then the list's own order."""
    first = Value(0, output_field=IntegerField())
    later = Value(1, output_field=IntegerField())
    return chats.annotate(
        danger_first=Case(When(priority=Priority.IN_DANGER, then=first), default=later),
        asked_first=Case(When(asked_for=counsellor, then=first), default=later),
    ).order_by("danger_first", "asked_first", *chats.query.order_by)


def oldest_waiting():
    return waiting().aggregate(oldest=Min("created_at"))["oldest"]


def position_of(conversation, now=None):
    """1 for the first in line; None when not waiting. One count, however long the queue.

    A chat reserved for one counsellor (chat/returning.py) stands in that counsellor's own
    line; chats reserved for someone are not ahead of anyone else, since others cannot take
    them."""
    if conversation.state != Conversation.State.WAITING or conversation.left_message:
        return None
    now = now or timezone.now()
    line = waiting()
    if returning.is_reserved(conversation, now):
        line = line.filter(returning.reserved_q(now), asked_for_id=conversation.asked_for_id)
    else:
        line = line.exclude(returning.reserved_q(now))
    ahead = Q(priority__lt=conversation.priority) | Q(
        priority=conversation.priority, created_at__lt=conversation.created_at
    )
    ahead |= Q(
        priority=conversation.priority, created_at=conversation.created_at, pk__lt=conversation.pk
    )
    return line.filter(ahead).count() + 1


def estimated_wait_minutes(position):
    return None if position is None else (position - 1) * MINUTES_PER_PLACE


def _may_take_more(counsellor):
    """Staff, available, and below their own number of chats at once; else the refusal."""
    if not counsellor.is_staff_member:
        raise refusals.NotAllowed("Only staff claim conversations.")
    own = availability.availability_of(counsellor)
    if own.status != Availability.Status.AVAILABLE:
        raise NotAvailable
    if Conversation.objects.active_for(counsellor).count() >= availability.limit_of(own):
        raise AtCapacity


def claim(conversation, counsellor):
    """Take a waiting conversation. A conditional UPDATE, so two counsellors can never
    both get it: whoever's UPDATE changes the row wins, the other gets AlreadyClaimed.

    A reservation only ever goes away (the client switches, its time runs out), never
    comes, so checking it before the UPDATE is enough."""
    _may_take_more(counsellor)
    if not returning.may_claim(conversation, counsellor):
        raise ReservedForColleague
    # A supervisor taking a chat that waits for a colleague: the audit entry says so.
    overridden = returning.is_reserved(conversation) and conversation.asked_for_id != counsellor.pk
    with transaction.atomic():
        won = Conversation.objects.filter(
            pk=conversation.pk, state=Conversation.State.WAITING
        ).update(state=Conversation.State.ACTIVE, counsellor=counsellor, claimed_at=timezone.now())
        if not won:
            raise AlreadyClaimed
        conversation.refresh_from_db()
        _taken(conversation, counsellor, overridden)
    return conversation


def next_for(counsellor, now=None):
    """The waiting chats this counsellor may take, in the order `listing` shows them. A chat
    reserved for a colleague is left out, also for a supervisor, who overrides a
    reservation only by choosing that chat."""
    now = now or timezone.now()
    mine = waiting().exclude(returning.reserved_q(now) & ~Q(asked_for=counsellor))
    return in_their_order(mine, counsellor)


def claim_next(counsellor):
    """Take the first chat of `next_for`, or raise NobodyWaiting.

    One statement picks and takes it: an UPDATE of the row that a subquery finds with
    FOR UPDATE SKIP LOCKED (PostgreSQL), so fifty counsellors pressing "next" at once each
    lock a different head instead of queueing behind one row and losing the race. SQLite
    writes one transaction at a time and needs no lock."""
    _may_take_more(counsellor)
    table = connection.ops.quote_name(Conversation._meta.db_table)

    def column(name):
        return connection.ops.quote_name(Conversation._meta.get_field(name).column)

    # The whole row comes back with the UPDATE (RETURNING every column of the model), so
    # the won chat is not read a second time.
    returned = ", ".join(
        connection.ops.quote_name(field.column) for field in Conversation._meta.concrete_fields
    )
    now = timezone.now()
    with transaction.atomic():
        head = next_for(counsellor, now).select_for_update(skip_locked=True, of=("self",))
        head_sql, head_params = head.values("pk")[:1].query.sql_with_params()
        taken = Conversation.objects.raw(
            f"UPDATE {table} SET {column('state')} = %s, {column('counsellor')} = %s,"  # noqa: S608 - names from the model
            f" {column('claimed_at')} = %s WHERE {column('id')} = ({head_sql})"
            f" AND {column('state')} = %s RETURNING {returned}",
            [
                Conversation.State.ACTIVE,
                counsellor.pk,
                now,
                *head_params,
                Conversation.State.WAITING,
            ],
        )
        conversation = next(iter(taken), None)
        if conversation is None:
            raise NobodyWaiting
        _taken(conversation, counsellor, overridden=False)
    return conversation


def _taken(conversation, counsellor, overridden):
    """What follows a won claim, in its transaction: the record, the counsellor's last
    chat, the audit entry and, after commit, the news for both sides and the queue."""
    records.note_claimed(conversation)
    availability.note_chat_taken(counsellor)
    entries.record(
        counsellor,
        entries.Action.CONVERSATION_CLAIMED,
        conversation=conversation,
        detail="reserved" if overridden else "",
    )
    events.send_on_commit(
        events.Audience.conversation(conversation),
        events.state_event(conversation, "joined"),
    )
    events.queue_changed_on_commit()
