"""The pilot's statistics: every figure of the supervisors' statistics page and its CSV.

Computed from the anonymous contact records (`chat.models.ContactRecord`) whose start lies in
a period of whole local days (Europe/Amsterdam, both ends included). The counting happens in
Python over `.values()`, so SQLite and PostgreSQL give the same answer and the local day and
hour are taken the same way on both.

Every count leaves this module through `protect()` or `primary()`, the one place where
small numbers are suppressed; a suppressed figure carries no value at all, so no template,
chart or CSV can show it by mistake. docs/statistics.md explains each figure and the rule.
"""

import csv
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from chat.models import ContactRecord, ContactTheme, Conversation
from handover.models import Referral

THRESHOLD = 5  # counts below this (but above 0) are not shown
SMALL = "<5"  # a count of 1 to 4
HIDDEN = "x"  # a count of 5 or more, hidden so that a "<5" cannot be worked out
NOT_SHOWN = "–"  # not shown at all: too few contacts, or a table that cannot be protected
MAX_DAYS = 366
DEFAULT_DAYS = 28
HOURS = range(24)


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
    """A Table from (key, label, count) items; the total is the sum when the rows add up."""
    figures = protect([count for _key, _label, count in items], adds_up=adds_up)
    rows = tuple(
        Row(key, label, figure) for (key, label, _count), figure in zip(items, figures, strict=True)
    )
    total = primary(sum(count for _key, _label, count in items)) if adds_up else None
    return Table(key, title, rows, total)


def percentile(values, p):
    """The p-th percentile by nearest rank: the value at rank ceil(p/100 × n) of the sorted
    values (so the median is the lower middle value when n is even); None below 5 values."""
    if len(values) < THRESHOLD:
        return None
    ordered = sorted(values)
    rank = -(-p * len(ordered) // 100)
    return ordered[max(rank, 1) - 1]


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
class Referrals:
    by_partner: Table
    by_state: Table
    without_consent: Figure


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
        ]


