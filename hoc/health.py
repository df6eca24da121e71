"""/healthz, /readyz and /metrics: a small ASGI app in front of Django (docs/health.md).

In front of Django, not views behind it: production's ALLOWED_HOSTS holds only the public
domain, and SECURE_SSL_REDIRECT would answer the container's plain
http://127.0.0.1:8000/healthz with a redirect. So the three never see the middleware: no
Host check, no session, no cookie. Nothing here logs either; a probe every few seconds
would bury the log, and a failure's text could name a host or a user. The answer names the
failing check and nothing more.
"""

import asyncio
import hmac
import ipaddress
from concurrent.futures import ThreadPoolExecutor

import redis.asyncio
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Count
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from chat.models import Conversation
from common import metrics

TIMEOUT_SECONDS = 2
# Threads of their own: a hung database then holds none of the chat's (common/db_threads.py).
_executor = ThreadPoolExecutor(2, thread_name_prefix="hoc-health")
_migrated = False


def select_one():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        connection.close()


class Unapplied(Exception):
    """Migrations wait to be applied: this code does not match the database yet."""


def check_migrations():
    """Raise Unapplied unless every migration is applied. Once they are, that holds for
    this process (its code cannot gain migrations while it runs), so later calls are free."""
    global _migrated
    if not _migrated:
        try:
            executor = MigrationExecutor(connection)
            # Set here, in the thread: a first load slower than the timeout still counts.
            _migrated = not executor.migration_plan(executor.loader.graph.leaf_nodes())
        finally:
            connection.close()
    if not _migrated:
        raise Unapplied


def conversations_by_state():
    try:
        counts = dict(Conversation.objects.values_list("state").annotate(Count("pk")))
    finally:
        connection.close()
    return {state: counts.get(state, 0) for state in Conversation.State.values}


async def ping_redis():
    # A connection of its own, with timeouts and no retries: the cache's client has no
    # timeout, so a hung Redis would hold a thread for good.
    client = redis.asyncio.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=TIMEOUT_SECONDS,
        socket_timeout=TIMEOUT_SECONDS,
        retry=Retry(NoBackoff(), 0),
    )
    try:
        await client.ping()
    finally:
        await client.aclose()


async def in_thread(func):
    loop = asyncio.get_running_loop()
    return await asyncio.wait_for(loop.run_in_executor(_executor, func), TIMEOUT_SECONDS)


async def outcome(awaitable):
    """One of ok, unapplied, timeout or unavailable; never the error's own text."""
    try:
        await awaitable
    except Unapplied:
        return "unapplied"
    except TimeoutError:
        return "timeout"
    except Exception:  # noqa: BLE001 - whatever failed, the probe only says that it did
        return "unavailable"
    return "ok"


async def readiness():
    """{check: outcome} for the database, Redis when configured, and migrations."""
    checks = {"database": outcome(in_thread(select_one))}
    if settings.REDIS_URL:
        checks["redis"] = outcome(asyncio.wait_for(ping_redis(), TIMEOUT_SECONDS))
    results = dict(zip(checks, await asyncio.gather(*checks.values()), strict=True))
    if results["database"] == "ok":
        results["migrations"] = await outcome(in_thread(check_migrations))
    else:
        results["migrations"] = "not checked"
    return results


def pool_figures():
    """psycopg's pool, read in memory; none on SQLite or without OPTIONS["pool"]."""
    pool = getattr(connections["default"], "pool", None)
    if pool is None:
        return []
    stats = pool.get_stats()
    gauges = [
        ("hoc_db_pool_max", "pool_max", "Most connections the database pool may open."),
        ("hoc_db_pool_size", "pool_size", "Connections the database pool holds, busy or idle."),
        ("hoc_db_pool_available", "pool_available", "Idle connections in the database pool."),
        (
            "hoc_db_pool_requests_waiting",
            "requests_waiting",
            "Requests waiting for a connection from the database pool.",
        ),
    ]
    families = [
        metrics.single(name, "gauge", text, stats.get(key, 0)) for name, key, text in gauges
    ]
    families.append(
        metrics.single(
            "hoc_db_pool_request_errors_total",
            "counter",
            "Requests for a database connection that failed (timeout, queue full).",
            stats.get("requests_errors", 0),
        )
    )
    return families


async def conversation_figures():
    try:
        counts = await in_thread(conversations_by_state)
    except Exception:  # noqa: BLE001 - no database: the family is absent, which alerts expect
        return []
    return [
        metrics.Family(
            "hoc_conversations",
            "gauge",
            "Conversations in the database by state (ended ones until they are purged).",
            [({"state": state}, n) for state, n in counts.items()],
        )
    ]


async def metrics_text():
    families = metrics.in_process()
    families.append(
        metrics.single(
            "hoc_channel_layer_dropped_total",
            "counter",
            "Channel-layer frames this process dropped because it could not read them.",
            getattr(get_channel_layer(), "dropped", 0),
        )
    )
    families += pool_figures()
    families += await conversation_figures()
    return metrics.render(families)


def may_read_metrics(scope):
    """Loopback, or the bearer token when one is set. Behind the proxy (Daphne's
    --proxy-headers) the client is the forwarded address, so no visitor is loopback."""
    client = scope.get("client")
    if client and is_loopback(client[0]):
        return True
    if not settings.METRICS_TOKEN:
        return False
    given = dict(scope["headers"]).get(b"authorization", b"")
    scheme, _, token = given.partition(b" ")
    return scheme.lower() == b"bearer" and hmac.compare_digest(
        token.strip(), settings.METRICS_TOKEN.encode()
    )


def is_loopback(host):
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return (getattr(address, "ipv4_mapped", None) or address).is_loopback


async def respond(scope, send, status, body, content_type="text/plain; charset=utf-8"):
    body = body.encode()
    headers = [
        (b"content-type", content_type.encode()),
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"),
        (b"x-content-type-options", b"nosniff"),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})


class HealthEndpoints:
    """Answers GET and HEAD on the three paths itself; hands everything else to `app`."""

    PATHS = ("/healthz", "/readyz", "/metrics")

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if (
            scope["type"] != "http"
            or scope["path"] not in self.PATHS
            or scope["method"] not in ("GET", "HEAD")
        ):
            return await self.app(scope, receive, send)
        if scope["path"] == "/healthz":
            return await respond(scope, send, 200, "ok\n")
        if scope["path"] == "/readyz":
            results = await readiness()
            ready = all(result == "ok" for result in results.values())
            body = "".join(f"{check}: {result}\n" for check, result in results.items())
            return await respond(scope, send, 200 if ready else 503, body)
        if not may_read_metrics(scope):
            # Django's own 404, the same page as any address that does not exist.
            return await self.app(scope, receive, send)
        await respond(scope, send, 200, await metrics_text(), metrics.CONTENT_TYPE)
