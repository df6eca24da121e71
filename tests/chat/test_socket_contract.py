"""What docs/protocol.md promises a client written from it alone (issue #19).

Each test is a client that does what the document says, and what it then sees.
"""

import logging
import uuid

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from chat import conversations, queue
from chat.consumers import ConversationConsumer
from tests.helpers.sockets import connect, refusal, staff_cookie, until_crashed, visitor_cookie

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def chat(hana):
    conversation = conversations.open_conversation(for_whom="self", minor="no", in_danger=False)
    queue.claim(conversation, hana)
    return conversation, visitor_cookie(conversation), staff_cookie(hana)


def post(conversation, *texts):
    """The counsellor writes (the visitor's socket receives these)."""
    for text in texts:
        conversations.post_message(
            conversation, "counsellor", text, uuid.uuid4(), conversation.counsellor
        )


async def resumed(socket, after=0):
    """Resume, and the messages replayed before `resumed`, and `resumed` itself."""
    await socket.send_json_to({"type": "resume", "after": after})
    frames = []
    while (frame := await socket.receive_json_from(timeout=5))["type"] != "resumed":
        frames.append(frame)
    return frames, frame


async def answer(socket, frame):
    await socket.send_json_to(frame)
    return await socket.receive_json_from(timeout=5)


class LiteralClient:
    """A client that keeps what it was sent and resumes as docs/protocol.md says: from the
    highest seq up to which it has every message (live frames may arrive out of order)."""

    def __init__(self):
        self.have = {}

    def take(self, frame):
        if frame["type"] == "message":
            self.have.setdefault(frame["seq"], frame["body"])

    def after(self):
        seq = 0
        while seq + 1 in self.have:
            seq += 1
        return seq


# --- Resume after frames that arrived out of order --------------------------------------


async def test_a_client_that_resumes_by_the_documented_rule_misses_nothing(chat):
    conversation, visitor_key, _ = chat
    visitor, ok, _ = await connect(conversation, visitor_key)
    assert ok
    await database_sync_to_async(post)(conversation, "een", "twee", "drie")
    live = {}
    while len(live) < 3:
        frame = await visitor.receive_json_from(timeout=5)
        live[frame["seq"]] = frame
    await visitor.disconnect()
    # Two servers published 1 and 3 before 2; the connection dropped before 2 arrived.
    client = LiteralClient()
    client.take(live[1])
    client.take(live[3])
    assert client.after() == 1  # not 3, the highest seq it has

    again, ok, _ = await connect(conversation, visitor_key)
    replay, status = await resumed(again, client.after())
    for frame in replay:
        client.take(frame)
    assert client.have == {1: "een", 2: "twee", 3: "drie"}
    assert status["last_seq"] == 3
    # What the rule avoids: "the highest seq it has" would never get 2 back.
    replay, _ = await resumed(again, 3)
    assert replay == []
    await again.disconnect()


# --- Bad input is answered, never a crash -----------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "[" * 30000 + "]" * 30000,
        '{"type": "resume", "after": ' + "[" * 20000 + "]" * 20000 + "}",
        '{"a":' * 10000 + "1" + "}" * 10000,
        "[" * 30000,  # and never closed
    ],
)
async def test_deeply_nested_json_is_bad_json_and_the_socket_stays(chat, text, caplog):
    conversation, visitor_key, _ = chat
    visitor, ok, _ = await connect(conversation, visitor_key)
    assert ok
    with caplog.at_level(logging.ERROR):
        await visitor.send_to(text_data=text)
        frame = await visitor.receive_json_from(timeout=5)
    assert (frame["type"], frame["code"]) == ("error", "bad_json")
    _, status = await resumed(visitor)  # still open, still answering
    assert status["state"] == "active"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    await visitor.disconnect()


async def test_brackets_inside_a_message_are_text_not_nesting(chat):
    conversation, visitor_key, _ = chat
    visitor, _, _ = await connect(conversation, visitor_key)
    body = "[{" * 1000 + '\\" ok'
    ack = await answer(visitor, {"type": "message.send", "id": str(uuid.uuid4()), "body": body})
    assert ack["type"] == "ack"
    assert (await visitor.receive_json_from(timeout=5))["body"] == body
    await visitor.disconnect()


def members(group):
    """The channels of this process's channel layer in `group` (in memory or Redis PubSub)."""
    layer = get_channel_layer()
    inner = layer._get_layer() if hasattr(layer, "_get_layer") else layer
    name = (
        inner._get_group_channel_name(group) if hasattr(inner, "_get_group_channel_name") else group
    )
    return set(inner.groups.get(name, ()))


async def test_a_socket_that_crashed_has_left_its_groups(chat, monkeypatch):
    conversation, visitor_key, _ = chat
    channels = []
    join_groups = ConversationConsumer.join_groups

    async def noting_the_channel(self, *groups):
        channels.append(self.channel_name)
        await join_groups(self, *groups)

    async def broken(self, message):
        raise RuntimeError("a bug in delivering")

    monkeypatch.setattr(ConversationConsumer, "join_groups", noting_the_channel)
    monkeypatch.setattr(ConversationConsumer, "broadcast", broken)
    visitor, ok, _ = await connect(conversation, visitor_key)
    assert ok
    assert channels[0] in members(conversation.group_name)
    await database_sync_to_async(post)(conversation, "hallo")
    with pytest.raises(RuntimeError):
        await until_crashed(visitor)
    assert channels[0] not in members(conversation.group_name)


