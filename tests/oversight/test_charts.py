"""The server-drawn SVG charts: accessible, and blind to the counts they must not show."""

import re
from datetime import date

import pytest

from oversight import charts, statistics
from oversight.statistics import Figure, Row
from tests.oversight.seed import contact, local


def hour_chart(busy_hour_count):
    """The per-hour chart of 1 contact at 09h, `busy_hour_count` at 10h and 30 at 11h."""
    for hour, count in ((9, 1), (10, busy_hour_count), (11, 30)):
        for _ in range(count):
            contact(local("2026-06-01", hour))
    figures = statistics.suppress(statistics.compute(date(2026, 6, 1), date(2026, 6, 1)))
    return figures.per_hour, charts.for_statistics(figures)["per_hour"]


@pytest.mark.django_db
def test_a_hidden_count_changes_nothing_in_the_chart():
    table, chart = hour_chart(20)
    assert [str(row.figure) for row in table.rows][9:12] == ["<5", "x", "30"]
    statistics.ContactRecord.objects.all().delete()
    other_table, other_chart = hour_chart(25)
    assert [str(row.figure) for row in other_table.rows] == [str(r.figure) for r in table.rows]
    assert chart == other_chart


def test_a_small_count_is_an_outline_up_to_five_whatever_it_is():
    rows = [Row("a", "A", Figure(None, "<5")), Row("b", "B", Figure(10))]
    svg = charts.bar_chart("c", "Titel", "Uitleg", rows)
    small = re.search(r'<rect class="chart__bar chart__bar--small"[^>]*height="([\d.]+)"', svg)
    full = re.search(r'<rect class="chart__bar" [^>]*height="([\d.]+)"', svg)
    assert float(small.group(1)) == pytest.approx(float(full.group(1)) / 2)


def test_the_scale_comes_from_shown_counts_only():
    rows = [Row("a", "A", Figure(None, "x")), Row("b", "B", Figure(7))]
    svg = charts.bar_chart("c", "Titel", "Uitleg", rows)
    ticks = re.findall(r'<text class="chart__tick"[^>]*>(\d+)</text>', svg)
    assert ticks == ["0", "5", "10"]
    assert ">x<title>A: x</title></text>" in svg


def test_it_is_an_accessible_image_with_escaped_text():
    rows = [Row("a", "<b>&", Figure(3))]
    svg = charts.bar_chart("c", "Titel <i>", "Uitleg & meer", rows)
    assert svg.startswith('<svg class="chart" viewBox="0 0 720 240" role="img" ')
    assert 'aria-labelledby="c-title c-desc"' in svg
    assert '<title id="c-title">Titel &lt;i&gt;</title>' in svg
    assert '<desc id="c-desc">Uitleg &amp; meer</desc>' in svg
    assert "<b>" not in svg and "&lt;b&gt;&amp;" in svg
