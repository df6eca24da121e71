"""A counsellor's shift in the workspace, and the supervisor's live overview."""

import re

import pytest

from tests.e2e.test_chat import open_all_week
from tests.helpers.browser import orm, staff_log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "een lang genoeg wachtwoord"
MESSAGES = "[data-chat-messages] [data-body]"
HELLO = "Hallo, ik weet niet waar ik moet beginnen"
CANNED = "Fijn dat je er bent. Je mag hier alles vertellen, in je eigen tempo."


def staff_and_canned():
    from accounts.staff import create_staff
    from chat.models import CannedResponse

    create_staff("hana", "counsellor", PASSWORD)
    create_staff("sam", "supervisor", PASSWORD)
    CannedResponse.objects.create(title="Welkom", body=CANNED)


def start_chat(page, server_url, topic, minor="Nee"):
    page.goto(server_url + "/chat/")
    page.get_by_label("Voor mezelf").check()
    page.get_by_role("group", name="Ben je jonger dan 18 jaar?").get_by_label(minor).check()
    danger = page.get_by_role("group", name="Ben jij of is iemand anders nu in direct gevaar?")
    danger.get_by_label("Nee").check()
    page.get_by_label("Waar wil je over praten?").fill(topic)
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Start de chat").click()


def say(where, text):
    where.get_by_label("Je bericht").fill(text)
    where.get_by_role("button", name="Versturen").click()


def claim(counsellor):
    """Take the first in line: queue rows show no topic (chat/includes/conversation_label)."""
    before = counsellor.url
    item = counsellor.locator("[data-queue-item]").first
    item.get_by_role("button", name="Aannemen").click()
    counsellor.wait_for_url(
        lambda url: url != before and re.search(r"/medewerkers/gesprek/[0-9a-f-]{36}/$", url)
    )
    return counsellor.url.rstrip("/").rsplit("/", 1)[1]


def contact_themes():
    from chat.models import ContactRecord

    record = ContactRecord.objects.get(closed_at__isnull=False)
    themes = sorted(record.themes.values_list("theme", flat=True))
    return themes, record.group_context, record.outcome


