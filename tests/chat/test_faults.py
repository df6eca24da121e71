"""Faults during a chat: a Daphne process dies, Redis pauses, PostgreSQL stalls.

Two `python -m hoc.serve` processes share the test database and Redis, as in production
(tests/chat/test_scale_out.py). The visitor and the counsellor are `ChatClient`s, which do
what static/js/chat.js does: resume after the last contiguous seq on every (re)connect,
render by seq, keep unacknowledged messages in an outbox and resend them with the same id,
and retry on `rate_limited` and `unavailable`. Whatever happens, each side must end with
every message exactly once, in order, and the database with each message once.
"""

import asyncio
import contextlib
import json
import os
import threading
import time
import uuid

import pytest
import websockets
from django.conf import settings
from django.db import connection, transaction
from django.test import Client

from accounts import session_keys, staff
from accounts.models import User
from chat import conversations, queue
from chat.models import Message
from tests.conftest import log_in, skip_or_fail
from tests.e2e.conftest import database_url, free_port, start_daphne
from tests.helpers.sockets import connect, visitor_cookie

pytestmark = pytest.mark.django_db(transaction=True)

RETRY_CODES = {"rate_limited", "unavailable"}
# The Daphne processes' database connections carry this name, so a fault can cut theirs
# and leave the test process's own alone.
SERVER_CONNECTIONS = "hoc-fault-test"
SEND_EVERY = 0.3  # below the 5 frames a second a socket may send


class ChatClient:
    """One side of the conversation, written like static/js/chat.js."""

    def __init__(self, role, cookie, conversation, ports):
        self.role, self.cookie, self.conversation = role, cookie, conversation
        self.ports = list(ports)  # the first is where it connects; the next if that fails
        self.by_seq = {}  # seq -> message id: what is on screen
        self.contiguous = 0
        self.outbox = {}  # id -> body, until acknowledged (or seen as stored)
        self.sent = []
        self.refused = []  # error frames that gave a message back for good
        self.errors = []  # every error frame
        self.socket = None
        self.connections = 0
        self.ports_used = []

    def url(self, port):
        return f"ws://127.0.0.1:{port}/ws/chat/{self.conversation.pk}/"

    async def run(self, stop):
        while not stop.is_set():
            port = self.ports[0]
            try:
                async with websockets.connect(
                    self.url(port),
                    additional_headers={
                        "Origin": f"http://127.0.0.1:{port}",
                        "Cookie": f"{settings.SESSION_COOKIE_NAME}={self.cookie}",
                    },
                    open_timeout=3,
                ) as socket:
                    self.socket = socket
                    self.connections += 1
                    self.ports_used.append(port)
                    await socket.send(json.dumps({"type": "resume", "after": self.contiguous}))
                    flush = asyncio.create_task(self.flush_outbox(socket))
                    try:
                        async for raw in socket:
                            self.on_frame(json.loads(raw))
                    finally:
                        flush.cancel()
            except (TimeoutError, OSError, websockets.WebSocketException):
                pass
            self.socket = None
            if not stop.is_set():
                self.ports.append(self.ports.pop(0))  # that process is gone: try another
                await asyncio.sleep(0.3)

    async def flush_outbox(self, socket):
        for message_id in list(self.outbox):
            await asyncio.sleep(SEND_EVERY)
            if message_id in self.outbox:
                await self.transmit(message_id, socket)

    async def transmit(self, message_id, socket=None):
        socket = socket or self.socket
        if socket is None or message_id not in self.outbox:
            return
        frame = {"type": "message.send", "id": message_id, "body": self.outbox[message_id]}
        # On failure it stays in the outbox: the next connection sends it.
        with contextlib.suppress(websockets.WebSocketException):
            await socket.send(json.dumps(frame))

    async def say(self, body):
        message_id = str(uuid.uuid4())
        self.outbox[message_id] = body
        self.sent.append(message_id)
        await self.transmit(message_id)

    def on_frame(self, frame):
        kind = frame["type"]
        if kind == "message":
            seq = frame["seq"]
            if seq in self.by_seq:
                assert self.by_seq[seq] == frame["id"], frame  # one seq, one message
                return
            self.by_seq[seq] = frame["id"]
            while self.contiguous + 1 in self.by_seq:
                self.contiguous += 1
            if frame["from"] == self.role:
                self.outbox.pop(frame["id"], None)
        elif kind == "ack":
            self.outbox.pop(frame["id"], None)
        elif kind == "error":
            self.errors.append(frame)
            if frame.get("ref") in self.outbox and frame["code"] in RETRY_CODES:
                asyncio.get_running_loop().call_later(
                    1, lambda: asyncio.ensure_future(self.transmit(frame["ref"]))
                )
            elif frame.get("ref") in self.outbox:
                self.refused.append(frame)
                self.outbox.pop(frame["ref"])

    def rendered(self):
        return [self.by_seq[seq] for seq in sorted(self.by_seq)]


