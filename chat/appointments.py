"""Follow-up appointments between a client with an account and a counsellor.

A counsellor proposes a time in a chat; the client accepts or declines it there (or in
their account); the client reads it in their account, the counsellor in the workspace.
Nothing is sent anywhere (no e-mail, no SMS). From a little before its time until a while
after, the client's new chat goes to that counsellor first (`due_for`, read by
chat/returning.py when a chat starts). An accepted appointment nobody came for becomes
MISSED (`mark_missed`: the scheduler runs it, and every list applies it first), and the
counsellor can propose a new time (`reschedule`).

Every step re-checks who may take it; refusals are `AppointmentRefused` with a `code`.
Each step is audited and broadcast after commit as `{"type": "appointment"}` to the chat
it was proposed in (its visitor and staff, never a guest), which fetches its cards again.
"""

import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _

from accounts.models import User
from audit import entries
from chat import conversations, events, schedule
from chat.models import Appointment, Conversation, Message
from common.refusals import Refused

# A client who comes this much early, or this much late, still comes for the appointment.
EARLY = datetime.timedelta(minutes=15)
LATE = datetime.timedelta(minutes=30)
# A proposal lies at least this far ahead (so it is not due the moment it is made) and at
# most this far.
SOONEST = datetime.timedelta(minutes=15)
FURTHEST = datetime.timedelta(days=90)
# Live (proposed or accepted) appointments one client may have at once, over all
# counsellors: a bounded list, and no flooding an account with proposals.
LIVE_PER_CLIENT = 3
# A missed appointment shows in the lists this long, unless a new time replaced it.
MISSED_SHOWN = datetime.timedelta(days=14)
# The workspace's list is short.
LISTED = 20

State = Appointment.State
Action = entries.Action


class AppointmentRefused(Refused):
    code = "appointment"
    default_message = "This appointment step is not allowed."


class NotYours(AppointmentRefused):
    """Not this person's chat or appointment (or not the role that takes this step)."""

    code = "not_yours"


class NoAccount(AppointmentRefused):
    """The chat's visitor has no account: there is nowhere to read an appointment."""

    code = "no_account"


class OutOfRange(AppointmentRefused):
    """In the past, too soon, or further ahead than FURTHEST."""

    code = "out_of_range"


class TooMany(AppointmentRefused):
    """The client already has LIVE_PER_CLIENT live appointments."""

    code = "too_many"


class WrongState(AppointmentRefused):
    """Already answered, cancelled or past."""

    code = "wrong_state"


# --- Reading ------------------------------------------------------------------------------


def due_for(client, now=None):
    """The accepted appointment of this client whose time is now (within EARLY and LATE),
    or None."""
    if client is None or not getattr(client, "is_client", False):
        return None
    now = now or timezone.now()
    return (
        Appointment.objects.filter(
            client=client,
            state=Appointment.State.ACCEPTED,
            starts_at__lte=now + EARLY,
            starts_at__gte=now - LATE,
        )
        .select_related("counsellor")
        .order_by("starts_at")
        .first()
    )


def note_kept(appointment, conversation):
    """The client came for this appointment in `conversation` (called where the chat starts)."""
    Appointment.objects.filter(pk=appointment.pk, state=Appointment.State.ACCEPTED).update(
        state=Appointment.State.KEPT, kept_in=conversation
    )


def when(appointment):
    """The neutral words of its time, as the client's account and the chat card show it:
    "Vervolggesprek: dinsdag 8 december, 14:00". Nothing about what it is about."""
    local = timezone.localtime(appointment.starts_at)
    return _("Vervolggesprek: %(day)s, %(time)s") % {
        "day": date_format(local, "l j F"),
        "time": time_format(local, "H:i"),
    }


def mark_missed(now=None, client=None, counsellor=None):
    """Accepted appointments whose time (plus LATE) passed without the client coming become
    MISSED; proposals nobody answered before their time lapse (CANCELLED). A chat that
    started for it in time (asked for that counsellor because of the appointment) counts
    as coming, even when it was not yet marked kept. Run by the scheduler
    (`mark_missed_appointments`) and by every list first, so nothing waits for the job.
    Returns how many were marked missed."""
    now = now or timezone.now()
    scope = Appointment.objects.all()
    if client is not None:
        scope = scope.filter(client=client)
    if counsellor is not None:
        scope = scope.filter(counsellor=counsellor)
    came = Conversation.objects.filter(
        client=OuterRef("client"),
        asked_for=OuterRef("counsellor"),
        asked_because=Conversation.AskedBecause.APPOINTMENT,
        created_at__gte=OuterRef("starts_at") - EARLY,
        created_at__lte=OuterRef("starts_at") + LATE,
    )
    missed = (
        scope.filter(state=State.ACCEPTED, starts_at__lt=now - LATE)
        .exclude(Exists(came))
        .update(state=State.MISSED)
    )
    scope.filter(state=State.PROPOSED, starts_at__lt=now).update(state=State.CANCELLED)
    return missed


