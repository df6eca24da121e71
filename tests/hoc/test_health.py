"""/healthz, /readyz and /metrics answer before Django, and say nothing about anyone."""

import http.client
import logging
import re
import time
import urllib.error
import urllib.request
import uuid
from collections import namedtuple

import pytest
from channels.db import database_sync_to_async
from channels.testing import ApplicationCommunicator
from django.db import OperationalError, connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from chat import conversations, queue
from chat.consumers import ConversationConsumer
from common import metrics
from hoc import health
from hoc.asgi import application
from tests.e2e.conftest import free_port, start_daphne, stop_daphne
from tests.helpers.sockets import (
    connect,
    refusal,
    staff_cookie,
    until_crashed,
    visitor_cookie,
)

pytestmark = pytest.mark.django_db(transaction=True)

LOOPBACK = ("127.0.0.1", 50123)
ELSEWHERE = ("203.0.113.9", 50123)
Answer = namedtuple("Answer", "status headers body")
METRIC_NAMES = [
    "hoc_websockets_open",
    "hoc_chat_messages_total",
    "hoc_chat_messages_last_minute",
    "hoc_error_frames_total",
    "hoc_error_frames_last_minute",
    "hoc_socket_errors_total",
    "hoc_socket_errors_last_minute",
    "hoc_channel_layer_dropped_total",
    "hoc_conversations",
]


async def fetch(path, client=LOOPBACK, host=b"127.0.0.1", headers=(), method="GET"):
    """One HTTP request straight into hoc.asgi.application, as Daphne would make it."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", host), *headers],
        "client": client,
        "server": ("127.0.0.1", 8000),
    }
    communicator = ApplicationCommunicator(application, scope)
    await communicator.send_input({"type": "http.request", "body": b"", "more_body": False})
    start = await communicator.receive_output(timeout=10)
    body = b""
    while True:
        message = await communicator.receive_output(timeout=10)
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    await communicator.wait(timeout=5)
    names = [name.decode().lower() for name, _ in start["headers"]]
    assert "set-cookie" not in names
    headers = {name.decode().lower(): value.decode() for name, value in start["headers"]}
    return Answer(start["status"], headers, body.decode())


def sample(text, series):
    """The value of one series (`name` or `name{labels}`) in a Prometheus text page."""
    match = re.search(rf"^{re.escape(series)} (\S+)$", text, re.MULTILINE)
    assert match, f"{series} is not in the page"
    return float(match.group(1))


@pytest.fixture
def forget_migrations(monkeypatch):
    """Make this test's process check the migrations again instead of remembering."""
    monkeypatch.setattr(health, "_migrated", False)


# --- /healthz ---------------------------------------------------------------------------


async def test_healthz_says_ok_without_a_cookie_or_cache():
    answer = await fetch("/healthz")
    assert (answer.status, answer.body) == (200, "ok\n")
    assert answer.headers["content-type"].startswith("text/plain")
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["x-content-type-options"] == "nosniff"


async def test_healthz_answers_a_host_django_would_refuse():
    assert (await fetch("/", host=b"chat.example.org")).status == 400  # Django's Host check
    assert (await fetch("/healthz", host=b"chat.example.org")).status == 200


async def test_head_gets_the_headers_without_the_body():
    answer = await fetch("/healthz", method="HEAD")
    assert answer.status == 200 and answer.body == ""
    assert answer.headers["content-length"] == "3"


async def test_other_methods_go_to_django():
    answer = await fetch("/healthz", method="POST")
    assert answer.status != 200 and answer.body != "ok\n"


# --- /readyz ----------------------------------------------------------------------------


async def test_readyz_is_ready_when_every_service_answers(settings, forget_migrations):
    answer = await fetch("/readyz")
    expected = {"database: ok", "migrations: ok"} | ({"redis: ok"} if settings.REDIS_URL else set())
    assert answer.status == 200
    assert set(answer.body.splitlines()) == expected
    assert answer.headers["cache-control"] == "no-store"


async def test_readyz_names_the_database_when_it_is_down(monkeypatch, caplog):
    def unreachable():
        raise OperationalError("connection to server at 10.0.0.5 failed: password for hoc")

    monkeypatch.setattr(health, "select_one", unreachable)
    with caplog.at_level(logging.WARNING):
        answer = await fetch("/readyz")
    assert answer.status == 503
    assert "database: unavailable" in answer.body.splitlines()
    assert "10.0.0.5" not in answer.body and "password" not in answer.body
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]  # never logged


