"""The visitor's chat made for a phone (issue 17, [6/8]): it fills the screen with the box
pinned at the bottom, welcomes the visitor, asks before it ends, tells a screen reader what
is new, and says when the connection is gone or a message is still on its way."""

import pytest

from tests.e2e.test_chat import make_counsellor, open_all_week
from tests.e2e.test_workspace import start_chat
from tests.helpers.browser import (
    DESKTOP,
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

USERNAME = "hulpverlener"
PASSWORD = "een lang genoeg wachtwoord"
MESSAGES = "[data-chat-messages] [data-body]"
WAITING_WELCOME = "Je wacht op een hulpverlener."
ACTIVE_WELCOME = "Een opgeleide hulpverlener van Hulppunt Onder Controle is nu bij je in de chat."


def counsellor_page(browser_context, server_url):
    counsellor = browser_context.browser.new_context(locale="nl-NL").new_page()
    staff_log_in(counsellor, server_url, USERNAME, PASSWORD, "/medewerkers/wachtrij/")
    return counsellor


def claim_first(counsellor):
    from playwright.sync_api import expect

    item = counsellor.locator("[data-queue-item]")
    expect(item).to_have_count(1, timeout=5_000)
    item.get_by_role("button", name="Aannemen").click()
    expect(counsellor.locator("[data-chat-state]")).to_have_text("Je bent in gesprek.")


def say(where, words):
    where.get_by_label("Je bericht").fill(words)
    where.get_by_role("button", name="Versturen").click()


def on_screen(page, locator):
    """The element's box lies wholly inside the viewport."""
    box = locator.bounding_box()
    view = page.viewport_size
    return (
        box is not None
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= view["width"] + 0.5
        and box["y"] + box["height"] <= view["height"] + 0.5
    )


def assert_fits(page):
    """No sideways scrolling; the box, "Versturen" and "Snel weg" are all in sight."""
    from playwright.sync_api import expect

    page.wait_for_timeout(100)  # the layout after a resize (nothing else is awaited)
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], width
    expect(page.get_by_label("Je bericht")).to_be_visible()
    for target in (
        page.get_by_label("Je bericht"),
        page.get_by_role("button", name="Versturen"),
        page.get_by_role("button", name="Snel weg"),
    ):
        assert on_screen(page, target), (page.viewport_size, target, target.bounding_box())


def on_a_desktop(page, chat_running=True):
    """At 1366 × 768: the site's header, the page in a centred column of at most 48rem, the
    box in sight while the chat runs, nothing serious for axe; then back to the phone."""
    from playwright.sync_api import expect

    page.set_viewport_size(DESKTOP)
    expect(page.locator(".site-header")).to_be_visible()
    column = page.locator("main").bounding_box()
    assert column["width"] <= 48 * 16 + 1
    assert abs(column["x"] - (DESKTOP["width"] - column["x"] - column["width"])) <= 2
    if chat_running:
        assert_fits(page)
    assert serious_problems(page) == []
    page.set_viewport_size(SMALL_PHONE)


def announced(page):
    return page.locator("[data-chat-announce]")


