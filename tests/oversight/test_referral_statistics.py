"""Referrals in the statistics: by partner, by state, and how many were made without consent."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from handover.models import Referral
from oversight import statistics
from partners.models import Partner
from tests.conftest import log_in
from tests.oversight.seed import local


def partner(slug, name):
    return Partner.objects.create(slug=slug, name=name, kind=Partner.Kind.CARE, summary="-")


def referral(to, state, *, created, without_consent=False):
    made = Referral.objects.create(
        partner=to,
        purpose=Referral.Purpose.ADVICE,
        state=state,
        without_consent=without_consent,
        summary="-",
    )
    Referral.objects.filter(pk=made.pk).update(created_at=created)


@pytest.fixture
def figures(db):
    a, b, c = partner("a-test", "A-hulp"), partner("b-test", "B-hulp"), partner("c-test", "C-hulp")
    # A 6, B 3, C 1; sent 7, draft 2, in review 1; 5 of them without consent.
    plan = [(a, "sent")] * 6 + [(b, "sent"), (b, "draft"), (b, "draft"), (c, "in_review")]
    for i, (to, state) in enumerate(plan):
        referral(to, state, created=local("2026-11-02", 10), without_consent=i < 5)
    # Outside the period: local midnight after its end (still 15 November in UTC).
    referral(c, "sent", created=local("2026-11-16", 0), without_consent=True)
    return statistics.suppress(statistics.compute(date(2026, 11, 2), date(2026, 11, 15))).referrals


def shown(table):
    return {row.label: str(row.figure) for row in table.rows}


def test_referrals_by_partner(figures):
    # 6, 3 and 1 of 10: the 3 and the 1 add up to 4, so the 6 is hidden as well.
    assert shown(figures.by_partner) == {"A-hulp": "x", "B-hulp": "<5", "C-hulp": "<5"}
    assert str(figures.by_partner.total) == "10"


def test_referrals_by_state(figures):
    by_state = {row.key: str(row.figure) for row in figures.by_state.rows}
    assert by_state == {state: "0" for state in Referral.State.values} | {
        "draft": "<5",
        "in_review": "<5",
        "sent": "x",
    }
    assert str(figures.by_state.total) == "10"


def test_referrals_without_consent(figures):
    assert str(figures.without_consent) == "5"


def test_the_page_shows_them(client, sam, figures):
    log_in(client, sam)
    period = {"start": "2026-11-02", "end": "2026-11-15"}
    html = client.get(reverse("oversight-statistics"), period).content.decode()
    assert "Verwijzingen per partner" in html and "A-hulp" in html
    assert "Verwijzingen zonder toestemming van de cliënt (meldcode)" in html


def test_the_csv_holds_them(client, sam, figures):
    log_in(client, sam)
    period = {"start": "2026-11-02", "end": "2026-11-15"}
    response = client.get(reverse("oversight-statistics-csv"), period)
    values = {(t, k): v for t, k, _label, v in csv.reader(io.StringIO(response.content.decode()))}
    a = Partner.objects.get(slug="a-test")
    assert values[("samenvatting", "verwijzingen_zonder_toestemming")] == "5"
    assert values[("referrals_by_partner", str(a.pk))] == "x"
    assert values[("referrals_by_partner", "totaal")] == "10"
    assert values[("referrals_by_state", "sent")] == "x"
    assert values[("referrals_by_state", "draft")] == "<5"


def test_a_period_without_referrals_counts_none(db):
    figures = statistics.suppress(
        statistics.compute(date(2026, 11, 2), date(2026, 11, 15))
    ).referrals
    assert figures.by_partner.rows == ()
    assert {str(row.figure) for row in figures.by_state.rows} == {"0"}
    assert str(figures.without_consent) == "0"
