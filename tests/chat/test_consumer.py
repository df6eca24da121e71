"""The conversation socket, end to end through hoc.asgi (docs/protocol.md)."""

import json
import uuid

import pytest
from channels.db import database_sync_to_async
from django.conf import settings
from django.test import Client

from chat import conversations, queue
from tests.helpers.sockets import connect, queue_socket, refusal, staff_cookie, visitor_cookie

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def chat(hana):
    conversation = conversations.open_conversation(for_whom="self", minor="no", in_danger=False)
    queue.claim(conversation, hana)
    return conversation, visitor_cookie(conversation), staff_cookie(hana)


async def test_a_message_reaches_the_other_side_and_is_acknowledged(chat):
    conversation, visitor_key, hana_key = chat
    visitor, ok, _ = await connect(conversation, visitor_key)
    counsellor, ok2, _ = await connect(conversation, hana_key)
    assert ok and ok2
    message_id = str(uuid.uuid4())
    await visitor.send_json_to({"type": "message.send", "id": message_id, "body": "hallo"})
    ack = await visitor.receive_json_from(timeout=5)
    seen = await counsellor.receive_json_from(timeout=5)
    echo = await visitor.receive_json_from(timeout=5)
    assert ack == {"type": "ack", "id": message_id, "seq": 1}
    assert seen["type"] == "message" and seen["body"] == "hallo" and seen["from"] == "visitor"
    assert echo["seq"] == 1  # the sender also gets the stored message, for its other tabs
    await visitor.disconnect()
    await counsellor.disconnect()


async def test_resume_replays_what_was_missed_exactly_once(chat):
    conversation, visitor_key, hana_key = chat
    counsellor, _, _ = await connect(conversation, hana_key)
    for text in ("een", "twee", "drie"):
        await counsellor.send_json_to(
            {"type": "message.send", "id": str(uuid.uuid4()), "body": text}
        )
        await counsellor.receive_json_from(timeout=5)  # ack
        await counsellor.receive_json_from(timeout=5)  # own message back
    visitor, _, _ = await connect(conversation, visitor_key)
    await visitor.send_json_to({"type": "resume", "after": 1})
    frames = [await visitor.receive_json_from(timeout=5) for _ in range(3)]
    assert [f.get("body") for f in frames[:2]] == ["twee", "drie"]
    assert frames[2]["type"] == "resumed" and frames[2]["last_seq"] == 3
    assert await visitor.receive_nothing(timeout=0.2)
    await visitor.disconnect()
    await counsellor.disconnect()


async def test_a_resend_after_a_drop_is_stored_once(chat):
    conversation, visitor_key, _ = chat
    message_id = str(uuid.uuid4())
    first, _, _ = await connect(conversation, visitor_key)
    await first.send_json_to({"type": "message.send", "id": message_id, "body": "hoi"})
    assert (await first.receive_json_from(timeout=5))["seq"] == 1
    await first.disconnect()
    second, _, _ = await connect(conversation, visitor_key)
    await second.send_json_to({"type": "message.send", "id": message_id, "body": "hoi"})
    assert await second.receive_json_from(timeout=5) == {"type": "ack", "id": message_id, "seq": 1}
    await second.disconnect()
    assert await database_sync_to_async(conversation.messages.count)() == 1


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("not json", "bad_json"),
        ("[1, 2]", "bad_json"),
        (json.dumps({"type": "shout"}), "unknown_type"),
        (json.dumps({"type": "message.send", "id": "x", "body": "hoi"}), "invalid"),
        (
            json.dumps({"type": "message.send", "id": str(uuid.uuid4()), "body": "x" * 4001}),
            "too_long",
        ),
        (json.dumps({"type": "message.send", "id": str(uuid.uuid4())}), "invalid"),
    ],
)
async def test_bad_frames_get_an_error_frame_not_a_crash(chat, frame, code):
    conversation, visitor_key, _ = chat
    visitor, _, _ = await connect(conversation, visitor_key)
    await visitor.send_to(text_data=frame)
    reply = await visitor.receive_json_from(timeout=5)
    assert reply["type"] == "error" and reply["code"] == code
    await visitor.send_json_to({"type": "resume", "after": 0})
    assert (await visitor.receive_json_from(timeout=5))["type"] == "resumed"  # still alive
    await visitor.disconnect()


async def test_messages_to_an_ended_conversation_are_refused(chat):
    conversation, visitor_key, hana_key = chat
    counsellor, _, _ = await connect(conversation, hana_key)
    visitor, _, _ = await connect(conversation, visitor_key)
    await counsellor.send_json_to({"type": "end"})
    ended = await visitor.receive_json_from(timeout=5)
    assert ended["type"] == "event" and ended["event"] == "ended"
    await visitor.send_json_to({"type": "message.send", "id": str(uuid.uuid4()), "body": "?"})
    reply = await visitor.receive_json_from(timeout=5)
    assert reply["code"] == "ended"
    await visitor.disconnect()
    await counsellor.disconnect()


@pytest.fixture
def strangers(otto):
    other = conversations.open_conversation(for_whom="self", minor="no", in_danger=False)
    return visitor_cookie(other), staff_cookie(otto)


async def test_only_participants_may_connect(chat, strangers):
    conversation, _, _ = chat
    for cookie in strangers:
        assert await refusal(conversation, cookie) == 4403


