"""The evaluation report: who may open it, what it shows, its audit lines, the wide CSV for
a Dutch spreadsheet, the partners' part, and the visitors' feedback in the statistics."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from chat.models import Feedback
from oversight import evaluation, statistics
from tests.conftest import log_in
from tests.oversight.evaluation_seed import plant_pilot

PAGE = reverse("oversight-evaluation")
CSV = reverse("oversight-evaluation-csv")
TODAY = date(2026, 12, 3)


@pytest.fixture
def pilot(db, settings, monkeypatch):
    # The report's "today": the last quarter runs up to it.
    monkeypatch.setattr(evaluation.timezone, "localdate", lambda *args, **kwargs: TODAY)
    settings.PILOT_START = None
    plant_pilot()


def rows_of(response):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=";"))


# --- Who may see it ---------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", [PAGE, CSV])
def test_only_supervisors_open_the_report(client, hana, url):
    log_in(client, hana)
    assert client.get(url).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("url", [PAGE, CSV])
def test_a_client_or_visitor_does_not_get_it(client, robin, url):
    assert client.get(url).status_code in (302, 403)
    log_in(client, robin)
    assert client.get(url).status_code in (302, 403)


def test_an_unknown_period_or_part_is_not_found(client, sam, pilot):
    log_in(client, sam)
    assert client.get(PAGE, {"periode": "2019-K1"}).status_code == 404
    assert client.get(PAGE, {"deel": "iets"}).status_code == 404
    assert client.get(CSV, {"periode": "x"}).status_code == 404


# --- The periods ----------------------------------------------------------------------


def test_the_quarters_run_from_the_first_contact_to_today(pilot):
    every = evaluation.periods(TODAY)
    assert [(p.key, p.start, p.end) for p in every] == [
        ("2026-K3", date(2026, 7, 1), date(2026, 9, 30)),
        ("2026-K4", date(2026, 10, 1), TODAY),
        ("pilot", date(2026, 7, 1), TODAY),
    ]
    assert every[0].label == "3e kwartaal 2026"


def test_a_set_pilot_start_is_where_the_first_quarter_begins(pilot, settings):
    settings.PILOT_START = date(2026, 8, 17)
    assert evaluation.periods(TODAY)[0].start == date(2026, 8, 17)
    assert evaluation.periods(TODAY)[-1].start == date(2026, 8, 17)


# --- The page, its audit line, the partners' part --------------------------------------


def test_the_report_shows_the_suppressed_figures_and_is_audited(client, sam, pilot):
    log_in(client, sam)
    response = client.get(PAGE, {"periode": "2026-K4"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Evaluatie van de pilot" in page
    assert "Trends en ontwikkelingen — voor partners" in page
    assert "Fijn dat ik anoniem kon praten." in page  # a kept quote
    assert "geheime eigen woorden" not in page  # the free text, never
    assert "evaluation.css" in page
    assert response.context["figures"].suppressed
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor_name, entry.detail) == (
        AuditEntry.Action.EVALUATION_VIEWED,
        "sam",
        "period=2026-K4",
    )


def test_the_partners_part_alone_has_no_quotes_and_no_operational_figures(client, sam, pilot):
    log_in(client, sam)
    page = client.get(PAGE, {"deel": "partners"}).content.decode()
    assert "Trends en ontwikkelingen — voor partners" in page
    assert "Alle cijfers zijn afgeschermd" in page
    assert "Evaluatie van de pilot</h1>" not in page
    assert "Fijn dat ik anoniem kon praten." not in page
    for internal in ("Uren online", "Reactietijd", "Wachttijd", "Chats per dienst"):
        assert internal not in page
    assert AuditEntry.objects.get().detail == "period=pilot part=partners"


def test_the_audit_log_reads_the_report_lines_in_words(client, sam, pilot):
    from oversight import audit_wording

    log_in(client, sam)
    client.get(PAGE, {"deel": "partners"})
    client.get(CSV, {"periode": "2026-K3"})
    lines = audit_wording.describe(AuditEntry.objects.order_by("at"))
    assert lines[0].details == [
        "periode: de hele pilot tot nu toe",
        "alleen het deel voor partners",
    ]
    assert lines[1].what == "evaluatierapport gedownload (CSV)"
    assert lines[1].details == ["periode: 2026-K3"]


# --- The CSV ---------------------------------------------------------------------------


def test_the_csv_is_wide_and_opens_in_a_dutch_spreadsheet(client, sam, pilot):
    log_in(client, sam)
    response = client.get(CSV)
    assert response["Content-Disposition"].startswith('attachment; filename="hoc-evaluatie-')
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    header, *rows = rows_of(response)
    assert header[:4] == ["Periode", "Van", "Tot en met", "Contacten"]
    assert [row[0] for row in rows] == [
        "3e kwartaal 2026",
        "4e kwartaal 2026",
        "De hele pilot tot nu toe",
    ]
    assert all(len(row) == len(header) for row in rows)
    by = [dict(zip(header, row, strict=True)) for row in rows]
    assert [row["Contacten"] for row in by] == ["40", "38", "78"]
    marks = {statistics.SMALL, statistics.HIDDEN, statistics.NOT_SHOWN}
    for row in by:
        for value in list(row.values())[3:]:
            assert value in marks or value.replace(",", "").isdigit(), value
        assert "." not in row["Uren online (team)"]
    # The same figures as the page.
    report = evaluation.build(today=TODAY)
    q3 = report.by_period["2026-K3"]
    assert by[0]["Voor wie: voor mezelf"] == str(q3.for_whom.rows[0].figure)
    assert "geheime eigen woorden" not in response.content.decode()
    assert "Fijn dat ik" not in response.content.decode()  # quotes only in the report


def test_hours_have_a_decimal_comma():
    assert evaluation._value(statistics.Hours(5400)) == "1,5"
    assert evaluation._value(statistics.Hours(None)) == "–"


# --- Feedback in the statistics ---------------------------------------------------------


@pytest.mark.django_db
def test_feedback_is_counted_by_the_months_the_period_touches():
    for month, got, again, better in [
        (date(2026, 10, 1), "yes", "yes", "tekst"),
        (date(2026, 11, 1), "partly", "", ""),
        (date(2026, 11, 1), "", "no", ""),
        (date(2026, 12, 1), "no", "maybe", ""),
    ]:
        Feedback.objects.create(
            month=month, got_what_came_for=got, would_chat_again=again, better=better
        )
    Feedback.objects.create(month=date(2026, 11, 1), got_what_came_for="yes", quote="Citaat")
    figures = statistics.compute(date(2026, 10, 20), date(2026, 11, 3))  # Oct and Nov
    assert figures.feedback_answered.value == 4
    assert figures.feedback_text.value == 2  # the text and the kept quote
    got = {row.key: row.figure.value for row in figures.feedback_got.rows}
    assert got == {"yes": 2, "partly": 1, "no": 0, "none": 1}
    assert figures.feedback_got.total.value == 4
    again = {row.key: row.figure.value for row in figures.feedback_again.rows}
    assert again == {"yes": 1, "maybe": 0, "no": 1, "none": 2}
    assert figures.quotes == ("Citaat",)

    published = statistics.suppress(figures)
    assert str(published.feedback_answered) == "<5"
    assert all(not row.figure.shown or row.figure.value == 0 for row in published.feedback_got.rows)
    out = io.StringIO()
    statistics.write_csv(figures, out)
    lines = out.getvalue()
    assert "feedback_got,yes," in lines and "reacties_bezoekers" in lines
    assert "tekst" not in lines.split("reacties_met_tekst")[0].split("samenvatting")[-1]
    assert "Citaat" not in lines


def test_the_statistics_page_shows_the_visitors_answers(client, sam, pilot):
    log_in(client, sam)
    page = client.get(
        reverse("oversight-statistics"), {"start": "2026-11-01", "end": "2026-11-30"}
    ).content.decode()
    assert "Reacties van bezoekers" in page
    assert "Gekregen waarvoor de bezoeker kwam" in page
    assert "geheime eigen woorden" not in page
