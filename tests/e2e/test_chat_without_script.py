"""A visitor whose browser runs no JavaScript (Tor Browser at "Safest", a locked-down
phone) chats with a counsellor in the normal workspace (chat/plain_chat.py): intake,
waiting with the place in the queue, messages by form, the consent card, the end."""

import re

import pytest

from tests.e2e.conftest import EXIT_URL, answer_for_the_neutral_site
from tests.e2e.test_chat import open_all_week
from tests.e2e.test_handover import draft, referral_state
from tests.e2e.test_workspace import claim, start_chat
from tests.e2e.test_workspace import say as counsellor_says
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
WORKSPACE_MESSAGES = "[data-chat-messages] [data-body]"
PLAIN_MESSAGES = ".plain-chat__messages [data-body]"
HELLO = "Hallo, ik durf niet goed te beginnen."
WELCOME = "Fijn dat je er bent. Vertel maar, in je eigen tempo."
SECOND = "Mijn moeder zit bij een groep en ik mag niemand meer zien."
ADVICE = "Dat klinkt zwaar. Ik wil je in contact brengen met Slachtofferhulp."


def counsellor():
    from accounts.staff import create_staff

    create_staff("hana", "counsellor", PASSWORD)


def stored_bodies():
    from chat.models import Message

    return [m.body for m in Message.objects.order_by("seq")]


def no_script_context(browser):
    context = browser.new_context(locale="nl-NL", java_script_enabled=False, viewport=SMALL_PHONE)
    return answer_for_the_neutral_site(context)


def write(visitor, text):
    """The writing view, the text, Versturen; back on the reading view."""
    plain = visitor.locator(".plain-chat")
    plain.get_by_role("link", name="Schrijf een bericht").click()
    plain.get_by_label("Je bericht").fill(text)
    plain.get_by_role("button", name="Versturen").click()
    visitor.wait_for_url(re.compile(r"/chat/$"))


def no_problems_without_script(visitor):
    """axe-core needs script, which this page has not: it checks the page as the visitor
    sees it (noscript's content as markup, no script) in a page of its own that runs it."""
    html = re.sub(r"</?noscript>", "", visitor.content())
    html = re.sub(r"<script[^>]*></script>", "", html)
    html = re.sub(r'<meta http-equiv="refresh"[^>]*>', "", html)
    checker = visitor.context.browser.new_context(locale="nl-NL", viewport=SMALL_PHONE).new_page()
    url = visitor.url.split("#")[0] + "?axe"
    checker.route(url, lambda route: route.fulfill(content_type="text/html", body=html))
    checker.goto(url)
    assert serious_problems(checker) == []
    checker.context.close()


