"""The supervisors' page of visitors' free-text feedback: keep an anonymised quote or
discard the text now, audited without the text; counsellors never see it."""

import datetime
import re

from django.test import Client

from audit.models import AuditEntry
from chat import feedback
from chat.models import Feedback
from oversight import feedback_quotes
from tests.conftest import log_in

URL = "/medewerkers/overzicht/reacties/"


def given(text, day=None, **answers):
    return feedback.store(better=text, today=day or datetime.date.today(), **answers)


def test_counsellors_and_visitors_may_not_see_it(db, client, hana):
    given("Geheim voor hulpverleners")
    anonymous = client.get(URL)
    assert anonymous.status_code == 302 and "Geheim" not in anonymous.content.decode()
    counsellor = log_in(Client(), hana)
    for response in (counsellor.get(URL), counsellor.post(URL, {"discard": "1"})):
        assert response.status_code == 403
        assert "Geheim" not in response.content.decode()
    assert "Reacties" not in counsellor.get("/medewerkers/").content.decode()
    assert Feedback.objects.get().better == "Geheim voor hulpverleners"


def test_the_supervisor_sees_held_texts_newest_months_first(db, sam):
    given("Oud", datetime.date(2026, 1, 5))
    given("Nieuw", datetime.date(2026, 3, 5))
    feedback.store(got_what_came_for="yes", today=datetime.date(2026, 3, 5))  # no text
    supervisor = log_in(Client(), sam)
    html = supervisor.get(URL).content.decode()
    assert html.index("Nieuw") < html.index("Oud")
    assert "maart 2026" in html and "januari 2026" in html
    assert html.count("Citaat bewaren") == 2
    assert "Gewist na 30 april 2026." in html  # March + 30 days, to a month's end
    # Reached from the staff home and the statistics page.
    assert f'href="{URL}"' in supervisor.get("/medewerkers/").content.decode()
    assert f'href="{URL}"' in supervisor.get("/medewerkers/overzicht/statistiek/").content.decode()


def test_the_list_is_paginated(db, sam):
    for n in range(feedback_quotes.PAGE_SIZE + 3):
        given(f"tekst {n}")
    supervisor = log_in(Client(), sam)
    first = supervisor.get(URL).content.decode()
    assert first.count("Citaat bewaren") == feedback_quotes.PAGE_SIZE
    assert "Pagina 1 van 2" in first
    assert supervisor.get(URL + "?pagina=2").content.decode().count("Citaat bewaren") == 3


def form_of(html, row):
    """The posted fields of one row's form, as its page rendered them."""
    assert f'value="{row.pk}"' in html
    return {"feedback": str(row.pk)}


def test_keeping_a_quote_is_audited_without_its_text(db, sam):
    row = given("Hana van de chat hielp me echt, dank!")
    supervisor = log_in(Client(), sam)
    fields = form_of(supervisor.get(URL).content.decode(), row)
    quote = "  De hulpverlener hielp me echt.  "
    response = supervisor.post(URL, {**fields, "quote": quote, "keep": "1"})
    assert response.status_code == 302 and response.url == URL
    row.refresh_from_db()
    assert row.quote == "De hulpverlener hielp me echt."
    assert row.better  # the visitor's own words still go at their date, not sooner or later
    entry = AuditEntry.objects.get(action=AuditEntry.Action.FEEDBACK_QUOTE_KEPT)
    assert entry.actor_name == "sam" and entry.detail == "" and entry.reason == ""
    assert entry.conversation_id is None
    assert str(row.pk) not in entry.detail
    log = supervisor.get("/medewerkers/overzicht/logboek/").content.decode()
    assert "citaat uit een reactie bewaard" in log and "hielp me" not in log
    # The page says a quote is kept and offers it for editing.
    assert "Er is een citaat bewaard." in supervisor.get(URL).content.decode()


def test_the_purge_keeps_the_quote_and_removes_the_text(db, sam):
    row = given("Met naam: Hana", datetime.date(2026, 1, 5))
    supervisor = log_in(Client(), sam)
    supervisor.post(URL, {"feedback": str(row.pk), "quote": "Zonder naam", "keep": "1"})
    feedback.purge_expired_text(today=datetime.date(2026, 4, 1))
    row.refresh_from_db()
    assert (row.better, row.quote, row.text_kept_until) == ("", "Zonder naam", None)
    assert "Met naam" not in supervisor.get(URL).content.decode()


def test_an_empty_or_too_long_quote_is_refused_beside_its_text(db, sam):
    row = given("Iets")
    supervisor = log_in(Client(), sam)
    empty = supervisor.post(URL, {"feedback": str(row.pk), "quote": " ", "keep": "1"})
    assert empty.status_code == 400
    assert "Schrijf het citaat dat je wilt bewaren." in empty.content.decode()
    too_long = {"feedback": str(row.pk), "quote": "x" * (feedback_quotes.QUOTE_MAX_CHARS + 1)}
    assert supervisor.post(URL, {**too_long, "keep": "1"}).status_code == 400
    row.refresh_from_db()
    assert row.quote == ""
    assert not AuditEntry.objects.exists()


def test_discarding_removes_the_text_now_and_is_audited(db, sam):
    row = given("Weg ermee")
    supervisor = log_in(Client(), sam)
    response = supervisor.post(URL + "?pagina=1", {"feedback": str(row.pk), "discard": "1"})
    assert response.status_code == 302 and response.url == URL + "?pagina=1"
    row.refresh_from_db()
    assert (row.better, row.text_kept_until) == ("", None)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.FEEDBACK_TEXT_DISCARDED)
    assert entry.detail == ""
    assert "Weg ermee" not in supervisor.get(URL).content.decode()
    # Twice, or a text already gone: nothing more happens, nothing more is logged.
    supervisor.post(URL, {"feedback": str(row.pk), "discard": "1"})
    assert AuditEntry.objects.count() == 1


def test_a_bogus_id_changes_nothing(db, sam):
    given("Blijft")
    supervisor = log_in(Client(), sam)
    assert supervisor.post(URL, {"feedback": "geen-id", "discard": "1"}).status_code == 400
    assert re.search("Blijft", supervisor.get(URL).content.decode())
    assert not AuditEntry.objects.exists()
