"""Journey: a visitor flees with the quick exit, once while waiting and once mid-chat.

Issue #15, items 4-6. At each exit the queue, the counsellor's screen, the contact record
and the statistics agree that the visitor left (chat/leaving.py); the browser's history
holds no more than the one entry before the exit (the chat's steps are one entry,
chat/views.py start); and the counsellor, on a staff page, can press Shift as often as
they like (templates/staff_base.html).
"""

import re

import pytest

from tests.e2e.conftest import answer_for_the_neutral_site
from tests.e2e.test_chat import open_all_week
from tests.helpers.browser import PHONE, orm, screenshots, staff_log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "een lang genoeg wachtwoord"
MESSAGES = "[data-chat-messages] [data-body]"
LEFT = "De bezoeker heeft het gesprek verlaten."


def make_counsellor():
    from accounts.staff import create_staff

    create_staff("hana", "counsellor", PASSWORD)


def results():
    """The contacts by result, as the statistics' "Contacten naar afloop" counts them
    (oversight/statistics.py; it publishes counts under 5 only as marks)."""
    from collections import Counter

    from chat.models import ContactRecord

    return dict(Counter(ContactRecord.objects.values_list("result", flat=True)))


def conversation_about(topic):
    from chat.models import Conversation

    # The topic is encrypted at rest: no lookup by it in SQL.
    [conversation] = [c for c in Conversation.objects.all() if c.topic == topic]
    return conversation


def the_record(topic):
    record = conversation_about(topic).record
    return record.result, record.closed_at is not None


def the_state(topic):
    return conversation_about(topic).state


def start_from_the_front_page(page, server_url, topic):
    """As a visitor arrives: the front page, then the chat's one address for every step.
    Returns how long the history was on the front page (the new tab's blank page and it)."""
    page.goto(server_url + "/")
    arrived = page.evaluate("history.length")
    page.get_by_role("navigation").get_by_role("link", name="Chat", exact=True).click()
    page.get_by_label("Voor mezelf").check()
    page.get_by_role("group", name="Ben je jonger dan 18 jaar?").get_by_label("Ja").check()
    danger = page.get_by_role("group", name="Ben jij of is iemand anders nu in direct gevaar?")
    danger.get_by_label("Ja").check()
    page.get_by_label("Waar wil je over praten?").fill(topic)
    page.get_by_role("checkbox").check()
    screenshots(page, f"quick-exit-intake-{topic.replace(' ', '-')}")
    page.get_by_role("button", name="Start de chat").click()
    return arrived


def visitor_page(browser):
    """A phone of its own, whose quick exit lands on a stand-in for the neutral site
    (the tests do not reach the internet; tests/e2e/conftest.py EXIT_URL)."""
    return answer_for_the_neutral_site(
        browser.new_context(locale="nl-NL", viewport=PHONE)
    ).new_page()


def test_a_quick_exit_while_waiting_and_mid_chat(browser_context, server_url):
    from playwright.sync_api import expect

    orm(open_all_week)
    orm(make_counsellor)
    browser = browser_context.browser
    counsellor = browser.new_context(locale="nl-NL", viewport={"width": 1366, "height": 768})
    counsellor = counsellor.new_page()
    staff_log_in(counsellor, server_url, "hana", PASSWORD, "/medewerkers/wachtrij/")
    queue_items = counsellor.locator("[data-queue-item]")
    expect(counsellor.get_by_text("Er wacht nu niemand.")).to_be_visible()

    # 1. A minor in danger waits at the top of the queue, then flees with the button.
    first = visitor_page(browser)
    arrived = start_from_the_front_page(first, server_url, "thuis")
    expect(first.locator("[data-chat-state]")).to_have_text(
        "Je bent de volgende. Een hulpverlener komt zo bij je."
    )
    expect(first).to_have_title("HOC")
    screenshots(first, "quick-exit-waiting")
    expect(queue_items).to_have_count(1, timeout=5_000)
    first.get_by_role("button", name="Snel weg").click()
    first.wait_for_url("https://neutral.example/weer")
    # Gone from the queue at once, and counted as left in the queue, not as waiting.
    expect(counsellor.get_by_text("Er wacht nu niemand.")).to_be_visible(timeout=5_000)
    expect(queue_items).to_have_count(0)
    assert orm(the_state, "thuis") == "abandoned"
    assert orm(the_record, "thuis") == ("abandoned", False)
    assert orm(results) == {"abandoned": 1}
    # The front page, then the chat's every step as one entry, replaced by the exit.
    assert first.evaluate("history.length") == arrived + 1
    first.go_back()
    assert first.url == server_url + "/"

    # 2. A visitor chats with the counsellor, then presses Shift three times.
    second = visitor_page(browser)
    arrived = start_from_the_front_page(second, server_url, "mijn groep")
    # The queue is empty after the first visitor fled: this row is hers (rows show no topic).
    item = queue_items
    expect(item).to_have_count(1, timeout=5_000)
    item.get_by_role("button", name="Aannemen").click()
    counsellor.wait_for_url(re.compile(r"/medewerkers/gesprek/[0-9a-f-]{36}/$"))
    panel = counsellor.locator("#panel-" + counsellor.url.rstrip("/").rsplit("/", 1)[1])
    expect(panel.locator("[data-chat-state]")).to_have_text("Je bent in gesprek.")
    second.get_by_label("Je bericht").fill("Ik durf bijna niet")
    second.get_by_role("button", name="Versturen").click()
    expect(panel.locator(MESSAGES)).to_have_text(["Ik durf bijna niet"])

    # The counsellor presses Shift three times on a staff page: nothing happens, and the
    # chat goes on (their session and socket are still there).
    for _ in range(3):
        counsellor.keyboard.press("Shift")
    panel.get_by_label("Je bericht").fill("Je mag alles vertellen.")
    panel.get_by_role("button", name="Versturen").click()
    expect(second.locator(MESSAGES)).to_have_text(["Ik durf bijna niet", "Je mag alles vertellen."])
    assert counsellor.url.startswith(server_url + "/medewerkers/gesprek/")
    assert counsellor.locator("html.is-exiting").count() == 0
    screenshots(second, "quick-exit-mid-chat")

    second.locator("body").click()  # the keys go to the page, not the message box
    for _ in range(3):
        second.keyboard.press("Shift")
    second.wait_for_url("https://neutral.example/weer")

    # The counsellor is told at once, can no longer type, and still closes the contact.
    expect(panel.locator("[data-chat-state]")).to_have_text(LEFT, timeout=5_000)
    expect(panel.get_by_label("Je bericht")).to_be_hidden()
    screenshots(counsellor, "quick-exit-counsellor-visitor-left")
    assert orm(the_state, "mijn groep") == "ended"
    assert orm(the_record, "mijn groep") == ("left", False)
    assert orm(results) == {"abandoned": 1, "left": 1}
    panel.get_by_text("Gesprek afronden").click()
    panel.get_by_label("religieuze gemeenschap of beweging").check()
    panel.get_by_label("gesprek voortijdig afgebroken").check()
    panel.get_by_role("button", name="Gesprek beëindigen en afronden").click()
    expect(counsellor.get_by_text("Het gesprek is afgerond.")).to_be_visible()
    assert orm(the_record, "mijn groep") == ("left", True)
    assert orm(results) == {"abandoned": 1, "left": 1}

    # After the whole chat, history holds the front page and the exit, nothing between.
    assert second.evaluate("history.length") == arrived + 1
    second.go_back()
    assert second.url == server_url + "/"
