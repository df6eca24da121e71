"""The referral pages: staff under /medewerkers/verwijzingen/, the consent card's JSON in
the client's chat, and the status in the client's account."""

import json
import re
from pathlib import Path

from django.test import Client

from accounts import session_keys
from handover import referrals
from handover.models import Referral
from tests.conftest import log_in
from tests.handover.conftest import consented_draft, in_state, meldcode_draft

State = Referral.State
BASE = "/medewerkers/verwijzingen/"


def staff(user):
    return log_in(Client(), user)


def test_a_counsellor_drafts_from_their_chat(chat, hana, otto, veilig_thuis):
    form = {
        "partner": veilig_thuis.pk,
        "purpose": "advice",
        "summary": "Zorgen om thuis.",
        "shared": ["age"],
        "contact_route": "client_contacts",
    }
    assert staff(otto).post(f"{BASE}nieuw/{chat.pk}/", form).status_code == 403
    response = staff(hana).post(f"{BASE}nieuw/{chat.pk}/", form)
    referral = Referral.objects.get()
    assert response.status_code == 302 and response.url == f"{BASE}{referral.pk}/"
    assert referral.shared == ["summary", "age"] and referral.drafted_by == hana


def test_the_form_for_an_anonymous_visitor_offers_nothing_identifying(anonymous_chat, hana):
    html = staff(hana).get(f"{BASE}nieuw/{anonymous_chat.pk}/").content.decode()
    assert "Deze bezoeker chat anoniem" in html
    assert 'value="contact"' not in html and 'value="partner_calls"' not in html
    assert 'value="client_contacts"' in html


def test_lists_show_whose_referrals_and_mark_those_without_consent(
    chat, hana, otto, sam, veilig_thuis
):
    in_state(meldcode_draft(chat, hana, veilig_thuis), State.IN_REVIEW)
    consented_draft(chat, hana, veilig_thuis)
    assert "Nog geen verwijzingen." in staff(otto).get(BASE).content.decode()
    for user in (hana, sam):
        html = staff(user).get(BASE).content.decode()
        assert html.count("zonder toestemming (meldcode)") >= 1
    assert "Wacht op jouw beoordeling" in staff(sam).get(BASE).content.decode()


def test_steps_from_the_referral_page(chat, hana, sam, robin, veilig_thuis):
    referral = consented_draft(chat, hana, veilig_thuis)
    page = staff(hana).get(f"{BASE}{referral.pk}/").content.decode()
    assert "Toestemming vragen in de chat" in page
    staff(hana).post(f"{BASE}{referral.pk}/stap/toestemming-vragen/")
    referral.refresh_from_db()
    assert referral.state == State.CONSENT_ASKED
    in_state(referral, State.IN_REVIEW)
    # The drafter sees no review buttons and cannot approve by posting either.
    assert "Goedkeuren" not in staff(hana).get(f"{BASE}{referral.pk}/").content.decode()
    assert staff(hana).post(f"{BASE}{referral.pk}/stap/goedkeuren/").status_code == 403
    assert staff(hana).post(f"{BASE}{referral.pk}/stap/onzin/").status_code == 403
    supervisor = staff(sam)
    supervisor.post(f"{BASE}{referral.pk}/stap/terugsturen/", {"comments": ""})
    referral.refresh_from_db()
    assert referral.state == State.IN_REVIEW  # a return needs a comment
    supervisor.post(f"{BASE}{referral.pk}/stap/goedkeuren/", {"comments": "Goed zo."})
    referral.refresh_from_db()
    assert referral.state == State.APPROVED and referral.reviewed_by == sam
    staff(hana).post(f"{BASE}{referral.pk}/stap/verstuurd/", {"method": "phone"})
    referral.refresh_from_db()
    assert referral.state == State.SENT and referral.sent_method == "phone"


def test_the_meldcode_path_refuses_without_justification(chat, hana, veilig_thuis):
    referral = meldcode_draft(chat, hana, veilig_thuis, justification={})
    response = staff(hana).post(f"{BASE}{referral.pk}/stap/aanbieden/", follow=True)
    assert "vul elke stap van de meldcode in" in response.content.decode()
    referral.refresh_from_db()
    assert referral.state == State.DRAFT


