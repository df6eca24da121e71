"""Is the chat open now, and when does it open next? From the admin-maintained schedule."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from chat.models import Closure, OpeningHours

LOOKAHEAD_DAYS = 60


@dataclass(frozen=True)
class ChatStatus:
    is_open: bool
    closes_at: datetime.datetime | None  # when open: the end of this period
    next_opening: datetime.datetime | None  # when closed: the start of the next period
    has_schedule: bool


def _periods_on(day, hours, tz):
    for period in hours:
        if period.weekday == day.weekday():
            start = datetime.datetime.combine(day, period.opens, tz)
            # 00:00 as closing time means the end of the day.
            end_day = day + datetime.timedelta(days=1) if period.closes == datetime.time(0) else day
            end = datetime.datetime.combine(end_day, period.closes, tz)
            if end > start:
                yield start, end


def chat_status(now=None):
    now = timezone.localtime(now)
    tz = now.tzinfo
    hours = list(OpeningHours.objects.all())
    if not hours:
        return ChatStatus(False, None, None, has_schedule=False)
    today = now.date()
    closures = list(
        Closure.objects.filter(
            last_day__gte=today, first_day__lte=today + datetime.timedelta(days=LOOKAHEAD_DAYS)
        )
    )

    def closed_on(day):
        return any(c.first_day <= day <= c.last_day for c in closures)

    for offset in range(LOOKAHEAD_DAYS + 1):
        day = today + datetime.timedelta(days=offset)
        if closed_on(day):
            continue
        for start, end in sorted(_periods_on(day, hours, tz)):
            if start <= now < end:
                return ChatStatus(True, end, None, has_schedule=True)
            if start > now:
                return ChatStatus(False, None, start, has_schedule=True)
    return ChatStatus(False, None, None, has_schedule=True)
