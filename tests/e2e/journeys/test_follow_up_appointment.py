"""Journey: a client agrees a follow-up in the chat, comes back at that time and lands with
the same counsellor; the pilot's evaluation counts it, and the supervisor prints the
quarter's report.

Issue #18. The client (an account, on a phone) chats with hana; hana proposes a time in the
side panel and the client accepts on the card in the chat; the client ends the chat and
answers the questions after it. At the agreed time (the test moves the appointment to now,
the one thing a live server cannot wait for) two counsellors are at work and a third is
not: the client's new chat goes to hana, flagged "Afspraak" for her and "Afspraak met een
collega" for noor, who cannot take it; hana takes it and the appointment is kept. The
supervisor then opens this quarter's evaluation report and prints it: the visitor's answer
is counted there only as a protected figure, and no free text or name is in it.
"""

import datetime
import re
import shutil
import subprocess
import tempfile

import pytest

from tests.conftest import skip_or_fail
from tests.e2e.test_chat import open_all_week
from tests.e2e.test_evaluation_report import pages_of
from tests.e2e.test_workspace import claim, say, start_chat
from tests.helpers.browser import (
    DESKTOP,
    LAPTOP,
    SMALL_PHONE,
    orm,
    screenshots,
    serious_problems,
    staff_log_in,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "een lang genoeg wachtwoord"
BETTER = "Het wachten duurde lang, maar het hielp."


def make_people():
    from accounts import clients
    from accounts.staff import create_staff

    for name, role in (
        ("hana", "counsellor"),
        ("noor", "counsellor"),
        ("ilse", "counsellor"),
        ("sam", "supervisor"),
    ):
        create_staff(name, role, PASSWORD)
    session = {}
    passphrase = clients.offer_passphrase(session)
    clients.create_client(session, passphrase)
    return passphrase


def the_time_has_come():
    """Move the accepted appointment to five minutes from now: within its window
    (chat/appointments.py EARLY), as if the client had waited until the agreed day."""
    from django.utils import timezone

    from chat.models import Appointment

    [appointment] = Appointment.objects.filter(state=Appointment.State.ACCEPTED)
    appointment.starts_at = timezone.now() + datetime.timedelta(minutes=5)
    appointment.save(update_fields=["starts_at"])


def appointments():
    from chat.models import Appointment

    return [(a.state, a.counsellor.username) for a in Appointment.objects.all()]


def waiting_for():
    from chat.models import Conversation

    return [
        (c.asked_for.username if c.asked_for else None, c.asked_because)
        for c in Conversation.objects.filter(state=Conversation.State.WAITING)
    ]


def counsellor_of_the_open_chat():
    from chat.models import Conversation

    return [c.counsellor.username for c in Conversation.objects.filter(state="active")]


def feedback_given():
    from chat.models import Feedback

    return [(f.got_what_came_for, f.would_chat_again, f.better) for f in Feedback.objects.all()]


def pdf_text(pdf):
    """The text of a PDF (pdftotext, Debian's poppler-utils, which .ci/run installs)."""
    if not shutil.which("pdftotext"):
        skip_or_fail("reading the printed report needs pdftotext (Debian's poppler-utils)")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        return subprocess.run(
            ["pdftotext", file.name, "-"], capture_output=True, text=True, check=True
        ).stdout


def log_in_client(page, server_url, passphrase):
    page.goto(server_url + "/account/inloggen/")
    page.get_by_label("Je wachtwoordzin").fill(passphrase)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(server_url + "/account/")


def test_a_follow_up_agreed_in_the_chat_brings_the_client_back_to_the_same_counsellor(
    browser_context, server_url
):
    from playwright.sync_api import expect

    orm(open_all_week)
    passphrase = orm(make_people)
    browser = browser_context.browser
    client = browser.new_context(locale="nl-NL", viewport=SMALL_PHONE).new_page()
    log_in_client(client, server_url, passphrase)
    start_chat(client, server_url, "hoe ik verder moet na het vertrek")

    hana = browser.new_context(locale="nl-NL", viewport=LAPTOP).new_page()
    staff_log_in(hana, server_url, "hana", PASSWORD, "/medewerkers/wachtrij/")
    conversation_id = claim(hana)
    expect(client.locator("[data-chat-state]")).to_have_text("Een hulpverlener praat nu met je.")
    say(hana.locator("[data-chat]"), "Zullen we volgende week verder praten?")

    # Hana proposes a time beside the chat; the client accepts it on the card.
    side = hana.locator(f"[data-appointment-side='{conversation_id}']")
    day = datetime.date.today() + datetime.timedelta(days=7)
    side.get_by_label("Datum").fill(day.isoformat())
    side.get_by_label("Tijd").fill("14:00")
    side.get_by_role("button", name="Voorstellen").click()
    card = client.locator("[data-chat-messages] [data-appointment-card]")
    expect(card.locator("[data-when]")).to_contain_text(", 14:00")
    screenshots(client, "follow-up-card")
    card.get_by_role("button", name="Ja, dat past").click()
    expect(card.locator("[data-answer]")).to_contain_text("Afgesproken.")
    assert orm(appointments) == [("accepted", "hana")]

    # The client ends the chat and answers the questions after it.
    client.get_by_role("button", name="Gesprek beëindigen").click()
    client.get_by_role("dialog").get_by_role("button", name="Ja, beëindig het gesprek").click()
    client.get_by_role("link", name="Verder").click()
    questions = client.get_by_role("region", name="Wil je ons nog iets laten weten?")
    questions.get_by_role("group", name="Heb je gekregen waarvoor je kwam?").get_by_label(
        "Deels"
    ).check()
    questions.get_by_role("group", name="Zou je nog eens met ons chatten?").get_by_label(
        "Ja"
    ).check()
    questions.get_by_label(re.compile("Wat kunnen we beter doen", re.I)).fill(BETTER)
    screenshots(client, "follow-up-questions")
    questions.get_by_role("button", name="Versturen").click()
    expect(client.get_by_role("heading", level=1)).to_contain_text("Dank")
    assert orm(feedback_given) == [("partly", "yes", BETTER)]

    # The account shows the appointment, time only.
    client.goto(server_url + "/account/")
    mine = client.locator("[data-client-appointments]")
    expect(mine).to_contain_text("Vervolggesprek: ")
    expect(mine).to_contain_text("14:00")
    assert "hana" not in client.content()
    screenshots(client, "follow-up-account")

    # The agreed time. Hana and noor are at work, ilse is not: the chat goes to hana.
    orm(the_time_has_come)
    noor = browser.new_context(locale="nl-NL", viewport=LAPTOP).new_page()
    staff_log_in(noor, server_url, "noor", PASSWORD, "/medewerkers/wachtrij/")
    hana.goto(server_url + "/medewerkers/wachtrij/")
    client.goto(server_url + "/chat/")
    # A due appointment goes before the intake's own questions: no choice to make.
    start_chat(client, server_url, "zoals afgesproken")
    expect(client.get_by_text("met wie je een afspraak hebt")).to_be_visible()
    assert orm(waiting_for) == [("hana", "appointment")]

    row = hana.locator("[data-queue-item]").first
    expect(row.locator("[data-flag-asked]")).to_have_text("Afspraak")
    theirs = noor.locator("[data-queue-item]").first
    expect(theirs.locator("[data-flag-reserved]")).to_have_text("Afspraak met een collega")
    expect(theirs.get_by_role("button", name="Aannemen")).to_have_count(0)
    screenshots(noor, "follow-up-colleague")
    assert serious_problems(noor) == []

    again = claim(hana)
    expect(client.locator("[data-chat-state]")).to_have_text("Een hulpverlener praat nu met je.")
    assert orm(counsellor_of_the_open_chat) == ["hana"]
    assert orm(appointments) == [("kept", "hana")]

    # The side panel of the new chat shows the client's earlier chat and the kept appointment.
    panel = hana.locator(f"[data-panel='{again}']")
    expect(panel.locator("[data-client-history]")).to_contain_text("#")
    expect(panel.locator("[data-client-appointments]")).to_contain_text("nagekomen")
    screenshots(hana, "follow-up-side-panel")
    assert serious_problems(hana) == []

    report_is_printed(browser, server_url)


def this_quarter():
    from django.utils import timezone

    today = timezone.localdate()
    return f"{today.year}-K{(today.month - 1) // 3 + 1}"


def report_is_printed(browser, server_url):
    """The supervisor chooses this quarter and prints it: a PDF of more than one page, in
    which the one visitor's answer is a protected figure ("<5") and their words are absent,
    as are the staff bar and any counsellor's name."""
    from playwright.sync_api import expect

    quarter = orm(this_quarter)
    supervisor = browser.new_context(locale="nl-NL", viewport=DESKTOP).new_page()
    staff_log_in(supervisor, server_url, "sam", PASSWORD, "/medewerkers/overzicht/evaluatie/")
    supervisor.get_by_label("Periode").select_option(quarter)
    supervisor.get_by_role("button", name="Toon").click()
    supervisor.wait_for_url(f"**periode={quarter}*")
    answers = supervisor.locator("#report-summary").locator("..")
    expect(answers.get_by_text("Reacties van bezoekers")).to_be_visible()
    expect(supervisor.get_by_text(BETTER)).to_have_count(0)
    screenshots(supervisor, "follow-up-report")

    pdf = supervisor.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF") and pages_of(pdf) > 1
    text = " ".join(pdf_text(pdf).split())
    assert "Evaluatie van de pilot" in text
    assert "Reacties van bezoekers <5" in text  # one answer: published only as a mark
    assert BETTER not in text
    for name in ("hana", "noor", "ilse", "Uitloggen"):
        assert name not in text
