"""A follow-up appointment in real browsers: the counsellor proposes it in the workspace's
side panel, the client's live chat shows the card at once and the client accepts; both see
it (the side panel and the workspace's list, the card and the client's account)."""

import datetime
import os

import pytest

from tests.e2e.test_chat import open_all_week
from tests.e2e.test_chat_without_script import no_problems_without_script, no_script_context
from tests.e2e.test_workspace import claim, start_chat
from tests.helpers.browser import LAPTOP, SMALL_PHONE, orm, serious_problems, staff_log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "een lang genoeg wachtwoord"
# Screenshots for a human look (HOC_SCREENSHOTS=/some/prefix); not asserted on.
SHOTS = os.environ.get("HOC_SCREENSHOTS", "") or None


def shot(name):
    return f"{SHOTS}-appointment-{name}.png" if SHOTS else None


def make_people():
    from accounts import clients
    from accounts.staff import create_staff

    create_staff("hana", "counsellor", PASSWORD)
    session = {}
    passphrase = clients.offer_passphrase(session)
    clients.create_client(session, passphrase)
    return passphrase


def next_week():
    from django.utils import timezone

    return timezone.localdate() + datetime.timedelta(days=7)


def appointment_state():
    from chat.models import Appointment

    return list(Appointment.objects.values_list("state", flat=True))


def test_the_counsellor_proposes_and_the_client_accepts_in_the_live_chat(
    page, browser_context, server_url
):
    from playwright.sync_api import expect

    orm(open_all_week)
    passphrase = orm(make_people)
    client = browser_context.browser.new_context(locale="nl-NL", viewport=SMALL_PHONE).new_page()
    client.goto(server_url + "/account/inloggen/")
    client.get_by_label("Je wachtwoordzin").fill(passphrase)
    client.get_by_role("button", name="Inloggen").click()
    start_chat(client, server_url, "hoe het verder gaat")

    counsellor = browser_context.browser.new_context(locale="nl-NL", viewport=LAPTOP).new_page()
    staff_log_in(counsellor, server_url, "hana", PASSWORD, "/medewerkers/wachtrij/")
    expect(counsellor.locator("[data-queue-item]")).to_have_count(1, timeout=5_000)
    conversation_id = claim(counsellor)
    expect(client.locator("[data-chat-state]")).to_have_text("Een hulpverlener praat nu met je.")

    # The side panel: date and time, proposed without leaving the workspace.
    side = counsellor.locator(f"[data-appointment-side='{conversation_id}']")
    day = orm(next_week)
    side.get_by_label("Datum").fill(day.isoformat())
    side.get_by_label("Tijd").fill("14:00")
    side.get_by_role("button", name="Voorstellen").click()
    side = counsellor.locator(f"[data-appointment-side='{conversation_id}']")
    expect(side.get_by_role("status")).to_contain_text("Voorgesteld: Vervolggesprek:")
    expect(side).to_contain_text("voorgesteld")
    assert counsellor.url.endswith(f"/medewerkers/gesprek/{conversation_id}/")  # no page load
    if SHOTS:
        counsellor.screenshot(path=shot("side-1366"), full_page=True)
    assert serious_problems(counsellor) == []

    # The client's live chat shows the card at once, in the message list.
    card = client.locator("[data-chat-messages] [data-appointment-card]")
    expect(card).to_have_count(1)
    expect(card.locator("[data-when]")).to_contain_text("Vervolggesprek: ")
    expect(card.locator("[data-when]")).to_contain_text(", 14:00")
    expect(card.get_by_role("button", name="Nee, liever niet")).to_be_visible()
    if SHOTS:
        client.screenshot(path=shot("card-375"))
    assert serious_problems(client) == []
    card.get_by_role("button", name="Ja, dat past").click()
    expect(card.locator("[data-answer]")).to_contain_text("Afgesproken.")
    expect(card.get_by_role("button", name="Ja, dat past")).to_be_hidden()
    assert orm(appointment_state) == ["accepted"]

    # Both see it: the counsellor's side panel and list follow without a reload.
    side = counsellor.locator(f"[data-appointment-side='{conversation_id}']")
    expect(side).to_contain_text("afgesproken")
    listed = counsellor.locator("[data-appointment-list-box]")
    expect(listed).to_contain_text("afgesproken")
    expect(listed.get_by_text("Verzetten")).to_be_visible()
    if SHOTS:
        listed.get_by_text("Verzetten").click()
        listed.screenshot(path=shot("list-1366"))

    client.goto(server_url + "/account/")
    mine = client.locator("[data-client-appointments]")
    expect(mine).to_contain_text("Vervolggesprek: ")
    expect(mine).to_contain_text("Afgesproken.")
    if SHOTS:
        mine.scroll_into_view_if_needed()
        client.screenshot(path=shot("account-375"))
    assert serious_problems(client) == []


def test_without_javascript_the_client_answers_the_card_with_a_form(browser_context, server_url):
    from playwright.sync_api import expect

    orm(open_all_week)
    passphrase = orm(make_people)
    client = no_script_context(browser_context.browser).new_page()
    client.goto(server_url + "/account/inloggen/")
    client.get_by_label("Je wachtwoordzin").fill(passphrase)
    client.get_by_role("button", name="Inloggen").click()
    start_chat(client, server_url, "hoe het verder gaat")

    counsellor = browser_context.browser.new_context(locale="nl-NL", viewport=LAPTOP).new_page()
    staff_log_in(counsellor, server_url, "hana", PASSWORD, "/medewerkers/wachtrij/")
    conversation_id = claim(counsellor)
    side = counsellor.locator(f"[data-appointment-side='{conversation_id}']")
    side.get_by_label("Datum").fill(orm(next_week).isoformat())
    side.get_by_label("Tijd").fill("10:30")
    side.get_by_role("button", name="Voorstellen").click()
    expect(counsellor.locator(f"[data-appointment-side='{conversation_id}']")).to_contain_text(
        "voorgesteld"
    )

    plain = client.locator(".plain-chat")
    plain.get_by_role("link", name="Vernieuwen", exact=True).click()
    card = plain.locator("[data-appointment-card]")
    expect(card.locator("[data-when]")).to_contain_text(", 10:30")
    if SHOTS:
        card.screenshot(path=shot("nojs-card-375"))
    no_problems_without_script(client)
    card.get_by_role("button", name="Nee, liever niet").click()
    client.wait_for_url("**/chat/#appointment-*")
    card = client.locator(".plain-chat [data-appointment-card]")
    expect(card.locator("[data-answer]")).to_have_text("Je hebt nee gezegd. Dat is goed.")
    expect(card.get_by_role("button", name="Ja, dat past")).to_be_hidden()
    assert orm(appointment_state) == ["declined"]
    # The counsellor's side panel follows by the socket.
    expect(counsellor.locator(f"[data-appointment-side='{conversation_id}']")).to_contain_text(
        "afgeslagen"
    )
