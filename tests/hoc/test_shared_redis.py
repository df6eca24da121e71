"""Two HOC deployments on one Redis database never hear each other, and a frame that a
socket cannot open is dropped without closing that socket.

Redis Pub/Sub ignores database numbers, so the channel layer's prefix is what keeps
deployments apart (HOC_REDIS_PREFIX, hoc/settings.py); a deployment that shares another's
prefix but not its key receives frames it cannot decrypt (hoc/channel_layer.py).
"""

import asyncio
import json
import os
import secrets
import uuid

import pytest
import redis
import websockets
from django.conf import settings
from django.db import connection

from accounts import staff
from accounts.models import User
from chat import conversations, queue
from hoc.channel_layer import PubSubChannelLayer
from tests.conftest import skip_or_fail
from tests.e2e.conftest import free_port, start_daphne, stop_daphne
from tests.helpers.sockets import staff_cookie, visitor_cookie

MESSAGES_EACH_WAY = 12
# Below the socket's rate limit of 5 frames a second (chat/consumers.py).
PACE_SECONDS = 0.25


def needs_redis():
    if not os.environ.get("REDIS_URL"):
        skip_or_fail("the shared-Redis tests need Redis (REDIS_URL)")


@pytest.fixture
def layer():
    needs_redis()
    return PubSubChannelLayer(
        hosts=[os.environ["REDIS_URL"]],
        prefix=f"t{secrets.token_hex(4)}",
        symmetric_encryption_keys=[secrets.token_urlsafe(32)],
    )


async def test_a_frame_that_does_not_decrypt_or_parse_is_dropped_and_the_next_one_arrives(
    layer, caplog
):
    channel = await layer.new_channel()
    stranger = PubSubChannelLayer(
        hosts=[os.environ["REDIS_URL"]], symmetric_encryption_keys=[secrets.token_urlsafe(32)]
    )
    raw = redis.asyncio.from_url(os.environ["REDIS_URL"])
    try:
        await raw.publish(channel, stranger.serialize({"type": "broadcast", "secret": "x"}))
        await raw.publish(channel, b"not msgpack, not encrypted")
        await raw.publish(channel, layer.serialize(["a list, not a message"]))
        await layer.send(channel, {"type": "broadcast", "n": 1})
        message = await asyncio.wait_for(layer.receive(channel), timeout=5)
    finally:
        await raw.aclose()
        await layer.flush()
    assert message == {"type": "broadcast", "n": 1}
    assert layer.dropped == 3
    # Logged once for the burst, without the frames' content.
    warnings = [r for r in caplog.records if r.name == "hoc.channel_layer"]
    assert len(warnings) == 1
    assert "secret" not in warnings[0].getMessage()


def test_every_deployment_gets_its_own_prefix_unless_told(settings):
    assert settings.REDIS_PREFIX.startswith("hoc.")
    assert settings.SECRET_KEY not in settings.REDIS_PREFIX
    if os.environ.get("REDIS_URL"):
        assert settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] == settings.REDIS_PREFIX
        assert settings.CACHES["default"]["KEY_PREFIX"] == settings.REDIS_PREFIX


# --- Three servers on one Redis database --------------------------------------------------


@pytest.fixture
def three_deployments(django_db_setup, tmp_path):
    """A and B: other prefixes, other keys. C: A's prefix with another key."""
    if connection.vendor != "postgresql":
        skip_or_fail("the shared-Redis servers need PostgreSQL (DATABASE_URL)")
    needs_redis()
    prefix_a, prefix_b = f"hoc-a-{secrets.token_hex(3)}", f"hoc-b-{secrets.token_hex(3)}"
    config = {
        "A": (prefix_a, secrets.token_urlsafe(32)),
        "B": (prefix_b, secrets.token_urlsafe(32)),
        "C": (prefix_a, secrets.token_urlsafe(32)),
    }
    servers, processes = {}, []
    for name, (prefix, key) in config.items():
        port = free_port()
        log = tmp_path / f"daphne-{name}.log"
        processes.append(
            start_daphne(port, log, HOC_REDIS_PREFIX=prefix, HOC_CHANNEL_LAYER_KEY=key)
        )
        servers[name] = (port, log)
    yield servers
    for process in processes:
        stop_daphne(process)


def cookie_header(session_key):
    return f"{settings.SESSION_COOKIE_NAME}={session_key}"


async def open_socket(port, path, session_key):
    return await websockets.connect(
        f"ws://127.0.0.1:{port}{path}",
        additional_headers={
            "Origin": f"http://127.0.0.1:{port}",
            "Cookie": cookie_header(session_key),
        },
    )


