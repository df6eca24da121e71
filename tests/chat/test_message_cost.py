"""What a chat message and a typing event cost the database (performance brief, section 7):
one INSERT and one commit per stored message, nothing per typing event or fan-out delivery,
while every message is still authorised at the moment it is stored."""

import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.backends import utils
from django.test.utils import CaptureQueriesContext

from chat import conversations, queue
from chat.models import Conversation, Message
from tests.chat.test_post_message_statement import POSTGRESQL_NOT_TESTED
from tests.conftest import skip_or_fail
from tests.helpers.sockets import connect, staff_cookie, visitor_cookie

pytestmark = pytest.mark.django_db(transaction=True)


def open_claimed(counsellor):
    conversation = conversations.open_conversation(for_whom="self", minor="no", in_danger=False)
    queue.claim(conversation, counsellor)
    return conversation


@pytest.fixture
def statements(monkeypatch):
    """Every statement any thread sends, not only this thread's connection."""
    sent = []
    execute = utils.CursorWrapper._execute

    def counting(self, sql, params, *ignored):
        sent.append(sql)
        return execute(self, sql, params, *ignored)

    monkeypatch.setattr(utils.CursorWrapper, "_execute", counting)
    return sent


def test_a_message_is_one_statement_that_inserts(hana):
    if connection.vendor != "postgresql":
        skip_or_fail(POSTGRESQL_NOT_TESTED)
    conversation = open_claimed(hana)
    with CaptureQueriesContext(connection) as queries:
        message, created = conversations.post_message(
            conversation, "counsellor", "hallo", uuid.uuid4(), hana
        )
    assert created and message.seq == 1
    assert len(queries) == 1  # autocommit: the statement is its own transaction and commit
    assert "INSERT INTO chat_message" in queries[0]["sql"]
    stored = Message.objects.get()
    assert (stored.seq, stored.body, stored.author) == (1, "hallo", hana)
    assert Conversation.objects.get().last_seq == 1


def test_a_counsellor_transferred_away_can_no_longer_post(hana, otto):
    conversation = open_claimed(hana)
    Conversation.objects.filter(pk=conversation.pk).update(counsellor=otto)
    with pytest.raises(PermissionDenied):
        conversations.post_message(conversation, "counsellor", "nog iets", uuid.uuid4(), hana)
    conversations.post_message(conversation, "counsellor", "ik neem het over", uuid.uuid4(), otto)
    assert list(Message.objects.values_list("seq", "author")) == [(1, otto.pk)]


def test_a_resend_after_the_end_still_gets_its_first_number(hana):
    conversation = open_claimed(hana)
    client_id = uuid.uuid4()
    first, _ = conversations.post_message(conversation, "visitor", "hallo", client_id)
    conversations.end_conversation(conversation, by="visitor")
    again, created = conversations.post_message(conversation, "visitor", "hallo", client_id)
    assert not created and again.seq == first.seq == 1
    with pytest.raises(conversations.ConversationClosed):
        conversations.post_message(conversation, "visitor", "nog iets", uuid.uuid4())


def test_numbers_have_no_gaps_after_a_resend(hana):
    conversation = open_claimed(hana)
    client_id = uuid.uuid4()
    conversations.post_message(conversation, "visitor", "een", client_id)
    conversations.post_message(conversation, "visitor", "een", client_id)
    second, _ = conversations.post_message(conversation, "visitor", "twee", uuid.uuid4())
    assert second.seq == 2 and Conversation.objects.get().last_seq == 2


async def test_typing_and_fan_out_send_no_statements(hana, statements):
    from channels.db import database_sync_to_async

    conversation = await database_sync_to_async(open_claimed)(hana)
    visitor_key = await database_sync_to_async(visitor_cookie)(conversation)
    hana_key = await database_sync_to_async(staff_cookie)(hana)
    visitor, _, _ = await connect(conversation, visitor_key)
    counsellor, _, _ = await connect(conversation, hana_key)
    statements.clear()
    for _ in range(3):  # merged into one for the counsellor (chat/socket_limits.py)
        await visitor.send_json_to({"type": "typing"})
    assert await counsellor.receive_json_from(timeout=5) == {"type": "typing"}
    assert statements == []

    await counsellor.send_json_to({"type": "message.send", "id": str(uuid.uuid4()), "body": "hoi"})
    assert (await counsellor.receive_json_from(timeout=5))["type"] == "ack"
    assert (await counsellor.receive_json_from(timeout=5))["type"] == "message"
    assert (await visitor.receive_json_from(timeout=5))["type"] == "message"
    # Reading it is no database work either (clamped to what this socket was sent).
    await visitor.send_json_to({"type": "read", "seq": 1})
    assert (await counsellor.receive_json_from(timeout=5))["type"] == "read"
    # Storing it is the only database work; delivering it to both sockets is none.
    stored = [sql for sql in statements if not sql.startswith("BEGIN")]
    expected = 1 if connection.vendor == "postgresql" else 2  # SQLite: UPDATE, then INSERT
    assert len(stored) == expected, statements
    await visitor.disconnect()
    await counsellor.disconnect()
