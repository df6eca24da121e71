"""Every ending of a conversation is in the audit log: who ended it, never what was said."""

import uuid

import pytest
from django.db import transaction

from audit.models import AuditEntry
from chat import blocks, closing, conversations, queue
from chat.models import Message

ENDED = AuditEntry.Action.CONVERSATION_ENDED


def waiting():
    return conversations.open_conversation(
        for_whom="self", minor="no", in_danger=False, visitor_pseudonym="p" * 16
    )


def claimed(counsellor):
    conversation = waiting()
    queue.claim(conversation, counsellor)
    conversations.post_message(
        conversation, Message.Sender.VISITOR, "iets heel persoonlijks", uuid.uuid4()
    )
    return conversation


def endings(conversation):
    return list(AuditEntry.objects.filter(action=ENDED, conversation_id=conversation.pk))


def test_a_visitor_leaving_the_queue_is_recorded_without_an_actor(db):
    conversation = waiting()
    conversations.end_conversation(conversation, by=Message.Sender.VISITOR)
    [entry] = endings(conversation)
    assert (entry.actor_id, entry.actor_name) == (None, "")
    assert entry.detail == "by=visitor state=abandoned"


def test_a_client_ending_their_chat_is_not_named(db, hana, robin):
    conversation = claimed(hana)
    conversations.end_conversation(conversation, by=Message.Sender.VISITOR, actor=robin)
    [entry] = endings(conversation)
    assert (entry.actor_id, entry.actor_name, entry.detail) == (None, "", "by=visitor state=ended")


def test_the_counsellor_ending_it_with_the_closing_form_is_the_actor(db, hana):
    conversation = claimed(hana)
    closing.close(conversation, hana, themes=[], group_context="religious", outcome="listened")
    [entry] = endings(conversation)
    assert (entry.actor_id, entry.actor_role, entry.detail) == (
        hana.pk,
        "counsellor",
        "by=counsellor state=ended",
    )
    assert "persoonlijk" not in entry.detail + entry.reason


def test_a_block_records_the_ending_once(db, hana):
    conversation = claimed(hana)
    blocks.block_visitor(conversation, hana, duration=next(iter(blocks.DURATIONS)), reason="x")
    [entry] = endings(conversation)
    assert entry.actor_id == hana.pk
    conversation.refresh_from_db()
    with pytest.raises(conversations.ConversationClosed):
        conversations.end_conversation(conversation, by="counsellor", actor=hana)
    assert len(endings(conversation)) == 1  # an ended chat ends no second time


def test_an_ending_that_rolls_back_leaves_no_entry(db, hana):
    conversation = claimed(hana)
    with pytest.raises(RuntimeError), transaction.atomic():
        conversations.end_conversation(conversation, by="counsellor", actor=hana)
        raise RuntimeError
    assert endings(conversation) == []


@pytest.mark.django_db(transaction=True)
async def test_ending_over_the_socket_is_recorded(hana):
    from channels.db import database_sync_to_async

    from tests.helpers.sockets import connect, staff_cookie

    conversation = await database_sync_to_async(claimed)(hana)
    socket, _, _ = await connect(conversation, await database_sync_to_async(staff_cookie)(hana))
    await socket.send_json_to({"type": "end"})
    assert (await socket.receive_json_from(timeout=5))["event"] == "ended"
    await socket.disconnect()
    [entry] = await database_sync_to_async(endings)(conversation)
    assert (entry.actor_id, entry.detail) == (hana.pk, "by=counsellor state=ended")
