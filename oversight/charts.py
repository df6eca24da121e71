"""Bar charts of the statistics as SVG drawn on the server: no library, nothing from elsewhere.

The page charts the team's exact figures. The markup goes inline into the page, so it
follows the page's strict CSP: no style attributes and no scripts, only classes
(static/css/statistics.css colours them with the site's variables). Every piece of text is
escaped here. Charts of published (suppressed) figures, as a report would draw them, show
no suppressed count: it has no value to draw, so it gets a fixed outline up to 5 ("<5") or
a mark on the axis ("x", "–"), and the scale is set by the shown values alone.
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from oversight.statistics import SMALL, THRESHOLD

WIDTH = 720
HEIGHT = 240
LEFT = 40  # room for the value axis
BOTTOM = 36  # room for the labels under the bars
TOP = 18


def bar_chart(chart_id, title, description, rows, *, labels=None):
    """An SVG bar chart of a statistics table's rows; `labels` are the short axis labels
    (default: the rows' labels), of which only as many are written as fit."""
    labels = labels or [row.label for row in rows]
    plot_width = WIDTH - LEFT - 8
    plot_height = HEIGHT - TOP - BOTTOM
    slot = plot_width / max(len(rows), 1)
    bar = max(slot * 0.7, 1)
    top = _scale_top(rows)
    step = max(1, round(len(rows) / 12 + 0.49))  # at most about 12 labels under the axis

    def y(value):
        return TOP + plot_height - plot_height * value / top

    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for tick in (0, top // 2, top):
        parts.append(
            f'<line class="chart__grid" x1="{LEFT}" x2="{WIDTH - 8}" '
            f'y1="{y(tick):.1f}" y2="{y(tick):.1f}"/>'
            f'<text class="chart__tick" x="{LEFT - 6}" y="{y(tick) + 4:.1f}" '
            f'text-anchor="end">{tick}</text>'
        )
    baseline = y(0)
    for index, (row, label) in enumerate(zip(rows, labels, strict=True)):
        x = LEFT + index * slot + (slot - bar) / 2
        middle = x + bar / 2
        tip = escape(f"{row.label}: {row.figure}")
        figure = row.figure
        if figure.shown:
            height = baseline - y(figure.value)
            parts.append(
                f'<rect class="chart__bar" x="{x:.1f}" y="{y(figure.value):.1f}" '
                f'width="{bar:.1f}" height="{height:.1f}"><title>{tip}</title></rect>'
            )
        elif figure.mark == SMALL:
            # The same outline for every "<5": from 0 to 5, whatever the count is.
            parts.append(
                f'<rect class="chart__bar chart__bar--small" x="{x:.1f}" '
                f'y="{y(THRESHOLD):.1f}" width="{bar:.1f}" '
                f'height="{baseline - y(THRESHOLD):.1f}"><title>{tip}</title></rect>'
            )
        else:
            parts.append(
                f'<text class="chart__mark" x="{middle:.1f}" y="{baseline - 4:.1f}" '
                f'text-anchor="middle">{escape(figure.mark)}<title>{tip}</title></text>'
            )
        if index % step == 0:
            parts.append(
                f'<text class="chart__label" x="{middle:.1f}" y="{baseline + 16:.1f}" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
    parts.append(
        f'<line class="chart__axis" x1="{LEFT}" x2="{WIDTH - 8}" '
        f'y1="{baseline:.1f}" y2="{baseline:.1f}"/>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (our own markup, every text escaped)


def _scale_top(rows):
    """The top of the value axis, from shown values only (and 5 for a "<5" outline): a
    scale set by a hidden count would tell how big it is."""
    highest = max(
        [row.figure.value for row in rows if row.figure.shown]
        + [THRESHOLD if any(row.figure.mark == SMALL for row in rows) else 0]
    )
    if highest <= 0:
        return 2
    for nice in (2, 4, 6, 10):
        if highest <= nice:
            return nice
    magnitude = 10 ** (len(str(highest)) - 1)
    for factor in (1, 2, 5, 10):
        if highest <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def for_statistics(statistics):
    """The page's three charts: per week, per day and per hour of the day."""
    about = _("Staafdiagram; de tabel eronder geeft dezelfde aantallen.")
    if statistics.suppressed:
        about = _(
            "Staafdiagram; de tabel eronder geeft dezelfde aantallen. “<5” staat er als een "
            "gestippelde omtrek tot 5, “x” en “–” als een teken zonder staaf."
        )
    return {
        "per_week": bar_chart(
            "chart-week",
            str(statistics.per_week.title),
            about,
            statistics.per_week.rows,
            labels=[row.key.split("-")[1] for row in statistics.per_week.rows],
        ),
        "per_day": bar_chart(
            "chart-day",
            str(statistics.per_day.title),
            about,
            statistics.per_day.rows,
            labels=[row.key[8:10] + "-" + row.key[5:7] for row in statistics.per_day.rows],
        ),
        "per_hour": bar_chart(
            "chart-hour",
            str(statistics.per_hour.title),
            about,
            statistics.per_hour.rows,
            labels=[row.key for row in statistics.per_hour.rows],
        ),
    }
