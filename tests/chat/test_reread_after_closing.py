"""A counsellor reads a chat while it runs and until its closing form is in; after that,
re-reading it is an audited look with a reason, like a supervisor's (issue 13, item 7)."""

import uuid

import pytest
from channels.db import database_sync_to_async
from django.core.exceptions import PermissionDenied
from django.test import Client

from audit.models import AuditEntry
from chat import closing, conversations, queue
from chat.models import Message
from tests.conftest import log_in
from tests.helpers.sockets import refusal, staff_cookie

SECRET = "Mijn broer weet waar ik woon."


def held_and_ended(hana):
    conversation = conversations.open_conversation(for_whom="self", minor="no", in_danger=False)
    queue.claim(conversation, hana)
    conversations.post_message(conversation, Message.Sender.VISITOR, SECRET, uuid.uuid4())
    conversations.end_conversation(conversation, by=Message.Sender.VISITOR)
    return conversation


def fill_in_closing_form(conversation, hana):
    closing.close(conversation, hana, themes=[], group_context="unknown", outcome="listened")


def test_until_the_closing_form_is_in_the_counsellor_still_reads_it(hana):
    conversation = held_and_ended(hana)
    assert conversations.get_conversation_for(hana, conversation.pk) == conversation
    fill_in_closing_form(conversation, hana)
    with pytest.raises(PermissionDenied):
        conversations.get_conversation_for(hana, conversation.pk)


def test_the_workspace_page_of_a_closed_chat_is_refused(hana):
    conversation = held_and_ended(hana)
    fill_in_closing_form(conversation, hana)
    response = log_in(Client(), hana).get(f"/medewerkers/gesprek/{conversation.pk}/")
    assert response.status_code == 403 and SECRET not in response.content.decode()


@pytest.mark.django_db(transaction=True)
async def test_the_socket_of_a_closed_chat_replays_nothing(hana):
    def closed_chat():
        conversation = held_and_ended(hana)
        fill_in_closing_form(conversation, hana)
        return conversation, staff_cookie(hana)

    conversation, hana_key = await database_sync_to_async(closed_chat)()
    # Before the fix it stayed open, and "resume" from 0 gave the whole transcript.
    assert await refusal(conversation, hana_key) == 4403


def test_the_counsellor_who_held_it_looks_with_a_reason_and_is_logged(hana):
    conversation = held_and_ended(hana)
    fill_in_closing_form(conversation, hana)
    client = log_in(Client(), hana)
    path = f"/medewerkers/overzicht/gesprek/{conversation.pk}/"
    asked = client.get(path)
    assert asked.status_code == 200 and SECRET not in asked.content.decode()
    assert "Waarom kijk je mee?" in asked.content.decode()
    shown = client.post(path, {"reason_code": "other", "reason_text": "verwijzing schrijven"})
    assert shown.status_code == 200 and SECRET in shown.content.decode()
    look = AuditEntry.objects.get(action=AuditEntry.Action.CONVERSATION_VIEWED)
    assert (look.actor_name, look.conversation_id) == ("hana", conversation.pk)
    assert look.reason == "verwijzing schrijven"


def test_no_other_counsellor_looks_and_no_open_chat_is_looked_into(hana, otto):
    conversation = held_and_ended(hana)
    fill_in_closing_form(conversation, hana)
    path = f"/medewerkers/overzicht/gesprek/{conversation.pk}/"
    other = log_in(Client(), otto)
    assert other.get(path).status_code == 403
    refused = other.post(path, {"reason_code": "quality"})
    assert refused.status_code == 403 and SECRET not in refused.content.decode()
    # Hana's open chat is read in her workspace, not through a look.
    running = conversations.open_conversation(for_whom="self", minor="no", in_danger=False)
    queue.claim(running, hana)
    mine = log_in(Client(), hana)
    path = f"/medewerkers/overzicht/gesprek/{running.pk}/"
    assert mine.post(path, {"reason_code": "quality"}).status_code == 403
    assert mine.get(path).status_code == 403
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.CONVERSATION_VIEWED).exists()


def test_a_referral_can_still_be_drafted_after_the_closing_form(hana):
    # Drafting shows nothing of the transcript, and referrals.draft allows the counsellor
    # who held the chat; the closing form does not end that.
    conversation = held_and_ended(hana)
    fill_in_closing_form(conversation, hana)
    page = log_in(Client(), hana).get(f"/medewerkers/verwijzingen/nieuw/{conversation.pk}/")
    assert page.status_code == 200 and SECRET not in page.content.decode()