# --- Refusals a page can tell from a network failure -----------------------------------


async def test_a_session_that_is_gone_is_4401_and_someone_elses_chat_4403(chat, otto):
    conversation, _, _ = chat
    assert await refusal(conversation) == 4401  # no cookie: no session at all
    assert await refusal(conversation, "not-a-session-any-more") == 4401
    other = await database_sync_to_async(conversations.open_conversation)(
        for_whom="self", minor="no", in_danger=False
    )
    stranger = await database_sync_to_async(visitor_cookie)(other)
    assert await refusal(conversation, stranger) == 4403
    assert await refusal(conversation, await database_sync_to_async(staff_cookie)(otto)) == 4403
    assert await refusal("/ws/queue/") == 4401


@pytest.mark.parametrize(
    "path", ["/ws/chat/not-a-uuid/", "/ws/chat/", "/ws/elders/", "/ws/chat/1/extra/"]
)
async def test_an_unknown_socket_path_is_closed_with_4404_not_a_server_error(chat, path, caplog):
    _, visitor_key, _ = chat
    with caplog.at_level(logging.ERROR):
        assert await refusal(path, visitor_key) == 4404
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


# --- Fields: strict, clamped, canonical --------------------------------------------------


@pytest.mark.parametrize("value", ["5", 1.5, 5.0, True, False, None, -1, 2**31, [1], {"n": 1}])
async def test_seq_fields_are_json_integers_only(chat, value):
    conversation, visitor_key, _ = chat
    visitor, _, _ = await connect(conversation, visitor_key)
    for frame in ({"type": "resume", "after": value}, {"type": "read", "seq": value}):
        refused = await answer(visitor, frame)
        assert (refused["type"], refused["code"]) == ("error", "invalid"), frame
    await visitor.disconnect()


async def test_a_read_beyond_what_was_sent_is_clamped(chat):
    conversation, visitor_key, hana_key = chat
    await database_sync_to_async(post)(conversation, "een", "twee")
    visitor, _, _ = await connect(conversation, visitor_key)
    counsellor, _, _ = await connect(conversation, hana_key)
    await visitor.send_json_to({"type": "read", "seq": 2})  # before the visitor got any
    assert await counsellor.receive_nothing(timeout=0.3)
    await resumed(visitor)
    await visitor.send_json_to({"type": "read", "seq": 2_000_000})
    assert await counsellor.receive_json_from(timeout=5) == {
        "type": "read",
        "by": "visitor",
        "seq": 2,
    }
    await visitor.disconnect()
    await counsellor.disconnect()


async def test_ids_come_back_in_their_canonical_spelling(chat):
    conversation, visitor_key, _ = chat
    visitor, _, _ = await connect(conversation, visitor_key)
    mine = uuid.uuid4()
    ack = await answer(visitor, {"type": "message.send", "id": str(mine).upper(), "body": "hoi"})
    assert ack == {"type": "ack", "id": str(mine), "seq": 1}
    assert (await visitor.receive_json_from(timeout=5))["id"] == str(mine)
    await visitor.disconnect()


async def test_bodies_are_trimmed_and_counted_in_code_points(chat):
    conversation, visitor_key, _ = chat
    visitor, _, _ = await connect(conversation, visitor_key)
    ack = await answer(
        visitor, {"type": "message.send", "id": str(uuid.uuid4()), "body": "  hoi \n"}
    )
    assert ack["type"] == "ack"
    assert (await visitor.receive_json_from(timeout=5))["body"] == "hoi"
    # 4,000 emoji are 8,000 UTF-16 units (JavaScript's length) but 4,000 characters.
    for count, kind in ((4000, "ack"), (4001, "error")):
        frame = {"type": "message.send", "id": str(uuid.uuid4()), "body": "🙂" * count}
        reply = await answer(visitor, frame)
        assert reply["type"] == kind and reply.get("code", "too_long") == "too_long"
        if kind == "ack":
            await visitor.receive_json_from(timeout=5)
    await visitor.disconnect()


# --- Who gets what -----------------------------------------------------------------------


async def test_every_tab_of_a_session_gets_every_frame(chat):
    conversation, visitor_key, _ = chat
    first, _, _ = await connect(conversation, visitor_key)
    second, _, _ = await connect(conversation, visitor_key)
    ack = await answer(first, {"type": "message.send", "id": str(uuid.uuid4()), "body": "hoi"})
    assert ack["type"] == "ack"
    assert (await first.receive_json_from(timeout=5))["body"] == "hoi"
    assert (await second.receive_json_from(timeout=5))["body"] == "hoi"  # no ack there
    assert await second.receive_nothing(timeout=0.2)
    await first.disconnect()
    await second.disconnect()


async def test_a_waiting_visitor_may_write(db):
    conversation = await database_sync_to_async(conversations.open_conversation)(
        for_whom="self", minor="no", in_danger=False
    )
    visitor, ok, _ = await connect(
        conversation, await database_sync_to_async(visitor_cookie)(conversation)
    )
    assert ok
    _, status = await resumed(visitor)
    assert status["state"] == "waiting"
    ack = await answer(visitor, {"type": "message.send", "id": str(uuid.uuid4()), "body": "ben er"})
    assert ack["type"] == "ack"
    await visitor.disconnect()
