"""The statistics page and its CSV: who may see them, the period, and what they show."""

import csv
import io
import re

import pytest
from django.urls import reverse

from oversight import statistics
from tests.conftest import log_in
from tests.oversight.seed import seed

PAGE = reverse("oversight-statistics")
CSV = reverse("oversight-statistics-csv")
PERIOD = {"start": "2026-11-02", "end": "2026-11-15"}


@pytest.fixture
def supervisor(client, sam):
    return log_in(client, sam)


def rows_of(response):
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.mark.django_db
@pytest.mark.parametrize("url", [PAGE, CSV])
def test_anonymous_visitors_are_sent_to_the_staff_log_in(client, url):
    response = client.get(url, PERIOD)
    assert response.status_code == 302
    assert response.url.startswith(reverse("staff-login"))


@pytest.mark.parametrize("url", [PAGE, CSV])
def test_clients_are_sent_away(client, robin, url):
    log_in(client, robin)
    response = client.get(url, PERIOD)
    assert response.status_code == 302
    assert response.url.startswith(reverse("staff-login"))


@pytest.mark.parametrize("url", [PAGE, CSV])
def test_counsellors_are_refused(client, hana, url):
    log_in(client, hana)
    assert client.get(url, PERIOD).status_code == 403


@pytest.mark.parametrize("url", [PAGE, CSV])
def test_a_supervisor_without_the_second_factor_is_sent_to_it(client, sam, url):
    log_in(client, sam, verified=False)
    response = client.get(url, PERIOD)
    assert response.status_code == 302
    assert response.url == reverse("staff-otp")


def test_admins_may_see_them(admin_client):
    assert admin_client.get(PAGE, PERIOD).status_code == 200
    assert admin_client.get(CSV, PERIOD).status_code == 200


def test_it_only_answers_reads(supervisor):
    assert supervisor.post(PAGE, PERIOD).status_code == 405


def test_the_page_shows_exact_figures_and_says_so(supervisor):
    seed()
    response = supervisor.get(PAGE, PERIOD)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Statistiek</h1>" in html
    assert "Exacte cijfers, alleen voor het team" in html
    assert "Voor buiten de organisatie: kleine aantallen afgeschermd" in html
    # The 4 left messages and 6 abandoned contacts the CSV hides ("<5", "x"), as they are.
    assert '<tr><th scope="row">achtergelaten bericht</th><td class="num">4</td></tr>' in html
    assert '<tr><th scope="row">weggegaan in de wachtrij</th><td class="num">6</td></tr>' in html
    assert '<td class="num">&lt;5</td>' not in html
    assert '<td class="num">x</td>' not in html
    assert html.count('role="img"') == 3
    assert f"{CSV}?start=2026-11-02&amp;end=2026-11-15" in html


def test_the_hour_of_day_is_a_chart_with_its_table_folded(supervisor):
    seed()
    html = supervisor.get(PAGE, PERIOD).content.decode()
    section = html[html.index("<h3>Per uur van de dag</h3>") : html.index("<h3>Per week</h3>")]
    assert '<svg class="chart"' in section and 'id="chart-hour-title"' in section
    chart_end = section.index("</svg>")
    details = section.index("<details>")
    assert chart_end < details < section.index("Contacten per uur van de dag</caption>")
    assert section.index("</details>") > section.index("23:00–24:00")


def test_it_defaults_to_the_last_four_weeks(supervisor, settings):
    response = supervisor.get(PAGE)
    form = response.context["form"]
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    assert (end - start).days == 27


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ({"start": "2026-11-15", "end": "2026-11-02"}, "De einddatum ligt vóór de begindatum."),
        ({"start": "2025-01-01", "end": "2026-01-02"}, "hoogstens 366 dagen"),
        ({"start": "morgen", "end": "2026-01-02"}, "Voer een geldige datum in."),
    ],
)
def test_it_refuses_a_bad_period(supervisor, query, error):
    response = supervisor.get(PAGE, query)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert "statistics" not in response.context
    assert supervisor.get(CSV, query).status_code == 400


