import datetime
import zoneinfo

import pytest

from chat.models import Closure, OpeningHours
from chat.schedule import chat_status

AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")
# Monday 2 March 2026
MONDAY = datetime.date(2026, 3, 2)


def at(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), AMS)


@pytest.fixture
def weekday_hours(db):
    for weekday in range(5):
        OpeningHours.objects.create(
            weekday=weekday, opens=datetime.time(10), closes=datetime.time(17)
        )


def test_without_a_schedule_the_chat_is_closed_with_no_promise(db):
    status = chat_status(at(MONDAY, 12))
    assert not status.is_open and status.next_opening is None and not status.has_schedule


def test_open_within_hours(weekday_hours):
    status = chat_status(at(MONDAY, 12))
    assert status.is_open
    assert status.closes_at == at(MONDAY, 17)


def test_before_opening_it_says_when(weekday_hours):
    status = chat_status(at(MONDAY, 8))
    assert not status.is_open
    assert status.next_opening == at(MONDAY, 10)


def test_after_friday_it_opens_on_monday(weekday_hours):
    friday = MONDAY + datetime.timedelta(days=4)
    status = chat_status(at(friday, 18))
    assert status.next_opening == at(MONDAY + datetime.timedelta(days=7), 10)


def test_closures_skip_days(weekday_hours):
    Closure.objects.create(first_day=MONDAY, last_day=MONDAY + datetime.timedelta(days=1))
    status = chat_status(at(MONDAY, 12))
    assert not status.is_open
    assert status.next_opening == at(MONDAY + datetime.timedelta(days=2), 10)


def test_midnight_closing_means_the_end_of_the_day(db):
    OpeningHours.objects.create(weekday=0, opens=datetime.time(20), closes=datetime.time(0))
    status = chat_status(at(MONDAY, 23, 30))
    assert status.is_open
    assert status.closes_at == at(MONDAY + datetime.timedelta(days=1), 0)
