"""After a whole chat, nothing identifying is left behind.

A Daphne process of its own (its log captured) serves a visitor who makes an account, logs
out and back in with the passphrase, mistypes it once, starts a chat, talks with a
counsellor over the socket, tries to send the passphrase itself, and ends the chat, all
with a distinctive User-Agent. Then the Daphne log, every text value in every table of the
database (sessions decoded) and every key and value in the Redis database in use are
searched for any IP address, the User-Agent, the passphrase and the message text.
"""

import asyncio
import contextlib
import datetime
import http.cookiejar
import ipaddress
import json
import os
import re
import urllib.parse
import urllib.request
import uuid

import pytest
import websockets
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import Client

from accounts import staff
from accounts.models import User
from chat import queue
from chat.models import Conversation, OpeningHours
from tests.conftest import log_in, skip_or_fail
from tests.e2e.conftest import free_port, start_daphne, stop_daphne

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) TraceProbe/7.3.1 Zilverreiger-8c2e"
MESSAGE = "Niemand mag dit ooit teruglezen: kwetsbaar-spoor-5d91"
REPLY = "Antwoord van de hulpverlener: spoorloos-antwoord-a07c"
TOPIC = "onderwerp-dat-verdwijnt-3b6f"

IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
IPV6_CANDIDATE = re.compile(r"[0-9A-Fa-f:]*::?[0-9A-Fa-f:.]*")


def addresses_in(text):
    """Every IPv4 or IPv6 literal in `text` (validated, so times like 12:30:45 are not)."""
    found = []
    for candidate in IPV4.findall(text):
        with contextlib.suppress(ValueError):
            found.append(str(ipaddress.IPv4Address(candidate)))
    for candidate in IPV6_CANDIDATE.findall(text):
        candidate = candidate.strip(":") if "::" not in candidate else candidate
        if "::" not in candidate and candidate.count(":") < 7:
            continue  # 12:30:45, 0:00:01, key:prefix: not an address
        with contextlib.suppress(ValueError):
            found.append(str(ipaddress.IPv6Address(candidate)))
    return found


class Browser:
    """Plain HTTP with a cookie jar, a fixed User-Agent and the CSRF token from the form."""

    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.token = ""

    def request(self, path, data=None):
        headers = {"User-Agent": USER_AGENT, "Origin": self.base}
        body = None
        if data is not None:
            body = urllib.parse.urlencode({"csrfmiddlewaretoken": self.token, **data}).encode()
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        try:
            with self.opener.open(request, timeout=20) as response:
                html = response.read().decode()
                status = response.status
        except urllib.error.HTTPError as error:
            html, status = error.read().decode(), error.code
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        if token:
            self.token = token.group(1)
        return status, html

    def session_key(self):
        return next(c.value for c in self.jar if c.name == settings.SESSION_COOKIE_NAME)


async def chat_over_socket(base, conversation_id, visitor_key, hana_key, passphrase):
    url = base.replace("http", "ws") + f"/ws/chat/{conversation_id}/"

    def headers(key):
        return {
            "Origin": base,
            "User-Agent": USER_AGENT,
            "Cookie": f"{settings.SESSION_COOKIE_NAME}={key}",
        }

    async def until(socket, kind):
        while True:
            frame = json.loads(await asyncio.wait_for(socket.recv(), timeout=10))
            if frame["type"] == kind:
                return frame

    async with (
        websockets.connect(url, additional_headers=headers(visitor_key)) as visitor,
        websockets.connect(url, additional_headers=headers(hana_key)) as counsellor,
    ):
        await counsellor.send(json.dumps({"type": "resume", "after": 0}))
        await until(counsellor, "resumed")
        await visitor.send(json.dumps({"type": "resume", "after": 0}))
        await until(visitor, "resumed")
        await visitor.send(json.dumps({"type": "typing"}))
        await visitor.send(
            json.dumps({"type": "message.send", "id": str(uuid.uuid4()), "body": MESSAGE})
        )
        assert (await until(counsellor, "message"))["body"] == MESSAGE
        await counsellor.send(
            json.dumps({"type": "message.send", "id": str(uuid.uuid4()), "body": REPLY})
        )
        assert (await until(visitor, "message"))["body"] == MESSAGE  # own, back
        assert (await until(visitor, "message"))["body"] == REPLY
        await visitor.send(json.dumps({"type": "read", "seq": 2}))
        await until(counsellor, "read")
        await asyncio.sleep(1.1)  # a fresh rate-limit window
        await visitor.send(
            json.dumps(
                {"type": "message.send", "id": str(uuid.uuid4()), "body": f"mijn zin {passphrase}"}
            )
        )
        assert (await until(visitor, "error"))["code"] == "passphrase"
        await visitor.send(json.dumps({"type": "end"}))
        assert (await until(counsellor, "event"))["event"] == "ended"


