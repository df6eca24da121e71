"""An anonymous chat kept in a new account ("Bewaar dit gesprek") brings its referrals with
it: from that moment the client follows each one in /account/, and the chat's consent card
and the ended-chat page tell the same state."""

import re
import uuid

from django.test import Client

from accounts import session_keys
from accounts.models import User
from chat import conversations
from handover import referrals
from handover.models import Referral
from tests.accounts.conftest import cheap_argon2  # noqa: F401  (fixture)
from tests.handover.conftest import active_conversation


def anonymous_visitor(hana):
    """A browser in an anonymous chat with hana."""
    browser = Client()
    conversation = active_conversation(hana)
    conversations.post_message(conversation, "visitor", "ik durf het niet thuis", uuid.uuid4())
    session = browser.session
    session[session_keys.CONVERSATION] = str(conversation.pk)
    session.save()
    return browser, conversation


def consented(browser, conversation, hana, partner, **draft):
    """hana asks, and the visitor says yes in the card, as the chat page does."""
    values = {
        "partner": partner,
        "purpose": Referral.Purpose.ADVICE,
        "summary": "Wil praten met iemand van buiten de groep.",
        "shared": [],
        "contact_route": Referral.ContactRoute.CLIENT_CONTACTS,
        **draft,
    }
    referral = referrals.ask_consent(referrals.draft(conversation, hana, **values), hana)
    card = browser.get(f"/chat/toestemming/{conversation.pk}/").json()["cards"][0]
    answered = browser.post(
        f"/chat/toestemming/besluit/{referral.pk}/",
        {"decision": "accept", "digest": card["digest"]},
    )
    assert answered.status_code == 200, answered.content
    return Referral.objects.get(pk=referral.pk)


def keep_in_new_account(browser):
    """The end page, "Bewaar dit gesprek", a new passphrase typed back."""
    ended = browser.get("/chat/").content.decode()
    browser.post("/chat/bewaren/")
    page = browser.post("/account/nieuw/").content.decode()
    passphrase = re.search(r"data-passphrase>([a-z ]+)<", page).group(1)
    browser.post("/account/bevestigen/", {"passphrase": passphrase})
    assert "Je gesprek staat in je account" in browser.get("/chat/bewaard/").content.decode()
    return ended


def test_a_kept_chat_brings_its_referrals_into_the_account(hana, sam, veilig_thuis):
    browser, conversation = anonymous_visitor(hana)
    referral = consented(browser, conversation, hana, veilig_thuis)
    referrals.approve(referral, sam)
    referrals.mark_sent(referral, sam, Referral.SendMethod.PHONE)
    conversations.end_conversation(conversation, by="counsellor")
    keep_in_new_account(browser)

    client = User.objects.get(role="client")
    referral.refresh_from_db()
    assert referral.client == client
    # What the client agreed to stays as shown: an anonymous card, nothing identifying.
    assert referrals.card_of(referral)["anonymous"] is True
    account = browser.get("/account/").content.decode()
    assert "Je verwijzingen" in account
    assert f"/account/toestemming/{referral.pk}/" in account
    assert "We hebben het naar Veilig Thuis gestuurd" in account
    assert browser.get(f"/account/toestemming/{referral.pk}/").status_code == 200


def test_a_yes_still_open_can_be_taken_back_from_the_account(hana, veilig_thuis):
    browser, conversation = anonymous_visitor(hana)
    referral = consented(browser, conversation, hana, veilig_thuis)
    conversations.end_conversation(conversation, by="visitor")
    keep_in_new_account(browser)

    account = browser.get("/account/").content.decode()
    assert "Een tweede hulpverlener kijkt er nog naar" in account
    assert f"/account/toestemming/{referral.pk}/intrekken/" in account
    browser.post(f"/account/toestemming/{referral.pk}/intrekken/")
    assert Referral.objects.get(pk=referral.pk).state == Referral.State.WITHDRAWN


