"""Journey: the three-way handover (issue 15). A client with an account agrees in the chat
that someone of Veilig Thuis joins; a supervisor, told at once on the overview, approves
from there; only then is the single-use link made; the professional joins, sees only what
follows, the link refuses a second use; the professional leaves; the client's history
shows who said what (chat/speakers.py)."""

import re
from pathlib import Path

import pytest

from tests.e2e.test_chat import open_all_week
from tests.e2e.test_handover import PASSWORD, claim_the_chat, draft, make_people, start_chat
from tests.helpers.browser import DESKTOP, PHONE, orm, screenshots, serious_problems, staff_log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def referral_of_the_chat():
    from handover.models import Referral

    referral = Referral.objects.get()
    return str(referral.pk), referral.state


def the_counsellor_says(conversation_id, body):
    import uuid

    from accounts.models import User
    from chat import conversations
    from chat.models import Conversation, Message

    conversation = Conversation.objects.get(pk=conversation_id)
    author = User.objects.get(username="hulpverlener")
    conversations.post_message(conversation, Message.Sender.COUNSELLOR, body, uuid.uuid4(), author)


def test_three_way_handover(page, browser_context, server_url):
    from playwright.sync_api import expect

    def new_page(size=DESKTOP):
        return browser_context.browser.new_context(locale="nl-NL", viewport=size).new_page()

    orm(open_all_week)
    passphrase = orm(make_people)

    # The supervisor's overview is open before anything happens: it must hear of it.
    supervisor = new_page()
    staff_log_in(supervisor, server_url, "supervisor", PASSWORD, "/medewerkers/overzicht/")
    expect(supervisor.get_by_text("Wacht op beoordeling")).to_have_count(0)

    client = page
    client.set_viewport_size(PHONE)
    client.goto(server_url + "/account/inloggen/")
    client.get_by_label("Je wachtwoordzin").fill(passphrase)
    client.get_by_role("button", name="Inloggen").click()
    start_chat(client, server_url)
    expect(client.locator("[data-chat-state]")).to_contain_text("Een hulpverlener komt zo bij je.")
    conversation_id = orm(claim_the_chat)
    client.reload()
    expect(client.locator("[data-chat-state]")).to_have_text("Een hulpverlener praat nu met je.")
    client.get_by_label("Je bericht").fill("Iets wat alleen jij mag weten.")
    client.get_by_role("button", name="Versturen").click()
    expect(client.locator("[data-message]").last).to_contain_text("alleen jij mag weten")
    orm(the_counsellor_says, conversation_id, "Ik ben er. Vertel maar.")
    expect(client.locator("[data-message]").last).to_contain_text("Vertel maar.")

    # Consent: the card says that a second person checks before the partner joins.
    counsellor = new_page()
    staff_log_in(
        counsellor,
        server_url,
        "hulpverlener",
        PASSWORD,
        f"/medewerkers/verwijzingen/nieuw/{conversation_id}/",
    )
    referral_page = draft(counsellor, "Veilig Thuis", "de partner komt erbij in deze chat")
    card = client.locator("[data-card]")
    expect(card).to_contain_text(
        "Eerst kijkt een tweede hulpverlener van Hulppunt Onder Controle ernaar. Pas daarna "
        "komt iemand van Veilig Thuis erbij in deze chat."
    )
    screenshots(client, "three-way-card")
    card.get_by_role("button", name="Ja, dat is goed").click()
    expect(card.locator("[data-answer]")).to_contain_text("Je zei ja.")
    assert orm(referral_of_the_chat)[1] == "in_review"
    assert serious_problems(client) == []

    # In review: no link yet, and the counsellor's page says why.
    counsellor.goto(referral_page)
    expect(counsellor.get_by_role("button", name="Uitnodigingslink maken")).to_have_count(0)
    expect(counsellor.locator("[data-invite-waits]")).to_contain_text(
        "Uitnodigen kan zodra een supervisor de verwijzing heeft goedgekeurd."
    )
    screenshots(counsellor, "three-way-referral-waits")

    # The supervisor is told at once, without reloading, and approves from the overview.
    waiting = supervisor.locator("[data-reviews-waiting]")
    expect(waiting).to_contain_text("Verwijzing naar Veilig Thuis van hulpverlener: wacht sinds")
    expect(waiting).to_contain_text("drie-gesprek")
    expect(supervisor).to_have_title(re.compile(r"^\(!\) Overzicht"))
    screenshots(supervisor, "three-way-overview")
    supervisor.set_viewport_size(DESKTOP)
    waiting.get_by_role("link", name="Beoordelen").click()
    supervisor.get_by_role("button", name="Goedkeuren").click()
    expect(supervisor.locator(".referral-state")).to_contain_text("goedgekeurd")
    assert orm(referral_of_the_chat)[1] == "approved"
    supervisor.goto(server_url + "/medewerkers/overzicht/")
    expect(supervisor.get_by_text("Wacht op beoordeling")).to_have_count(0)

    # Now the single-use link.
    counsellor.goto(referral_page)
    counsellor.get_by_role("button", name="Uitnodigingslink maken").click()
    link = counsellor.locator("[data-guest-link]").input_value()
    assert re.search(r"/chat/gast/[\w-]{40,}/$", link)

    # The professional joins and sees only what follows.
    professional = new_page(PHONE)
    professional.goto(link)
    professional.get_by_role("button", name="Meedoen aan het gesprek").click()
    notice = "Er doet nu iemand van Veilig Thuis mee aan het gesprek."
    expect(professional.locator("[data-chat-messages] [data-body]")).to_have_text([notice])
    expect(client.locator("[data-chat-messages] [data-body]").last).to_have_text(notice)
    professional.get_by_label("Je bericht").fill("Hallo, ik ben van Veilig Thuis.")
    professional.get_by_role("button", name="Versturen").click()
    said = client.locator("[data-message]").last
    expect(said).to_contain_text("Hallo, ik ben van Veilig Thuis.")
    expect(said.locator("[data-from]")).to_have_text("Professional van een partner")
    expect(professional.locator("[data-chat-messages] [data-body]")).to_have_text(
        [notice, "Hallo, ik ben van Veilig Thuis."]
    )
    before = professional.locator("[data-chat-messages]").inner_text()
    assert "alleen jij mag weten" not in before and "Vertel maar" not in before
    screenshots(professional, "three-way-professional")

    # A second use of the link is refused.
    again = new_page(PHONE)
    again.goto(link)
    expect(again.get_by_role("heading", name="Deze link werkt niet (meer)")).to_be_visible()

    # The professional leaves; the client reads it.
    professional.get_by_role("button", name="Gesprek verlaten").click()
    expect(client.locator("[data-chat-messages] [data-body]").last).to_contain_text(
        "doet niet meer mee"
    )
    client.get_by_role("button", name="Gesprek beëindigen").click()
    client.get_by_role("dialog").get_by_role("button", name="Ja, beëindig het gesprek").click()
    expect(client.locator("[data-chat-ended]")).to_be_visible()

    # History: who said what, as the client reads it.
    client.goto(f"{server_url}/chat/eerder/{conversation_id}/")
    speakers = client.locator(".transcript [data-message] [data-from]")
    bodies = client.locator(".transcript [data-message] [data-body]")
    said_by = dict(zip(bodies.all_inner_texts(), speakers.all_inner_texts(), strict=True))
    assert said_by["Iets wat alleen jij mag weten."] == "Jij"
    assert said_by["Ik ben er. Vertel maar."] == "Hulpverlener"
    assert said_by["Hallo, ik ben van Veilig Thuis."] == "Professional van een partner"
    assert said_by[notice] == "Hulppunt Onder Controle"
    screenshots(client, "three-way-history")
    with client.expect_download() as download:
        client.get_by_role("link", name="Download dit gesprek als tekstbestand").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert "Professional van een partner (" in text and "Hallo, ik ben van Veilig Thuis." in text
    assert "Jij (" in text
