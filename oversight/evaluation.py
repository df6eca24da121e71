"""The pilot's evaluation report: every figure of the statistics for a quarter of the
pilot or the whole pilot so far, the visitors' answers, the referrals, the trends by
quarter, and a part for partners (municipalities, police, public prosecutor).

The report leaves the organisation, so every figure in it is suppressed: the period's
figures come from `statistics.suppress()`, and every table that also appears per quarter
(the trends, the CSV) is protected across all quarters and the whole pilot at once by
`grids.protect_grid()`, so that no "<5" can be worked out from a quarter's total, a
category's whole-pilot figure, or both. The page, the partners' part and the CSV read the
same `Report`, so they show the same figures. docs/statistics.md describes it.
"""

import csv
from dataclasses import dataclass, replace
from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit import entries
from chat.models import ContactRecord
from oversight import charts, statistics
from oversight.grids import protect_grid
from oversight.statistics import NOT_SHOWN, Duration, Figure, Hours, Row, Table

WHOLE = "pilot"
PARTNERS = "partners"

# The tables protected across the quarters, and the count each adds up to (its total).
GRID_TABLES = (
    ("results", "contacts"),
    ("for_whom", "contacts"),
    ("minor", "contacts"),
    ("in_danger", "contacts"),
    ("with_account", "contacts"),
    ("group_context", "closed"),
    ("outcomes", "closed"),
    ("themes", None),
    ("referrals_by_partner", "referrals"),
    ("referrals_by_state", "referrals"),
    ("feedback_got", "feedback_answered"),
    ("feedback_again", "feedback_answered"),
)
# Counts on their own, each protected as a series whose quarters add up to the whole pilot.
COUNTS = (
    ("contacts", gettext_lazy("Contacten")),
    ("transferred", gettext_lazy("Doorverbonden naar een collega")),
    ("closed", gettext_lazy("Met afsluitformulier")),
    ("referrals", gettext_lazy("Verwijzingen")),
    ("without_consent", gettext_lazy("Verwijzingen zonder toestemming (meldcode)")),
    ("feedback_answered", gettext_lazy("Reacties van bezoekers")),
    ("feedback_text", gettext_lazy("Reacties met een toelichting in eigen woorden")),
)
# What the trends show per quarter, in the report and in the partners' part.
TRENDS = ("for_whom", "group_context", "themes")


@dataclass(frozen=True)
class Period:
    key: str  # "2026-K3" or WHOLE
    label: str
    start: date
    end: date
    short: str = ""  # "K3 2026", a trend table's column


def pilot_start():
    """HOC_PILOT_START, else the local day of the first contact record, else today."""
    if settings.PILOT_START:
        return settings.PILOT_START
    first = ContactRecord.objects.order_by("started_hour").values_list("started_hour", flat=True)
    first = first.first()
    if first is None:
        return timezone.localdate()
    return timezone.localtime(first).date()


