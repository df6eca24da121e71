"""The pilot's statistics: every figure of the supervisors' statistics page and its CSV.

Computed from the anonymous contact records (`chat.models.ContactRecord`, with their reply
times), the anonymous online spans (`chat.models.OnlineSpan`) and the referrals, for a
period of whole local days (Europe/Amsterdam, both ends included). Counts per local day and
hour are taken in Python over `.values()`, so SQLite and PostgreSQL agree on local time;
medians, percentiles and sums are taken in the database.

`compute()` gives the exact figures: the page shows them to supervisors, who may read every
conversation anyway. Whatever leaves the organisation (the CSV, the published report) goes
through `suppress()` first, the one place where small numbers are hidden (with `protect()`
and `primary()` under it); a suppressed figure carries no value at all, so no template,
chart or CSV can show it by mistake. docs/statistics.md explains each figure and the rule.
"""

import csv
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from django import forms
from django.db.models import DurationField, ExpressionWrapper, F, Sum
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext_lazy as _

from chat.availability import MAX_SPAN
from chat.models import (
    ContactRecord,
    ContactTheme,
    Conversation,
    Feedback,
    OnlineSpan,
    ReplyTime,
)
from handover.models import PRINTABLE_STATES, Referral

THRESHOLD = 5  # counts below this (but above 0) are not shown
SMALL = "<5"  # a count of 1 to 4
HIDDEN = "x"  # a count of 5 or more, hidden so that a "<5" cannot be worked out
NOT_SHOWN = "–"  # not shown at all: too few contacts, or a table that cannot be protected
MAX_DAYS = 366
DEFAULT_DAYS = 28
HOURS = range(24)
MIN_VALUES = THRESHOLD  # medians, percentiles and shares over fewer values: "te weinig gegevens"
MIN_SHIFT = timedelta(minutes=15)  # a shorter online span is no shift
MAX_QUOTES = 30  # kept quotes listed for a period, at most


# --- Published figures ----------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One published number: its value, or no value and the mark shown instead."""

    value: int | None
    mark: str = ""

    @property
    def shown(self):
        return not self.mark

    def __str__(self):
        return self.mark or str(self.value)


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    figure: Figure


@dataclass(frozen=True)
class Table:
    """Rows of counts; `total` is None when the rows do not add up (themes)."""

    key: str
    title: str
    rows: tuple[Row, ...]
    total: Figure | None
    adds_up: bool = True

    @property
    def hidden(self):
        return bool(self.rows) and all(row.figure.mark == NOT_SHOWN for row in self.rows)


@dataclass(frozen=True)
class Duration:
    """Seconds, or not shown (fewer than THRESHOLD values)."""

    seconds: int | None

    def __str__(self):
        if self.seconds is None:
            return NOT_SHOWN
        minutes, seconds = divmod(self.seconds, 60)
        return f"{minutes}:{seconds:02d}"


@dataclass(frozen=True)
class Share:
    """A whole percentage, or not shown."""

    percent: int | None

    def __str__(self):
        return NOT_SHOWN if self.percent is None else f"{self.percent}%"


@dataclass(frozen=True)
class Number:
    """A median or percentile of counts (chats per shift), or not shown."""

    value: int | None

    @property
    def seconds(self):  # the same test as a Duration's: is there a value
        return self.value

    def __str__(self):
        return NOT_SHOWN if self.value is None else str(self.value)


@dataclass(frozen=True)
class Spread:
    """Median and 90th percentile of `count` values; neither below MIN_VALUES."""

    median: Duration | Number
    p90: Duration | Number
    count: int

    @property
    def enough(self):
        return self.median.seconds is not None


@dataclass(frozen=True)
class Hours:
    """Hours with one decimal (a decimal comma in Dutch; a point in the CSV), or not shown."""

    seconds: int | None

    def __str__(self):
        if self.seconds is None:
            return NOT_SHOWN
        return number_format(round(self.seconds / 3600, 1), 1)  # it would cut, not round

    @property
    def plain(self):
        return NOT_SHOWN if self.seconds is None else f"{self.seconds / 3600:.1f}"


@dataclass(frozen=True)
class Occupancy:
    """Team time: hours online against hours in chat (`share`: in chat ÷ online)."""

    online: Hours
    in_chat: Hours
    share: Share
    spans: int