@pytest.fixture
def services(django_db_setup):
    if connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"):
        skip_or_fail("fault tests need PostgreSQL and Redis (DATABASE_URL, REDIS_URL)")


@pytest.fixture
def servers(services, tmp_path):
    started = {}

    def start():
        port = free_port()
        log = tmp_path / f"daphne-{port}.log"
        url = f"{database_url()}?application_name={SERVER_CONNECTIONS}"
        started[port] = (start_daphne(port, log, DATABASE_URL=url), log)
        return port

    yield start, started
    for process, _ in started.values():
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)


@pytest.fixture
def chat(services):
    hana = staff.create_staff("hana", User.Role.COUNSELLOR, "een lang genoeg wachtwoord")
    conversation = conversations.open_conversation(for_whom="self", minor="no", in_danger=False)
    queue.claim(conversation, hana)
    session = Client().session
    session[session_keys.CONVERSATION] = str(conversation.pk)
    session.save()
    return conversation, session.session_key, log_in(Client(), hana).session.session_key


async def converge(clients, timeout=40):
    """Until every message sent is acknowledged and on every screen, or the timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        total = sum(len(c.sent) - len(c.refused) for c in clients)
        if all(not c.outbox and c.contiguous == total for c in clients):
            return True
        await asyncio.sleep(0.2)
    return False


def assert_exactly_once(conversation, clients):
    sent = [message_id for c in clients for message_id in c.sent]
    refused = {f["ref"] for c in clients for f in c.refused}
    stored = list(
        Message.objects.filter(conversation=conversation)
        .order_by("seq")
        .values_list("seq", "client_id")
    )
    assert [seq for seq, _ in stored] == list(range(1, len(stored) + 1))
    stored_ids = [str(client_id) for _, client_id in stored]
    assert len(stored_ids) == len(set(stored_ids)), "a message was stored twice"
    assert set(stored_ids) == set(sent) - refused
    for client in clients:
        assert client.rendered() == stored_ids, client.role  # each once, in order


def assert_no_crash(started):
    for _process, log in started.values():
        text = log.read_text()
        assert "Traceback" not in text and "Exception inside application" not in text, text


def test_when_a_process_dies_its_clients_resume_on_the_other_with_every_message_once(chat, servers):
    start, started = servers
    conversation, visitor_key, hana_key = chat
    port_a, port_b = start(), start()
    visitor = ChatClient("visitor", visitor_key, conversation, [port_a, port_b])
    counsellor = ChatClient("counsellor", hana_key, conversation, [port_b, port_a])

    async def scenario():
        stop = asyncio.Event()
        tasks = [asyncio.create_task(c.run(stop)) for c in (visitor, counsellor)]
        await asyncio.sleep(1)
        for n in range(16):
            await visitor.say(f"bezoeker {n}")
            await counsellor.say(f"hulpverlener {n}")
            if n == 6:
                started[port_a][0].kill()  # mid-traffic, no goodbye
            await asyncio.sleep(SEND_EVERY)
        done = await converge([visitor, counsellor])
        stop.set()
        for c in (visitor, counsellor):
            if c.socket is not None:
                await c.socket.close()
        await asyncio.gather(*tasks)
        return done

    assert asyncio.run(scenario()), (visitor.outbox, counsellor.outbox)
    assert visitor.ports_used[0] == port_a and port_b in visitor.ports_used[1:]
    assert visitor.refused == counsellor.refused == []
    assert_exactly_once(conversation, [visitor, counsellor])
    assert started[port_b][0].poll() is None


def pause_redis(seconds=2):
    """DEBUG SLEEP where the server allows it; CLIENT PAUSE otherwise (Redis 7 ships with
    the DEBUG command disabled). Either way Redis answers nobody for `seconds`."""
    import redis

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    try:
        client.execute_command("DEBUG", "SLEEP", seconds)
    except redis.ResponseError:
        client.execute_command("CLIENT", "PAUSE", int(seconds * 1000), "ALL")
        time.sleep(seconds)
    finally:
        client.close()


def stall_postgres(seconds=3):
    """Hold an ACCESS EXCLUSIVE lock on the message table: every read and write waits."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {Message._meta.db_table} IN ACCESS EXCLUSIVE MODE")
            time.sleep(seconds)
    finally:
        connection.close()


