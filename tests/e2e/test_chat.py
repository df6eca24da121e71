"""A visitor and a counsellor chat in two browsers, through a dropped connection."""

import datetime
import re

import pytest

from tests.helpers.browser import orm, serious_problems, staff_log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

USERNAME = "hulpverlener"
PASSWORD = "een lang genoeg wachtwoord"
MESSAGES = "[data-chat-messages] [data-body]"


def open_all_week():
    from chat.models import OpeningHours

    for weekday in range(7):
        OpeningHours.objects.create(
            weekday=weekday, opens=datetime.time(0), closes=datetime.time(0)
        )


def make_counsellor():
    from accounts.staff import create_staff

    create_staff(USERNAME, "counsellor", PASSWORD)


def log_in_as_counsellor(page, server_url):
    staff_log_in(page, server_url, USERNAME, PASSWORD, "/medewerkers/wachtrij/")


def say(page, text):
    page.get_by_label("Je bericht").fill(text)
    page.get_by_role("button", name="Versturen").click()


def test_a_chat_survives_a_dropped_connection(page, browser_context, server_url):
    from playwright.sync_api import expect

    orm(open_all_week)
    orm(make_counsellor)
    visitor = page
    visitor_urls = []
    visitor.on(
        "framenavigated",
        lambda frame: frame == visitor.main_frame and visitor_urls.append(frame.url),
    )
    counsellor_context = browser_context.browser.new_context(locale="nl-NL")
    counsellor = counsellor_context.new_page()
    log_in_as_counsellor(counsellor, server_url)
    expect(counsellor.get_by_text("Er wacht nu niemand.")).to_be_visible()

    # The intake; "in danger" shows the 112 box at once and still lets the chat start.
    visitor.goto(server_url + "/chat/")
    visitor.get_by_label("Voor mezelf").check()
    visitor.get_by_role("group", name="Ben je jonger dan 18 jaar?").get_by_label("Nee").check()
    danger = visitor.get_by_role("group", name="Ben jij of is iemand anders nu in direct gevaar?")
    danger.get_by_label("Ja").check()
    expect(visitor.locator("[data-danger-alert]")).to_be_visible()
    assert serious_problems(visitor) == []
    visitor.get_by_label("Waar wil je over praten?").fill("thuis")
    visitor.get_by_role("checkbox").check()
    visitor.get_by_role("button", name="Start de chat").click()
    state = visitor.locator("[data-chat-state]")
    expect(state).to_have_text("Je bent de volgende. Een hulpverlener komt zo bij je.")
    assert serious_problems(visitor) == []

    # The queue socket says it changed at once (the fallback timer is 30 s); the
    # counsellor takes the chat.
    item = counsellor.locator("[data-queue-item]")
    expect(item).to_have_count(1, timeout=5_000)
    expect(item).to_contain_text("Direct gevaar")
    expect(item).to_contain_text("Voor zichzelf")  # its label; the topic only in the chat
    assert serious_problems(counsellor) == []
    item.get_by_role("button", name="Aannemen").click()
    counsellor.wait_for_url(re.compile(r"/medewerkers/gesprek/[0-9a-f-]{36}/$"))
    expect(state).to_have_text("Een hulpverlener praat nu met je.")

    # Both ways, with the visitor's typing shown to the counsellor only. Typing is not
    # stored, so the counsellor's freshly loaded page must be connected before it counts.
    expect(counsellor.locator("[data-chat-state]")).to_have_text("Je bent in gesprek.")
    visitor.get_by_label("Je bericht").press_sequentially("Hallo")
    expect(counsellor.get_by_text("Anonieme bezoeker typt…")).to_be_visible()
    visitor.get_by_role("button", name="Versturen").click()
    expect(counsellor.locator(MESSAGES)).to_have_text(["Hallo"])
    expect(visitor.locator("[data-message]").last).to_contain_text("verzonden")
    say(counsellor, "Welkom. Vertel maar.")
    expect(visitor.locator(MESSAGES)).to_have_text(["Hallo", "Welkom. Vertel maar."])
    # The counsellor sees that the visitor read it; the visitor sees no such marker.
    expect(counsellor.locator("[data-message]").last).to_contain_text("gelezen")
    assert "gelezen" not in visitor.locator("[data-chat-messages]").inner_text()
    assert serious_problems(visitor) == [] and serious_problems(counsellor) == []

    # The visitor's network drops: each side writes, nothing gets through.
    browser_context.set_offline(True)
    # The notice on the page (the live region also says it: tests/e2e/test_visitor_chat.py).
    notice = visitor.locator("[data-chat-offline]")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("De verbinding is weg. We proberen het opnieuw.")
    say(counsellor, "Ben je er nog?")
    say(visitor, "Ik was even weg.")
    expect(visitor.locator("[data-message]").last).to_contain_text("wordt verzonden")
    # The counsellor's own message went to the server and back: the visitor's, which waits
    # in the visitor's outbox, is not among them.
    expect(counsellor.locator("[data-message]").last).to_contain_text("verzonden")
    expect(counsellor.locator(MESSAGES)).to_have_text(
        ["Hallo", "Welkom. Vertel maar.", "Ben je er nog?"]
    )

    # Back online: everything arrives once and in order, on both sides.
    browser_context.set_offline(False)
    everything = ["Hallo", "Welkom. Vertel maar.", "Ben je er nog?", "Ik was even weg."]
    expect(visitor.locator(MESSAGES)).to_have_text(everything)
    expect(counsellor.locator(MESSAGES)).to_have_text(everything)
    expect(visitor.locator("[data-message]").last).to_contain_text("verzonden")
    expect(notice).to_be_hidden()

    # The counsellor ends the chat; the visitor sees it and moves on to the closing page.
    counsellor.get_by_role("button", name="Gesprek beëindigen").click()
    counsellor.get_by_role("dialog").get_by_role("button", name="Ja, beëindigen").click()
    expect(visitor.locator("[data-chat-ended]")).to_be_visible()
    # The end came after the catching up on the same socket: no copy arrived late.
    assert visitor.locator(MESSAGES).all_inner_texts() == everything
    expect(state).to_have_text("Het gesprek is beëindigd.")
    expect(visitor.get_by_label("Je bericht")).to_be_hidden()
    visitor.get_by_role("link", name="Verder").click()
    expect(visitor.get_by_role("heading", name="Het gesprek is afgelopen")).to_be_visible()

    assert visitor_urls and set(visitor_urls) == {server_url + "/chat/"}
    for side in (visitor, counsellor):
        assert side.evaluate("[localStorage.length, sessionStorage.length]") == [0, 0]
    assert all(url.startswith(server_url) for url in visitor.requests), visitor.requests
    assert not [m for m in visitor.console if "Content Security Policy" in m], visitor.console
    counsellor_context.close()
