"""Journey: an anonymous visitor, a counsellor and a supervisor, to the visitor's account.

The visitor (on a phone) chats anonymously; the counsellor asks consent for a referral; the
visitor says yes in the card; a supervisor approves and the referral is sent, and the open
chat's card follows each step live; the visitor ends, reads the referral's state on the end
page, keeps the chat in a new account, and later logs in on another browser: the account
shows where the referral stands, the history the whole conversation with its speakers, and
the download the same.
"""

import re
from pathlib import Path

import pytest

from tests.e2e.test_chat import open_all_week, say
from tests.e2e.test_handover import claim_the_chat, start_chat
from tests.helpers.browser import PHONE, orm, screenshots, serious_problems, staff_log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "een lang genoeg wachtwoord"


def make_staff():
    from accounts.staff import create_staff

    create_staff("hulpverlener", "counsellor", PASSWORD)
    create_staff("supervisor", "supervisor", PASSWORD)


def counsellor_says(conversation_id, body):
    import uuid

    from accounts.models import User
    from chat import conversations
    from chat.models import Conversation

    conversation = Conversation.objects.get(pk=conversation_id)
    hana = User.objects.get(username="hulpverlener")
    conversations.post_message(conversation, "counsellor", body, uuid.uuid4(), hana)


def the_referral():
    from handover.models import Referral

    referral = Referral.objects.get()
    return referral.state, referral.client_id