def primary(count):
    """A count on its own: 0 and 5 or more are shown, 1 to 4 show "<5"."""
    if 0 < count < THRESHOLD:
        return Figure(None, SMALL)
    return Figure(count)


def protect(counts, *, adds_up=True):
    """The published figures for the counts of one table: the suppression rule, in one place.

    A count of 1 to 4 shows "<5"; 0 shows as 0 (it describes no one). When the cells add
    up to a total that is known (`adds_up`: shown, or to be had from another table; we
    always assume it is), the total minus the shown cells is the sum of the suppressed
    ones. Every "<5" cell must then still be able to be any of 1, 2, 3 or 4 given that sum
    and what the marks say ("<5" is 1 to 4, "x" is 5 or more). Until it can, one more
    shown count is hidden ("x"): the smallest that is big enough on its own, else the
    biggest there is. A table where even that is not enough (say 1 and 5 with a total of
    6) shows nothing ("–").
    """
    marks = ["" if count == 0 or count >= THRESHOLD else SMALL for count in counts]
    while adds_up and _recoverable(counts, marks):
        candidates = sorted(
            (count, index)
            for index, count in enumerate(counts)
            if count >= THRESHOLD and not marks[index]
        )
        if not candidates:
            return [Figure(None, NOT_SHOWN) for _count in counts]
        enough = [(count, index) for count, index in candidates if count >= _needed(counts, marks)]
        _count, index = enough[0] if enough else candidates[-1]
        marks[index] = HIDDEN
    return [
        Figure(None, mark) if mark else Figure(count)
        for count, mark in zip(counts, marks, strict=True)
    ]


def _needed(counts, marks):
    """The smallest count that, hidden as well, leaves every "<5" cell free to be 1 to 4."""
    slack = sum(
        count - (1 if mark == SMALL else THRESHOLD)
        for count, mark in zip(counts, marks, strict=True)
        if mark
    )
    return THRESHOLD + max(0, (THRESHOLD - 2) - slack)


def _recoverable(counts, marks):
    """Can the total narrow down any "<5" cell to fewer than the four values 1 to 4?"""
    small = [count for count, mark in zip(counts, marks, strict=True) if mark == SMALL]
    hidden = [count for count, mark in zip(counts, marks, strict=True) if mark == HIDDEN]
    if not small:
        return False
    rest = sum(small) + sum(hidden)  # the total minus every shown cell
    others = len(small) - 1
    # One "<5" cell is at most the rest minus the least the other suppressed cells can be,
    # and at least the rest minus the most they can be ("x" has no upper bound).
    highest = rest - others * 1 - len(hidden) * THRESHOLD
    lowest = 1 if hidden else rest - others * (THRESHOLD - 1)
    return highest < THRESHOLD - 1 or lowest > 1


def table(key, title, items, *, adds_up=True):
    """A published Table from (key, label, count) items: `protect()`ed, with the total (the
    sum, "<5" for 1 to 4) when the rows add up."""
    figures = protect([count for _key, _label, count in items], adds_up=adds_up)
    rows = tuple(
        Row(key, label, figure) for (key, label, _count), figure in zip(items, figures, strict=True)
    )
    total = primary(sum(count for _key, _label, count in items)) if adds_up else None
    return Table(key, title, rows, total, adds_up)


def exact_table(key, title, items, *, adds_up=True):
    """A Table of exact counts, for the team's page; `suppress()` publishes it."""
    rows = tuple(Row(key, label, Figure(count)) for key, label, count in items)
    total = Figure(sum(count for _key, _label, count in items)) if adds_up else None
    return Table(key, title, rows, total, adds_up)


# --- The period ------------------------------------------------------------------------


