"""The production rehearsal: the stack that docker-compose.yml describes, started from the
same files as real processes (tests/deploy/stack.py), and used over HTTPS as people would.

Every request comes from 127.0.0.2, an address nothing else here uses, so the last test
can tell whether a visitor's address reached any output.
"""

import asyncio
import http.client
import json
import os
import re
import shutil
import ssl
import subprocess
import uuid
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
import websockets
from django.db import connection
from django_otp.oath import totp

from hoc.logging import IP_PATTERN
from tests.conftest import skip_or_fail
from tests.deploy.stack import DOMAIN, Stack, compose_file

CLIENT_ADDRESS = "127.0.0.2"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PASSWORD = "een lang genoeg wachtwoord voor de repetitie"

pytestmark = pytest.mark.rehearsal


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    if connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"):
        skip_or_fail("the rehearsal needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL)")
    for tool in ("caddy", "redis-server"):
        if not shutil.which(tool):
            skip_or_fail(f"the rehearsal needs {tool} (apt-get install {tool})")
    stack = Stack(tmp_path_factory.mktemp("rehearsal"))
    stack.build()
    stack.start_postgres_database()
    try:
        stack.start_redis()
        stack.start_replicas()
        stack.start_caddy()
        yield stack
    finally:
        stack.stop()
        stack.drop_postgres_database()


class Visitor:
    """A browser as far as the server can tell: cookies, forms with their CSRF token."""

    def __init__(self, stack):
        self.stack, self.cookies = stack, {}
        self.context = ssl.create_default_context(cafile=str(stack.ca_file))

    @property
    def origin(self):
        return f"https://{DOMAIN}:{self.stack.https_port}"

    def request(self, method, path, form=None, port=None):
        conn = http.client.HTTPSConnection(
            DOMAIN,
            port or self.stack.https_port,
            context=self.context,
            timeout=20,
            source_address=(CLIENT_ADDRESS, 0),
        )
        headers = {"Cookie": self.cookie_header()} if self.cookies else {}
        body = None
        if form is not None:
            body = urlencode(form)
            headers.update(
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Origin": self.origin,
                    "Referer": self.origin + path,
                }
            )
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        conn.close()
        return response, text

    def cookie_header(self):
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def post_form(self, path, fields):
        _, page = self.request("GET", path)
        token = CSRF.search(page)
        assert token, f"no form on {path}"
        return self.request("POST", path, {"csrfmiddlewaretoken": token.group(1), **fields})

    async def socket(self, conversation_id):
        sock = await asyncio.get_running_loop().run_in_executor(None, self._tcp)
        return await websockets.connect(
            f"wss://{DOMAIN}:{self.stack.https_port}/ws/chat/{conversation_id}/",
            ssl=self.context,
            sock=sock,
            server_hostname=DOMAIN,
            additional_headers={"Origin": self.origin, "Cookie": self.cookie_header()},
            open_timeout=15,
        )

    def _tcp(self):
        import socket

        return socket.create_connection(
            ("127.0.0.1", self.stack.https_port), timeout=15, source_address=(CLIENT_ADDRESS, 0)
        )


def replica_sockets(stack):
    """Open chat sockets per replica, read from each one's /metrics on loopback."""
    counts = []
    for port in stack.replica_ports:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", "/metrics")
        text = conn.getresponse().read().decode()
        match = re.search(r'^hoc_websockets_open\{kind="conversation"\} (\d+)', text, re.M)
        counts.append(int(match.group(1)) if match else None)
    return counts


def test_both_replicas_start_together_and_migrate_once(stack):
    logs = [stack.logs[name].read_text() for name in ("web1", "web2")]
    applying = [log for log in logs if "Applying " in log]
    assert len(applying) == 1, logs
    out = stack.manage(
        "shell",
        "-c",
        "from django.db import connection; c = connection.cursor();"
        "c.execute('SELECT app, name, count(*) FROM django_migrations GROUP BY app, name"
        " HAVING count(*) > 1'); print(c.fetchall())",
    )
    assert out.stdout.strip().splitlines()[-1] == "[]"
    # compose's own healthcheck command, run as Docker would inside each replica.
    check = compose_file()["services"]["web"]["healthcheck"]["test"]
    assert check[0] == "CMD"
    for port in stack.replica_ports:
        command = [word.replace(":8000/", f":{port}/") for word in check[1:]]
        result = subprocess.run(command, env=stack.app_env(), capture_output=True, timeout=10)
        assert result.returncode == 0, result.stderr


