"""One session's sockets share one budget: a cap on sockets, on frames, on typing.

The attack: 1,000 sockets on one anonymous session; 150 sockets x 5 frames stored 750
messages in about 8 s (each socket had its own 5 frames a second); 750 typing frames
reached the counsellor in 3 s.
"""

import asyncio
import json
import uuid
from collections import deque

import pytest
from channels.db import database_sync_to_async

from chat import conversations, queue, socket_limits
from chat.models import Conversation
from tests.helpers.sockets import connect, open_socket, staff_cookie, visitor_cookie

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fresh_budgets(monkeypatch):
    # The budgets live in this process's memory; each test starts without any.
    monkeypatch.setattr(socket_limits, "_budgets", {})
    monkeypatch.setattr(socket_limits, "_idle", type(socket_limits._idle)())


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(socket_limits, "monotonic", lambda: now[0])
    return now


@pytest.fixture
def chat(hana):
    conversation = conversations.open_conversation(for_whom="self", minor="no", in_danger=False)
    queue.claim(conversation, hana)
    return conversation, visitor_cookie(conversation), staff_cookie(hana)


async def open_all(conversation, key, count):
    sockets = []
    for _ in range(count):
        socket, ok, code = await connect(conversation, key)
        assert ok, code
        sockets.append(socket)
    return sockets


async def close_all(sockets):
    for socket in sockets:
        await socket.disconnect()


async def answers(socket, count, timeout=10):
    """The socket's next `count` answers to its own frames (acks and errors), whatever
    broadcasts come between: waits for them instead of for a quiet moment, which a loaded
    machine can stretch past."""
    found = []
    while len(found) < count:
        frame = await socket.receive_json_from(timeout=timeout)
        if frame["type"] in ("ack", "error"):
            found.append(frame)
    return found


async def frames_until_quiet(socket, quiet=0.3):
    frames = []
    while not await socket.receive_nothing(timeout=quiet):
        frames.append(json.loads((await socket.receive_output())["text"]))
    return frames


async def test_one_session_holds_a_bounded_number_of_sockets(chat):
    conversation, visitor_key, hana_key = chat
    cap = socket_limits.sockets_per_session()
    sockets = await open_all(conversation, visitor_key, cap)
    _, ok, code = await connect(conversation, visitor_key)
    assert not ok and code == 4429
    # Another session is not affected, and a socket that closes makes room.
    counsellor, ok, _ = await connect(conversation, hana_key)
    assert ok
    await sockets.pop().disconnect()
    again, ok, _ = await connect(conversation, visitor_key)
    assert ok
    await close_all([*sockets, again, counsellor])


async def test_all_sockets_of_a_session_share_one_frame_budget(chat, clock):
    conversation, visitor_key, _ = chat
    sockets = await open_all(conversation, visitor_key, socket_limits.sockets_per_session())
    for socket in sockets:  # 5 a socket: within each socket's own limit
        for _ in range(5):
            await socket.send_json_to(
                {"type": "message.send", "id": str(uuid.uuid4()), "body": "spam"}
            )
    replies = [frame for socket in sockets for frame in await answers(socket, 5)]
    acks = [f for f in replies if f["type"] == "ack"]
    refused = [f for f in replies if f.get("code") == "rate_limited"]
    assert len(acks) == socket_limits.FRAME_BURST
    assert len(acks) + len(refused) == 5 * len(sockets)
    stored = await database_sync_to_async(conversation.messages.count)()
    assert stored == socket_limits.FRAME_BURST
    # The budget refills at the sustained rate, shared as well. Each socket's own limit of
    # 5 a second runs on the real clock: let its second pass, so only the shared one counts.
    clock[0] += 1
    await asyncio.sleep(1.05)
    for socket in sockets[:2]:
        for _ in range(5):
            await socket.send_json_to(
                {"type": "message.send", "id": str(uuid.uuid4()), "body": "meer"}
            )
    replies = [frame for socket in sockets[:2] for frame in await answers(socket, 5)]
    assert len([f for f in replies if f["type"] == "ack"]) == socket_limits.FRAMES_PER_SECOND
    await close_all(sockets)


async def test_closing_and_reopening_does_not_refill_the_budget(chat, clock):
    conversation, visitor_key, _ = chat
    for _ in range(3):
        socket, ok, _ = await connect(conversation, visitor_key)
        assert ok
        for _ in range(5):
            await socket.send_json_to({"type": "read", "seq": 0})
        await frames_until_quiet(socket, quiet=0.1)
        await socket.disconnect()
    socket, _, _ = await connect(conversation, visitor_key)
    await socket.send_json_to({"type": "read", "seq": 0})
    assert (await socket.receive_json_from(timeout=5))["code"] == "rate_limited"
    await socket.disconnect()


