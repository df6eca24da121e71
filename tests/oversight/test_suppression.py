"""The suppression rule (oversight.statistics.protect), checked against a brute-force attacker.

The attacker knows the table's total, every shown count, that "<5" is 1 to 4 and "x" is 5
or more. For every "<5" cell we list every value it can have in some filling-in of all
suppressed cells that adds up to the total: that must always be all of 1, 2, 3 and 4.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oversight.statistics import HIDDEN, NOT_SHOWN, SMALL, Figure, primary, protect


def marks(counts, **kwargs):
    return [str(figure) for figure in protect(counts, **kwargs)]


def possible_values(figures, total):
    """For each suppressed cell: the values it can take given the total and the marks."""
    ranges = []
    rest = total
    for figure in figures:
        if figure.mark == SMALL:
            ranges.append(range(1, 5))
        elif figure.mark == HIDDEN:
            ranges.append(range(5, total + 1))
        else:
            rest -= figure.value
            ranges.append(None)
    suppressed = [r for r in ranges if r is not None]
    possible = []
    for i, own in enumerate(suppressed):
        sums = {0}
        for j, other in enumerate(suppressed):
            if j != i:
                sums = {s + v for s in sums for v in other if s + v <= rest}
        possible.append({v for v in own if rest - v in sums})
    return possible


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ([0, 0, 0], ["0", "0", "0"]),  # a 0 describes no one and is shown
        ([5, 12], ["5", "12"]),
        ([0, 20, 6, 4], ["0", "20", "x", "<5"]),  # one small cell: hide one more
        ([22, 6, 2], ["x", "6", "<5"]),  # a hidden 6 would leave the 2 at most 3
        ([3, 25, 2], ["<5", "25", "<5"]),  # 3 + 2 = 5: each can still be 1 to 4
        ([8, 3, 1], ["x", "<5", "<5"]),  # 3 + 1 = 4: each at most 3 without the 8
        ([1, 6, 7], ["<5", "x", "x"]),  # no single count is enough: two are hidden
        ([4, 4], ["–", "–"]),  # a total of 8 makes both 4: nothing can be shown
        ([1, 5], ["–", "–"]),
        ([1, 6, 5], ["–", "–", "–"]),
        ([3], ["–"]),  # the cell is the total
    ],
)
def test_it_suppresses_small_counts_and_what_would_give_them_away(counts, expected):
    assert marks(counts) == expected


def test_without_a_total_only_small_counts_are_hidden():
    assert marks([1, 5, 0, 4], adds_up=False) == ["<5", "5", "0", "<5"]


def test_a_count_on_its_own():
    assert [str(primary(n)) for n in (0, 1, 4, 5, 99)] == ["0", "<5", "<5", "5", "99"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=14), min_size=1, max_size=6))
def test_no_small_count_can_be_worked_out_from_the_total(counts):
    figures = protect(counts)
    total = sum(counts)
    if any(figure.mark == NOT_SHOWN for figure in figures):
        assert all(figure.mark == NOT_SHOWN for figure in figures)
        return
    for figure, count in zip(figures, counts, strict=True):
        if figure.shown:
            assert figure.value == count
        elif figure.mark == SMALL:
            assert 1 <= count <= 4
        else:
            assert figure.mark == HIDDEN and count >= 5
    suppressed = [figure for figure in figures if not figure.shown]
    for figure, values in zip(suppressed, possible_values(figures, total), strict=True):
        if figure.mark == SMALL:
            assert values == {1, 2, 3, 4}, (counts, [str(f) for f in figures])
        else:
            assert len(values) >= 4, (counts, [str(f) for f in figures])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=14), min_size=1, max_size=6))
def test_a_table_is_withheld_only_when_hiding_more_could_not_protect_it(counts):
    if any(figure.mark != NOT_SHOWN for figure in protect(counts)):
        return
    # The most the rule can do: hide every count of 5 or more. That must fail too.
    everything = [
        Figure(0) if count == 0 else Figure(None, SMALL if count < 5 else HIDDEN)
        for count in counts
    ]
    suppressed = [figure for figure in everything if not figure.shown]
    values = possible_values(everything, sum(counts))
    assert any(
        v != {1, 2, 3, 4}
        for figure, v in zip(suppressed, values, strict=True)
        if figure.mark == SMALL
    )