def test_a_year_of_366_days_is_allowed(supervisor):
    response = supervisor.get(PAGE, {"start": "2028-01-01", "end": "2028-12-31"})
    assert response.context["statistics"].per_day.rows[-1].key == "2028-12-31"


def test_the_csv_holds_the_same_suppressed_figures(supervisor):
    seed()
    response = supervisor.get(CSV, PERIOD)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="hoc-statistiek-2026-11-02-2026-11-15.csv"'
    )
    rows = rows_of(response)
    assert rows[0] == ["tabel", "code", "omschrijving", "waarde"]
    values = {(table, key): value for table, key, _label, value in rows[1:]}
    assert values[("periode", "van")] == "2026-11-02"
    assert values[("periode", "tot_en_met")] == "2026-11-15"
    expected = {
        ("samenvatting", "contacten"): "30",
        ("samenvatting", "wegloop"): "–",
        ("samenvatting", "wachttijd_mediaan"): "100",
        ("samenvatting", "wachttijd_p90"): "180",
        ("samenvatting", "duur_mediaan"): "600",
        ("samenvatting", "duur_p90"): "1080",
        ("samenvatting", "doorverbonden"): "<5",
        ("samenvatting", "afgesloten"): "12",
        ("results", "waiting"): "0",
        ("results", "answered"): "20",
        ("results", "abandoned"): "x",
        ("results", "message"): "<5",
        ("results", "totaal"): "30",
        ("per_week", "2026-W45"): "16",
        ("per_week", "2026-W46"): "14",
        ("per_day", "2026-11-05"): "x",
        ("per_day", "2026-11-06"): "<5",
        ("per_hour", "20"): "x",
        ("per_hour", "23"): "<5",
        ("for_whom", "self"): "x",
        ("for_whom", "relative"): "6",
        ("for_whom", "professional"): "<5",
        ("minor", "no"): "25",
        ("in_danger", "no"): "x",
        ("outcomes", "listened"): "x",
        ("outcomes", "totaal"): "12",
        ("group_context", "family"): "–",
        ("themes", "leaving"): "<5",
    }
    assert {key: values[key] for key in expected} == expected
    assert ("themes", "totaal") not in values
    # Every value is a date, a shown count or a mark: the hidden counts appear nowhere.
    for table, key, _label, value in rows[3:]:
        assert re.fullmatch(r"\d+|<5|x|–", value), (table, key, value)
    assert not {value for *_rest, value in rows if value in ("1", "2", "3", "4")}


def test_the_csv_is_the_page_suppressed(supervisor):
    seed()
    exact = supervisor.get(PAGE, PERIOD).context["statistics"]
    published = statistics.suppress(exact)
    values = {(t, k): v for t, k, _l, v in rows_of(supervisor.get(CSV, PERIOD))[1:]}
    for table, shown in zip(exact.tables(), published.tables(), strict=True):
        for row, out in zip(table.rows, shown.rows, strict=True):
            assert values[(table.key, row.key)] == str(out.figure)
            # What the CSV shows as a number is the exact number; the rest is a mark.
            assert str(out.figure) in (str(row.figure), "<5", "x", "–")


def test_the_page_asks_nothing_of_another_host(supervisor):
    seed()
    html = supervisor.get(PAGE, PERIOD).content.decode()
    for attribute, value in re.findall(r'\b(src|href|action|xlink:href)="([^"]*)"', html):
        assert not re.match(r"\s*(https?:)?//", value), f"{attribute}={value}"
    assert not re.search(r"<svg[^>]*xmlns", html)
    assert "@import" not in html and "url(" not in html


def test_the_charts_keep_to_the_strict_csp(supervisor):
    seed()
    response = supervisor.get(PAGE, PERIOD)
    html = response.content.decode()
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    svgs = re.findall(r"<svg.*?</svg>", html, re.DOTALL)
    assert len(svgs) == 3
    for svg in svgs:
        assert not re.search(r"\sstyle\s*=|<style|<script|\son[a-z]+\s*=", svg)