def drop_database_connections():
    """Cut every connection the servers hold, as a PostgreSQL restart would."""
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = current_database() AND application_name = %s",
                [SERVER_CONNECTIONS],
            )
            return cursor.fetchone()[0]
    finally:
        connection.close()


def test_a_redis_pause_and_a_database_stall_lose_nothing_and_need_no_restart(chat, servers):
    start, started = servers
    conversation, visitor_key, hana_key = chat
    port_a, port_b = start(), start()
    visitor = ChatClient("visitor", visitor_key, conversation, [port_a, port_b])
    counsellor = ChatClient("counsellor", hana_key, conversation, [port_b, port_a])

    async def in_thread(fault):
        await asyncio.get_running_loop().run_in_executor(None, fault)

    async def traffic(rounds):
        for _ in range(rounds):
            await visitor.say(f"bezoeker {len(visitor.sent)}")
            await counsellor.say(f"hulpverlener {len(counsellor.sent)}")
            await asyncio.sleep(SEND_EVERY)

    async def scenario():
        stop = asyncio.Event()
        tasks = [asyncio.create_task(c.run(stop)) for c in (visitor, counsellor)]
        await asyncio.sleep(1)
        for fault in (pause_redis, stall_postgres, drop_database_connections):
            faulty = threading.Thread(target=lambda f=fault: done.__setitem__(f.__name__, f()))
            await traffic(2)
            faulty.start()
            await traffic(8)  # during the fault
            await asyncio.get_running_loop().run_in_executor(None, faulty.join)
        settled = await converge([visitor, counsellor])
        # Recovered without a restart: a new message goes round at once.
        before = time.monotonic()
        await visitor.say("na de storing")
        recovered = await converge([visitor, counsellor], timeout=5)
        recovery = time.monotonic() - before
        stop.set()
        for c in (visitor, counsellor):
            if c.socket is not None:
                await c.socket.close()
        await asyncio.gather(*tasks)
        return settled, recovered, recovery

    done = {}
    settled, recovered, recovery = asyncio.run(scenario())
    assert set(done) == {"pause_redis", "stall_postgres", "drop_database_connections"}
    assert done["drop_database_connections"] > 0  # the servers' connections were cut
    assert settled, (visitor.outbox, counsellor.outbox)
    assert recovered and recovery < 5, recovery
    # Every message either stored and delivered, or given back to its sender by an error
    # frame (then stored nowhere): assert_exactly_once compares with what was refused.
    assert_exactly_once(conversation, [visitor, counsellor])
    for process, _ in started.values():
        assert process.poll() is None  # no process died
    assert_no_crash(started)


# The same faults, simulated in one process (no services needed): the exact frame that
# meets a broken database gets the `unavailable` answer, and the socket goes on.


@pytest.fixture
def one_process_chat(hana):
    conversation = conversations.open_conversation(for_whom="self", minor="no", in_danger=False)
    queue.claim(conversation, hana)
    return conversation, visitor_cookie(conversation)


async def socket_for(conversation, cookie):
    return await connect(conversation, cookie)


def broken_database(*args, **kwargs):
    from django.db import OperationalError

    raise OperationalError("server closed the connection unexpectedly")


async def test_a_database_error_under_a_message_is_unavailable_and_the_resend_is_stored(
    one_process_chat, monkeypatch
):
    conversation, cookie = one_process_chat
    visitor, connected, _ = await socket_for(conversation, cookie)
    assert connected
    message_id = str(uuid.uuid4())
    frame = {"type": "message.send", "id": message_id, "body": "tijdens de storing"}
    with monkeypatch.context() as patch:
        patch.setattr(conversations, "post_message", broken_database)
        await visitor.send_json_to(frame)
        reply = await visitor.receive_json_from(timeout=5)
    assert (reply["type"], reply["code"], reply["ref"]) == ("error", "unavailable", message_id)
    await visitor.send_json_to(frame)  # what chat.js does on "unavailable"
    assert await visitor.receive_json_from(timeout=5) == {
        "type": "ack",
        "id": message_id,
        "seq": 1,
    }
    await visitor.disconnect()


async def test_a_database_error_at_connect_refuses_the_handshake_without_a_crash(
    one_process_chat, monkeypatch
):
    from chat import consumers

    conversation, cookie = one_process_chat
    monkeypatch.setattr(consumers, "_authorise", broken_database)
    _, connected, code = await socket_for(conversation, cookie)
    assert not connected and code == 1000  # closed, not 1011; chat.js retries with backoff
