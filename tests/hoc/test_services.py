"""The real services are used when configured (CI sets DATABASE_URL and REDIS_URL)."""

import asyncio
import os

import pytest
from channels.layers import get_channel_layer
from django.db import connection

from tests.conftest import skip_or_fail


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL")
    if not url:
        skip_or_fail("REDIS_URL is not set, so Redis is not under test")
    return url


def test_postgresql_is_the_database_when_configured(db):
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        skip_or_fail("DATABASE_URL does not point at PostgreSQL")
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        assert cursor.fetchone()[0]


async def test_group_messages_cross_redis_encrypted(redis_url):
    import redis.asyncio

    secret = "geheim-bericht-7731"
    raw = redis.asyncio.from_url(redis_url)
    spy = raw.pubsub()
    await spy.psubscribe("*")
    await spy.get_message(timeout=1)  # the subscription is confirmed before we publish
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add("probe", channel)
    try:
        await layer.group_send("probe", {"type": "probe.message", "text": secret})
        received = await asyncio.wait_for(layer.receive(channel), timeout=5)
        assert received["text"] == secret

        seen = []
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 2
        while loop.time() < deadline:
            message = await spy.get_message(timeout=0.2)
            if message and message["type"] == "pmessage":
                seen.append(message["data"])
        assert seen, "the message did not pass through Redis"
        assert not any(secret.encode() in data for data in seen)
    finally:
        await layer.group_discard("probe", channel)
        await spy.aclose()
        await raw.aclose()
        await layer.flush()


def test_the_cache_is_redis_and_keys_expire(redis_url):
    from django.conf import settings
    from django.core.cache import caches

    cache = caches["default"]
    from django.test import RequestFactory

    from accounts.pseudonyms import client_pseudonym

    assert type(cache).__name__ == "SharedPoolRedisCache"
    client_pseudonym(RequestFactory().get("/", REMOTE_ADDR="198.51.100.7"))
    client = cache._cache.get_client()
    keys = [k for k in client.scan_iter(f"{settings.REDIS_PREFIX}:*pseudonym-key*")]
    assert keys
    assert all(0 < client.ttl(k) <= 2 * 24 * 60 * 60 for k in keys)
