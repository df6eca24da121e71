"""A returning client on a phone (375 px), with and without JavaScript: asks for the
counsellor of an earlier chat in the intake, is told that counsellor cannot take it now,
chooses to wait, reads that on the waiting view and switches to whoever is free
(chat/returning.py)."""

import pytest

from tests.e2e.conftest import answer_for_the_neutral_site
from tests.e2e.test_chat import open_all_week
from tests.helpers.browser import SMALL_PHONE, orm, serious_problems, visitor_screenshots

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "een lang genoeg wachtwoord"


def client_with_an_earlier_chat():
    """A client whose earlier chat was with hana, who is not at work now."""
    from accounts import clients
    from accounts.staff import create_staff
    from chat import availability, conversations, queue
    from chat.models import Availability, Message

    hana = create_staff("hana", "counsellor", PASSWORD)
    session = {}
    passphrase = clients.offer_passphrase(session)
    robin = clients.create_client(session, passphrase)
    earlier = conversations.open_conversation(
        for_whom="self", minor="no", in_danger=False, client=robin
    )
    availability.note_seen(hana)
    queue.claim(earlier, hana)
    conversations.end_conversation(earlier, by=Message.Sender.COUNSELLOR, actor=hana)
    Availability.objects.filter(user=hana).update(status=Availability.Status.AWAY)
    return passphrase


def asked_for():
    from chat.models import Conversation

    return [str(c.asked_for_id) for c in Conversation.objects.filter(state="waiting")]


def fits_the_phone(page):
    return page.evaluate("document.documentElement.scrollWidth") <= SMALL_PHONE["width"]


def come_back_and_ask(page, server_url, passphrase):
    page.goto(server_url + "/account/inloggen/")
    page.get_by_label("Je wachtwoordzin").fill(passphrase)
    page.get_by_role("button", name="Inloggen").click()
    page.goto(server_url + "/chat/")
    asked = page.get_by_role("group", name="Met wie wil je praten?")
    assert asked.get_by_label("Met wie er nu vrij is").is_checked()
    assert "hana" not in page.content()
    asked.get_by_label("Weer met de hulpverlener van mijn gesprek van", exact=False).check()
    page.get_by_label("Voor mezelf").check()
    page.get_by_role("group", name="Ben je jonger dan 18 jaar?").get_by_label("Nee").check()
    danger = page.get_by_role("group", name="Ben jij of is iemand anders nu in direct gevaar?")
    danger.get_by_label("Nee").check()
    page.get_by_role("checkbox").check()
    assert fits_the_phone(page)
    page.get_by_role("button", name="Start de chat").click()
    page.get_by_text("De hulpverlener naar wie je vroeg, kan je gesprek").wait_for()
    visitor_screenshots(page, "returning-choice")
    assert fits_the_phone(page) and "hana" not in page.content()
    page.get_by_role("button", name="Wachten").click()
    page.get_by_text("Die hulpverlener is nu niet aan het werk.").wait_for()
    assert fits_the_phone(page)
    visitor_screenshots(page, "returning-waiting")


@pytest.mark.parametrize("script", [True, False], ids=["script", "no-script"])
def test_a_returning_client_asks_waits_and_switches_on_a_phone(browser_context, server_url, script):
    from playwright.sync_api import expect

    orm(open_all_week)
    passphrase = orm(client_with_an_earlier_chat)
    context = browser_context.browser.new_context(
        locale="nl-NL", viewport=SMALL_PHONE, java_script_enabled=script
    )
    page = answer_for_the_neutral_site(context).new_page()
    come_back_and_ask(page, server_url, passphrase)
    assert orm(asked_for) != [] and orm(asked_for) != ["None"]
    if script:
        assert serious_problems(page) == []
    switch = page.get_by_role("button", name="Nu praten met wie er vrij is")
    switch.click()
    if script:
        # In the background: the chat's page and socket stay; the line goes.
        expect(switch).to_be_hidden()
    else:
        page.wait_for_load_state()
    expect(page.get_by_text("Die hulpverlener is nu niet aan het werk.")).to_have_count(0)
    assert orm(asked_for) == ["None"]
    context.close()