@pytest.fixture
def unverified_hana(hana):
    return staff_cookie(hana, verified=False)


async def test_staff_without_a_second_factor_are_refused(chat, unverified_hana):
    conversation, _, _ = chat
    assert await refusal(conversation, unverified_hana) == 4403


async def test_typing_shows_only_to_the_counsellor(chat):
    conversation, visitor_key, hana_key = chat
    visitor, _, _ = await connect(conversation, visitor_key)
    counsellor, _, _ = await connect(conversation, hana_key)
    await visitor.send_json_to({"type": "typing"})
    assert await counsellor.receive_json_from(timeout=5) == {"type": "typing"}
    await counsellor.send_json_to({"type": "typing"})
    assert await visitor.receive_nothing(timeout=0.3)
    await visitor.disconnect()
    await counsellor.disconnect()


async def test_a_flood_is_rate_limited(chat):
    conversation, visitor_key, _ = chat
    visitor, _, _ = await connect(conversation, visitor_key)
    for _ in range(7):
        await visitor.send_json_to({"type": "read", "seq": 0})
    codes = []
    while not await visitor.receive_nothing(timeout=0.3):
        codes.append((await visitor.receive_json_from()).get("code"))
    assert "rate_limited" in codes
    await visitor.disconnect()


async def test_quick_exit_closes_the_visitors_socket(chat):
    conversation, visitor_key, _ = chat
    visitor, ok, _ = await connect(conversation, visitor_key)
    assert ok
    browser = Client()
    browser.cookies[settings.SESSION_COOKIE_NAME] = visitor_key
    await database_sync_to_async(browser.post)("/snel-weg/")
    # The visitor has left the chat (chat/leaving.py): its end, then the close.
    ended = await visitor.receive_json_from(timeout=5)
    assert (ended["event"], ended["left"]) == ("ended", True)
    closed = await visitor.receive_output(timeout=5)
    assert closed == {"type": "websocket.close", "code": 4401}
    # The old cookie is worthless: no session holds the chat any more.
    assert await refusal(conversation, visitor_key) == 4401


async def test_logging_out_closes_a_counsellors_socket(chat):
    conversation, _, hana_key = chat
    counsellor, ok, _ = await connect(conversation, hana_key)
    assert ok
    browser = Client()
    browser.cookies[settings.SESSION_COOKIE_NAME] = hana_key
    await database_sync_to_async(browser.post)("/medewerkers/uitloggen/")
    assert await counsellor.receive_output(timeout=5) == {"type": "websocket.close", "code": 4401}


@pytest.fixture
def queue_keys(hana, otto):
    return staff_cookie(hana), staff_cookie(otto, verified=False)


async def test_the_queue_socket_tells_counsellors_when_someone_joins(queue_keys):
    verified, unverified = queue_keys
    assert await refusal("/ws/queue/", unverified) == 4403
    listener, ok, _ = await queue_socket(verified)
    assert ok
    await database_sync_to_async(conversations.open_conversation)(
        for_whom="self", minor="no", in_danger=True
    )
    assert await listener.receive_json_from(timeout=5) == {"type": "queue.changed"}
    await listener.disconnect()


async def test_read_markers_go_from_the_visitor_to_the_counsellor_only(chat):
    conversation, visitor_key, hana_key = chat

    def counsellor_writes(text):
        conversations.post_message(
            conversation, "counsellor", text, uuid.uuid4(), conversation.counsellor
        )

    for text in ("een", "twee", "drie"):
        await database_sync_to_async(counsellor_writes)(text)
    visitor, _, _ = await connect(conversation, visitor_key)
    counsellor, _, _ = await connect(conversation, hana_key)
    await visitor.send_json_to({"type": "resume", "after": 0})
    assert [(await visitor.receive_json_from(timeout=5))["type"] for _ in range(4)][-1] == "resumed"
    await visitor.send_json_to({"type": "read", "seq": 3})
    assert await counsellor.receive_json_from(timeout=5) == {
        "type": "read",
        "by": "visitor",
        "seq": 3,
    }
    await counsellor.send_json_to({"type": "read", "seq": 2})
    assert await visitor.receive_nothing(timeout=0.3)
    await visitor.disconnect()
    await counsellor.disconnect()


@pytest.fixture
def clock(monkeypatch):
    import time

    from accounts import sessions

    now = [time.time()]
    monkeypatch.setattr(sessions.time, "time", lambda: now[0])
    return now


async def test_chatting_counts_as_activity_for_a_logged_in_counsellor(chat, clock):
    conversation, _, hana_key = chat
    counsellor, ok, _ = await connect(conversation, hana_key)
    assert ok
    for minutes in (25, 25, 25):  # 75 minutes of chatting, no page loads
        clock[0] += minutes * 60
        await counsellor.send_json_to(
            {"type": "message.send", "id": str(uuid.uuid4()), "body": f"na {minutes}"}
        )
        reply = await counsellor.receive_json_from(timeout=5)
        assert reply["type"] == "ack", reply
        await counsellor.receive_json_from(timeout=5)  # own message back
    clock[0] += 31 * 60  # then really idle
    await counsellor.send_json_to({"type": "resume", "after": 0})
    assert (await counsellor.receive_json_from(timeout=5))["code"] == "not_allowed"
    await counsellor.disconnect()
