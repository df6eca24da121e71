"""A seeded set of contact records with every figure worked out by hand.

Two ISO weeks, Monday 2 to Sunday 15 November 2026 (CET, UTC+1), 30 contacts inside and two
just outside, in local time: 1 November 23:00 and 16 November 00:00 (which is still
15 November in UTC). The expected figures are in tests/oversight/test_statistics.py.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from chat.models import ContactRecord, ContactTheme

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

# Local day: the local hours its contacts started in (in this order, indices 0 to 29).
HOURS_BY_DAY = {
    "2026-11-02": [0, 9, 9, 10, 14, 20],  # 6; the first, at local midnight, is 1 Nov in UTC
    "2026-11-03": [10, 14],  # 2
    "2026-11-05": [9, 9, 10, 14, 14, 20, 20],  # 7
    "2026-11-06": [14],  # 1
    "2026-11-09": [9, 10, 14, 20, 20],  # 5
    "2026-11-10": [10, 14, 20],  # 3
    "2026-11-12": [10, 14],  # 2
    "2026-11-15": [14, 20, 20, 23],  # 4; the last just before local midnight
}


def local(day, hour):
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=AMSTERDAM)


def contact(started, **fields):
    defaults = {
        "for_whom": "self",
        "minor": "no",
        "in_danger": False,
        "with_account": False,
        "result": ContactRecord.Result.ANSWERED,
    }
    themes = fields.pop("themes", ())
    record = ContactRecord.objects.create(
        started_hour=started.astimezone(ZoneInfo("UTC")), **{**defaults, **fields}
    )
    ContactTheme.objects.bulk_create(ContactTheme(record=record, theme=t) for t in themes)
    return record


def seed():
    starts = [local(day, hour) for day, hours in HOURS_BY_DAY.items() for hour in hours]
    assert len(starts) == 30
    for i, started in enumerate(starts):
        if i < 20:
            result, wait = ContactRecord.Result.ANSWERED, 10 * (i + 1)  # 10 … 200 s
        elif i < 26:
            result, wait = ContactRecord.Result.ABANDONED, 1000  # not a waiting time
        else:
            result, wait = ContactRecord.Result.MESSAGE, None
        fields = {
            "result": result,
            "wait_seconds": wait,
            "duration_seconds": 60 * (i + 1) if i < 19 else None,  # 1 … 19 min; 19 is open
            "for_whom": "self" if i < 22 else "relative" if i < 28 else "professional",
            "minor": "yes" if i < 3 else "unsaid" if i < 5 else "no",
            "in_danger": i in (5, 6),
            "with_account": i < 8,
            "transferred": i < 3,
        }
        if i < 12:  # the closing form of the first twelve (all answered)
            fields.update(
                closed_at=started + timedelta(hours=1),
                group_context="religious" if i == 0 else "family" if i < 7 else "online",
                outcome="listened" if i < 8 else "information" if i < 11 else "safety_plan",
                themes=(
                    (["psychological"] if i < 6 else [])
                    + (["shunning"] if i < 5 else [])
                    + (["leaving"] if i in (6, 7) else [])
                    + (["children"] if i == 8 else [])
                ),
            )
        contact(started, **fields)
    # Just outside the period, on either side; they would change several figures.
    for started in (local("2026-11-01", 23), local("2026-11-16", 0)):
        contact(started, wait_seconds=5, duration_seconds=5, minor="yes", in_danger=True)