def database_texts():
    """(table, text) for every value in every table; sessions decoded."""
    texts = []
    tables = connection.introspection.table_names()
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, memoryview | bytes):
                        value = bytes(value).decode("latin-1")
                    elif isinstance(value, dict | list):
                        value = json.dumps(value, ensure_ascii=False)
                    if isinstance(value, str):
                        texts.append((table, value))
    from django.contrib.sessions.models import Session

    for session in Session.objects.all():
        decoded = SessionStore().decode(session.session_data)
        texts.append(("django_session (decoded)", json.dumps(decoded, default=str)))
    return texts


def redis_texts():
    """(key, text) for every key and value in the Redis database of REDIS_URL."""
    import redis

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    texts = []
    try:
        for key in client.scan_iter(count=500):
            kind = client.type(key).decode()
            if kind == "string":
                values = [client.get(key) or b""]
            elif kind == "hash":
                values = [b for pair in client.hgetall(key).items() for b in pair]
            elif kind == "list":
                values = client.lrange(key, 0, -1)
            elif kind == "set":
                values = list(client.smembers(key))
            elif kind == "zset":
                values = [member for member, _ in client.zrange(key, 0, -1, withscores=True)]
            elif kind == "stream":
                values = [
                    b for _, fields in client.xrange(key) for pair in fields.items() for b in pair
                ]
            else:
                values = [client.dump(key) or b""]
            texts.append((key.decode("latin-1"), key.decode("latin-1")))
            texts += [(key.decode("latin-1"), v.decode("latin-1")) for v in values]
    finally:
        client.close()
    return texts


def findings(texts, needles):
    found = []
    for where, text in texts:
        for name, needle in needles.items():
            if needle in text:
                found.append(f"{where}: {name}")
        for address in addresses_in(text):
            found.append(f"{where}: IP address {address}")
    return found


@pytest.fixture
def traced_server(tmp_path):
    port = free_port()
    log = tmp_path / "daphne.log"
    process = start_daphne(port, log, HOC_LOG_LEVEL="INFO")
    yield f"http://127.0.0.1:{port}", process, log
    if process.poll() is None:
        stop_daphne(process)


def test_a_whole_chat_leaves_no_address_agent_passphrase_or_text_anywhere(traced_server):
    base, process, log = traced_server
    for weekday in range(7):
        OpeningHours.objects.create(
            weekday=weekday, opens=datetime.time(0, 0), closes=datetime.time(0, 0)
        )
    hana = staff.create_staff("hana", User.Role.COUNSELLOR, "een lang genoeg wachtwoord")
    hana_key = log_in(Client(), hana).session.session_key

    robin = Browser(base)
    assert robin.request("/account/nieuw/")[0] == 200
    status, html = robin.request("/account/nieuw/", {})
    passphrase = re.search(r"data-passphrase>([^<]+)<", html).group(1).strip()
    assert len(passphrase.split()) == 7
    assert robin.request("/account/bevestigen/", {"passphrase": passphrase})[0] == 200
    robin.request("/account/")
    robin.request("/account/uitloggen/", {})
    robin.request("/account/inloggen/")
    assert robin.request("/account/inloggen/", {"passphrase": "fout " + passphrase})[0] == 400
    robin.request("/account/inloggen/")
    status, html = robin.request("/account/inloggen/", {"passphrase": passphrase})
    assert status == 200 and "/account/uitloggen/" in html  # logged in
    robin.request("/chat/")
    intake = {"for_whom": "self", "minor": "no", "in_danger": "no", "topic": TOPIC, "consent": "on"}
    status, html = robin.request("/chat/", intake)
    assert status == 200, html
    conversation = Conversation.objects.get(client__isnull=False)
    queue.claim(conversation, hana)

    asyncio.run(chat_over_socket(base, conversation.pk, robin.session_key(), hana_key, passphrase))
    robin.request("/chat/")  # the end, once
    stop_daphne(process)  # its log is complete

    needles = {
        "the User-Agent": USER_AGENT,
        "the User-Agent's product token": "Zilverreiger-8c2e",
        "the passphrase": passphrase,
        "the visitor's message": MESSAGE,
        "the counsellor's reply": REPLY,
        "the topic": TOPIC,
    }
    # The one address allowed: the server's own, in hoc.serve's start-up line.
    log_text = log.read_text().replace(f"HOC chat listens on {base}/", "")
    assert findings([("daphne log", log_text)], needles) == [], log_text
    stored = database_texts()
    assert {"chat_message", "django_session (decoded)"} <= {table for table, _ in stored}
    assert findings(stored, needles) == []
    if not os.environ.get("REDIS_URL"):
        skip_or_fail("the Redis part of the scan needs REDIS_URL")
    in_redis = redis_texts()
    assert in_redis  # the cache holds the log-in counters at least
    assert findings(in_redis, needles) == []


def test_the_scan_finds_addresses_and_needles():
    text = "from 10.1.2.3 and [::1] or fe80::1:2 and 2001:db8:0:0:0:0:0:1 at 12:30:45, v1.2.3"
    assert addresses_in(text) == ["10.1.2.3", "::1", "fe80::1:2", "2001:db8::1"]
    assert findings([("x", f"ua={USER_AGENT}")], {"ua": USER_AGENT}) == ["x: ua"]
