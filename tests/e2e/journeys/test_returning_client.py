"""Journey: a returning client with an account writes while the chat is closed, and reads
the answer later.

The client logs in outside opening hours and leaves a message; a counsellor finds it in the
workspace's "Achtergelaten berichten", answers and ends it; the client logs in again on
another browser, the account tells that an answer waits, and the history shows their
message and the answer, each with its speaker.
"""

import pytest

from tests.helpers.browser import DESKTOP, PHONE, orm, screenshots, serious_problems, staff_log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "een lang genoeg wachtwoord"


def make_people():
    from accounts import clients
    from accounts.staff import create_staff

    create_staff("hulpverlener", "counsellor", PASSWORD)
    session = {}
    passphrase = clients.offer_passphrase(session)
    clients.create_client(session, passphrase)
    return passphrase


def open_all_week():
    import datetime

    from chat.models import OpeningHours

    for weekday in range(7):
        OpeningHours.objects.create(
            weekday=weekday, opens=datetime.time(0), closes=datetime.time(0)
        )


def log_in(page, server_url, passphrase):
    page.goto(server_url + "/account/inloggen/")
    page.get_by_label("Je wachtwoordzin").fill(passphrase)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(server_url + "/account/")


def test_a_message_left_while_closed_is_answered_and_read_later(page, browser_context, server_url):
    from playwright.sync_api import expect

    passphrase = orm(make_people)
    client = page
    client.set_viewport_size(PHONE)

    # Closed (no opening hours): the client with an account may leave a message.
    log_in(client, server_url, passphrase)
    client.get_by_role("link", name="Naar de chat").click()
    expect(client.get_by_role("heading", name="Laat een bericht achter")).to_be_visible()
    screenshots(client, "returning-closed")
    assert serious_problems(client) == []
    client.get_by_label("Je bericht").fill("Mijn familie mag niet weten dat ik schrijf.")
    client.get_by_role("checkbox").check()
    client.get_by_role("button", name="Bericht achterlaten").click()
    expect(client.get_by_role("heading", name="Je bericht is achtergelaten")).to_be_visible()
    screenshots(client, "returning-left")
    client.goto(server_url + "/account/")
    client.get_by_role("button", name="Uitloggen").click()

    # The next shift: a counsellor answers it from the workspace.
    orm(open_all_week)
    counsellor = browser_context.browser.new_context(locale="nl-NL", viewport=DESKTOP).new_page()
    staff_log_in(counsellor, server_url, "hulpverlener", PASSWORD, "/medewerkers/wachtrij/")
    counsellor.get_by_role("button", name="Beantwoorden").click()
    chat = counsellor.locator("[data-chat]")
    expect(chat.locator("[data-message]").first).to_contain_text("Mijn familie mag niet weten")
    chat.get_by_label("Je bericht").fill("Dank je voor je bericht. Wij zeggen niets tegen hen.")
    chat.get_by_role("button", name="Versturen").click()
    expect(chat.locator("[data-message]").last).to_contain_text("verzonden")
    chat.get_by_role("button", name="Gesprek beëindigen").click()
    counsellor.get_by_role("dialog").get_by_role("button", name="Ja, beëindigen").click()
    expect(chat.locator("[data-chat-ended]")).to_be_visible()

    # Later, on another browser: the account says an answer waits; the history shows both.
    later = browser_context.browser.new_context(locale="nl-NL", viewport=PHONE).new_page()
    log_in(later, server_url, passphrase)
    answer_notice = later.locator("[data-answered-messages]")
    expect(answer_notice).to_contain_text("Er is een antwoord op je bericht")
    screenshots(later, "returning-account")
    answer_notice.get_by_role("link").click()
    messages = later.locator(".transcript [data-message]")
    expect(messages).to_have_count(2)
    expect(messages.first).to_contain_text("Jij")
    expect(messages.first).to_contain_text("Mijn familie mag niet weten dat ik schrijf.")
    expect(messages.last).to_contain_text("Hulpverlener")
    expect(messages.last).to_contain_text("Wij zeggen niets tegen hen.")
    screenshots(later, "returning-answer")
    assert serious_problems(later) == []
    later.get_by_role("link", name="Terug naar je gesprekken").click()
    answers = later.get_by_role("region", name="Antwoorden op je berichten")
    expect(answers.get_by_role("link")).to_have_count(1)