def test_the_meldcode_form_drafts_without_consent(chat, hana, veilig_thuis):
    form = {
        "partner": veilig_thuis.pk,
        "purpose": "melding",
        "concern": "structural",
        "children_involved": "on",
        "summary": "Kinderen krijgen geen zorg.",
        "client_informed": "no",
        "not_informed_reason": "Het kind loopt dan gevaar.",
        **{f"step_{key}": f"stap {key}" for key, _label in referrals.MELDCODE_STEPS},
    }
    response = staff(hana).post(f"{BASE}nieuw/{chat.pk}/zonder-toestemming/", form)
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert referral.without_consent and referral.concern == "structural"
    assert referral.client_informed is False
    referrals.submit(referral, hana)


def test_the_printable_referral_holds_only_the_consented_fields(chat, hana, sam, veilig_thuis):
    referral = consented_draft(
        chat,
        hana,
        veilig_thuis,
        shared=["contact"],  # the name is not to be shared
    )
    in_state(
        referral,
        State.APPROVED,
        contact_details=json.dumps({"name": "Sanne", "contact": "06-12345678", "times": ""}),
    )
    assert staff(hana).get(f"{BASE}{referral.pk}/afdrukken/").status_code == 200
    html = staff(sam).get(f"{BASE}{referral.pk}/afdrukken/").content.decode()
    assert "06-12345678" in html and "Zorgen om de kinderen in de groep." in html
    assert "Sanne" not in html
    assert "@media print" in Path("static/css/handover.css").read_text()
    draft = consented_draft(chat, hana, veilig_thuis)
    assert staff(hana).get(f"{BASE}{draft.pk}/afdrukken/").status_code == 403


def test_the_client_reads_and_answers_cards_only_in_their_own_chat(
    chat, hana, robin, otto, veilig_thuis
):
    referral = consented_draft(chat, hana, veilig_thuis)
    referrals.ask_consent(referral, hana)
    client = log_in(Client(), robin)
    cards = client.get(f"/chat/toestemming/{chat.pk}/").json()["cards"]
    assert [card["id"] for card in cards] == [str(referral.pk)]
    assert cards[0]["state"] == "consent_asked"
    assert cards[0]["steps"] == ["accept", "decline"]
    assert Client().get(f"/chat/toestemming/{chat.pk}/").status_code == 403
    assert staff(hana).get(f"/chat/toestemming/{chat.pk}/").status_code == 403
    decide = f"/chat/toestemming/besluit/{referral.pk}/"
    assert Client().post(decide, {"decision": "decline"}).status_code == 403
    missing = client.post(decide, {"decision": "accept", "digest": cards[0]["digest"]})
    assert missing.status_code == 409 and missing.json() == {"error": "contact_missing"}
    stale = client.post(decide, {"decision": "accept", "digest": "x", "contact": "06-1"})
    assert stale.json() == {"error": "card_changed"}
    given = {"decision": "accept", "digest": cards[0]["digest"], "contact": "06-1"}
    assert client.post(decide, given).json() == {
        "state": "in_review",
        "steps": ["withdraw"],
        "status": "Je zei ja. Een tweede hulpverlener kijkt er nog naar. "
        "Daarna brengen we je in contact.",
    }
    assert client.post(decide, {"decision": "withdraw"}).json() == {
        "state": "withdrawn",
        "steps": [],
        "status": "Je hebt je ja ingetrokken. Er is niets gedeeld.",
    }


def test_the_chat_without_script_shows_the_card_and_takes_its_answer_by_form(
    chat, hana, robin, veilig_thuis
):
    referral = consented_draft(chat, hana, veilig_thuis)
    referrals.ask_consent(referral, hana)
    client = log_in(Client(), robin)
    session = client.session
    session[session_keys.CONVERSATION] = str(chat.pk)
    session.save()
    html = client.get("/chat/").content.decode()
    card = html.split(f'id="card-{referral.pk}"')[1]
    assert "Veilig Thuis" in card and "Ja, dat is goed" in card
    digest = re.search(r'name="digest" value="([0-9a-f]{64})"', card).group(1)
    decide = f"/chat/toestemming/besluit/{referral.pk}/"
    missing = client.post(decide, {"back": "chat", "decision": "accept", "digest": digest})
    assert missing.status_code == 302 and missing.url == f"/chat/#card-{referral.pk}"
    assert "Vul in hoe ze je kunnen bereiken." in client.get("/chat/").content.decode()
    given = {"back": "chat", "decision": "accept", "digest": digest, "contact": "06-1"}
    assert client.post(decide, given).status_code == 302
    referral.refresh_from_db()
    assert referral.state == State.IN_REVIEW
    html = client.get("/chat/").content.decode()
    assert "Je zei ja. Een tweede hulpverlener kijkt er nog naar." in html
    assert "Toch niet: trek mijn ja in" in html