def test_redis_wants_its_password_and_no_process_shows_a_secret(stack):
    import socket

    with socket.create_connection(("127.0.0.1", stack.redis_port), timeout=5) as raw:
        raw.sendall(b"PING\r\n")
        assert raw.recv(100).startswith(b"-NOAUTH")
    secrets = [path.read_text().strip() for path in stack.secrets.iterdir()]
    for process in stack.processes.values():
        cmdline = Path(f"/proc/{process.pid}/cmdline").read_bytes().decode()
        environ = Path(f"/proc/{process.pid}/environ").read_bytes().decode()
        assert not [s for s in secrets if s in cmdline or s in environ]


def test_the_schedulers_commands_run_once_and_succeed(stack):
    result = stack.scheduler_once()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "failed" not in result.stderr


def test_the_home_page_comes_over_https_with_every_security_header(stack):
    response, page = Visitor(stack).request("GET", "/")
    assert response.status == 200
    assert "Hulppunt Onder Controle" in page
    headers = response.headers
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    assert "no-store" in headers["Cache-Control"]
    assert "Server" not in headers


def test_health_and_metrics_answer_on_the_replicas_but_not_through_the_proxy(stack):
    visitor = Visitor(stack)
    for path in ("/healthz", "/readyz", "/metrics"):
        response, _ = visitor.request("GET", path)
        assert response.status == 404, path
        conn = http.client.HTTPConnection("127.0.0.1", stack.replica_ports[0], timeout=5)
        conn.request("GET", path)
        assert conn.getresponse().status == 200, path


def test_plain_http_is_sent_to_https(stack):
    conn = http.client.HTTPConnection(DOMAIN, stack.http_port, timeout=10)
    conn.request("GET", "/")
    response = conn.getresponse()
    assert response.status in (301, 308)
    assert response.headers["Location"].startswith("https://")


def test_hashed_static_files_come_from_caddy_for_a_year(stack):
    visitor = Visitor(stack)
    _, page = visitor.request("GET", "/")
    css = re.search(r'href="(/static/css/[\w.-]+\.[0-9a-f]{12}\.css)"', page)
    assert css, "no hashed stylesheet on the home page"
    response, body = visitor.request("GET", css.group(1))
    assert response.status == 200 and len(body) > 100
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_the_session_cookie_is_a_host_cookie(stack):
    # A form's CSRF token lives in the session, so the log-in page starts one.
    response, _ = Visitor(stack).request("GET", "/medewerkers/inloggen/")
    (cookie,) = [c for c in response.headers.get_all("Set-Cookie") or [] if "session" in c]
    assert cookie.startswith("__Host-session=")
    lowered = cookie.lower()
    assert "secure" in lowered and "httponly" in lowered and "samesite=strict" in lowered
    assert "path=/" in lowered and "domain=" not in lowered