class Side:
    """One participant's socket, collecting every frame until told to stop."""

    def __init__(self, ws):
        self.ws, self.frames, self.died = ws, [], None

    async def collect(self, stop):
        try:
            async for raw in self.ws:
                self.frames.append(json.loads(raw))
        except websockets.ConnectionClosed:
            pass
        if not stop.is_set():
            self.died = f"closed by the server with {self.ws.close_code}"

    def messages(self):
        return [f for f in self.frames if f["type"] == "message"]


@pytest.mark.django_db(transaction=True)
def test_two_deployments_and_a_stranger_on_one_redis_keep_every_chat_exactly_once(
    three_deployments,
):
    chats = {}
    for name in three_deployments:
        counsellor = staff.create_staff(
            f"hana-{name.lower()}", User.Role.COUNSELLOR, "een lang genoeg wachtwoord"
        )
        conversation = conversations.open_conversation(for_whom="self", minor="no", in_danger=False)
        queue.claim(conversation, counsellor)
        chats[name] = (conversation, visitor_cookie(conversation), staff_cookie(counsellor))

    async def run():
        stop = asyncio.Event()
        sides, watchers, tasks = {}, {}, []
        for name, (port, _) in three_deployments.items():
            conversation, visitor_key, counsellor_key = chats[name]
            path = f"/ws/chat/{conversation.pk}/"
            visitor = Side(await open_socket(port, path, visitor_key))
            helper = Side(await open_socket(port, path, counsellor_key))
            watcher = Side(await open_socket(port, "/ws/queue/", counsellor_key))
            sides[name], watchers[name] = (visitor, helper), watcher
            for side in (visitor, helper, watcher):
                tasks.append(asyncio.create_task(side.collect(stop)))
        for pair in sides.values():
            for side in pair:
                await side.ws.send(json.dumps({"type": "resume", "after": 0}))

        async def talk(side, who):
            for n in range(MESSAGES_EACH_WAY):
                frame = {"type": "message.send", "id": str(uuid.uuid4()), "body": f"{who} {n}"}
                await side.ws.send(json.dumps(frame))
                await asyncio.sleep(PACE_SECONDS)

        for pair in sides.values():  # subscribed at connect; resumed before anyone talks
            for side in pair:
                while not any(f["type"] == "resumed" for f in side.frames):
                    await asyncio.sleep(0.05)
        await asyncio.gather(
            *(
                talk(side, f"{name}-{i}")
                for name, pair in sides.items()
                for i, side in enumerate(pair)
            )
        )
        # Ending each chat publishes queue.changed on that deployment's queue group: C's
        # reaches A's queue socket under C's key, and must be dropped there (and A's at C).
        for visitor, _ in sides.values():
            await visitor.ws.send(json.dumps({"type": "end"}))

        def everything_arrived():
            chats_done = all(
                len(side.messages()) >= 2 * MESSAGES_EACH_WAY
                for pair in sides.values()
                for side in pair
            )
            ends_heard = all(
                any(f["type"] == "queue.changed" for f in watcher.frames)
                for watcher in watchers.values()
            )
            return chats_done and ends_heard

        deadline = asyncio.get_running_loop().time() + 30  # a loaded machine is slow
        while not everything_arrived() and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.1)
        await asyncio.sleep(1)  # room for anything that should not come, to come
        stop.set()
        for side in [s for pair in sides.values() for s in pair] + list(watchers.values()):
            await side.ws.close()
        await asyncio.gather(*tasks)
        return sides, watchers

    sides, watchers = asyncio.run(run())
    for name, pair in sides.items():
        for side in pair:
            assert side.died is None, f"{name}: a socket died: {side.died}"
            seqs = [m["seq"] for m in side.messages()]
            assert sorted(seqs) == list(range(1, 2 * MESSAGES_EACH_WAY + 1)), name
            assert len(seqs) == len(set(seqs)), name
            # This deployment's own chat only: nothing from the other two.
            assert all(m["body"].startswith(f"{name}-") for m in side.messages()), name
    for name, watcher in watchers.items():
        assert watcher.died is None, f"{name}: the queue socket died: {watcher.died}"
        changes = [f for f in watcher.frames if f["type"] == "queue.changed"]
        # Each hears its own chat's end only: B has another prefix, and A and C cannot open
        # each other's frames.
        assert len(changes) == 1, (name, watcher.frames)
    for name, (_, log) in three_deployments.items():
        text = log.read_text()
        assert "Traceback" not in text, f"{name}:\n{text}"
    assert "Dropped" in three_deployments["A"][1].read_text()
    assert "Dropped" in three_deployments["C"][1].read_text()