def test_the_chat_on_a_phone_waiting_active_and_ended_with_a_confirmation(
    page, browser_context, server_url
):
    from playwright.sync_api import expect

    orm(open_all_week)
    orm(make_counsellor)
    counsellor = counsellor_page(browser_context, server_url)
    visitor = page
    visitor.set_viewport_size(SMALL_PHONE)

    # The intake is an ordinary page with the site's header.
    visitor.goto(server_url + "/chat/")
    expect(visitor.locator(".site-header")).to_be_visible()
    assert serious_problems(visitor) == []
    on_a_desktop(visitor, chat_running=False)
    visitor_screenshots(visitor, "intake")
    start_chat(visitor, server_url, "thuis")

    # Waiting: the site's header has folded away, the safety bar stays, the welcome says
    # what happens now and that the visitor can stop, the box is pinned at the bottom.
    state = visitor.locator("[data-chat-state]")
    expect(state).to_have_text("Je bent de volgende. Een hulpverlener komt zo bij je.")
    expect(visitor.locator(".site-header")).to_be_hidden()
    expect(visitor.get_by_role("button", name="Snel weg")).to_be_visible()
    welcome = visitor.locator(".chat__welcome")
    expect(welcome.get_by_text(WAITING_WELCOME)).to_be_visible()
    expect(welcome.get_by_text("Je kunt altijd stoppen")).to_be_visible()
    expect(welcome.get_by_text(ACTIVE_WELCOME)).to_be_hidden()
    expect(announced(visitor)).to_contain_text("Je bent de volgende.")
    assert_fits(visitor)
    box = visitor.get_by_label("Je bericht").bounding_box()
    assert box["y"] + box["height"] > SMALL_PHONE["height"] - 80  # at the bottom
    assert serious_problems(visitor) == []
    on_a_desktop(visitor)
    visitor_screenshots(visitor, "waiting")

    # The counsellor joins: the other welcome, and the state is announced once.
    claim_first(counsellor)
    expect(state).to_have_text("Een hulpverlener praat nu met je.")
    expect(welcome.get_by_text(ACTIVE_WELCOME)).to_be_visible()
    expect(welcome.get_by_text(WAITING_WELCOME)).to_be_hidden()
    expect(announced(visitor)).to_contain_text("Een hulpverlener praat nu met je.")

    # Sending keeps the focus in the box; the counsellor's answer is announced in the one
    # live region (the list itself is not live, so it is not read again), the own one not.
    say(visitor, "Hallo, ik weet niet goed hoe ik moet beginnen.")
    expect(visitor.get_by_label("Je bericht")).to_be_focused()
    expect(counsellor.locator(MESSAGES)).to_have_text(
        ["Hallo, ik weet niet goed hoe ik moet beginnen."]
    )
    expect(visitor.locator("[data-message]").last).to_contain_text("verzonden")
    say(counsellor, "Fijn dat je er bent. Neem je tijd.")
    expect(announced(visitor)).to_contain_text("Hulpverlener: Fijn dat je er bent. Neem je tijd.")
    assert "ik weet niet goed" not in announced(visitor).inner_text()
    assert visitor.locator("[data-chat-messages]").get_attribute("aria-live") is None
    assert visitor.locator("[aria-live]").count() == 2  # this one and the safety bar's
    assert serious_problems(visitor) == []

    # The box grows with the text, up to a limit.
    field = visitor.get_by_label("Je bericht")
    one_line = field.bounding_box()["height"]
    field.fill("regel\n" * 4 + "regel")
    grown = field.bounding_box()["height"]
    assert grown > one_line * 1.8, (one_line, grown)
    field.fill("regel\n" * 40)
    assert field.bounding_box()["height"] <= SMALL_PHONE["height"] * 0.31
    assert_fits(visitor)
    field.fill("")
    visitor_screenshots(visitor, "active")

    # The on-screen keyboard takes half the height; then 320 px wide, on its side, and at
    # 200 % text: the box stays in sight and nothing scrolls sideways.
    for size in (
        {"width": 375, "height": 330},
        {"width": 320, "height": 568},
        {"width": 667, "height": 375},
    ):
        visitor.set_viewport_size(size)
        assert_fits(visitor)
    expect(visitor.locator(".site-header")).to_be_hidden()  # landscape folds it too
    visitor.set_viewport_size(SMALL_PHONE)
    visitor.evaluate("document.documentElement.style.fontSize = '200%'")
    assert_fits(visitor)
    visitor.evaluate("document.documentElement.style.fontSize = ''")

    on_a_desktop(visitor)

    # Ending asks first, in a dialog; the end button is in the chat's header, not by
    # "Versturen". "Nee" keeps the chat going.
    end = visitor.get_by_role("button", name="Gesprek beëindigen")
    assert end.bounding_box()["y"] < visitor.get_by_label("Je bericht").bounding_box()["y"] - 100
    end.click()
    dialog = visitor.get_by_role("dialog", name="Weet je het zeker?")
    expect(dialog).to_be_visible()
    assert serious_problems(visitor) == []
    dialog.get_by_role("button", name="Nee, terug naar de chat").click()
    expect(dialog).to_be_hidden()
    expect(end).to_be_focused()
    say(visitor, "Ik blijf nog even.")
    expect(counsellor.locator(MESSAGES).last).to_have_text("Ik blijf nog even.")
    expect(counsellor.locator("[data-chat-state]")).to_have_text("Je bent in gesprek.")
    # Escape is "no" too.
    end.click()
    expect(dialog).to_be_visible()
    visitor.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(state).to_have_text("Een hulpverlener praat nu met je.")

    # "Ja" ends it, for both.
    end.click()
    dialog.get_by_role("button", name="Ja, beëindig het gesprek").click()
    expect(state).to_have_text("Het gesprek is beëindigd.")
    expect(visitor.locator("[data-chat-ended]")).to_be_visible()
    expect(visitor.locator("[data-chat-ended]")).to_be_focused()
    expect(end).to_be_hidden()
    expect(visitor.get_by_label("Je bericht")).to_be_hidden()
    expect(announced(visitor)).to_contain_text("Het gesprek is beëindigd.")
    expect(counsellor.locator("[data-chat-ended]")).to_be_visible()
    assert serious_problems(visitor) == []
    on_a_desktop(visitor, chat_running=False)
    expect(visitor.get_by_role("link", name="Verder")).to_be_in_viewport()
    visitor_screenshots(visitor, "ended")
    assert not [m for m in visitor.console if "Content Security Policy" in m], visitor.console


