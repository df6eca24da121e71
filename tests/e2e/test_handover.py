"""The warm handover in real browsers: a consent card in the client's chat, a supervisor's
approval, the status in the client's account, withdrawal; and the three-way handover."""

import os
import re
import uuid

import pytest

from tests.e2e.test_chat import open_all_week
from tests.helpers.browser import orm, serious_problems, staff_log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "een lang genoeg wachtwoord"
# Screenshots for a human look at what clients see; not asserted on.
SHOTS = os.environ.get("HOC_SCREENSHOTS", "") or None


def shot(name):
    """Where to keep a screenshot (HOC_SCREENSHOTS=/some/prefix), or nowhere."""
    return f"{SHOTS}-{name}.png" if SHOTS else None


def make_people():
    from accounts import clients
    from accounts.staff import create_staff

    create_staff("hulpverlener", "counsellor", PASSWORD)
    create_staff("supervisor", "supervisor", PASSWORD)
    session = {}
    passphrase = clients.offer_passphrase(session)
    clients.create_client(session, passphrase)
    return passphrase


def claim_the_chat():
    from accounts.models import User
    from chat import queue
    from chat.models import Conversation

    conversation = Conversation.objects.get()
    queue.claim(conversation, User.objects.get(username="hulpverlener"))
    return str(conversation.pk)


def start_chat(page, server_url):
    page.goto(server_url + "/chat/")
    page.get_by_label("Voor mezelf").check()
    page.get_by_role("group", name="Ben je jonger dan 18 jaar?").get_by_label("Nee").check()
    danger = page.get_by_role("group", name="Ben jij of is iemand anders nu in direct gevaar?")
    danger.get_by_label("Nee").check()
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Start de chat").click()


def draft(counsellor, partner, route, shared=()):
    counsellor.get_by_label("Naar wie?").select_option(label=partner)
    counsellor.get_by_label("advies").check()
    counsellor.get_by_label("Samenvatting voor de partner").fill(
        "Zij maakt zich zorgen om haar kinderen in de <groep> en wil advies."
    )
    for label in shared:
        counsellor.get_by_label(label).check()
    counsellor.get_by_label(route).check()
    counsellor.get_by_role("button", name="Concept opslaan").click()
    counsellor.get_by_role("button", name="Toestemming vragen in de chat").click()
    counsellor.get_by_text("De cliënt ziet de vraag om toestemming in de chat.").wait_for()
    return counsellor.url


def referral_state(url):
    from handover.models import Referral

    return Referral.objects.get(pk=url.rstrip("/").rsplit("/", 1)[1]).state


def test_consent_in_the_chat_approval_sending_and_the_clients_account(
    page, browser_context, server_url
):
    from playwright.sync_api import expect

    orm(open_all_week)
    passphrase = orm(make_people)
    client = page
    client.goto(server_url + "/account/inloggen/")
    client.get_by_label("Je wachtwoordzin").fill(passphrase)
    client.get_by_role("button", name="Inloggen").click()
    start_chat(client, server_url)
    expect(client.locator("[data-chat-state]")).to_contain_text("Een hulpverlener komt zo bij je.")
    conversation_id = orm(claim_the_chat)
    # Broadcasts from this process reach Daphne only through Redis: load the page again.
    client.reload()
    expect(client.locator("[data-chat-state]")).to_have_text("Een hulpverlener praat nu met je.")

    counsellor = browser_context.browser.new_context(locale="nl-NL").new_page()
    staff_log_in(
        counsellor,
        server_url,
        "hulpverlener",
        PASSWORD,
        f"/medewerkers/verwijzingen/nieuw/{conversation_id}/",
    )
    first = draft(
        counsellor,
        "Veilig Thuis",
        "de partner belt je",
        shared=["het telefoonnummer of e-mailadres dat jij opgeeft"],
    )

    # The card: who gets what and why, and that no is fine.
    card = client.locator("[data-card]")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Veilig Thuis")
    # Text, never markup: what the counsellor wrote shows exactly as written.
    expect(card.locator("[data-summary]")).to_have_text(
        "Zij maakt zich zorgen om haar kinderen in de <groep> en wil advies."
    )
    expect(card).to_contain_text("Nee zeggen mag.")
    card.screenshot(path=shot("card"))
    assert serious_problems(client) == []
    card.get_by_role("button", name="Ja, dat is goed").click()
    expect(card.locator("[data-card-error]")).to_contain_text("Vul in hoe ze je kunnen bereiken")
    card.get_by_label("Telefoonnummer of e-mailadres").fill("06-12345678")
    card.get_by_label("Wanneer is het veilig").fill("Na 20 uur")
    card.get_by_role("button", name="Ja, dat is goed").click()
    expect(card.locator("[data-answer]")).to_contain_text("Je zei ja.")
    assert orm(referral_state, first) == "in_review"

    # A second referral: yes, then taken back in the chat.
    counsellor.goto(f"{server_url}/medewerkers/verwijzingen/nieuw/{conversation_id}/")
    second = draft(counsellor, "Slachtofferhulp Nederland", "je neemt zelf contact op")
    later = client.locator("[data-card]").nth(1)
    expect(later).to_contain_text("Slachtofferhulp Nederland")
    later.get_by_role("button", name="Ja, dat is goed").click()
    later.get_by_role("button", name="Toch niet: trek mijn ja in").click()
    expect(later.locator("[data-answer]")).to_contain_text("Je hebt je ja ingetrokken.")
    assert orm(referral_state, second) == "withdrawn"

    # A supervisor approves the first; the counsellor marks it sent by phone.
    supervisor = browser_context.browser.new_context(locale="nl-NL").new_page()
    staff_log_in(supervisor, server_url, "supervisor", PASSWORD, "/medewerkers/verwijzingen/")
    supervisor.get_by_role("region", name="Wacht op jouw beoordeling").get_by_role(
        "link", name=re.compile("Veilig Thuis")
    ).click()
    supervisor.get_by_label("Opmerkingen").fill("Goed verwoord.")
    supervisor.get_by_role("button", name="Goedkeuren").click()
    expect(supervisor.locator(".referral-state")).to_contain_text("goedgekeurd")
    counsellor.goto(first)
    counsellor.get_by_label("telefonisch").check()
    counsellor.get_by_role("button", name="Markeren als verstuurd").click()
    expect(counsellor.locator(".referral-state")).to_contain_text("verstuurd")
    counsellor.screenshot(path=shot("staff-detail"), full_page=True)
    assert serious_problems(counsellor) == []

    # The client sees where things stand in their account.
    client.goto(server_url + "/account/")
    statuses = client.locator("[data-client-referral]")
    expect(statuses.filter(has_text="Veilig Thuis")).to_contain_text(
        "We hebben het naar Veilig Thuis gestuurd."
    )
    expect(statuses.filter(has_text="Slachtofferhulp")).to_contain_text("ingetrokken")
    client.locator("#referrals-title").screenshot(path=shot("account-title"))
    client.screenshot(path=shot("account"), full_page=True)
    assert serious_problems(client) == []
    client.get_by_role("link", name="Veilig Thuis").first.click()
    expect(client.locator(".printable")).to_contain_text("06-12345678")
    client.screenshot(path=shot("client-print"), full_page=True)
    assert not [m for m in client.console if "Content Security Policy" in m], client.console