def test_a_shift_two_chats_a_canned_text_a_note_a_transfer_and_a_closing_form(
    page, browser_context, server_url
):
    from playwright.sync_api import expect

    orm(open_all_week)
    orm(staff_and_canned)
    browser = browser_context.browser
    supervisor = browser.new_context(locale="nl-NL").new_page()
    counsellor = browser.new_context(locale="nl-NL").new_page()
    second_visitor = browser.new_context(locale="nl-NL").new_page()
    first_visitor = page

    # The supervisor's overview is open; it changes the moment a visitor joins the queue.
    staff_log_in(supervisor, server_url, "sam", PASSWORD, "/medewerkers/overzicht/")
    waiting_count = supervisor.locator("[data-waiting-count]")
    expect(waiting_count).to_have_text("0")
    staff_log_in(counsellor, server_url, "hana", PASSWORD, "/medewerkers/wachtrij/")
    counsellor.get_by_label("Gesprekken tegelijk").select_option("2")
    expect(counsellor.get_by_text("Jij hebt 0 van 2 gesprekken.")).to_be_visible()

    start_chat(first_visitor, server_url, "mijn oom")
    expect(waiting_count).to_have_text("1", timeout=5_000)
    start_chat(second_visitor, server_url, "mijn zus")
    expect(waiting_count).to_have_text("2", timeout=5_000)

    # Two chats at once, each in its own tab.
    first = claim(counsellor)
    second = claim(counsellor)
    expect(counsellor.get_by_role("tab")).to_have_count(2)
    expect(waiting_count).to_have_text("0", timeout=5_000)
    first_panel = counsellor.locator(f"#panel-{first}")
    second_panel = counsellor.locator(f"#panel-{second}")
    expect(second_panel).to_be_visible()
    expect(first_panel).to_be_hidden()

    # A canned text goes into the box, to be sent (or changed) by the counsellor.
    second_panel.get_by_text("Snelle antwoorden").click()
    second_panel.get_by_role("button", name="Welkom").click()
    expect(second_panel.get_by_label("Je bericht")).to_have_value(CANNED)
    second_panel.get_by_role("button", name="Versturen").click()
    expect(second_visitor.locator(MESSAGES)).to_have_text([CANNED])

    # A message in the chat that is not in front shows as unread on its tab.
    say(first_visitor, HELLO)
    first_tab = counsellor.get_by_role("tab").first
    expect(first_tab.locator("[data-unread]")).to_have_text("1")
    expect(counsellor).to_have_title(re.compile(r"^\(1\) Werkplek"))
    first_tab.click()
    expect(first_panel).to_be_visible()
    expect(first_tab.locator("[data-unread]")).to_be_hidden()
    expect(first_panel.locator(MESSAGES)).to_have_text([HELLO])

    # An internal note, saved without leaving the page (the other chat's box keeps its text).
    second_panel_box = second_panel.get_by_label("Je bericht")
    first_panel.get_by_label("Notitie (alleen voor medewerkers)").fill("Oom is ouderling.")
    first_panel.get_by_role("button", name="Notitie opslaan").click()
    expect(first_panel.locator("[data-notes]")).to_contain_text("Oom is ouderling.")
    assert first_visitor.get_by_text("Oom is ouderling.").count() == 0
    expect(second_panel_box).to_have_value("")

    # Hand the first chat to the supervisor, whose overview being open makes them online.
    first_panel.get_by_text("Overdragen aan een collega").click()
    first_panel.get_by_label("Overdragen aan").select_option(label="sam (supervisor)")
    first_panel.get_by_label("Overdrachtsnotitie voor je collega").fill("Wil aangifte doen.")
    first_panel.get_by_role("button", name="Overdragen").click()
    expect(counsellor.get_by_text("Het gesprek is overgedragen aan sam.")).to_be_visible()
    expect(counsellor.get_by_role("tab")).to_have_count(1)
    expect(first_visitor.locator(MESSAGES).last).to_have_text(
        "Je gesprek gaat verder met een collega. Die kan lezen wat je eerder hebt geschreven."
    )

    # Close the other chat with its themes; the visitor sees the end.
    panel = counsellor.locator(f"#panel-{second}")
    panel.get_by_text("Gesprek afronden").click()
    panel.get_by_label("uitsluiting of mijden").check()
    panel.get_by_label("zorgen om kinderen").check()
    panel.get_by_label("religieuze gemeenschap of beweging").check()
    panel.get_by_label("informatie of advies gegeven").check()
    panel.get_by_role("button", name="Gesprek beëindigen en afronden").click()
    # Still open: the end is confirmed first.
    counsellor.get_by_role("dialog").get_by_role("button", name="Ja, beëindigen").click()
    expect(counsellor.get_by_text("Het gesprek is afgerond.")).to_be_visible()
    expect(second_visitor.locator("[data-chat-ended]")).to_be_visible()
    assert orm(contact_themes) == (["children", "shunning"], "religious", "information")

    # The supervisor sees the transferred chat as theirs in the overview.
    expect(supervisor.locator("[data-queue-list]")).to_contain_text("lopende gesprekken")
    supervisor.close()
    counsellor.close()
    second_visitor.close()


def test_volgende_aannemen_opens_the_first_in_the_list(page, browser_context, server_url):
    """The button takes the chat the list shows first (chat/queue.py claim_next; the order
    itself, danger and asked-for first, is tests/chat/test_claim_next.py's)."""
    from playwright.sync_api import expect

    from tests.helpers.browser import screenshots

    orm(open_all_week)
    orm(staff_and_canned)
    counsellor = browser_context.browser.new_context(locale="nl-NL").new_page()
    later = browser_context.browser.new_context(locale="nl-NL").new_page()
    staff_log_in(counsellor, server_url, "hana", PASSWORD, "/medewerkers/wachtrij/")
    expect(counsellor.get_by_role("button", name="Volgende aannemen")).to_have_count(0)

    start_chat(page, server_url, "mijn broer")
    expect(counsellor.locator("[data-queue-item]")).to_have_count(1, timeout=5_000)
    start_chat(later, server_url, "mijn moeder")
    expect(counsellor.locator("[data-queue-item]")).to_have_count(2, timeout=5_000)
    first_listed = counsellor.locator("[data-queue-item]").first.get_attribute("data-queue-item")
    screenshots(counsellor, "workspace-next")

    counsellor.get_by_role("button", name="Volgende aannemen").click()
    counsellor.wait_for_url(re.compile(rf"/medewerkers/gesprek/{first_listed}/$"))
    say(counsellor, "Ik ben er. Waar wil je beginnen?")
    expect(page.locator(MESSAGES)).to_have_text(["Ik ben er. Waar wil je beginnen?"])
    expect(counsellor.locator("[data-queue-item]")).to_have_count(1, timeout=5_000)
    assert later.get_by_text("Ik ben er. Waar wil je beginnen?").count() == 0