async def test_typing_reaches_the_counsellor_at_most_once_in_a_while(chat, clock):
    conversation, visitor_key, hana_key = chat
    counsellor, _, _ = await connect(conversation, hana_key)
    sockets = await open_all(conversation, visitor_key, socket_limits.sockets_per_session() - 1)
    for socket in sockets:
        for _ in range(2):
            await socket.send_json_to({"type": "typing"})
    seen = await frames_until_quiet(counsellor)
    assert seen == [{"type": "typing"}]
    # A visitor typing on (the page sends one every 3 s) is shown every time.
    for _ in range(3):
        clock[0] += 3
        await sockets[0].send_json_to({"type": "typing"})
        assert await counsellor.receive_json_from(timeout=5) == {"type": "typing"}
    await close_all([*sockets, counsellor])


async def test_a_workspace_reconnecting_all_its_tabs_is_not_limited(chat, hana, clock):
    # A counsellor at full capacity with ended chats still to close: every tab's socket
    # resumes at once after a reconnect, and each gets its history.
    conversation, _, hana_key = chat
    tabs = [conversation]
    for _ in range(socket_limits.sockets_per_session() - 2):
        other = await database_sync_to_async(conversations.open_conversation)(
            for_whom="self", minor="no", in_danger=False
        )
        await database_sync_to_async(
            lambda c=other: Conversation.objects.filter(pk=c.pk).update(
                state="active", counsellor=hana
            )
        )()
        tabs.append(other)
    sockets = [(await connect(tab, hana_key))[0] for tab in tabs]
    for socket in sockets:
        await socket.send_json_to({"type": "resume", "after": 0})
    for socket in sockets:
        assert (await socket.receive_json_from(timeout=5))["type"] == "resumed"
    await close_all(sockets)


async def busy_answer(conversation, cookie):
    """The `busy` frame and the close code of a socket the connect gate turns away."""
    socket, connected, _ = await open_socket(f"/ws/chat/{conversation.pk}/", cookie)
    assert connected, "refused at the handshake, which a browser sees as 1006"
    frame = await socket.receive_output(timeout=5)
    assert frame["type"] == "websocket.send", frame
    closed = await socket.receive_output(timeout=5)
    assert closed["type"] == "websocket.close", closed
    return json.loads(frame["text"]), closed["code"]


async def test_a_socket_past_the_connects_at_once_is_told_when_to_try_again(chat, monkeypatch):
    """After a restart thousands of pages come back at once: past the process's limit of
    connects under way, a socket is told when to come back (`busy`) and closed at once with
    4503 instead of queueing past Daphne's handshake limit. The next one refused is given a
    later moment, so they come back one after another; once the others are through, it
    connects."""
    conversation, visitor_key, _ = chat
    busy = socket_limits.connects_at_once()
    monkeypatch.setattr(socket_limits, "_connecting", [busy])
    monkeypatch.setattr(socket_limits, "_next_free", [0.0])
    first, code = await busy_answer(conversation, visitor_key)
    assert code == 4503
    assert first["type"] == "busy" and first["retry_ms"] > 0
    second, code = await busy_answer(conversation, visitor_key)
    assert code == 4503
    assert second["retry_ms"] > first["retry_ms"]
    socket_limits._connecting[0] = busy - 1
    socket, ok, _ = await connect(conversation, visitor_key)
    assert ok
    assert socket_limits._connecting[0] == busy - 1  # its own connect is counted out again
    await socket.disconnect()


def test_the_refused_are_given_moments_at_the_rate_connects_get_through(monkeypatch):
    """Each refused socket gets the next free moment, one connect's worth of time after the
    last one given, at the rate connects got through lately (never taken as fewer than
    MIN_CONNECTS_PER_SECOND); a flood pushes the schedule no further than 30 s ahead, and once
    it stops the next page refused waits one step again."""
    monkeypatch.setattr(socket_limits, "_next_free", [0.0])
    monkeypatch.setattr(socket_limits, "_through", deque(maxlen=4096))
    floor = socket_limits.MIN_CONNECTS_PER_SECOND
    assert socket_limits.connects_per_second(now=100.0) == floor
    waits = [socket_limits.retry_after(now=100.0) for _ in range(floor)]
    assert waits == pytest.approx([(i + 1) / floor for i in range(floor)])

    # 600 connects got through in the last two seconds: 300 a second, closer moments.
    socket_limits._through.extend([199.0 + i / 600 for i in range(600)])
    socket_limits._next_free[0] = 0.0
    assert socket_limits.connects_per_second(now=200.0) == pytest.approx(300)
    assert socket_limits.retry_after(now=200.0) == pytest.approx(1 / 300)
    # Older ones no longer count.
    assert socket_limits.connects_per_second(now=203.5) == floor

    flood = [socket_limits.retry_after(now=300.0) for _ in range(100_000)]
    assert max(flood) == pytest.approx(socket_limits.MAX_RETRY_SECONDS)
    assert socket_limits.retry_after(now=400.0) == pytest.approx(1 / floor)
