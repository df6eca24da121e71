"""The consent card as a message in the visitor's chat (issue 17, item 4): compact, where
the visitor reads, with the question and both answers on the screen at 375 × 667 and
1366 × 768; the details fold open; after an answer the card is its state line and the
focus is back in the message box. And the same card answered without JavaScript."""

import pytest

from tests.e2e.test_chat import open_all_week
from tests.e2e.test_handover import claim_the_chat, draft, start_chat
from tests.helpers.browser import (
    LAPTOP,
    SMALL_PHONE,
    orm,
    serious_problems,
    staff_log_in,
    visitor_screenshots,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "een lang genoeg wachtwoord"


def make_counsellor():
    from accounts.staff import create_staff

    create_staff("hulpverlener", "counsellor", PASSWORD)


def chat_with_a_counsellor(browser_context, server_url, **options):
    """A visitor in an active chat, and the counsellor's page for a new referral."""
    from playwright.sync_api import expect

    orm(open_all_week)
    orm(make_counsellor)
    visitor = browser_context.browser.new_context(locale="nl-NL", **options).new_page()
    start_chat(visitor, server_url)
    expect(visitor.locator("[data-chat-state]")).to_contain_text("Een hulpverlener komt")
    conversation_id = orm(claim_the_chat)
    visitor.reload()
    expect(visitor.locator("[data-chat-state]")).to_have_text("Een hulpverlener praat nu met je.")
    counsellor = browser_context.browser.new_context(locale="nl-NL").new_page()
    new = f"/medewerkers/verwijzingen/nieuw/{conversation_id}/"
    staff_log_in(counsellor, server_url, "hulpverlener", PASSWORD, new)
    return visitor, counsellor, server_url + new


def fully_on_screen(page, locator):
    box = locator.bounding_box()
    size = page.viewport_size
    assert box is not None
    assert 0 <= box["y"] and box["y"] + box["height"] <= size["height"], box
    assert 0 <= box["x"] and box["x"] + box["width"] <= size["width"], box


def listen_for_answers(page):
    page.evaluate(
        """() => { window.answers = [];
        document.addEventListener("card:answered", (e) => window.answers.push(e.detail)); }"""
    )


@pytest.mark.parametrize("size", [SMALL_PHONE, LAPTOP], ids=["375", "1366"])
def test_the_card_is_a_compact_message_answered_where_the_visitor_reads(
    browser_context, server_url, size
):
    from playwright.sync_api import expect

    visitor, counsellor, new = chat_with_a_counsellor(browser_context, server_url, viewport=size)
    listen_for_answers(visitor)
    draft(counsellor, "Veilig Thuis", "je neemt zelf contact op")

    # In the conversation's own list, with who, what they get, why, and both answers in view.
    card = visitor.locator("[data-chat-messages] [data-card]")
    expect(card).to_have_count(1)
    expect(card.locator("[data-partner]")).to_have_text("Veilig Thuis")
    expect(card).to_contain_text("Wat zij krijgen: een korte samenvatting van je situatie")
    expect(card).to_contain_text("Waarvoor: Advies")
    expect(card).to_contain_text("Nee zeggen mag.")
    yes = card.get_by_role("button", name="Ja, dat is goed")
    no = card.get_by_role("button", name="Nee, liever niet")
    for part in (card.locator("[data-partner]"), yes, no):
        expect(part).to_be_in_viewport(ratio=1)
        fully_on_screen(visitor, part)
    if size == SMALL_PHONE:
        visitor_screenshots(visitor, "consent-card")
    # The details are folded away until asked for.
    summary = card.locator("[data-summary]")
    expect(summary).to_be_hidden()
    card.get_by_text("Meer over deze vraag").click()
    expect(summary).to_have_text(
        "Zij maakt zich zorgen om haar kinderen in de <groep> en wil advies."
    )
    expect(card.locator("[data-anonymous-note]")).to_be_visible()
    expect(card.locator("[data-anonymous-note]")).to_contain_text("Bewaar dit gesprek")
    expect(card.locator("[data-contact]")).to_contain_text("Jij neemt zelf contact op")
    assert serious_problems(visitor) == []

    yes.click()
    expect(card.locator("[data-answer]")).to_have_text(
        "Je zei ja. Een tweede hulpverlener kijkt er nog naar. Daarna brengen we je in contact."
    )
    expect(card).to_have_class("consent-card consent-card--answered")
    expect(yes).to_be_hidden()
    expect(card.locator("[data-summary-lines]")).to_be_hidden()
    expect(visitor.locator("[data-chat-input]")).to_be_focused()
    visitor.wait_for_function("() => window.answers.length === 1")
    assert visitor.evaluate("() => window.answers[0].decision") == "accept"
    assert visitor.evaluate("() => window.answers[0].state") == "in_review"

    # A second question: no is fine, and reads so.
    counsellor.goto(new)
    draft(counsellor, "Slachtofferhulp Nederland", "je neemt zelf contact op")
    later = visitor.locator("[data-chat-messages] [data-card]").nth(1)
    expect(later.locator("[data-partner]")).to_have_text("Slachtofferhulp Nederland")
    later_no = later.get_by_role("button", name="Nee, liever niet")
    expect(later_no).to_be_in_viewport(ratio=1)
    later_no.click()
    expect(later.locator("[data-answer]")).to_have_text("Je zei nee. Er is niets gedeeld.")
    expect(later_no).to_be_hidden()
    expect(visitor.locator("[data-chat-input]")).to_be_focused()
    visitor.wait_for_function("() => window.answers.length === 2")
    assert visitor.evaluate("() => window.answers[1].decision") == "decline"
    assert serious_problems(visitor) == []

    # After a reload each card is still one card, where it was asked, saying where it stands.
    visitor.reload()
    expect(visitor.locator("[data-chat-messages] [data-card]")).to_have_count(2)
    expect(visitor.locator("[data-referral-cards]")).to_be_hidden()


def test_without_javascript_the_card_is_answered_with_a_form(browser_context, server_url):
    from playwright.sync_api import expect

    started, counsellor, new = chat_with_a_counsellor(
        browser_context, server_url, viewport=SMALL_PHONE
    )
    draft(counsellor, "Veilig Thuis", "je neemt zelf contact op")
    # The same visitor's session in a browser where JavaScript does not run (the intake
    # without JavaScript is another part of the issue).
    context = browser_context.browser.new_context(
        locale="nl-NL", viewport=SMALL_PHONE, java_script_enabled=False
    )
    context.add_cookies(started.context.cookies())
    started.context.close()
    visitor = context.new_page()
    visitor.goto(server_url + "/chat/")
    card = visitor.locator("[data-card]")
    expect(card).to_have_count(1)
    expect(card.locator("[data-partner]")).to_have_text("Veilig Thuis")
    card.get_by_text("Meer over deze vraag").click()
    expect(card.locator("[data-summary]")).to_be_visible()
    # (axe-core needs JavaScript; the markup is the same as in the test above.)
    card.get_by_role("button", name="Nee, liever niet").click()
    assert visitor.url.endswith("/chat/#card-" + card.get_attribute("data-card-id"))
    expect(card.locator("[data-answer]")).to_have_text("Je zei nee. Er is niets gedeeld.")
    expect(card.get_by_role("button", name="Ja, dat is goed")).to_be_hidden()