def _shown(queryset, now):
    """Upcoming (live, not yet past LATE) and recently missed ones not replaced."""
    return queryset.filter(
        Q(state__in=Appointment.LIVE_STATES, starts_at__gte=now - LATE)
        | Q(state=State.MISSED, starts_at__gte=now - MISSED_SHOWN, replaced_by__isnull=True)
    )


def for_client(client, now=None):
    """The client's account list: missed ones first, then upcoming in time order."""
    now = now or timezone.now()
    mark_missed(now, client=client)
    shown = list(_shown(Appointment.objects.filter(client=client), now).order_by("starts_at"))
    return sorted(shown, key=lambda a: a.state != State.MISSED)[:LISTED]


def for_counsellor(counsellor, now=None):
    """The workspace's list: today's first (in time order), then later days, then the
    missed ones; at most LISTED. Each with its client (for the label)."""
    now = now or timezone.now()
    mark_missed(now, counsellor=counsellor)
    shown = list(
        _shown(Appointment.objects.filter(counsellor=counsellor), now)
        .select_related("client")
        .order_by("starts_at")[: LISTED * 2]
    )
    today = timezone.localdate(now)

    def order(appointment):
        if appointment.state == State.MISSED:
            return 2
        return 0 if timezone.localdate(appointment.starts_at) == today else 1

    return sorted(shown, key=order)[:LISTED]


def cards_in(conversation, now=None):
    """The appointments proposed in this chat, for its card(s), in time of proposing."""
    now = now or timezone.now()
    if conversation.client_id is None:
        return []
    mark_missed(now, client=conversation.client)
    proposed = Appointment.objects.filter(proposed_in=conversation).order_by("-created_at")
    return list(reversed(proposed[:LISTED]))


def has_open_proposal(conversation):
    """A question waits in this chat (the page without script then holds still)."""
    return Appointment.objects.filter(
        proposed_in=conversation, state=State.PROPOSED, starts_at__gt=timezone.now()
    ).exists()


def suggest(now=None):
    """A time to fill in: a week from now on the next hour, moved to the chat's next opening
    when the chat is closed then (chat/schedule.py)."""
    now = timezone.localtime(now)
    then = (now + datetime.timedelta(days=7, hours=1)).replace(minute=0, second=0, microsecond=0)
    status = schedule.chat_status(then)
    if not status.is_open and status.next_opening is not None:
        then = status.next_opening
    return then


# --- Steps --------------------------------------------------------------------------------


def check_time(starts_at, now=None):
    """Refuses (OutOfRange) a time in the past, too soon, or further than FURTHEST."""
    now = now or timezone.now()
    if starts_at < now + SOONEST or starts_at > now + FURTHEST:
        raise OutOfRange
    return starts_at


def may_propose(conversation, counsellor):
    """Whether this staff member may propose in this chat: theirs, with a client account."""
    if not getattr(counsellor, "is_staff_member", False):
        return False
    if conversations.role_in(conversation, counsellor) != Message.Sender.COUNSELLOR:
        return False
    client = conversation.client
    return client is not None and client.is_client


def _lock_client(client_id):
    """One client's live appointments are counted under this lock, so two proposals at once
    cannot both pass the bound."""
    User.objects.select_for_update().filter(pk=client_id).first()


def _check_room(client_id, now, leaving=None):
    live = Appointment.objects.filter(client_id=client_id, state__in=Appointment.LIVE_STATES)
    if leaving is not None:
        live = live.exclude(pk=leaving.pk)
    if live.count() >= LIVE_PER_CLIENT:
        raise TooMany


def _broadcast(appointment):
    """Tell the chat it was proposed in (visitor and staff; never a guest): its page fetches
    the cards again. Nothing of the appointment travels over the socket but its id."""
    if appointment.proposed_in_id is None:
        return
    group = Conversation(pk=appointment.proposed_in_id).group_name
    audience = events.Audience(group, (events.VISITOR, events.COUNSELLOR, events.OBSERVER))
    event = {"type": "appointment", "appointment": str(appointment.pk), "state": appointment.state}
    events.send_on_commit(audience, event)