def test_the_welcome_is_in_the_conversations_language(page, browser_context, server_url):
    from playwright.sync_api import expect

    orm(open_all_week)
    visitor = page
    visitor.set_viewport_size(SMALL_PHONE)
    visitor.goto(server_url + "/en/chat/")
    visitor.get_by_label("For myself").check()
    visitor.get_by_role("group", name="Are you under 18?").get_by_label("No", exact=True).check()
    danger = visitor.get_by_role(
        "group", name="Are you or is someone else in immediate danger right now?"
    )
    danger.get_by_label("No", exact=True).check()
    visitor.get_by_label("What would you like to talk about?").fill("home")
    visitor.get_by_role("checkbox").check()
    visitor.get_by_role("button", name="Start the chat").click()
    welcome = visitor.locator(".chat__welcome")
    expect(welcome).to_have_attribute("lang", "en")
    expect(welcome.get_by_text("You are waiting for a counsellor")).to_be_visible()
    expect(welcome.get_by_text("You can stop at any time")).to_be_visible()
    expect(visitor.get_by_role("button", name="End conversation")).to_be_visible()
    assert serious_problems(visitor) == []

    # The same conversation in Dutch says it in Dutch, whatever the page's language.
    def to_dutch():
        from chat.models import Conversation

        Conversation.objects.update(language=Conversation.Language.DUTCH)

    orm(to_dutch)
    visitor.reload()
    expect(welcome).to_have_attribute("lang", "nl")
    expect(welcome.get_by_text(WAITING_WELCOME)).to_be_visible()


def test_a_message_typed_offline_waits_and_arrives_once_on_a_slow_network(
    page, browser_context, server_url
):
    from playwright.sync_api import expect

    orm(open_all_week)
    orm(make_counsellor)
    counsellor = counsellor_page(browser_context, server_url)
    visitor = page
    visitor.set_viewport_size(SMALL_PHONE)
    # A slow mobile connection: every request waits 400 ms and trickles in.
    cdp = visitor.context.new_cdp_session(visitor)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 400,
            "downloadThroughput": 50_000,
            "uploadThroughput": 20_000,
        },
    )
    start_chat(visitor, server_url, "thuis")
    claim_first(counsellor)
    state = visitor.locator("[data-chat-state]")
    expect(state).to_have_text("Een hulpverlener praat nu met je.", timeout=10_000)
    say(visitor, "Eerste bericht")
    expect(counsellor.locator(MESSAGES)).to_have_text(["Eerste bericht"])

    # The network goes: the page says it is reconnecting, a message typed now is marked
    # as still on its way, and the counsellor does not have it.
    notice = visitor.locator("[data-chat-offline]")
    browser_context.set_offline(True)
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("We proberen het opnieuw.")
    expect(announced(visitor)).to_contain_text("De verbinding is weg.")
    assert_fits(visitor)  # the notice does not push the box away
    say(visitor, "Geschreven zonder netwerk")
    pending = visitor.locator("[data-message]").last
    expect(pending).to_contain_text("wordt verzonden…")
    expect(visitor.get_by_label("Je bericht")).to_be_focused()
    visitor_screenshots(visitor, "reconnecting")
    say(counsellor, "Ben je er nog?")
    expect(counsellor.locator("[data-message]").last).to_contain_text("verzonden")

    # Back, still slow: the notice goes, the message arrives once on both sides.
    browser_context.set_offline(False)
    expect(notice).to_be_hidden(timeout=15_000)
    expect(announced(visitor)).to_contain_text("De verbinding is terug.")
    expect(pending).to_contain_text("verzonden")
    expect(pending).not_to_contain_text("wordt verzonden")
    everything = ["Eerste bericht", "Ben je er nog?", "Geschreven zonder netwerk"]
    expect(visitor.locator(MESSAGES)).to_have_text(everything)
    expect(counsellor.locator(MESSAGES)).to_have_text(everything)

    def stored():
        from chat.models import Message

        return Message.objects.filter(sender="visitor").count()

    assert orm(stored) == 2
    # A reload on the slow line shows each once still (the server's copy).
    visitor.reload()
    expect(visitor.locator(MESSAGES)).to_have_text(everything, timeout=15_000)
