"""Who is working: a staff member's status, how many chats they take on, and presence."""

import datetime

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from chat import events
from chat.models import Availability, OnlineSpan

# The workspace refreshes at least every 30 s while it is open; two minutes without a
# refresh means the counsellor closed it or lost the connection.
ONLINE_WINDOW = datetime.timedelta(minutes=2)
SEEN_EVERY = datetime.timedelta(seconds=20)
# Online spans for the statistics' occupancy (docs/statistics.md): a span is extended at
# most once a minute; a heartbeat after a longer silence than SPAN_GAP starts a new one,
# and so does one after MAX_SPAN (so a period's spans are found by their start).
SPAN_EVERY = datetime.timedelta(minutes=1)
SPAN_GAP = ONLINE_WINDOW + SPAN_EVERY
MAX_SPAN = datetime.timedelta(hours=12)

Status = Availability.Status


def availability_of(user):
    return Availability.objects.get_or_create(user=user)[0]


def limit_for(user):
    """How many chats this counsellor holds at most right now: their own number, capped."""
    return limit_of(availability_of(user))


def limit_of(availability):
    return max(1, min(availability.capacity, settings.COUNSELLOR_CAPACITY))


def set_status(user, status):
    if status not in Status.values:
        raise ValueError(status)
    Availability.objects.update_or_create(
        user=user, defaults={"status": status, "seen_at": timezone.now()}
    )
    events.queue_changed_on_commit()


def set_capacity(user, capacity):
    """Take on more (or fewer) chats at once, between one and the cap."""
    capacity = max(1, min(int(capacity), settings.COUNSELLOR_CAPACITY))
    Availability.objects.update_or_create(user=user, defaults={"capacity": capacity})
    events.queue_changed_on_commit()
    return capacity


def note_seen(user, now=None):
    """Called by the workspace page and its refreshes; writes at most every 20 s."""
    now = now or timezone.now()
    availability = availability_of(user)
    if availability.seen_at is None or now - availability.seen_at >= SEEN_EVERY:
        was_online = is_online(availability, now)
        Availability.objects.filter(pk=availability.pk).update(seen_at=now)
        if availability.status != Status.AWAY:
            _extend_span(user, now)
        if not was_online:
            events.queue_changed_on_commit()


def _extend_span(user, now):
    """Extend this person's online span, or start one after a gap (at most one write a
    minute). Starting one leaves their earlier spans without a link to them."""
    current = (
        OnlineSpan.objects.filter(
            user=user, ended_at__gt=now - SPAN_GAP, started_at__gt=now - MAX_SPAN
        )
        .order_by("-ended_at")
        .first()
    )
    if current is None:
        OnlineSpan.objects.filter(user=user).update(user=None)
        OnlineSpan.objects.create(user=user, started_at=now, ended_at=now)
    elif now - current.ended_at >= SPAN_EVERY:
        OnlineSpan.objects.filter(pk=current.pk).update(ended_at=now)


def note_chat_taken(user, now=None):
    """A chat taken from the queue or handed over: counted on the person's open span."""
    now = now or timezone.now()
    OnlineSpan.objects.filter(user=user, ended_at__gt=now - SPAN_GAP).update(chats=F("chats") + 1)


def forget_span_owners(now=None):
    """Spans that can no longer be extended keep no link to a person (the purge job)."""
    now = now or timezone.now()
    return OnlineSpan.objects.filter(user__isnull=False, ended_at__lte=now - SPAN_GAP).update(
        user=None
    )


def is_online(availability, now=None):
    now = now or timezone.now()
    return availability.seen_at is not None and now - availability.seen_at < ONLINE_WINDOW


def online_staff(now=None):
    """Availabilities of staff whose workspace is open, with their user."""
    now = now or timezone.now()
    return (
        Availability.objects.filter(seen_at__gte=now - ONLINE_WINDOW, user__is_active=True)
        .filter(user__role__in=User.STAFF_ROLES)
        .select_related("user")
        .order_by("user__username")
    )