def propose(conversation, counsellor, starts_at, now=None):
    """The chat's counsellor proposes a follow-up to the chat's client."""
    now = now or timezone.now()
    conversation = Conversation.objects.select_related("client").get(pk=conversation.pk)
    if not may_propose(conversation, counsellor):
        if conversation.client_id is None or not conversation.client.is_client:
            raise NoAccount
        raise NotYours
    check_time(starts_at, now)
    with transaction.atomic():
        _lock_client(conversation.client_id)
        mark_missed(now, client=conversation.client)
        _check_room(conversation.client_id, now)
        appointment = Appointment.objects.create(
            client=conversation.client,
            counsellor=counsellor,
            proposed_in=conversation,
            starts_at=starts_at,
        )
        entries.record(counsellor, Action.APPOINTMENT_PROPOSED, conversation=conversation)
        _broadcast(appointment)
    return appointment


def _locked(appointment):
    return Appointment.objects.select_for_update().get(pk=appointment.pk)


def _answer(appointment, client, state, action, now):
    now = now or timezone.now()
    if not getattr(client, "is_client", False) or appointment.client_id != client.pk:
        raise NotYours
    with transaction.atomic():
        locked = _locked(appointment)
        if locked.state != State.PROPOSED or locked.starts_at <= now:
            raise WrongState
        locked.state = state
        locked.answered_at = now
        locked.save(update_fields=["state", "answered_at"])
        entries.record(client, action, conversation=locked.proposed_in_id)
        _broadcast(locked)
    return locked


def accept(appointment, client, now=None):
    """The client says "Ja, dat past"."""
    return _answer(appointment, client, State.ACCEPTED, Action.APPOINTMENT_ACCEPTED, now)


def decline(appointment, client, now=None):
    """The client says "Nee, liever niet"."""
    return _answer(appointment, client, State.DECLINED, Action.APPOINTMENT_DECLINED, now)


def reschedule(appointment, counsellor, starts_at, now=None):
    """The counsellor proposes a new time for a live or missed appointment: a new PROPOSED
    one (in the same chat, so an open chat shows it), the old one CANCELLED and pointing
    to it."""
    now = now or timezone.now()
    if not getattr(counsellor, "is_staff_member", False) or (
        appointment.counsellor_id != counsellor.pk
    ):
        raise NotYours
    check_time(starts_at, now)
    with transaction.atomic():
        _lock_client(appointment.client_id)
        locked = _locked(appointment)
        if locked.state not in (*Appointment.LIVE_STATES, State.MISSED):
            raise WrongState
        _check_room(locked.client_id, now, leaving=locked)
        new = Appointment.objects.create(
            client_id=locked.client_id,
            counsellor=counsellor,
            proposed_in=locked.proposed_in,
            starts_at=starts_at,
        )
        locked.state = State.CANCELLED
        locked.replaced_by = new
        locked.save(update_fields=["state", "replaced_by"])
        entries.record(
            counsellor, Action.APPOINTMENT_RESCHEDULED, conversation=locked.proposed_in_id
        )
        _broadcast(new)
    return new


def cancel(appointment, user, now=None):
    """The counsellor, or the client, calls off a live appointment."""
    is_counsellor = getattr(user, "is_staff_member", False) and appointment.counsellor_id == user.pk
    is_client = getattr(user, "is_client", False) and appointment.client_id == user.pk
    if not (is_counsellor or is_client):
        raise NotYours
    with transaction.atomic():
        locked = _locked(appointment)
        if locked.state not in Appointment.LIVE_STATES:
            raise WrongState
        locked.state = State.CANCELLED
        locked.save(update_fields=["state"])
        entries.record(user, Action.APPOINTMENT_CANCELLED, conversation=locked.proposed_in_id)
        _broadcast(locked)
    return locked


def get_for_client(client, appointment_id):
    """The client's own appointment, or NotYours (also for an id that does not exist)."""
    try:
        return Appointment.objects.get(pk=appointment_id, client=client)
    except (Appointment.DoesNotExist, ValueError, TypeError):
        raise NotYours from None


def get_for_counsellor(counsellor, appointment_id):
    try:
        return Appointment.objects.get(pk=appointment_id, counsellor=counsellor)
    except (Appointment.DoesNotExist, ValueError, TypeError):
        raise NotYours from None