def compute(start, end):
    """Every figure for the contacts that started from `start` to `end` (local dates)."""
    since, until = local_bounds(start, end)
    records = list(
        ContactRecord.objects.filter(started_hour__gte=since, started_hour__lt=until).values(
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
    answered = [record for record in records if record["result"] == ContactRecord.Result.ANSWERED]
    # Waited, then taken: a visitor who left during the chat waited like the answered ones.
    taken = [*answered, *(r for r in records if r["result"] == ContactRecord.Result.LEFT)]
    results = _by_choice(
        "results", _("Contacten naar afloop"), records, "result", ContactRecord.Result
    )
    per_week, per_day = _volume(records, start, end)
    yes_no = [("yes", _("ja"), True), ("no", _("nee"), False)]
    return Statistics(
        start=start,
        end=end,
        contacts=primary(len(records)),
        results=results,
        abandonment=_abandonment(results),
        wait_median=Duration(percentile(_values(taken, "wait_seconds"), 50)),
        wait_p90=Duration(percentile(_values(taken, "wait_seconds"), 90)),
        duration_median=Duration(percentile(_values(answered, "duration_seconds"), 50)),
        duration_p90=Duration(percentile(_values(answered, "duration_seconds"), 90)),
        per_week=per_week,
        per_day=per_day,
        per_hour=table(
            "per_hour",
            _("Contacten per uur van de dag"),
            [
                (f"{hour:02d}", f"{hour:02d}:00–{hour + 1:02d}:00", _in_hour(records, hour))
                for hour in HOURS
            ],
        ),
        for_whom=_by_choice("for_whom", _("Voor wie"), records, "for_whom", Conversation.ForWhom),
        minor=_by_choice("minor", _("Jonger dan 18"), records, "minor", Conversation.Minor),
        in_danger=table(
            "in_danger",
            _("Nu in gevaar"),
            [(key, label, _matching(records, "in_danger", v)) for key, label, v in yes_no],
        ),
        with_account=table(
            "with_account",
            _("Met een account"),
            [(key, label, _matching(records, "with_account", v)) for key, label, v in yes_no],
        ),
        transferred=primary(sum(1 for record in records if record["transferred"])),
        closed=primary(len(closed)),
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
    )


def _values(records, field):
    return [record[field] for record in records if record[field] is not None]


def _matching(records, field, value):
    return sum(1 for record in records if record[field] == value)


def _in_hour(records, hour):
    return sum(1 for record in records if record["local"].hour == hour)


def _by_choice(key, title, records, field, choices):
    return table(
        key,
        title,
        [(value, label, _matching(records, field, value)) for value, label in choices.choices],
    )


def _abandonment(results):
    """Abandoned / (answered + abandoned), shown only when both counts are shown: a share
    next to a hidden count would give that count away."""
    figures = {row.key: row.figure for row in results.rows}
    answered = figures[ContactRecord.Result.ANSWERED]
    abandoned = figures[ContactRecord.Result.ABANDONED]
    if not (answered.shown and abandoned.shown):
        return Share(None)
    queued = answered.value + abandoned.value
    if queued < THRESHOLD:
        return Share(None)
    return Share((200 * abandoned.value + queued) // (2 * queued))  # rounded half up


def _volume(records, start, end):
    """Contacts per ISO week and per day: the days of a week add up to the week, so the
    days of each shown week are protected against it, and the days of a week that is
    not shown are not shown either (else they would give the week away)."""
    days = [start + timedelta(days=offset) for offset in range((end - start).days + 1)]
    per_day = {day: 0 for day in days}
    for record in records:
        per_day[record["local"].date()] += 1
    weeks = {}
    for day in days:
        weeks.setdefault(day.isocalendar()[:2], []).append(day)
    week_items = []
    for (year, week), week_days in weeks.items():
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
    per_week = table("per_week", _("Contacten per week"), week_items)
    day_rows = []
    for week_row, week_days in zip(per_week.rows, weeks.values(), strict=True):
        counts = [per_day[day] for day in week_days]
        if week_row.figure.shown:
            figures = protect(counts)
        else:
            figures = [Figure(None, NOT_SHOWN) for _day in week_days]
        day_rows += [
            Row(day.isoformat(), date_format(day, "D j b Y"), figure)
            for day, figure in zip(week_days, figures, strict=True)
        ]
    per_day_table = Table("per_day", _("Contacten per dag"), tuple(day_rows), per_week.total)
    return per_week, per_day_table


def _themes(since, until):
    """Themes of closed contacts. A contact may have several, so the rows do not add up
    to a total and only the small counts themselves are suppressed."""
    themes = list(
        ContactTheme.objects.filter(
            record__started_hour__gte=since,
            record__started_hour__lt=until,
            record__closed_at__isnull=False,
        ).values_list("theme", flat=True)
    )
    return table(
        "themes",
        _("Thema's (afsluitformulier; een contact kan er meer hebben)"),
        [(value, label, themes.count(value)) for value, label in ContactTheme.Theme.choices],
        adds_up=False,
    )


def referral_statistics(start, end):
    """Referrals created in the period, by partner and by state, and how many were made
    without the client's consent."""
    since, until = local_bounds(start, end)
    referrals = list(
        Referral.objects.filter(created_at__gte=since, created_at__lt=until).values(
            "partner_id", "partner__name", "state", "without_consent"
        )
    )
    partners = {}
    for referral in referrals:
        partners.setdefault(referral["partner_id"], referral["partner__name"])
    return Referrals(
        by_partner=table(
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
        by_state=table(
            "referrals_by_state",
            _("Verwijzingen per status"),
            [
                (value, label, _matching(referrals, "state", value))
                for value, label in Referral.State.choices
            ],
        ),
        without_consent=primary(sum(1 for referral in referrals if referral["without_consent"])),
    )


# --- CSV --------------------------------------------------------------------------------


def write_csv(statistics, out):
    """The same figures as the page, one per line: never a record, never a hidden value."""
    writer = csv.writer(out)
    writer.writerow(["tabel", "code", "omschrijving", "waarde"])
    writer.writerow(["periode", "van", _("Van"), statistics.start.isoformat()])
    writer.writerow(["periode", "tot_en_met", _("Tot en met"), statistics.end.isoformat()])
    summary = [
        ("contacten", _("Contacten"), statistics.contacts),
        (
            "wegloop",
            _("Weggegaan in de wachtrij (van beantwoord + weggegaan)"),
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
        ("doorverbonden", _("Doorverbonden naar een collega"), statistics.transferred),
        ("afgesloten", _("Met afsluitformulier"), statistics.closed),
        (
            "verwijzingen_zonder_toestemming",
            _("Verwijzingen zonder toestemming van de cliënt (meldcode)"),
            statistics.referrals.without_consent,
        ),
    ]
    for key, label, value in summary:
        if isinstance(value, Duration):
            value = NOT_SHOWN if value.seconds is None else value.seconds
        writer.writerow(["samenvatting", key, _cell(label), str(value)])
    for each in statistics.tables():
        for row in each.rows:
            writer.writerow([each.key, row.key, _cell(row.label), str(row.figure)])
        if each.total is not None:
            writer.writerow([each.key, "totaal", _("Totaal"), str(each.total)])


def _cell(text):
    """Text a spreadsheet must not read as a formula (partner names come from the admin)."""
    text = str(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