def periods(today=None):
    """Each calendar quarter of the pilot so far (the first from the pilot's start, the
    last up to today), then the whole pilot so far."""
    today = today or timezone.localdate()
    start = min(pilot_start(), today)
    quarters = []
    first = date(start.year, 3 * ((start.month - 1) // 3) + 1, 1)
    while first <= today:
        number = (first.month - 1) // 3 + 1
        following = date(first.year + (first.month + 2) // 12, (first.month + 2) % 12 + 1, 1)
        quarters.append(
            Period(
                f"{first.year}-K{number}",
                _("%(number)se kwartaal %(year)s") % {"number": number, "year": first.year},
                max(first, start),
                min(following - timedelta(days=1), today),
                f"K{number} {first.year}",
            )
        )
        first = following
    return quarters + [Period(WHOLE, _("De hele pilot tot nu toe"), start, today, _("Hele pilot"))]


@dataclass(frozen=True)
class Trend:
    """One table across the quarters: rows are categories, columns the quarters and the
    whole pilot (`cells[row][column]`)."""

    key: str
    title: str
    labels: tuple[str, ...]
    cells: tuple[tuple[Figure, ...], ...]
    totals: tuple[Figure, ...] | None

    @property
    def rows(self):
        return list(zip(self.labels, self.cells, strict=True))


@dataclass(frozen=True)
class Report:
    periods: tuple[Period, ...]  # the quarters, then the whole pilot
    period: Period  # the one chosen
    figures: statistics.Statistics  # of the chosen period, published
    by_period: dict  # period key → published Statistics
    trends: tuple[Trend, ...]
    counts: tuple[Trend, ...]
    charts: dict

    @property
    def quarters(self):
        return self.periods[:-1]


def build(key=WHOLE, today=None):
    """The report for the period `key` (a quarter's key or WHOLE); None for an unknown key."""
    every = periods(today)
    chosen = next((each for each in every if each.key == key), None)
    if chosen is None:
        return None
    exact = {each.key: statistics.compute(each.start, each.end) for each in every}
    published = _published(every, exact)
    figures = published[chosen.key]
    return Report(
        periods=tuple(every),
        period=chosen,
        figures=figures,
        by_period=published,
        trends=tuple(_trend(every, published, name) for name in TRENDS),
        counts=(_count_trend(every, published),),
        charts=_charts(figures, every, published),
    )


def _count(stats, name):
    if name == "referrals":
        total = stats.referrals.by_partner.total
        return total.value if total is not None else 0
    if name == "without_consent":
        return stats.referrals.without_consent.value
    return getattr(stats, name).value


def _table(stats, key):
    return next(each for each in stats.tables() if each.key == key)


def _published(every, exact):
    """Every period's figures for outside the organisation: `suppress()`, with every table
    and count that appears per quarter replaced by its figure from `protect_grid()`."""
    quarters, whole = every[:-1], every[-1]
    counts = {}
    for name, _label in COUNTS:
        per_quarter, overall = protect_grid(
            [[_count(exact[each.key], name)] for each in quarters],
            [_count(exact[whole.key], name)],
            adds_up=False,
        )
        counts[name] = {
            **{each.key: row[0] for each, row in zip(quarters, per_quarter, strict=True)},
            whole.key: overall[0],
        }
    tables = {}
    for key, total in GRID_TABLES:
        rows = _rows(exact, every, key)
        per_quarter, overall = protect_grid(
            [
                [counts_of.get(row_key, 0) for row_key, _label in rows]
                for counts_of in (_by_key(_table(exact[each.key], key)) for each in quarters)
            ],
            [_by_key(_table(exact[whole.key], key)).get(row_key, 0) for row_key, _label in rows],
            adds_up=total is not None,
        )
        for each, figures in zip([*quarters, whole], [*per_quarter, overall], strict=True):
            table = _table(exact[each.key], key)
            tables[each.key, key] = Table(
                key,
                table.title,
                tuple(
                    Row(row_key, label, figure)
                    for (row_key, label), figure in zip(rows, figures, strict=True)
                ),
                counts[total][each.key] if total else None,
                table.adds_up,
            )
    published = {}
    for each in every:
        base = statistics.suppress(exact[each.key])
        got = {key: tables[each.key, key] for key, _total in GRID_TABLES}
        results = got["results"]
        published[each.key] = replace(
            base,
            contacts=counts["contacts"][each.key],
            transferred=counts["transferred"][each.key],
            closed=counts["closed"][each.key],
            feedback_answered=counts["feedback_answered"][each.key],
            feedback_text=counts["feedback_text"][each.key],
            results=results,
            abandonment=statistics._abandonment(results),  # from shown counts only
            for_whom=got["for_whom"],
            minor=got["minor"],
            in_danger=got["in_danger"],
            with_account=got["with_account"],
            group_context=got["group_context"],
            outcomes=got["outcomes"],
            themes=got["themes"],
            feedback_got=got["feedback_got"],
            feedback_again=got["feedback_again"],
            referrals=replace(
                base.referrals,
                by_partner=got["referrals_by_partner"],
                by_state=got["referrals_by_state"],
                without_consent=counts["without_consent"][each.key],
            ),
            # The days are protected against the weeks, the weeks against the period's
            # total; a week's total that the grid hides hides its days' table.
            per_week=_with_total(base.per_week, counts["contacts"][each.key]),
            per_hour=_with_total(base.per_hour, counts["contacts"][each.key]),
        )
    return published


def _with_total(table, total):
    return replace(table, total=total)


def _by_key(table):
    return {row.key: row.figure.value for row in table.rows}


def _rows(exact, every, key):
    """The categories of a table over every period (partners differ between quarters)."""
    rows = {}
    for each in every:
        for row in _table(exact[each.key], key).rows:
            rows.setdefault(row.key, row.label)
    return list(rows.items())


def _trend(every, published, key):
    tables = [_table(published[each.key], key) for each in every]
    first = tables[-1]
    return Trend(
        key,
        str(first.title),
        tuple(str(row.label) for row in first.rows),
        tuple(
            tuple(table.rows[index].figure for table in tables) for index in range(len(first.rows))
        ),
        tuple(table.total for table in tables) if first.total is not None else None,
    )


def _count_trend(every, published):
    rows = [
        ("contacts", _("Contacten"), lambda s: s.contacts),
        ("closed", _("Met afsluitformulier"), lambda s: s.closed),
        ("referrals", _("Verwijzingen"), lambda s: s.referrals.by_partner.total),
        ("feedback_answered", _("Reacties van bezoekers"), lambda s: s.feedback_answered),
    ]
    return Trend(
        "counts",
        _("Aantallen per kwartaal"),
        tuple(label for _key, label, _get in rows),
        tuple(tuple(get(published[each.key]) for each in every) for _key, _label, get in rows),
        None,
    )


def _charts(figures, every, published):
    """Inline SVG, of published figures only (charts.bar_chart draws no suppressed count)."""
    about = _(
        "Staafdiagram van afgeschermde cijfers; “<5” staat er als een gestippelde omtrek tot "
        "5, “x” en “–” als een teken zonder staaf. De tabel geeft dezelfde cijfers."
    )
    quarters = every[:-1]
    contacts = tuple(Row(each.key, each.label, published[each.key].contacts) for each in quarters)
    return {
        "per_week": charts.bar_chart(
            "chart-week",
            str(figures.per_week.title),
            about,
            figures.per_week.rows,
            labels=[row.key.split("-")[1] for row in figures.per_week.rows],
        ),
        "per_hour": charts.bar_chart(
            "chart-hour",
            str(figures.per_hour.title),
            about,
            figures.per_hour.rows,
            labels=[row.key for row in figures.per_hour.rows],
        ),
        "per_quarter": charts.bar_chart(
            "chart-quarter",
            _("Contacten per kwartaal"),
            about,
            contacts,
            labels=[each.short for each in quarters],
        ),
    }


def note_seen(user, report, *, part="", downloaded=False):
    """The audit log's line: who opened or downloaded which period's report (and whether
    only the partners' part); the figures themselves are not in it."""
    detail = f"period={report.period.key}"
    if downloaded:
        entries.record(user, entries.Action.EVALUATION_DOWNLOADED, detail=detail)
    else:
        part = " part=partners" if part == PARTNERS else ""
        entries.record(user, entries.Action.EVALUATION_VIEWED, detail=detail + part)


# --- CSV, wide: one row per period ---------------------------------------------------


def columns(report):
    """(code, heading, value of a period's published figures) for every CSV column."""
    cols = [
        ("contacten", _("Contacten"), lambda s: s.contacts),
        ("weggegaan_wachtrij_pct", _("Weggegaan in de wachtrij (%)"), lambda s: s.abandonment),
        ("wachttijd_mediaan_s", _("Wachttijd tot aanname, mediaan (s)"), lambda s: s.wait.median),
        ("wachttijd_p90_s", _("Wachttijd tot aanname, 90e percentiel (s)"), lambda s: s.wait.p90),
        ("duur_mediaan_s", _("Duur van het gesprek, mediaan (s)"), lambda s: s.duration.median),
        ("duur_p90_s", _("Duur van het gesprek, 90e percentiel (s)"), lambda s: s.duration.p90),
        (
            "eerste_reactie_mediaan_s",
            _("Tijd tot de eerste reactie, mediaan (s)"),
            lambda s: s.first_reply.median,
        ),
        ("reactietijd_mediaan_s", _("Reactietijd, mediaan (s)"), lambda s: s.reply.median),
        ("uren_online", _("Uren online (team)"), lambda s: s.occupancy.online),
        ("uren_in_gesprek", _("Uren in gesprek (team)"), lambda s: s.occupancy.in_chat),
        ("doorverbonden", _("Doorverbonden naar een collega"), lambda s: s.transferred),
        ("afgesloten", _("Met afsluitformulier"), lambda s: s.closed),
        (
            "zonder_toestemming",
            _("Verwijzingen zonder toestemming (meldcode)"),
            lambda s: s.referrals.without_consent,
        ),
        ("reacties", _("Reacties van bezoekers"), lambda s: s.feedback_answered),
        ("reacties_met_tekst", _("Reacties met een toelichting"), lambda s: s.feedback_text),
    ]
    figures = report.by_period[WHOLE]
    for key, _total in GRID_TABLES:
        table = _table(figures, key)
        for index, row in enumerate(table.rows):
            cols.append(
                (
                    f"{key}.{row.key}",
                    f"{table.title}: {row.label}",
                    lambda s, key=key, index=index: _table(s, key).rows[index].figure,
                )
            )
    return cols


def write_csv(report, out):
    """The report's figures for a spreadsheet with Dutch settings: ';' between cells, a
    decimal comma, UTF-8 with a byte-order mark, CRLF line ends; one row per quarter and
    one for the whole pilot, suppressed cells as their marks."""
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    cols = columns(report)
    writer.writerow(
        [_("Periode"), _("Van"), _("Tot en met")]
        + [statistics._cell(heading) for _code, heading, _get in cols]
    )
    for each in report.periods:
        figures = report.by_period[each.key]
        writer.writerow(
            [each.label, each.start.isoformat(), each.end.isoformat()]
            + [_value(get(figures)) for _code, _heading, get in cols]
        )


def _value(value):
    if isinstance(value, Duration):
        return NOT_SHOWN if value.seconds is None else str(value.seconds)
    if isinstance(value, Hours):
        return value.plain.replace(".", ",")
    if isinstance(value, statistics.Number):
        return str(value)
    if isinstance(value, statistics.Share):
        return NOT_SHOWN if value.percent is None else str(value.percent)
    if value is None:
        return NOT_SHOWN
    return str(value)