def test_a_visitor_without_javascript_and_a_counsellor_complete_a_chat_with_a_consent_card(
    browser_context, server_url
):
    from playwright.sync_api import expect

    orm(open_all_week)
    orm(counsellor)
    browser = browser_context.browser
    visitor = no_script_context(browser).new_page()
    staff = browser.new_context(locale="nl-NL")
    workspace = staff.new_page()
    staff_log_in(workspace, server_url, "hana", PASSWORD, "/medewerkers/wachtrij/")

    # Intake and the waiting page: the place in the queue, and a page that refreshes itself.
    visitor.goto(server_url + "/chat/")
    visitor_screenshots(visitor, "nojs-intake")
    start_chat(visitor, server_url, "mijn moeder")
    plain = visitor.locator(".plain-chat")
    state = plain.locator(".plain-chat__state")
    expect(state).to_have_text("Je bent de volgende. Een hulpverlener komt zo bij je.")
    expect(visitor.locator("[data-chat]")).to_be_hidden()  # the live chat steps aside
    # The visitor may write while waiting, as on the socket.
    write(visitor, HELLO)
    expect(visitor.locator(PLAIN_MESSAGES)).to_have_text([HELLO])
    visitor_screenshots(visitor, "nojs-waiting")
    no_problems_without_script(visitor)

    # The counsellor takes the chat; the visitor's page shows it by itself, within 10 s.
    conversation_id = claim(workspace)
    panel = workspace.locator(f"#panel-{conversation_id}")
    expect(panel.locator(WORKSPACE_MESSAGES)).to_have_text([HELLO])
    with visitor.expect_navigation(timeout=15_000):
        pass  # the meta refresh, no click
    expect(state).to_have_text("Een hulpverlener praat nu met je.")

    # The counsellor writes; the visitor reads it after a refresh.
    counsellor_says(panel, WELCOME)
    expect(panel.locator(WORKSPACE_MESSAGES)).to_have_text([HELLO, WELCOME])
    plain.get_by_role("link", name="Vernieuwen", exact=True).click()
    expect(visitor.locator(PLAIN_MESSAGES)).to_have_text([HELLO, WELCOME])
    expect(visitor.locator(".plain-chat .message--counsellor .message__from")).to_have_text(
        "Hulpverlener"
    )

    # The same form sent twice (a double submit, or a resend after a reload): stored once.
    plain.get_by_role("link", name="Schrijf een bericht").click()
    form = plain.locator("form#schrijven")
    form.get_by_label("Je bericht").fill(SECOND)
    fields = {
        "csrfmiddlewaretoken": form.locator("[name=csrfmiddlewaretoken]").get_attribute("value"),
        "id": form.locator("[name=id]").get_attribute("value"),
        "body": SECOND,
        "do": "send",
    }
    form.get_by_role("button", name="Versturen").click()
    visitor.wait_for_url(re.compile(r"/chat/$"))
    again = visitor.request.post(server_url + "/chat/", form=fields, max_redirects=0)
    assert again.status == 302
    expect(visitor.locator(PLAIN_MESSAGES)).to_have_text([HELLO, WELCOME, SECOND])
    expect(panel.locator(WORKSPACE_MESSAGES)).to_have_text([HELLO, WELCOME, SECOND])
    assert orm(stored_bodies) == [HELLO, WELCOME, SECOND]

    # "Vernieuwen" on the writing view shows new messages and keeps what is being typed.
    plain.get_by_role("link", name="Schrijf een bericht").click()
    plain.get_by_label("Je bericht").fill("Ik weet niet of")
    counsellor_says(panel, ADVICE)
    plain.get_by_role("button", name="Vernieuwen").click()
    expect(visitor.locator(PLAIN_MESSAGES)).to_have_text([HELLO, WELCOME, SECOND, ADVICE])
    expect(plain.get_by_label("Je bericht")).to_have_value("Ik weet niet of")
    plain.get_by_role("button", name="Versturen").click()
    visitor.wait_for_url(re.compile(r"/chat/$"))
    visitor_screenshots(visitor, "nojs-active")

    # The consent card: drafted and asked in the staff pages, answered by form.
    drafting = staff.new_page()
    drafting.goto(f"{server_url}/medewerkers/verwijzingen/nieuw/{conversation_id}/")
    referral = draft(drafting, "Slachtofferhulp Nederland", "je neemt zelf contact op")
    plain.get_by_role("link", name="Vernieuwen", exact=True).click()
    card = plain.locator("[data-card-id]")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Slachtofferhulp Nederland")
    expect(card.locator(".consent-card__summary")).to_have_text(
        "Zij maakt zich zorgen om haar kinderen in de <groep> en wil advies."
    )
    visitor_screenshots(visitor, "nojs-card")
    no_problems_without_script(visitor)
    card.get_by_role("button", name="Ja, dat is goed").click()
    expect(card).to_contain_text("Je zei ja.")
    assert orm(referral_state, referral) == "in_review"

    # Every message exactly once on both sides.
    everything = [HELLO, WELCOME, SECOND, ADVICE, "Ik weet niet of"]
    expect(visitor.locator(PLAIN_MESSAGES)).to_have_text(everything)
    expect(panel.locator(WORKSPACE_MESSAGES)).to_have_text(everything)
    assert orm(stored_bodies) == everything

    # Ending asks first; the counsellor sees the end live.
    plain.get_by_role("link", name="Gesprek beëindigen").click()
    expect(plain.get_by_role("heading", name="Weet je het zeker?")).to_be_visible()
    visitor_screenshots(visitor, "nojs-end-confirm")
    plain.get_by_role("button", name="Ja, beëindig het gesprek").click()
    expect(visitor.get_by_role("heading", name="Het gesprek is afgelopen")).to_be_visible()
    visitor_screenshots(visitor, "nojs-ended")
    expect(panel.locator("[data-chat-ended]")).to_be_visible()
    expect(panel.locator(WORKSPACE_MESSAGES)).to_have_text(everything)


def test_quick_exit_works_on_the_chat_page_without_javascript(browser_context, server_url):
    from playwright.sync_api import expect

    orm(open_all_week)
    visitor = no_script_context(browser_context.browser).new_page()
    start_chat(visitor, server_url, "")
    expect(visitor.locator(".plain-chat__state")).to_contain_text("Een hulpverlener komt zo")
    visitor.get_by_role("button", name="Snel weg").click()
    visitor.wait_for_url(EXIT_URL)
    expect(visitor.get_by_text("Het weer")).to_be_visible()
    # The chat went with the session: back on /chat/ is a fresh intake.
    visitor.goto(server_url + "/chat/")
    expect(visitor.get_by_role("button", name="Start de chat")).to_be_visible()


def test_without_javascript_on_a_laptop_the_chat_reads_and_writes_in_one_column(
    browser_context, server_url
):
    # The same page at 1366 × 768: the state, the messages and the way to write are on
    # screen, nothing runs sideways, and what was written is there once.
    from playwright.sync_api import expect

    orm(open_all_week)
    visitor = no_script_context(browser_context.browser).new_page()
    visitor.set_viewport_size(LAPTOP)
    start_chat(visitor, server_url, "mijn broer")
    plain = visitor.locator(".plain-chat")
    expect(plain.locator(".plain-chat__state")).to_be_in_viewport()
    expect(plain.get_by_role("link", name="Schrijf een bericht")).to_be_in_viewport()
    write(visitor, HELLO)
    write(visitor, SECOND)
    expect(visitor.locator(PLAIN_MESSAGES)).to_have_text([HELLO, SECOND])
    expect(visitor.locator(PLAIN_MESSAGES).last).to_be_in_viewport()
    assert visitor.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
    no_problems_without_script(visitor)
    assert orm(stored_bodies) == [HELLO, SECOND]
    visitor.context.close()
