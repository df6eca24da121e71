"""No figure of the evaluation report can be worked out, across the quarters and the whole
pilot: checked by an attacker who knows every shown figure, what the marks mean, and every
quarter's and the whole pilot's total, and tries every filling-in of the suppressed cells.

The attacker here is independent of oversight/grids.py (which reasons with flows): it
enumerates, column by column, every way the suppressed cells can be filled in that keeps
each quarter's total and each category's whole-pilot figure, and lists the values each
cell can have. Every "<5" must still be able to be each of 1, 2, 3 and 4.
"""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oversight import evaluation
from oversight.grids import protect_grid
from oversight.statistics import HIDDEN, NOT_SHOWN, SMALL
from tests.oversight.evaluation_seed import plant_pilot

TODAY = date(2026, 12, 3)


def domain(figure, top):
    if figure.shown:
        return [figure.value]
    if figure.mark == SMALL:
        return [1, 2, 3, 4]
    if figure.mark == HIDDEN:
        return list(range(5, top + 1))
    assert figure.mark == NOT_SHOWN
    return list(range(0, top + 1))


def column_fillings(column, whole, top):
    """Every (quarter values…, whole value) for one category."""
    fillings = [()]
    for figure in column:
        fillings = [f + (v,) for f in fillings for v in domain(figure, top) if sum(f) + v <= top]
    return [f + (sum(f),) for f in fillings if sum(f) in domain(whole, top)]


def possible(quarters, whole, row_totals, adds_up):
    """{(quarter or "w", category): the values it can have}, over every filling-in."""
    top = sum(row_totals) if adds_up else sum(row_totals) + 10
    columns = len(whole)
    per_column = [
        column_fillings([row[j] for row in quarters], whole[j], top) for j in range(columns)
    ]
    rows = len(quarters)
    if not adds_up:
        found = {}
        for j, fillings in enumerate(per_column):
            for filling in fillings:
                for i, value in enumerate(filling):
                    found.setdefault(("w" if i == rows else i, j), set()).add(value)
        return found
    # The quarters' totals: reachable partial sums after each column, forwards and back.
    forward = [{(0,) * rows}]
    for fillings in per_column:
        forward.append(
            {
                tuple(s + v for s, v in zip(state, f[:rows], strict=True))
                for state in forward[-1]
                for f in fillings
                if all(s + v <= t for s, v, t in zip(state, f[:rows], row_totals, strict=True))
            }
        )
    backward = [set() for _column in range(columns + 1)]
    backward[columns] = {tuple(row_totals)}
    for j in range(columns - 1, -1, -1):
        backward[j] = {
            state
            for state in forward[j]
            for f in per_column[j]
            if tuple(s + v for s, v in zip(state, f[:rows], strict=True)) in backward[j + 1]
        }
    found = {}
    for j, fillings in enumerate(per_column):
        for state in backward[j]:
            for f in fillings:
                if tuple(s + v for s, v in zip(state, f[:rows], strict=True)) in backward[j + 1]:
                    for i, value in enumerate(f):
                        found.setdefault(("w" if i == rows else i, j), set()).add(value)
    return found


def assert_protected(quarters, whole, true_quarters, adds_up):
    if not adds_up and len(whole) > 1:  # no quarter's total: each category on its own
        for j in range(len(whole)):
            assert_protected(
                [[row[j]] for row in quarters],
                [whole[j]],
                [[row[j]] for row in true_quarters],
                False,
            )
        return
    everything = [f for row in quarters for f in row] + list(whole)
    if any(figure.mark == NOT_SHOWN for figure in everything):
        # Withheld: a table that cannot be protected shows nothing at all (its totals are
        # the counts, protected on their own).
        assert all(figure.mark == NOT_SHOWN for figure in everything)
        return
    true_whole = [sum(row[j] for row in true_quarters) for j in range(len(whole))]
    found = possible(quarters, whole, [sum(row) for row in true_quarters], adds_up)
    cells = {(i, j): quarters[i][j] for i in range(len(quarters)) for j in range(len(whole))}
    cells.update({("w", j): whole[j] for j in range(len(whole))})
    for cell, figure in cells.items():
        i, j = cell
        value = true_whole[j] if i == "w" else true_quarters[i][j]
        if figure.shown:
            assert figure.value == value
            continue
        assert value in found[cell]  # the truth is among them
        if 0 < value < 5:
            assert {1, 2, 3, 4} <= found[cell], (cell, true_quarters, found[cell])


@settings(max_examples=120, deadline=None)
@given(
    st.integers(min_value=1, max_value=3).flatmap(
        lambda columns: st.lists(
            st.lists(st.integers(min_value=0, max_value=9), min_size=columns, max_size=columns),
            min_size=1,
            max_size=3,
        )
    ),
    st.booleans(),
)
def test_no_small_count_can_be_worked_out_across_the_quarters(quarters, adds_up):
    whole = [sum(row[j] for row in quarters) for j in range(len(quarters[0]))]
    figures, overall = protect_grid(quarters, whole, adds_up=adds_up)
    assert_protected(figures, overall, quarters, adds_up)


def test_a_small_first_quarter_is_protected_against_the_whole_pilot():
    figures, overall = protect_grid([[3], [20]], [23], adds_up=False)
    assert [str(f) for f in overall] == ["23"] and str(figures[0][0]) == "<5"
    assert str(figures[1][0]) != "20"  # else 23 − 20 gives the 3 away


@pytest.fixture
def report(db, settings):
    settings.PILOT_START = None
    plant_pilot()
    return evaluation.build(today=TODAY)


def exact_of(key):
    every = evaluation.periods(TODAY)
    from oversight import statistics

    exact = {each.key: statistics.compute(each.start, each.end) for each in every}
    rows = evaluation._rows(exact, every, key)
    return [
        [evaluation._by_key(evaluation._table(exact[each.key], key)).get(k, 0) for k, _l in rows]
        for each in every[:-1]
    ]


@pytest.mark.parametrize(("key", "total"), evaluation.GRID_TABLES)
def test_every_table_of_the_report_is_protected_across_quarters_and_the_whole_pilot(
    report, key, total
):
    tables = [evaluation._table(report.by_period[each.key], key) for each in report.periods]
    quarters = [[row.figure for row in table.rows] for table in tables[:-1]]
    whole = [row.figure for row in tables[-1].rows]
    exact = exact_of(key)
    # Themes have no quarter's total: each theme on its own, against its whole-pilot figure.
    assert_protected(quarters, whole, exact, total is not None)


def test_the_counts_on_their_own_are_protected_across_the_quarters(report):
    from oversight import statistics

    every = evaluation.periods(TODAY)
    exact = {each.key: statistics.compute(each.start, each.end) for each in every}
    for name, _label in evaluation.COUNTS:
        published = {
            "contacts": lambda s: s.contacts,
            "transferred": lambda s: s.transferred,
            "closed": lambda s: s.closed,
            "referrals": lambda s: s.referrals.by_partner.total,
            "without_consent": lambda s: s.referrals.without_consent,
            "feedback_answered": lambda s: s.feedback_answered,
            "feedback_text": lambda s: s.feedback_text,
        }[name]
        cells = [published(report.by_period[each.key]) for each in every]
        true = [[evaluation._count(exact[each.key], name)] for each in every[:-1]]
        assert_protected([[cell] for cell in cells[:-1]], [cells[-1]], true, False)


def test_the_period_shown_is_the_same_as_its_column_in_the_trends(report):
    for trend in report.trends:
        table = evaluation._table(report.by_period["2026-K3"], trend.key)
        assert [row.figure for row in table.rows] == [cells[0] for cells in trend.cells]
