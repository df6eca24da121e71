"""Clients who come back (issue #18): the same counsellor again, and a due appointment.

A client with an account may ask, at the start of a chat, for the counsellor of one of
their earlier conversations; a client whose accepted appointment is due now
(chat/appointments.py `due_for`) goes to that appointment's counsellor. Visitors never learn
a counsellor's name, so the choice names an earlier conversation by its day ("de
hulpverlener van mijn gesprek van 12 november"), and its value is that conversation's id.

The chat then waits "reserved" (`Conversation.asked_for`): the queue offers it to that
counsellor first, flagged and listed first in their workspace, and colleagues cannot take
it. Supervisors can (a client in danger whose counsellor is stuck must not wait on rules);
their claim's audit entry says so (`reserved`). A reservation is bounded: it holds HOLD
from the start of a chat (LEFT_HOLD for a message left for someone), then the chat is an
ordinary one in the queue, in its place by arrival. Meanwhile the client reads on the
waiting view whether that counsellor is at work, and can switch to "wie er vrij is" at any
moment (`switch_to_anyone`), which empties `asked_for`. A counsellor who is not there at
the start is told before the chat opens, and the client chooses: wait for them, leave a
message for them, or talk with whoever is free (chat/views.py `start`).
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from chat import appointments, availability, events
from chat.models import Appointment, Availability, Conversation

Because = Conversation.AskedBecause

# At most this many earlier counsellors to choose from, newest conversation first.
CHOICES = 3
# Earlier conversations read to find them (a client with a long history costs no more).
LOOKED_AT = 50
# How long a chat waits for the counsellor it asked for before anyone may take it.
HOLD = datetime.timedelta(minutes=15)
# A message left for a counsellor waits for them this long before colleagues answer it.
LEFT_HOLD = datetime.timedelta(days=2)


@dataclass(frozen=True)
class Choice:
    """One earlier counsellor the client can ask for: `value` is the id of the newest
    conversation with them (never the counsellor's id or name), `day` when it was."""

    value: str
    day: datetime.datetime
    counsellor: User
    same_day: bool = False  # another choice falls on the same day: say the time too


def choices_for(client):
    """The counsellors of the client's earlier conversations who still work here, newest
    first, at most CHOICES."""
    if client is None or not getattr(client, "is_client", False):
        return []
    earlier = (
        Conversation.objects.filter(
            client=client,
            state=Conversation.State.ENDED,
            counsellor__isnull=False,
            counsellor__is_active=True,
            counsellor__role__in=User.STAFF_ROLES,
        )
        .select_related("counsellor")
        .order_by("-created_at")[:LOOKED_AT]
    )
    found = {}
    for conversation in earlier:
        if conversation.counsellor_id not in found:
            found[conversation.counsellor_id] = conversation
        if len(found) == CHOICES:
            break
    days = [timezone.localdate(c.created_at) for c in found.values()]
    return [
        Choice(
            value=str(c.pk),
            day=c.created_at,
            counsellor=c.counsellor,
            same_day=days.count(timezone.localdate(c.created_at)) > 1,
        )
        for c in found.values()
    ]


def counsellor_for(client, value):
    """The counsellor the client asks for with `value` (the id of one of their own earlier
    chats, as a Choice gives it), while that counsellor is still one to choose; or None."""
    try:
        chosen = Conversation.objects.filter(
            pk=value, client=client, state=Conversation.State.ENDED
        ).values_list("counsellor_id", flat=True)
        counsellor_id = chosen.first()
    except (ValueError, ValidationError):
        return None
    for choice in choices_for(client):
        if counsellor_id is not None and choice.counsellor.pk == counsellor_id:
            return choice.counsellor
    return None


def _availability(counsellor):
    return Availability.objects.filter(user=counsellor).first()


def has_room(counsellor, now=None):
    """Online, "beschikbaar" and not yet at their own number of chats: they can take it now."""
    own = _availability(counsellor)
    if own is None or not availability.is_online(own, now):
        return False
    if own.status != Availability.Status.AVAILABLE:
        return False
    return Conversation.objects.active_for(counsellor).count() < availability.limit_of(own)


def at_work(counsellor, now=None):
    """Their workspace is open and they are not "afwezig" (busy still counts: they come)."""
    own = _availability(counsellor)
    return (
        own is not None
        and availability.is_online(own, now)
        and own.status != Availability.Status.AWAY
    )


@dataclass(frozen=True)
class Plan:
    """Where a new chat of this client goes first: `counsellor` (None: whoever is free),
    `because` (Conversation.AskedBecause), the due `appointment`, and whether that
    counsellor can take it right now (`ready`; otherwise the client chooses first)."""

    counsellor: User | None = None
    because: str = ""
    appointment: Appointment | None = None
    ready: bool = True


def plan_for(client, asked="", now=None):
    """A due appointment goes before a choice; a choice that is no longer one (the
    counsellor left, the value was tampered with) is whoever is free."""
    now = now or timezone.now()
    appointment = appointments.due_for(client, now)
    if appointment is not None and _works_here(appointment.counsellor):
        counsellor, because = appointment.counsellor, Because.APPOINTMENT
    else:
        appointment = None
        counsellor, because = counsellor_for(client, asked), Because.ASKED
    if counsellor is None:
        return Plan()
    return Plan(counsellor, because, appointment, has_room(counsellor, now))


def _works_here(user):
    return user is not None and user.is_active and user.is_staff_member


def note_started(plan, conversation):
    """The chat started for a due appointment: it is kept, whichever way the client chose
    to go on (waiting, a message, whoever is free), since they came at its time."""
    if plan.appointment is not None:
        appointments.note_kept(plan.appointment, conversation)


# --- The reservation ---------------------------------------------------------------------


def reserved_q(now=None):
    """Waiting chats offered to one counsellor only, as a filter (with `waiting()`)."""
    now = now or timezone.now()
    return Q(asked_for__isnull=False) & (
        Q(left_message=False, created_at__gt=now - HOLD)
        | Q(left_message=True, created_at__gt=now - LEFT_HOLD)
    )


def held_until(conversation):
    return conversation.created_at + (LEFT_HOLD if conversation.left_message else HOLD)


def is_reserved(conversation, now=None):
    now = now or timezone.now()
    return (
        conversation.state == Conversation.State.WAITING
        and conversation.asked_for_id is not None
        and now < held_until(conversation)
    )


def may_claim(conversation, user, now=None):
    """Anyone may take a chat that is not reserved; a reserved one only the counsellor it
    waits for, or a supervisor."""
    if not is_reserved(conversation, now):
        return True
    return conversation.asked_for_id == user.pk or user.is_supervisor


def mark(conversations, now=None):
    """Set `reserved` (and until when) on each listed chat, for its flags and its row."""
    now = now or timezone.now()
    for conversation in conversations:
        conversation.reserved = is_reserved(conversation, now)
        conversation.reserved_until = held_until(conversation)
    return conversations


def switch_to_anyone(conversation):
    """The client no longer waits for one counsellor: the chat is an ordinary one, in its
    place by arrival. True when it changed."""
    changed = Conversation.objects.filter(
        pk=conversation.pk, state=Conversation.State.WAITING, asked_for__isnull=False
    ).update(asked_for=None, asked_because="")
    if changed:
        conversation.asked_for_id, conversation.asked_because = None, ""
        events.queue_changed_on_commit()
    return bool(changed)


@dataclass(frozen=True)
class WaitingNote:
    """What the visitor's waiting view says about the counsellor they wait for."""

    because: str
    reserved: bool  # still offered to them alone
    at_work: bool
    until: datetime.datetime


def waiting_note(conversation, now=None):
    """None unless the chat waits with a counsellor asked for."""
    if conversation.state != Conversation.State.WAITING or conversation.asked_for_id is None:
        return None
    now = now or timezone.now()
    return WaitingNote(
        because=conversation.asked_because,
        reserved=is_reserved(conversation, now),
        at_work=at_work(conversation.asked_for, now),
        until=held_until(conversation),
    )


def reserved_waiting(now=None):
    """Chats waiting for one counsellor, for the supervisors' overview (with that person)."""
    return (
        Conversation.objects.waiting()
        .filter(reserved_q(now))
        .select_related("asked_for")
        .order_by("created_at")
    )
