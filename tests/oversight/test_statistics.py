"""The published statistics of the seeded data set (tests/oversight/seed.py), worked out by
hand: `statistics.suppress()` of the exact figures, as the CSV and the report get them (the
team's page shows them exact: tests/oversight/test_statistics_views.py).

How the marks come about is written next to each table: "<5" is a count of 1 to 4, "x" a
count hidden so that a "<5" cannot be worked out from the total, "–" not shown at all.
"""

from datetime import date

import pytest

from oversight import statistics
from tests.oversight.seed import contact, local, seed

START, END = date(2026, 11, 2), date(2026, 11, 15)


def shown(table):
    return {row.key: str(row.figure) for row in table.rows}


@pytest.fixture
def figures(db):
    seed()
    return statistics.suppress(statistics.compute(START, END))


def test_it_counts_the_contacts_of_the_period_in_local_time(figures):
    # The contacts at local 1 Nov 23:00 and 16 Nov 00:00 (15 Nov in UTC) are outside.
    assert str(figures.contacts) == "30"
    assert str(figures.per_week.total) == "30"


def test_results_hide_a_second_count_when_one_is_small(figures):
    # waiting 0, answered 20, abandoned 6, message 4: with the total of 30 the lone 4 would
    # follow from the others, so the smallest count that hides it (6) is hidden too.
    assert shown(figures.results) == {
        "waiting": "0",
        "answered": "20",
        "abandoned": "x",
        "left": "0",  # taken, then the visitor went away (chat/leaving.py): its own row
        "message": "<5",
    }
    assert str(figures.results.total) == "30"


def test_abandonment_is_not_shown_next_to_a_hidden_count(figures):
    assert str(figures.abandonment) == "–"


def test_waiting_time_and_duration_by_nearest_rank(figures):
    # Waits of the 20 answered: 10, 20, … 200 s (the abandoned ones' 1000 s do not count).
    # Median: rank ceil(0.5 × 20) = 10 → 100 s; 90th percentile: rank 18 → 180 s.
    assert figures.wait_median.seconds == 100 and str(figures.wait_median) == "1:40"
    assert figures.wait_p90.seconds == 180 and str(figures.wait_p90) == "3:00"
    # Durations: 19 of them, 60 … 1140 s. Median rank ceil(9.5) = 10, p90 rank ceil(17.1) = 18.
    assert figures.duration_median.seconds == 600 and str(figures.duration_median) == "10:00"
    assert figures.duration_p90.seconds == 1080 and str(figures.duration_p90) == "18:00"


def test_per_week_and_per_day(figures):
    assert shown(figures.per_week) == {"2026-W45": "16", "2026-W46": "14"}
    # Week 45: 6, 2, 0, 7, 1, 0, 0. The 2 and the 1 add up to 3 given the week's 16, so
    # each could only be 1 or 2: the 7 (the smallest that is enough on its own) is hidden.
    # Week 46: 5, 3, 0, 2, 0, 0, 4. The three small ones add up to 9: each can still be
    # anything from 1 to 4, so nothing else is hidden.
    assert shown(figures.per_day) == {
        "2026-11-02": "6",
        "2026-11-03": "<5",
        "2026-11-04": "0",
        "2026-11-05": "x",
        "2026-11-06": "<5",
        "2026-11-07": "0",
        "2026-11-08": "0",
        "2026-11-09": "5",
        "2026-11-10": "<5",
        "2026-11-11": "0",
        "2026-11-12": "<5",
        "2026-11-13": "0",
        "2026-11-14": "0",
        "2026-11-15": "<5",
    }


def test_per_hour_of_the_local_day(figures):
    # 00h 1 (local midnight), 09h 5, 10h 6, 14h 9, 20h 8, 23h 1 (just before midnight).
    # The two 1s add up to 2: each must be 1. A hidden 5, 6 or 7 would still leave a 1 no
    # room to be 4, so the 8 is hidden.
    expected = {f"{hour:02d}": "0" for hour in range(24)}
    expected.update({"00": "<5", "09": "5", "10": "6", "14": "9", "20": "x", "23": "<5"})
    assert shown(figures.per_hour) == expected
    assert str(figures.per_hour.total) == "30"


def test_intake_categories(figures):
    # self 22, relative 6, professional 2: hiding the 6 would leave the 2 between 1 and 3,
    # so the 22 is hidden instead.
    assert shown(figures.for_whom) == {"self": "x", "relative": "6", "professional": "<5"}
    # yes 3, no 25, unsaid 2: the two small ones add up to 5, so each is still 1 to 4.
    assert shown(figures.minor) == {"yes": "<5", "no": "25", "unsaid": "<5"}
    assert shown(figures.in_danger) == {"yes": "<5", "no": "x"}
    assert shown(figures.with_account) == {"yes": "8", "no": "22"}
    assert str(figures.transferred) == "<5"