def test_the_account_shows_the_status_and_allows_withdrawal(chat, hana, robin, veilig_thuis):
    referral = in_state(consented_draft(chat, hana, veilig_thuis), State.APPROVED)
    hidden = consented_draft(chat, hana, veilig_thuis)  # a draft is not the client's yet
    client = log_in(Client(), robin)
    html = client.get("/account/").content.decode()
    assert "Je verwijzingen" in html and "We sturen het nu naar Veilig Thuis" in html
    assert str(hidden.pk) not in html
    assert client.get(f"/account/toestemming/{hidden.pk}/").status_code == 403
    assert client.get(f"/account/toestemming/{referral.pk}/").status_code == 200
    response = client.post(f"/account/toestemming/{referral.pk}/intrekken/")
    assert response.status_code == 302 and response.url == "/account/"
    referral.refresh_from_db()
    assert referral.state == State.WITHDRAWN
    assert "Je hebt je ja ingetrokken" in client.get("/account/").content.decode()


def test_a_refused_step_says_why_on_the_page_and_a_stranger_gets_a_403(
    robin, sam, otto, veilig_thuis
):
    from chat.models import Conversation
    from tests.handover.conftest import active_conversation

    # A supervisor drafted it: four eyes. The refusals are PermissionDenied now, and still
    # the page shows their message rather than a bare 403.
    chat = active_conversation(sam, client=robin)
    referral = in_state(consented_draft(chat, sam, veilig_thuis), State.IN_REVIEW)
    own = staff(sam).post(f"{BASE}{referral.pk}/stap/goedkeuren/", follow=True)
    assert own.status_code == 200
    assert "Je kunt je eigen verwijzing niet beoordelen." in own.content.decode()
    # A stale page: the step no longer fits the state.
    in_state(referral, State.SENT)
    stale = staff(sam).post(f"{BASE}{referral.pk}/stap/annuleren/", follow=True)
    assert stale.status_code == 200
    assert "Dat kan niet meer: de verwijzing is nu verstuurd." in stale.content.decode()
    # The chat ended while the draft was open: asking consent says so.
    draft = consented_draft(chat, sam, veilig_thuis)
    Conversation.objects.filter(pk=chat.pk).update(state=Conversation.State.ENDED)
    page = staff(sam).get(f"{BASE}{draft.pk}/").content.decode()
    assert "stap/toestemming-vragen/" not in page
    assert "Het gesprek is afgelopen: toestemming vraag je in de chat." in page
    asked = staff(sam).post(f"{BASE}{draft.pk}/stap/toestemming-vragen/", follow=True)
    assert "Het gesprek is afgelopen: toestemming vraag je in de chat." in asked.content.decode()
    # Someone the referral is not theirs at all: a plain 403, nothing about it.
    assert staff(otto).post(f"{BASE}{referral.pk}/stap/afsluiten/").status_code == 403


def test_the_card_answers_a_refusal_with_its_code(chat, hana, robin, veilig_thuis):
    referral = in_state(consented_draft(chat, hana, veilig_thuis), State.SENT)
    answer = log_in(Client(), robin).post(
        f"/chat/toestemming/besluit/{referral.pk}/", {"decision": "withdraw"}
    )
    assert answer.status_code == 409 and answer.json() == {"error": "wrong_state"}


def test_the_chat_without_script_holds_still_while_a_question_waits(
    chat, hana, robin, veilig_thuis
):
    # A refresh would wipe what the visitor is filling in on the card (chat/plain_chat.py
    # holds_still, answered by handover); once answered, the page refreshes itself again.
    client = log_in(Client(), robin)
    session = client.session
    session[session_keys.CONVERSATION] = str(chat.pk)
    session.save()
    assert 'http-equiv="refresh"' in client.get("/chat/").content.decode()
    referral = consented_draft(chat, hana, veilig_thuis)
    referrals.ask_consent(referral, hana)
    assert 'http-equiv="refresh"' not in client.get("/chat/").content.decode()
    digest = re.search(
        r'name="digest" value="([0-9a-f]{64})"', client.get("/chat/").content.decode()
    ).group(1)
    decide = f"/chat/toestemming/besluit/{referral.pk}/"
    client.post(decide, {"back": "chat", "decision": "decline", "digest": digest})
    assert 'http-equiv="refresh"' in client.get("/chat/").content.decode()