async def test_readyz_gives_up_on_a_database_that_hangs(monkeypatch):
    monkeypatch.setattr(health, "TIMEOUT_SECONDS", 0.2)
    monkeypatch.setattr(health, "select_one", lambda: time.sleep(1))
    answer = await fetch("/readyz")
    assert answer.status == 503 and "database: timeout" in answer.body.splitlines()


async def test_readyz_names_redis_when_it_is_down(settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    answer = await fetch("/readyz")
    assert answer.status == 503
    assert "redis: unavailable" in answer.body.splitlines()
    assert "database: ok" in answer.body.splitlines()


def latest_chat_migration():
    loader = MigrationLoader(connection)
    return next(key for key in loader.graph.leaf_nodes() if key[0] == "chat")


async def test_readyz_waits_for_unapplied_migrations(forget_migrations):
    app, name = await database_sync_to_async(latest_chat_migration)()
    recorder = MigrationRecorder(connection)
    await database_sync_to_async(recorder.record_unapplied)(app, name)
    try:
        answer = await fetch("/readyz")
    finally:
        await database_sync_to_async(recorder.record_applied)(app, name)
    assert answer.status == 503 and "migrations: unapplied" in answer.body.splitlines()
    assert (await fetch("/readyz")).status == 200


async def test_readyz_remembers_that_migrations_are_applied(monkeypatch, forget_migrations):
    assert (await fetch("/readyz")).status == 200

    def no_second_look(*args):
        raise AssertionError("the migration graph was loaded again")

    monkeypatch.setattr(health, "MigrationExecutor", no_second_look)
    assert (await fetch("/readyz")).status == 200


# --- /metrics ---------------------------------------------------------------------------


async def test_metrics_from_loopback():
    await database_sync_to_async(conversations.open_conversation)(
        for_whom="self", minor="no", in_danger=False
    )
    for client in (LOOPBACK, ("::1", 50123)):
        answer = await fetch("/metrics", client=client)
        assert answer.status == 200
        assert answer.headers["content-type"].startswith("text/plain; version=0.0.4")
        assert answer.headers["cache-control"] == "no-store"
        for name in METRIC_NAMES:
            assert f"# TYPE {name} " in answer.body
        assert sample(answer.body, 'hoc_conversations{state="waiting"}') == 1
        assert sample(answer.body, 'hoc_conversations{state="active"}') == 0
        assert sample(answer.body, 'hoc_conversations{state="ended"}') == 0
    if connection.vendor == "postgresql":
        assert sample(answer.body, "hoc_db_pool_max") >= 1
        assert "hoc_db_pool_requests_waiting " in answer.body
    else:
        assert "hoc_db_pool" not in answer.body


async def test_metrics_hide_from_other_addresses_like_any_unknown_page():
    answer = await fetch("/metrics", client=ELSEWHERE)
    unknown = await fetch("/no-such-page", client=ELSEWHERE)
    assert answer.status == unknown.status == 404
    # The same page, down to its language link, which carries the address.
    assert answer.body == unknown.body.replace("/no-such-page", "/metrics")
    assert "hoc_" not in answer.body


@pytest.mark.parametrize(
    ("token", "authorization", "status"),
    [
        (
            "a-long-metrics-token-of-the-operator",
            b"Bearer a-long-metrics-token-of-the-operator",
            200,
        ),
        ("a-long-metrics-token-of-the-operator", b"Bearer a-long-metrics-token-of-someone", 404),
        ("a-long-metrics-token-of-the-operator", b"a-long-metrics-token-of-the-operator", 404),
        ("a-long-metrics-token-of-the-operator", None, 404),
        ("", b"Bearer ", 404),  # no token configured opens nothing
    ],
)
async def test_metrics_from_elsewhere_need_the_token(settings, token, authorization, status):
    settings.METRICS_TOKEN = token
    headers = [(b"authorization", authorization)] if authorization is not None else []
    answer = await fetch("/metrics", client=ELSEWHERE, headers=headers)
    assert answer.status == status
    assert ("hoc_websockets_open" in answer.body) == (status == 200)


# --- what the sockets count -------------------------------------------------------------


@pytest.fixture
def chat(hana, otto):
    conversation = conversations.open_conversation(for_whom="self", minor="no", in_danger=False)
    queue.claim(conversation, hana)
    return conversation, visitor_cookie(conversation), staff_cookie(otto)


async def figure(series):
    return sample((await fetch("/metrics")).body, series)


OPEN = 'hoc_websockets_open{kind="conversation"}'


async def test_open_sockets_count_up_and_back_down(chat):
    conversation, visitor_key, stranger_key = chat
    before = await figure(OPEN)
    visitor, ok, _ = await connect(conversation, visitor_key)
    assert ok
    assert await figure(OPEN) == before + 1
    await visitor.disconnect()
    assert await figure(OPEN) == before

    assert await refusal(conversation, stranger_key) == 4403
    assert await figure(OPEN) == before  # a refused socket was never counted, so not down


async def test_messages_and_error_frames_are_counted(chat, monkeypatch):
    # Fresh tallies: messages from earlier tests would leave the last minute mid-test.
    monkeypatch.setattr(metrics, "messages", metrics.Tally())
    monkeypatch.setattr(metrics, "error_frames", metrics.Tally())
    conversation, visitor_key, _ = chat
    visitor, _, _ = await connect(conversation, visitor_key)
    await visitor.send_json_to({"type": "message.send", "id": str(uuid.uuid4()), "body": "hoi"})
    assert (await visitor.receive_json_from(timeout=5))["type"] == "ack"
    await visitor.send_to(text_data="not json")
    while (await visitor.receive_json_from(timeout=5))["type"] != "error":
        pass  # the visitor's own message comes back too
    await visitor.disconnect()
    assert await figure("hoc_chat_messages_total") == 1
    assert await figure("hoc_chat_messages_last_minute") == 1
    assert await figure("hoc_error_frames_total") == 1
    assert await figure("hoc_error_frames_last_minute") == 1


async def test_a_crashed_socket_is_counted_and_no_longer_open(chat, monkeypatch):
    async def crash(consumer, message):
        raise RuntimeError("a bug")

    # Outside a frame's handler (those answer "internal" and stay open): in a delivery.
    monkeypatch.setattr(ConversationConsumer, "broadcast", crash)
    conversation, visitor_key, _ = chat
    before, crashes = await figure(OPEN), await figure("hoc_socket_errors_total")
    visitor, ok, _ = await connect(conversation, visitor_key)
    assert ok
    await visitor.send_json_to({"type": "message.send", "id": str(uuid.uuid4()), "body": "hoi"})
    with pytest.raises(RuntimeError):
        await until_crashed(visitor)  # past the ack: the delivery crashes
    assert await figure("hoc_socket_errors_total") == crashes + 1
    assert await figure(OPEN) == before  # the crashed socket is no longer counted open


async def test_a_bug_in_a_frames_handler_is_counted_and_answered(chat, monkeypatch):
    async def crash(consumer, content):
        raise RuntimeError("a bug")

    monkeypatch.setitem(ConversationConsumer.HANDLERS, "resume", crash)
    conversation, visitor_key, _ = chat
    crashes = await figure("hoc_socket_errors_total")
    visitor, ok, _ = await connect(conversation, visitor_key)
    await visitor.send_json_to({"type": "resume", "after": 0})
    assert (await visitor.receive_json_from(timeout=5))["code"] == "internal"
    assert await figure("hoc_socket_errors_total") == crashes + 1
    await visitor.disconnect()


def test_the_last_minute_slides():
    now = [1000.0]
    tally = metrics.Tally(clock=lambda: now[0])
    tally.add()
    now[0] = 1030.5
    tally.add()
    tally.add()
    assert (tally.total, tally.last_minute()) == (3, 3)
    now[0] = 1060.2  # the first second has just left the window
    assert tally.last_minute() == 2
    now[0] = 1091
    assert (tally.total, tally.last_minute()) == (3, 0)


# --- a real Daphne, set up like production ----------------------------------------------


@pytest.fixture
def production_like_server(django_db_setup, tmp_path):
    port = free_port()
    process = start_daphne(
        port,
        tmp_path / "daphne.log",
        HOC_HTTPS="1",  # SECURE_SSL_REDIRECT
        HOC_ALLOWED_HOSTS="chat.example.org",
    )
    yield f"http://127.0.0.1:{port}"
    stop_daphne(process)


def test_daphne_answers_all_three_over_plain_http(production_like_server):
    # Every other address meets the Host check and, on the allowed host, the HTTPS redirect.
    home = http.client.HTTPConnection(production_like_server.removeprefix("http://"), timeout=10)
    home.request("GET", "/", headers={"Host": "chat.example.org"})
    assert home.getresponse().status == 301
    home.close()
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(production_like_server + "/", timeout=10)

    for path, host in [
        ("/healthz", None),
        ("/healthz", "chat.example.org"),
        ("/readyz", None),
        ("/metrics", None),
    ]:
        request = urllib.request.Request(production_like_server + path)
        if host:
            request.add_header("Host", host)
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200, path
            assert response.headers["Cache-Control"] == "no-store"
            assert response.headers["Set-Cookie"] is None
            body = response.read().decode()
        if path == "/metrics":
            assert "# TYPE hoc_websockets_open gauge" in body