def test_an_anonymous_chat_with_a_referral_ends_in_the_visitors_account(
    page, browser_context, server_url
):
    from playwright.sync_api import expect

    orm(open_all_week)
    orm(make_staff)
    visitor = page
    visitor.set_viewport_size(PHONE)

    # An anonymous visitor starts a chat; a counsellor takes it.
    start_chat(visitor, server_url)
    expect(visitor.locator("[data-chat-state]")).to_contain_text("Een hulpverlener komt zo bij je.")
    conversation_id = orm(claim_the_chat)
    visitor.reload()
    expect(visitor.locator("[data-chat-state]")).to_have_text("Een hulpverlener praat nu met je.")
    say(visitor, "Ik wil weg uit de groep maar durf niet")
    expect(visitor.locator("[data-message]").last).to_contain_text("Ik wil weg uit de groep")
    orm(counsellor_says, conversation_id, "Dat is heel moedig. Mag ik je met iemand verbinden?")
    expect(visitor.locator("[data-message]").last).to_contain_text("Dat is heel moedig.")

    # The counsellor asks consent; an anonymous visitor is offered only their own route.
    counsellor = browser_context.browser.new_context(locale="nl-NL").new_page()
    staff_log_in(
        counsellor,
        server_url,
        "hulpverlener",
        PASSWORD,
        f"/medewerkers/verwijzingen/nieuw/{conversation_id}/",
    )
    counsellor.get_by_label("Naar wie?").select_option(label="Veilig Thuis")
    counsellor.get_by_label("advies").check()
    counsellor.get_by_label("Samenvatting voor de partner").fill(
        "Wil weg uit een gesloten gemeenschap en zoekt advies."
    )
    counsellor.get_by_label("je neemt zelf contact op").check()
    counsellor.get_by_role("button", name="Concept opslaan").click()
    counsellor.get_by_role("button", name="Toestemming vragen in de chat").click()
    counsellor.get_by_text("De cliënt ziet de vraag om toestemming in de chat.").wait_for()
    referral_url = counsellor.url

    # The visitor says yes in the card.
    card = visitor.locator("[data-card]")
    expect(card).to_contain_text("Veilig Thuis")
    # The partner's own number and the account option are in the card's details.
    card.get_by_text("Meer over deze vraag").click()
    expect(card.locator("[data-anonymous-note]")).to_be_visible()
    screenshots(visitor, "referral-card-asked")
    card.get_by_role("button", name="Ja, dat is goed").click()
    answer = card.locator("[data-answer]")
    expect(answer).to_have_text(
        "Je zei ja. Een tweede hulpverlener kijkt er nog naar. Daarna brengen we je in contact."
    )
    expect(card.get_by_role("button", name="Toch niet: trek mijn ja in")).to_be_visible()

    # A supervisor approves: the card in the open chat follows, without a reload.
    supervisor = browser_context.browser.new_context(locale="nl-NL").new_page()
    staff_log_in(supervisor, server_url, "supervisor", PASSWORD, "/medewerkers/verwijzingen/")
    supervisor.get_by_role("region", name="Wacht op jouw beoordeling").get_by_role(
        "link", name=re.compile("Veilig Thuis")
    ).click()
    supervisor.get_by_role("button", name="Goedkeuren").click()
    expect(supervisor.locator(".referral-state")).to_contain_text("goedgekeurd")
    expect(answer).to_contain_text("een tweede hulpverlener heeft het goedgekeurd")
    expect(answer).not_to_contain_text("kijkt er nog naar")

    # The counsellor marks it sent: the card says so, and taking the yes back is gone.
    counsellor.goto(referral_url)
    counsellor.get_by_label("telefonisch").check()
    counsellor.get_by_role("button", name="Markeren als verstuurd").click()
    expect(counsellor.locator(".referral-state")).to_contain_text("verstuurd")
    expect(answer).to_have_text("We hebben het naar Veilig Thuis gestuurd.")
    expect(card.get_by_role("button", name="Toch niet: trek mijn ja in")).to_be_hidden()
    screenshots(visitor, "referral-card-sent")
    assert serious_problems(visitor) == []

    # The visitor ends the chat; the end page tells the referral's state and offers to keep it.
    visitor.get_by_role("button", name="Gesprek beëindigen").click()
    visitor.get_by_role("dialog").get_by_role("button", name="Ja, beëindig het gesprek").click()
    visitor.get_by_role("link", name="Verder").click()
    expect(visitor.get_by_role("heading", name="Het gesprek is afgelopen")).to_be_visible()
    ended_referral = visitor.locator("[data-ended-referrals]")
    expect(ended_referral).to_contain_text("Veilig Thuis")
    expect(ended_referral).to_contain_text("We hebben het naar Veilig Thuis gestuurd.")
    screenshots(visitor, "referral-ended")
    assert serious_problems(visitor) == []

    # Keeping the chat makes an account; the referral moves into it.
    visitor.get_by_role("button", name="Bewaar dit gesprek in een nieuw account").click()
    visitor.get_by_role("button", name="Maak mijn wachtwoordzin").click()
    passphrase = visitor.locator("[data-passphrase]").inner_text().strip()
    visitor.get_by_label("Typ je wachtwoordzin over").fill(passphrase)
    visitor.get_by_role("button", name="Klaar").click()
    expect(visitor.get_by_role("heading", name="Je gesprek staat in je account")).to_be_visible()
    state, client_id = orm(the_referral)
    assert state == "sent" and client_id is not None
    visitor.get_by_role("link", name="Naar je account").click()
    visitor.get_by_role("button", name="Uitloggen").click()

    # Later, on another browser: log in with the passphrase.
    later = browser_context.browser.new_context(locale="nl-NL", viewport=PHONE).new_page()
    later.goto(server_url + "/account/inloggen/")
    later.get_by_label("Je wachtwoordzin").fill(passphrase)
    later.get_by_role("button", name="Inloggen").click()
    later.wait_for_url(server_url + "/account/")
    status = later.locator("[data-client-referral]")
    expect(status).to_have_count(1)
    expect(status).to_contain_text("Veilig Thuis")
    expect(status).to_contain_text("We hebben het naar Veilig Thuis gestuurd.")
    screenshots(later, "referral-account")
    assert serious_problems(later) == []

    # The whole conversation, each message with its speaker.
    later.get_by_role("link", name="Je eerdere gesprekken teruglezen").click()
    later.locator("main a[href^='/chat/eerder/']").first.click()
    messages = later.locator(".transcript [data-message]")
    expect(messages.filter(has_text="Ik wil weg uit de groep")).to_contain_text("Jij")
    expect(messages.filter(has_text="Dat is heel moedig.")).to_contain_text("Hulpverlener")
    screenshots(later, "referral-history")
    assert serious_problems(later) == []
    with later.expect_download() as download:
        later.get_by_role("link", name="Download dit gesprek als tekstbestand").click()
    text = Path(download.value.path()).read_text()
    assert re.search(r"Jij \(\d\d:\d\d\):\nIk wil weg uit de groep maar durf niet", text)
    assert re.search(r"Hulpverlener \(\d\d:\d\d\):\nDat is heel moedig\.", text)