class PeriodForm(forms.Form):
    # type="date" wants ISO dates whatever the language; Django reads them in any locale.
    start = forms.DateField(
        label=_("Van"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=_("Tot en met"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    @classmethod
    def from_query(cls, query):
        """The form for a GET query; without one, the last four weeks up to today."""
        if "start" in query or "end" in query:
            return cls(query)
        end = timezone.localdate()
        return cls({"start": end - timedelta(days=DEFAULT_DAYS - 1), "end": end})

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("De einddatum ligt vóór de begindatum."))
            if (end - start).days + 1 > MAX_DAYS:
                raise forms.ValidationError(
                    _("Kies een periode van hoogstens %(days)s dagen.") % {"days": MAX_DAYS}
                )
        return data


def local_bounds(start, end):
    """Aware datetimes: local midnight at the start of `start` and after `end`."""
    zone = timezone.get_default_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


# --- The statistics --------------------------------------------------------------------


@dataclass(frozen=True)
class LeadTime:
    key: str
    label: str
    spread: Spread


@dataclass(frozen=True)
class Referrals:
    by_partner: Table
    by_state: Table
    without_consent: Figure
    lead_times: tuple[LeadTime, ...] = ()


@dataclass(frozen=True)
class Statistics:
    start: date
    end: date
    contacts: Figure
    results: Table
    abandonment: Share
    wait_median: Duration
    wait_p90: Duration
    duration_median: Duration
    duration_p90: Duration
    per_week: Table
    per_day: Table
    per_hour: Table
    for_whom: Table
    minor: Table
    in_danger: Table
    with_account: Table
    transferred: Figure
    closed: Figure
    group_context: Table
    outcomes: Table
    themes: Table
    referrals: Referrals
    wait: Spread
    duration: Spread
    first_reply: Spread
    reply: Spread
    left_wait: Spread
    occupancy: Occupancy
    per_shift: Spread
    # The visitors' own answers (chat.models.Feedback), by month: see _feedback().
    feedback_got: Table
    feedback_again: Table
    feedback_answered: Figure
    feedback_text: Figure
    quotes: tuple[str, ...]
    # True once suppress() made these the figures for outside the organisation.
    suppressed: bool = False

    def tables(self):
        return [
            self.results,
            self.per_week,
            self.per_day,
            self.per_hour,
            self.for_whom,
            self.minor,
            self.in_danger,
            self.with_account,
            self.group_context,
            self.outcomes,
            self.themes,
            self.referrals.by_partner,
            self.referrals.by_state,
            self.feedback_got,
            self.feedback_again,
        ]


def compute(start, end):
    """Every figure, exact, for the contacts that started from `start` to `end` (local
    dates): what the team's page shows. Anything published goes through `suppress()`."""
    since, until = local_bounds(start, end)
    in_period = ContactRecord.objects.filter(started_hour__gte=since, started_hour__lt=until)
    records = list(
        in_period.values(
            "id",
            "started_hour",
            "for_whom",
            "minor",
            "in_danger",
            "with_account",
            "result",
            "wait_seconds",
            "duration_seconds",
            "transferred",
            "group_context",
            "outcome",
            "closed_at",
        )
    )
    zone = timezone.get_default_timezone()
    for record in records:
        record["local"] = record["started_hour"].astimezone(zone)
    closed = [record for record in records if record["closed_at"] is not None]
    # Waited, then taken: a visitor who left during the chat waited like the answered ones.
    wait = spread(
        in_period.filter(
            result__in=[ContactRecord.Result.ANSWERED, ContactRecord.Result.LEFT],
            wait_seconds__isnull=False,
        ),
        "wait_seconds",
    )
    duration = spread(
        in_period.filter(result=ContactRecord.Result.ANSWERED, duration_seconds__isnull=False),
        "duration_seconds",
    )
    results = _by_choice(
        "results", _("Contacten naar afloop"), records, "result", ContactRecord.Result
    )
    per_week, per_day = _volume(records, start, end)
    yes_no = [("yes", _("ja"), True), ("no", _("nee"), False)]
    return Statistics(
        start=start,
        end=end,
        contacts=Figure(len(records)),
        results=results,
        abandonment=_abandonment(results),
        wait_median=wait.median,
        wait_p90=wait.p90,
        duration_median=duration.median,
        duration_p90=duration.p90,
        wait=wait,
        duration=duration,
        per_week=per_week,
        per_day=per_day,
        per_hour=exact_table(
            "per_hour",
            _("Contacten per uur van de dag"),
            [
                (f"{hour:02d}", f"{hour:02d}:00–{hour + 1:02d}:00", _in_hour(records, hour))
                for hour in HOURS
            ],
        ),
        for_whom=_by_choice("for_whom", _("Voor wie"), records, "for_whom", Conversation.ForWhom),
        minor=_by_choice("minor", _("Jonger dan 18"), records, "minor", Conversation.Minor),
        in_danger=exact_table(
            "in_danger",
            _("Nu in gevaar"),
            [(key, label, _matching(records, "in_danger", v)) for key, label, v in yes_no],
        ),
        with_account=exact_table(
            "with_account",
            _("Met een account"),
            [(key, label, _matching(records, "with_account", v)) for key, label, v in yes_no],
        ),
        transferred=Figure(sum(1 for record in records if record["transferred"])),
        closed=Figure(len(closed)),
        group_context=_by_choice(
            "group_context",
            _("Soort groep (afsluitformulier)"),
            # The closing form always asks it; an empty one counts as "unknown or not said".
            [{**r, "group_context": r["group_context"] or "unknown"} for r in closed],
            "group_context",
            ContactRecord.GroupContext,
        ),
        outcomes=_by_choice(
            "outcomes",
            _("Uitkomst (afsluitformulier)"),
            closed,
            "outcome",
            ContactRecord.Outcome,
        ),
        themes=_themes(since, until),
        referrals=referral_statistics(start, end),
        first_reply=spread(
            in_period.filter(first_reply_seconds__isnull=False), "first_reply_seconds"
        ),
        reply=spread(
            ReplyTime.objects.filter(
                record__started_hour__gte=since, record__started_hour__lt=until
            ),
            "seconds",
        ),
        left_wait=spread(
            in_period.filter(result=ContactRecord.Result.ABANDONED, wait_seconds__isnull=False),
            "wait_seconds",
        ),
        occupancy=_occupancy(in_period, since, until),
        per_shift=spread(_shifts(since, until), "chats", Number),
        **_feedback(start, end),
    )


def feedback_months(start, end):
    """The first days of the months that overlap `start`–`end`: feedback carries only the
    month it was given (chat.models.Feedback), so it is counted by whole month, and a
    period that starts or ends inside a month gets that whole month's feedback."""
    return start.replace(day=1), end.replace(day=1)


def _feedback(start, end):
    """The visitors' answers of the months overlapping the period: how many answered, per
    question (an unanswered question is its own row, so each table adds up to the answers),
    how many wrote something in their own words (while it is kept), and the quotes a
    supervisor kept (anonymised by them). The free text itself is never a figure."""
    first, last = feedback_months(start, end)
    given = Feedback.objects.filter(month__gte=first, month__lte=last)
    answers = list(given.values("got_what_came_for", "would_chat_again"))
    texts = 0
    kept = []
    # Sealed text opens only in its own row: read as rows, never shown, only counted.
    for each in given.only("id", "better", "quote").iterator():
        texts += bool(each.better or each.quote)
        if each.quote:
            kept.append(each.quote)

    def per_answer(key, title, field, choices):
        items = [*choices.choices, ("", _("geen antwoord"))]
        return exact_table(
            key,
            title,
            [(value or "none", label, _matching(answers, field, value)) for value, label in items],
        )

    return {
        "feedback_got": per_answer(
            "feedback_got",
            _("Gekregen waarvoor de bezoeker kwam"),
            "got_what_came_for",
            Feedback.Got,
        ),
        "feedback_again": per_answer(
            "feedback_again", _("Zou weer chatten"), "would_chat_again", Feedback.Again
        ),
        "feedback_answered": Figure(len(answers)),
        "feedback_text": Figure(texts),
        # Sorted, so not in the order they were given; at most MAX_QUOTES.
        "quotes": tuple(sorted(kept)[:MAX_QUOTES]),
    }


def spread(queryset, field, kind=Duration):
    """Median and 90th percentile of `field` over `queryset` by nearest rank: the value at
    rank ceil(p/100 × n) of the sorted values (so the median is the lower middle value when
    n is even). In the database: a count, then the value at each rank (ORDER BY … LIMIT 1
    OFFSET). Below MIN_VALUES values neither is taken."""
    count = queryset.count()
    if count < MIN_VALUES:
        return Spread(kind(None), kind(None), count)
    ordered = queryset.order_by(field).values_list(field, flat=True)

    def at(p):
        value = ordered[max(-(-p * count // 100), 1) - 1]
        return kind(int(value.total_seconds()) if isinstance(value, timedelta) else value)

    return Spread(at(50), at(90), count)


def _shifts(since, until):
    """Online spans of at least MIN_SHIFT that started in the period: one counsellor's shift."""
    return (
        OnlineSpan.objects.filter(started_at__gte=since, started_at__lt=until)
        .annotate(length=ExpressionWrapper(F("ended_at") - F("started_at"), DurationField()))
        .filter(length__gte=MIN_SHIFT)
    )


def _occupancy(in_period, since, until):
    """Hours online (every span's time inside the period; a span is at most MAX_SPAN, so
    those that overlap it started at most that long before) against hours in chat (the
    durations of the period's contacts, from being taken to the end)."""
    spans = OnlineSpan.objects.filter(
        started_at__gte=since - MAX_SPAN, started_at__lt=until, ended_at__gt=since
    ).values_list("started_at", "ended_at")
    online = sum(
        int((min(ended, until) - max(started, since)).total_seconds()) for started, ended in spans
    )
    count = len(spans)
    in_chat = in_period.aggregate(total=Sum("duration_seconds"))["total"] or 0
    share = Share(
        (100 * in_chat + online // 2) // online if online and count >= MIN_VALUES else None
    )
    return Occupancy(Hours(online), Hours(in_chat), share, count)


def _matching(records, field, value):
    return sum(1 for record in records if record[field] == value)


def _in_hour(records, hour):
    return sum(1 for record in records if record["local"].hour == hour)


def _by_choice(key, title, records, field, choices):
    return exact_table(
        key,
        title,
        [(value, label, _matching(records, field, value)) for value, label in choices.choices],
    )


def _abandonment(results):
    """Abandoned / (answered + left + abandoned): of those who entered the queue, the share
    who left before being taken. Only over MIN_VALUES or more; published (after
    suppression) only when all three counts are shown, as a share next to a hidden count
    would give that count away."""
    figures = {row.key: row.figure for row in results.rows}
    parts = [
        figures[ContactRecord.Result.ANSWERED],
        figures[ContactRecord.Result.LEFT],
        figures[ContactRecord.Result.ABANDONED],
    ]
    if not all(figure.shown for figure in parts):
        return Share(None)
    queued = sum(figure.value for figure in parts)
    if queued < MIN_VALUES:
        return Share(None)
    abandoned = parts[-1].value
    return Share((200 * abandoned + queued) // (2 * queued))  # rounded half up


def _weeks(days):
    """The ISO weeks of a run of days, in order: {(year, week): [days]}."""
    weeks = {}
    for day in days:
        weeks.setdefault(day.isocalendar()[:2], []).append(day)
    return weeks


def _volume(records, start, end):
    """Contacts per ISO week and per day, exact."""
    days = [start + timedelta(days=offset) for offset in range((end - start).days + 1)]
    per_day = {day: 0 for day in days}
    for record in records:
        per_day[record["local"].date()] += 1
    week_items = []
    for (year, week), week_days in _weeks(days).items():
        first, last = date_format(week_days[0], "j b"), date_format(week_days[-1], "j b")
        span = first if first == last else f"{first} – {last}"
        partial = _(" (deels)") if len(week_days) < 7 else ""
        week_items.append(
            (
                f"{year}-W{week:02d}",
                f"{_('week')} {week} ({span}){partial}",
                sum(per_day[day] for day in week_days),
            )
        )
    per_week = exact_table("per_week", _("Contacten per week"), week_items)
    day_items = [(day.isoformat(), date_format(day, "D j b Y"), per_day[day]) for day in days]
    return per_week, exact_table("per_day", _("Contacten per dag"), day_items)


def _themes(since, until):
    """Themes of closed contacts. A contact may have several, so the rows do not add up
    to a total (and only the small counts themselves are suppressed)."""
    themes = list(
        ContactTheme.objects.filter(
            record__started_hour__gte=since,
            record__started_hour__lt=until,
            record__closed_at__isnull=False,
        ).values_list("theme", flat=True)
    )
    return exact_table(
        "themes",
        _("Thema's (afsluitformulier; een contact kan er meer hebben)"),
        [(value, label, themes.count(value)) for value, label in ContactTheme.Theme.choices],
        adds_up=False,
    )


def referral_statistics(start, end):
    """Referrals created in the period, by partner and by state, how many were made
    without the client's consent, and how long each step took."""
    since, until = local_bounds(start, end)
    made = Referral.objects.filter(created_at__gte=since, created_at__lt=until)
    referrals = list(made.values("partner_id", "partner__name", "state", "without_consent"))
    partners = {}
    for referral in referrals:
        partners.setdefault(referral["partner_id"], referral["partner__name"])
    return Referrals(
        by_partner=exact_table(
            "referrals_by_partner",
            _("Verwijzingen per partner"),
            [
                (
                    str(pk),
                    name,
                    sum(1 for referral in referrals if referral["partner_id"] == pk),
                )
                for pk, name in sorted(partners.items(), key=lambda item: item[1])
            ],
        ),
        by_state=exact_table(
            "referrals_by_state",
            _("Verwijzingen per status"),
            [
                (value, label, _matching(referrals, "state", value))
                for value, label in Referral.State.choices
            ],
        ),
        without_consent=Figure(sum(1 for referral in referrals if referral["without_consent"])),
        lead_times=_lead_times(made),
    )


# The referral's steps: (key, label, from, to, which referrals). Approved means a second
# person let it go: the states after approval are handover.models.PRINTABLE_STATES, and
# reviewed_at is then the approval's time.
LEAD_STEPS = (
    ("opgesteld_goedgekeurd", _("Opgesteld → goedgekeurd"), "created_at", "reviewed_at"),
    ("goedgekeurd_verstuurd", _("Goedgekeurd → verstuurd"), "reviewed_at", "sent_at"),
    (
        "verstuurd_ontvangen",
        _("Verstuurd → ontvangen door de partner"),
        "sent_at",
        "acknowledged_at",
    ),
)


def _lead_times(made):
    approved = made.filter(state__in=PRINTABLE_STATES)
    lead_times = []
    for key, label, since, until in LEAD_STEPS:
        steps = approved.filter(**{f"{since}__isnull": False, f"{until}__isnull": False}).annotate(
            lead=ExpressionWrapper(F(until) - F(since), DurationField())
        )
        lead_times.append(LeadTime(key, label, spread(steps, "lead", Hours)))
    return tuple(lead_times)


# --- For outside the organisation -----------------------------------------------------


def suppress(statistics):
    """The figures that may leave the organisation (the CSV, the published report): the
    small-number rule (docs/statistics.md) applied to every figure of `compute()`. The one
    function every export calls."""
    if statistics.suppressed:
        return statistics
    published = {each.key: _protected(each) for each in statistics.tables()}
    published["per_day"] = _days_within_weeks(statistics.per_day, published["per_week"])
    referrals = statistics.referrals
    occupancy = statistics.occupancy
    enough = occupancy.spans >= MIN_VALUES and statistics.contacts.value >= THRESHOLD
    return replace(
        statistics,
        contacts=primary(statistics.contacts.value),
        results=published["results"],
        abandonment=_abandonment(published["results"]),
        per_week=published["per_week"],
        per_day=published["per_day"],
        per_hour=published["per_hour"],
        for_whom=published["for_whom"],
        minor=published["minor"],
        in_danger=published["in_danger"],
        with_account=published["with_account"],
        transferred=primary(statistics.transferred.value),
        closed=primary(statistics.closed.value),
        group_context=published["group_context"],
        outcomes=published["outcomes"],
        themes=published["themes"],
        referrals=replace(
            referrals,
            by_partner=published["referrals_by_partner"],
            by_state=published["referrals_by_state"],
            without_consent=primary(referrals.without_consent.value),
        ),
        feedback_got=published["feedback_got"],
        feedback_again=published["feedback_again"],
        feedback_answered=primary(statistics.feedback_answered.value),
        feedback_text=primary(statistics.feedback_text.value),
        # Team hours name no one only over enough spans (one person's would be their hours).
        occupancy=occupancy
        if enough
        else Occupancy(Hours(None), Hours(None), Share(None), occupancy.spans),
        suppressed=True,
    )


def _protected(each):
    return table(
        each.key,
        each.title,
        [(row.key, row.label, row.figure.value) for row in each.rows],
        adds_up=each.adds_up,
    )


def _days_within_weeks(per_day, per_week):
    """The days of a week add up to the week, so the days of each shown week are protected
    against it, and the days of a week that is not shown are not shown either (else they
    would give the week away)."""
    weeks = _weeks([date.fromisoformat(row.key) for row in per_day.rows])
    by_day = {row.key: row for row in per_day.rows}
    rows = []
    for week_row, week_days in zip(per_week.rows, weeks.values(), strict=True):
        day_rows = [by_day[day.isoformat()] for day in week_days]
        if week_row.figure.shown:
            figures = protect([row.figure.value for row in day_rows])
        else:
            figures = [Figure(None, NOT_SHOWN) for _day in week_days]
        rows += [Row(row.key, row.label, f) for row, f in zip(day_rows, figures, strict=True)]
    return Table(per_day.key, per_day.title, tuple(rows), per_week.total)


# --- CSV --------------------------------------------------------------------------------


def write_csv(statistics, out):
    """The figures for outside the organisation, one per line: suppressed (`suppress()`),
    never a record, never a hidden value."""
    statistics = suppress(statistics)
    writer = csv.writer(out)
    writer.writerow(["tabel", "code", "omschrijving", "waarde"])
    writer.writerow(["periode", "van", _("Van"), statistics.start.isoformat()])
    writer.writerow(["periode", "tot_en_met", _("Tot en met"), statistics.end.isoformat()])
    summary = [
        ("contacten", _("Contacten"), statistics.contacts),
        (
            "wegloop",
            _("Weggegaan in de wachtrij (van wie in de wachtrij kwam)"),
            statistics.abandonment,
        ),
        (
            "wachttijd_mediaan",
            _("Wachttijd tot aanname, mediaan (seconden)"),
            statistics.wait_median,
        ),
        (
            "wachttijd_p90",
            _("Wachttijd tot aanname, 90e percentiel (seconden)"),
            statistics.wait_p90,
        ),
        ("duur_mediaan", _("Duur van het gesprek, mediaan (seconden)"), statistics.duration_median),
        ("duur_p90", _("Duur van het gesprek, 90e percentiel (seconden)"), statistics.duration_p90),
        *_spread_lines("eerste_reactie", _("Tijd tot de eerste reactie"), statistics.first_reply),
        *_spread_lines("reactietijd", _("Reactietijd in het gesprek"), statistics.reply),
        *_spread_lines(
            "wachttijd_weggegaan", _("Wachttijd tot weggaan uit de wachtrij"), statistics.left_wait
        ),
        ("uren_online", _("Uren online (team)"), statistics.occupancy.online),
        ("uren_in_gesprek", _("Uren in gesprek (team)"), statistics.occupancy.in_chat),
        ("bezetting", _("Uren in gesprek per uur online"), statistics.occupancy.share),
        (
            "chats_per_dienst_mediaan",
            _("Chats per dienst, mediaan"),
            statistics.per_shift.median,
        ),
        ("chats_per_dienst_p90", _("Chats per dienst, 90e percentiel"), statistics.per_shift.p90),
        ("doorverbonden", _("Doorverbonden naar een collega"), statistics.transferred),
        ("afgesloten", _("Met afsluitformulier"), statistics.closed),
        (
            "verwijzingen_zonder_toestemming",
            _("Verwijzingen zonder toestemming van de cliënt (meldcode)"),
            statistics.referrals.without_consent,
        ),
        (
            "reacties_bezoekers",
            _("Bezoekers die de vragen na het gesprek beantwoordden (per maand geteld)"),
            statistics.feedback_answered,
        ),
        (
            "reacties_met_tekst",
            _("Van hen: met een toelichting in eigen woorden"),
            statistics.feedback_text,
        ),
    ]
    for lead in statistics.referrals.lead_times:
        summary += _spread_lines(
            f"doorlooptijd_{lead.key}", f"{_('Doorlooptijd')}: {lead.label}", lead.spread
        )
    for key, label, value in summary:
        if isinstance(value, Duration):
            value = NOT_SHOWN if value.seconds is None else value.seconds
        elif isinstance(value, Hours):
            value = value.plain
        writer.writerow(["samenvatting", key, _cell(label), str(value)])
    for each in statistics.tables():
        for row in each.rows:
            writer.writerow([each.key, row.key, _cell(row.label), str(row.figure)])
        if each.total is not None:
            writer.writerow([each.key, "totaal", _("Totaal"), str(each.total)])


def _spread_lines(key, label, spread):
    hours = isinstance(spread.median, Hours)
    median = _("mediaan (uren)") if hours else _("mediaan (seconden)")
    p90 = _("90e percentiel (uren)") if hours else _("90e percentiel (seconden)")
    return [
        (f"{key}_mediaan", f"{label}, {median}", spread.median),
        (f"{key}_p90", f"{label}, {p90}", spread.p90),
    ]


def _cell(text):
    """Text a spreadsheet must not read as a formula (partner names come from the admin)."""
    text = str(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