def anonymous_referral_in_chat():
    from accounts.models import User
    from chat import conversations
    from chat.models import Conversation, Message
    from handover import referrals
    from handover.models import Referral
    from partners.models import Partner

    conversation = Conversation.objects.get()
    hana = User.objects.get(username="hulpverlener")
    conversations.post_message(
        conversation,
        Message.Sender.VISITOR,
        "Iets wat alleen jij mag weten.",
        uuid.uuid4(),
    )
    referral = referrals.draft(
        conversation,
        hana,
        partner=Partner.objects.get(slug="veilig-thuis"),
        purpose=Referral.Purpose.ADVICE,
        summary="Advies over de kinderen.",
        shared=[],
        contact_route=Referral.ContactRoute.IN_CHAT,
    )
    # Approved: only then may the partner's professional be invited (docs/handover.md).
    Referral.objects.filter(pk=referral.pk).update(state=Referral.State.APPROVED)
    return str(referral.pk)


def test_the_invited_professional_joins_reads_nothing_earlier_and_the_link_works_once(
    page, browser_context, server_url
):
    from playwright.sync_api import expect

    orm(open_all_week)
    orm(make_people)
    visitor = page
    start_chat(visitor, server_url)
    expect(visitor.locator("[data-chat-state]")).to_contain_text("Een hulpverlener komt zo bij je.")
    orm(claim_the_chat)
    referral_id = orm(anonymous_referral_in_chat)
    visitor.reload()
    expect(visitor.locator("[data-chat-messages] [data-body]")).to_have_text(
        ["Iets wat alleen jij mag weten."]
    )

    counsellor = browser_context.browser.new_context(locale="nl-NL").new_page()
    staff_log_in(
        counsellor,
        server_url,
        "hulpverlener",
        PASSWORD,
        f"/medewerkers/verwijzingen/{referral_id}/",
    )
    counsellor.get_by_role("button", name="Uitnodigingslink maken").click()
    link = counsellor.locator("[data-guest-link]").input_value()
    assert re.search(r"/chat/gast/[\w-]{40,}/$", link)

    professional = browser_context.browser.new_context(locale="nl-NL").new_page()
    professional.goto(link)
    professional.get_by_role("button", name="Meedoen aan het gesprek").click()
    expect(professional.locator("[data-chat-messages] [data-body]")).to_have_text(
        ["Er doet nu iemand van Veilig Thuis mee aan het gesprek."]
    )
    expect(visitor.locator("[data-chat-messages] [data-body]").last).to_have_text(
        "Er doet nu iemand van Veilig Thuis mee aan het gesprek."
    )
    professional.get_by_label("Je bericht").fill("Hallo, ik ben van Veilig Thuis.")
    professional.get_by_role("button", name="Versturen").click()
    said = visitor.locator("[data-message]").last
    expect(said).to_contain_text("Hallo, ik ben van Veilig Thuis.")
    expect(said.locator("[data-from]")).to_have_text("Professional van een partner")
    # Their own message back from the server, and nothing from before they joined.
    expect(professional.locator("[data-chat-messages] [data-body]")).to_have_text(
        [
            "Er doet nu iemand van Veilig Thuis mee aan het gesprek.",
            "Hallo, ik ben van Veilig Thuis.",
        ]
    )
    assert "alleen jij mag weten" not in professional.locator("[data-chat-messages]").inner_text()
    visitor.screenshot(path=shot("three-way"), full_page=True)

    # The link works once.
    again = browser_context.browser.new_context(locale="nl-NL").new_page()
    again.goto(link)
    expect(again.get_by_role("heading", name="Deze link werkt niet (meer)")).to_be_visible()

    # Removed: the client is told, the professional's chat closes.
    counsellor.goto(f"{server_url}/medewerkers/verwijzingen/{referral_id}/")
    counsellor.get_by_role("button", name="Uit het gesprek halen").click()
    expect(visitor.locator("[data-chat-messages] [data-body]").last).to_contain_text(
        "doet niet meer mee"
    )
    expect(professional.locator("[data-chat-state]")).to_have_text(
        "Je kunt dit gesprek niet meer openen."
    )