def log_in_counsellor(stack, username):
    created = stack.manage(
        "createstaff", username, "--role", "counsellor", "--password-file", _password(stack)
    )
    # A new colleague links their app through the one-time link createstaff prints.
    link = re.search(r"/medewerkers/app-koppelen/[\w-]+/", created.stdout).group(0)
    staff = Visitor(stack)
    response, _ = staff.post_form(link, {"username": username, "password": PASSWORD})
    assert response.status == 302
    assert response.headers["Location"].startswith("/medewerkers/app-koppelen/")
    _, page = staff.request("GET", response.headers["Location"])
    secret = re.search(r'class="totp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    import base64

    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    token = f"{totp(key):06d}"
    response, _ = staff.post_form("/medewerkers/app-koppelen/", {"token": token})
    assert response.status == 302, "the authenticator code was refused"
    response, page = staff.request("GET", "/medewerkers/")
    assert response.status == 200
    return staff


def _password(stack):
    path = stack.base / "password"
    path.write_text(PASSWORD)
    return str(path)


def test_a_counsellor_logs_in_with_password_and_totp(stack):
    staff = log_in_counsellor(stack, "hana")
    response, _ = staff.request("GET", "/medewerkers/wachtrij/")
    assert response.status == 200
    # Without the second factor the workspace stays shut.
    half = Visitor(stack)
    response, _ = half.post_form(
        "/medewerkers/inloggen/", {"username": "hana", "password": PASSWORD}
    )
    response, _ = half.request("GET", "/medewerkers/wachtrij/")
    assert response.status in (302, 403)


class Participant:
    """One side of the chat over wss://, collecting messages by seq."""

    def __init__(self, who, visitor, conversation_id):
        self.who, self.visitor, self.conversation_id = who, visitor, conversation_id
        self.seen = {}

    async def connect(self):
        self.ws = await self.visitor.socket(self.conversation_id)
        await self.ws.send(json.dumps({"type": "resume", "after": self.contiguous()}))
        await self.until(lambda frame: frame["type"] == "resumed")

    def contiguous(self):
        n = 0
        while n + 1 in self.seen:
            n += 1
        return n

    async def until(self, done, seconds=15):
        async def read():
            while True:
                frame = json.loads(await self.ws.recv())
                if frame["type"] == "message":
                    assert self.seen.setdefault(frame["seq"], frame["body"]) == frame["body"]
                if done(frame):
                    return frame

        return await asyncio.wait_for(read(), seconds)

    async def say(self, body):
        message_id = str(uuid.uuid4())
        await self.ws.send(json.dumps({"type": "message.send", "id": message_id, "body": body}))
        return await self.until(lambda f: f["type"] == "ack" and f["id"] == message_id)

    async def has(self, body):
        if body not in self.seen.values():
            await self.until(lambda f: f["type"] == "message" and f["body"] == body)


def test_a_chat_across_two_replicas_survives_losing_one_and_ends_with_quick_exit(stack):
    stack.manage(
        "shell",
        "-c",
        "import datetime; from chat.models import OpeningHours;"
        "OpeningHours.objects.bulk_create(OpeningHours(weekday=d, opens=datetime.time(0),"
        " closes=datetime.time(0)) for d in range(7))",
    )
    counsellor = log_in_counsellor(stack, "noor")
    visitor = Visitor(stack)
    response, _ = visitor.post_form(
        "/chat/", {"for_whom": "self", "minor": "no", "in_danger": "no", "consent": "on"}
    )
    assert response.status == 302
    _, page = visitor.request("GET", "/chat/")
    conversation_id = UUID.search(page).group(0)
    _, workspace = counsellor.request("GET", "/medewerkers/wachtrij/")
    token = CSRF.search(workspace).group(1)
    response, _ = counsellor.request(
        "POST",
        f"/medewerkers/gesprek/{conversation_id}/aannemen/",
        {"csrfmiddlewaretoken": token},
    )
    assert response.status == 302

    async def chat():
        client = Participant("visitor", visitor, conversation_id)
        helper = Participant("counsellor", counsellor, conversation_id)
        await client.connect()
        visitor_replica = f"web{replica_sockets(stack).index(1) + 1}"
        await helper.connect()
        # Round robin puts the next socket on the other replica; make sure it did.
        for _ in range(4):
            counts = replica_sockets(stack)
            if counts == [1, 1]:
                break
            await helper.ws.close()
            await helper.connect()
        assert counts == [1, 1], f"both sockets on one replica: {counts}"
        await client.say("Hallo, is daar iemand?")
        await helper.has("Hallo, is daar iemand?")
        await helper.say("Ja, ik ben er. Fijn dat je schrijft.")
        await client.has("Ja, ik ben er. Fijn dat je schrijft.")

        # Kill the replica that holds the visitor's socket.
        stack.kill(visitor_replica)
        with pytest.raises(websockets.ConnectionClosed):
            await client.until(lambda frame: False, seconds=10)
        await helper.say("Ben je er nog?")  # written while the visitor is away
        await client.connect()  # Caddy sends it to the replica that is left
        await client.has("Ben je er nog?")
        await client.say("Ja, de verbinding viel even weg.")
        await helper.has("Ja, de verbinding viel even weg.")
        await client.has("Ja, de verbinding viel even weg.")  # its own message comes back too
        assert client.seen == helper.seen
        assert sorted(client.seen) == [1, 2, 3, 4]

        # Quick exit: the session ends on the server, and its socket with it.
        response, _ = visitor.request("POST", "/snel-weg/", {})
        assert response.status == 200
        assert response.headers["Clear-Site-Data"] == '"cache", "cookies", "storage"'
        closed = None
        try:
            await client.until(lambda frame: False, seconds=10)
        except websockets.ConnectionClosed as error:
            closed = error
        assert closed is not None and closed.rcvd is not None and closed.rcvd.code == 4401
        await helper.ws.close()

    asyncio.run(chat())
    # The visitor's browser keeps no session: /chat/ starts afresh.
    _, page = visitor.request("GET", "/chat/")
    assert 'name="for_whom"' in page


def test_slow_loris_connections_are_closed_while_a_websocket_stays_open(stack):
    """Connections that trickle their headers go after Caddy's read_header timeout (10 s);
    a WebSocket open for longer than that is not touched by it."""
    staff = log_in_counsellor(stack, "ilse")
    slow_count = 20

    async def attack():
        ws = await websockets.connect(
            f"wss://{DOMAIN}:{stack.https_port}/ws/queue/",
            ssl=staff.context,
            sock=await asyncio.get_running_loop().run_in_executor(None, staff._tcp),
            server_hostname=DOMAIN,
            additional_headers={"Origin": staff.origin, "Cookie": staff.cookie_header()},
        )
        slow = []
        for _ in range(slow_count):
            reader, writer = await asyncio.open_connection(
                "127.0.0.1",
                stack.https_port,
                ssl=staff.context,
                server_hostname=DOMAIN,
                local_addr=(CLIENT_ADDRESS, 0),
            )
            writer.write(b"GET / HTTP/1.1\r\nHost: localhost\r\n")
            slow.append((reader, writer))
        closed = set()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 16
        while len(closed) < slow_count and loop.time() < deadline:
            for n, (reader, writer) in enumerate(slow):
                if n in closed:
                    continue
                try:
                    writer.write(b"X")  # one header byte at a time, never the blank line
                    await writer.drain()
                    if await asyncio.wait_for(reader.read(1024), 0.05) == b"" or reader.at_eof():
                        closed.add(n)
                except TimeoutError:
                    pass
                except (ConnectionError, ssl.SSLError):
                    closed.add(n)
            await asyncio.sleep(1)
        elapsed = loop.time() - (deadline - 16)
        await ws.send("still there?")
        answer = json.loads(await asyncio.wait_for(ws.recv(), 5))
        await ws.close()
        for _, writer in slow:
            writer.close()
        return closed, elapsed, answer

    closed, elapsed, answer = asyncio.run(attack())
    assert len(closed) == slow_count, f"{slow_count - len(closed)} slow connections still open"
    assert elapsed >= 9, "closed before the header timeout: something else cut them"
    assert answer["type"] == "error"  # the queue socket answered: still open after > 10 s


def test_no_output_holds_the_visitors_address(stack):
    for name, log in stack.logs.items():
        text = log.read_text()
        assert CLIENT_ADDRESS not in text, f"{name} logged the client's address:\n{text}"
        # The only address anywhere is the one the replicas bind to ("listens on ...").
        assert set(IP_PATTERN.findall(text)) <= {"127.0.0.1"}, f"{name}:\n{text}"