def test_a_meldcode_referral_moves_with_the_chat_but_stays_out_of_view(hana, veilig_thuis):
    from tests.handover.conftest import meldcode_draft

    browser, conversation = anonymous_visitor(hana)
    meldcode = meldcode_draft(conversation, hana, veilig_thuis, shared=[])
    conversations.end_conversation(conversation, by="counsellor")
    keep_in_new_account(browser)

    meldcode.refresh_from_db()
    assert meldcode.client == User.objects.get(role="client")
    assert "Je verwijzingen" not in browser.get("/account/").content.decode()


def test_keeping_moves_nothing_of_another_conversation(hana, veilig_thuis):
    browser, conversation = anonymous_visitor(hana)
    _other_browser, other = anonymous_visitor(hana)
    theirs = referrals.draft(
        other,
        hana,
        partner=veilig_thuis,
        purpose=Referral.Purpose.ADVICE,
        summary="iets anders",
        shared=[],
        contact_route=Referral.ContactRoute.CLIENT_CONTACTS,
    )
    conversations.end_conversation(conversation, by="counsellor")
    keep_in_new_account(browser)
    theirs.refresh_from_db()
    assert theirs.client is None


# --- The card and the ended page tell the true state (issue 15, item 2) --------------------


def card_in_chat(browser, conversation):
    cards = browser.get(f"/chat/toestemming/{conversation.pk}/").json()["cards"]
    assert len(cards) == 1
    return cards[0]


def test_the_card_in_the_chat_follows_the_referral_to_sent(hana, sam, veilig_thuis):
    browser, conversation = anonymous_visitor(hana)
    referral = consented(browser, conversation, hana, veilig_thuis)
    assert (
        "Een tweede hulpverlener kijkt er nog naar" in card_in_chat(browser, conversation)["status"]
    )
    referrals.approve(referral, sam)
    approved = card_in_chat(browser, conversation)
    assert approved["state"] == "approved"
    assert "goedgekeurd" in approved["status"]
    assert "kijkt er nog naar" not in approved["status"]
    referrals.mark_sent(referral, sam, Referral.SendMethod.PHONE)
    sent = card_in_chat(browser, conversation)
    assert sent["state"] == "sent"
    assert sent["status"] == "We hebben het naar Veilig Thuis gestuurd."
    assert "withdraw" not in sent["steps"]


def test_the_answer_to_the_card_comes_back_with_its_sentence(hana, veilig_thuis):
    browser, conversation = anonymous_visitor(hana)
    referral = referrals.ask_consent(
        referrals.draft(
            conversation,
            hana,
            partner=veilig_thuis,
            purpose=Referral.Purpose.ADVICE,
            summary="Praten met iemand van buiten.",
            shared=[],
            contact_route=Referral.ContactRoute.CLIENT_CONTACTS,
        ),
        hana,
    )
    card = card_in_chat(browser, conversation)
    assert card["status"] == ""  # the question itself is on the card, with its buttons
    answer = browser.post(
        f"/chat/toestemming/besluit/{referral.pk}/",
        {"decision": "decline", "digest": card["digest"]},
    ).json()
    assert answer["status"] == "Je zei nee. Er is niets gedeeld."


def test_the_ended_page_tells_the_referrals_state(hana, sam, veilig_thuis):
    browser, conversation = anonymous_visitor(hana)
    referral = consented(browser, conversation, hana, veilig_thuis)
    referrals.approve(referral, sam)
    referrals.mark_sent(referral, sam, Referral.SendMethod.PHONE)
    conversations.end_conversation(conversation, by="counsellor")
    ended = keep_in_new_account(browser)
    assert "Het gesprek is afgelopen" in ended
    shown = ended.split("data-ended-referrals", 1)[1]
    assert "We hebben het naar Veilig Thuis gestuurd." in shown


def test_the_ended_page_keeps_meldcode_referrals_out_of_view(hana, veilig_thuis):
    from tests.handover.conftest import meldcode_draft

    browser, conversation = anonymous_visitor(hana)
    meldcode_draft(conversation, hana, veilig_thuis, shared=[])
    conversations.end_conversation(conversation, by="counsellor")
    ended = browser.get("/chat/").content.decode()
    assert "Het gesprek is afgelopen" in ended
    assert "data-ended-referrals" not in ended
