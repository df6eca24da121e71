"""The consent card on the visitor's chat page itself: rendered by the server with its
answers as ordinary forms, so it can be read and answered without JavaScript; the answer
goes back to the chat page, at the card."""

from datetime import timedelta

from django.test import Client

from accounts import session_keys
from handover import referrals
from handover.models import Referral
from tests.conftest import log_in
from tests.handover.conftest import consented_draft

State = Referral.State


def visitor_page(client, conversation):
    session = client.session
    session[session_keys.CONVERSATION] = str(conversation.pk)
    session.save()
    return client


def card_html(page, referral):
    html = page.content.decode()
    start = html.rindex("<li", 0, html.index(f'id="card-{referral.pk}"'))
    return html[start : html.index("</li>\n", html.index("<details", start))]


def test_the_chat_page_renders_the_open_question_with_its_forms(chat, hana, robin, veilig_thuis):
    referral = consented_draft(chat, hana, veilig_thuis, summary="Zorgen <om> de kinderen.")
    referrals.ask_consent(referral, hana)
    client = visitor_page(log_in(Client(), robin), chat)
    card = card_html(client.get("/chat/"), referral)
    assert "Veilig Thuis" in card
    # Text, never markup: the summary is escaped, word for word.
    assert "Zorgen &lt;om&gt; de kinderen." in card
    decide = f'action="/chat/toestemming/besluit/{referral.pk}/"'
    assert card.count(decide) == 2  # yes/no, and "toch niet" (hidden until a yes)
    assert 'name="decision" value="accept"' in card and 'value="decline"' in card
    assert card.count("csrfmiddlewaretoken") == 2
    # The partner calls: the card asks how, inside the yes form.
    assert 'name="contact"' in card.split('value="accept"')[0]
    assert "<details" in card and "Meer over deze vraag" in card


def test_a_form_answer_goes_back_to_the_chat_at_the_card(chat, hana, robin, veilig_thuis):
    referral = consented_draft(chat, hana, veilig_thuis)
    referrals.ask_consent(referral, hana)
    referral.refresh_from_db()
    client = visitor_page(log_in(Client(), robin), chat)
    digest = referrals.card_of(referral)["digest"]
    decide = f"/chat/toestemming/besluit/{referral.pk}/"

    refused = client.post(decide, {"decision": "accept", "digest": digest, "back": "chat"})
    assert refused.status_code == 302 and refused.url == f"/chat/#card-{referral.pk}"
    referral.refresh_from_db()
    assert referral.state == State.CONSENT_ASKED
    # The refusal shows on that card, once.
    assert "Vul in hoe ze je kunnen bereiken" in card_html(client.get("/chat/"), referral)
    assert "Vul in hoe ze je kunnen bereiken" not in card_html(client.get("/chat/"), referral)

    given = {"decision": "accept", "digest": digest, "contact": "06-1", "back": "chat"}
    assert client.post(decide, given).url == f"/chat/#card-{referral.pk}"
    referral.refresh_from_db()
    assert referral.state == State.IN_REVIEW
    card = card_html(client.get("/chat/"), referral)
    # Shrunk to its state line, with "toch niet" as a form.
    assert "consent-card--answered" in card
    assert "Je zei ja. Een tweede hulpverlener kijkt er nog naar." in card
    withdraw = card.split("data-withdraw-box")[1].split("</form>")[0]
    assert 'value="withdraw"' in withdraw and " hidden" not in withdraw.split(">")[0]

    client.post(decide, {"decision": "withdraw", "back": "chat"})
    referral.refresh_from_db()
    assert referral.state == State.WITHDRAWN


def test_a_form_no_is_recorded_and_a_stale_card_is_refused(chat, hana, robin, veilig_thuis):
    referral = consented_draft(chat, hana, veilig_thuis)
    referrals.ask_consent(referral, hana)
    client = visitor_page(log_in(Client(), robin), chat)
    decide = f"/chat/toestemming/besluit/{referral.pk}/"
    stale = client.post(decide, {"decision": "decline", "digest": "x", "back": "chat"})
    assert stale.status_code == 302
    assert "Deze vraag is intussen veranderd" in card_html(client.get("/chat/"), referral)
    referral.refresh_from_db()
    digest = referrals.card_of(referral)["digest"]
    client.post(decide, {"decision": "decline", "digest": digest, "back": "chat"})
    referral.refresh_from_db()
    assert referral.state == State.DECLINED
    assert "Je zei nee. Er is niets gedeeld." in card_html(client.get("/chat/"), referral)


def test_an_anonymous_visitor_reads_the_partners_own_route_and_the_account_option(
    anonymous_chat, hana, veilig_thuis
):
    referral = consented_draft(
        anonymous_chat,
        hana,
        veilig_thuis,
        shared=[],
        contact_route=Referral.ContactRoute.CLIENT_CONTACTS,
    )
    referrals.ask_consent(referral, hana)
    client = visitor_page(Client(), anonymous_chat)
    card = card_html(client.get("/chat/"), referral)
    note = card.split("data-anonymous-note")[1].split("</div>")[0]
    assert not note.startswith(" hidden")
    assert veilig_thuis.phone in note and "Bewaar dit gesprek" in note
    assert 'name="contact"' not in card.split("data-contact-fields")[1].split(">")[0]
    assert "data-contact-fields hidden" in card


def test_the_card_json_says_where_in_the_conversation_it_was_asked(chat, hana, robin, veilig_thuis):
    from chat.models import Message

    for seq in (1, 2):
        Message.objects.create(
            conversation=chat,
            seq=seq,
            client_id=f"00000000-0000-4000-8000-00000000000{seq}",
            sender=Message.Sender.VISITOR,
            body="hallo",
        )
    referral = consented_draft(chat, hana, veilig_thuis)
    referrals.ask_consent(referral, hana)
    # Said after the question: the card stays before it.
    later = Message.objects.create(
        conversation=chat,
        seq=3,
        client_id="00000000-0000-4000-8000-000000000003",
        sender=Message.Sender.VISITOR,
        body="ja hoor",
    )
    Message.objects.filter(pk=later.pk).update(created_at=later.created_at + timedelta(seconds=5))
    client = log_in(Client(), robin)
    cards = client.get(f"/chat/toestemming/{chat.pk}/").json()["cards"]
    assert cards[0]["after_seq"] == 2