def test_closing_form(figures):
    assert str(figures.closed) == "12"
    # listened 8, information 3, safety plan 1 of 12: the 3 and 1 add up to 4, so each
    # could be at most 3; the 8 is hidden.
    assert shown(figures.outcomes) == {
        "listened": "x",
        "information": "<5",
        "safety_plan": "<5",
        "referral": "0",
        "pointed": "0",
        "follow_up": "0",
        "ended_early": "0",
        "not_relevant": "0",
    }
    # religious 1, family 6, online 5 of 12: even with both 6 and 5 hidden the 1 could be
    # at most 2, so the whole table is not shown.
    assert figures.group_context.hidden
    assert set(shown(figures.group_context).values()) == {"–"}
    assert str(figures.group_context.total) == "12"


def test_themes_do_not_add_up_so_only_small_counts_are_hidden(figures):
    assert shown(figures.themes) == {
        "psychological": "6",
        "physical": "0",
        "sexual": "0",
        "exploitation": "0",
        "shunning": "5",
        "leaving": "<5",
        "children": "<5",
        "relative": "0",
        "health": "0",
        "honour": "0",
        "aftercare": "0",
        "other": "0",
    }
    assert figures.themes.total is None


def test_hidden_figures_carry_no_value(figures):
    for table in figures.tables():
        for row in table.rows:
            assert (row.figure.value is None) == bool(row.figure.mark)


@pytest.mark.django_db
def test_it_shows_the_abandonment_share_when_both_counts_are_shown():
    for i in range(20):
        result = "answered" if i < 15 else "abandoned"
        contact(local("2026-06-01", 10), result=result, wait_seconds=i)
    figures = statistics.suppress(statistics.compute(date(2026, 6, 1), date(2026, 6, 1)))
    assert str(figures.abandonment) == "25%"


@pytest.mark.django_db
def test_it_does_not_show_percentiles_over_fewer_than_five_values():
    for seconds in (10, 20, 30, 40):
        contact(local("2026-06-01", 10), wait_seconds=seconds, duration_seconds=seconds)
    figures = statistics.suppress(statistics.compute(date(2026, 6, 1), date(2026, 6, 1)))
    assert str(figures.wait_median) == str(figures.duration_p90) == "–"
    assert str(figures.contacts) == "<5"
    assert str(figures.abandonment) == "–"


@pytest.mark.django_db
def test_days_and_hours_are_local_in_summer_time_too():
    # 21:00 UTC on 1 July is 23:00 on 1 July in Amsterdam (CEST, UTC+2); 22:00 UTC is 2 July.
    for _ in range(5):
        contact(local("2026-07-01", 23))
        contact(local("2026-07-02", 0))
    figures = statistics.suppress(statistics.compute(date(2026, 7, 1), date(2026, 7, 1)))
    assert str(figures.contacts) == "5"
    assert shown(figures.per_hour)["23"] == "5"
    assert shown(figures.per_hour)["00"] == "0"
    assert shown(figures.per_day) == {"2026-07-01": "5"}


@pytest.mark.django_db
def test_a_table_whose_total_is_small_is_not_shown():
    # Two contacts: with a total below 5 no cell can be shown without narrowing it down.
    contact(local("2026-07-01", 23))
    contact(local("2026-07-01", 23))
    figures = statistics.suppress(statistics.compute(date(2026, 7, 1), date(2026, 7, 1)))
    assert str(figures.contacts) == "<5"
    assert figures.per_hour.hidden and figures.results.hidden
    assert str(figures.per_hour.total) == "<5"


@pytest.mark.django_db
def test_the_days_of_a_week_that_is_not_shown_are_not_shown():
    # Weeks 23, 24, 25 with 3, 20 and 6 contacts: week 23 shows "<5" and week 25 is hidden
    # for it; their days would add up to them, so none of their days is shown.
    for day, count in (("2026-06-01", 3), ("2026-06-08", 15), ("2026-06-10", 5)):
        for _ in range(count):
            contact(local(day, 10))
    for _ in range(6):
        contact(local("2026-06-16", 10))
    figures = statistics.suppress(statistics.compute(date(2026, 6, 1), date(2026, 6, 21)))
    assert shown(figures.per_week) == {"2026-W23": "<5", "2026-W24": "20", "2026-W25": "x"}
    days = shown(figures.per_day)
    assert {days[f"2026-06-{d:02d}"] for d in range(1, 8)} == {"–"}
    assert {days[f"2026-06-{d:02d}"] for d in range(15, 22)} == {"–"}
    assert days["2026-06-08"] == "15" and days["2026-06-10"] == "5" and days["2026-06-09"] == "0"


@pytest.mark.django_db
def test_a_week_cut_by_the_period_is_marked_partial():
    figures = statistics.suppress(statistics.compute(date(2026, 6, 3), date(2026, 6, 9)))
    assert [row.key for row in figures.per_week.rows] == ["2026-W23", "2026-W24"]
    assert all("deels" in str(row.label) for row in figures.per_week.rows)


def test_rows_are_labelled_in_dutch(figures):
    assert [str(row.label) for row in figures.per_week.rows] == [
        "week 45 (2 nov – 8 nov)",
        "week 46 (9 nov – 15 nov)",
    ]
    assert str(figures.per_day.rows[0].label) == "ma 2 nov 2026"
    assert str(figures.per_hour.rows[23].label) == "23:00–24:00"
