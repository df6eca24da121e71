"""common/cache.py: sockets and requests share the process's Redis connections."""

import asyncio
import os
import uuid

import pytest
import redis
from django.core.cache import cache
from django.test import override_settings

from common.db_threads import in_db_thread
from tests.conftest import skip_or_fail


@pytest.fixture
def named_cache(settings):
    """The configured cache, its connections named so that only ours are counted."""
    url = os.environ.get("REDIS_URL")
    if not url:
        skip_or_fail("REDIS_URL is not set, so Redis is not under test")
    name = f"hoc-test-{uuid.uuid4().hex[:8]}"
    config = {**settings.CACHES["default"], "OPTIONS": {"client_name": name}}
    with override_settings(CACHES={"default": config}):
        yield redis.Redis.from_url(url), name


def connections_named(server, name):
    return sum(1 for client in server.client_list() if client.get("name") == name)


async def test_a_thousand_sockets_do_not_hold_a_thousand_redis_connections(named_cache):
    server, name = named_cache
    done, release = asyncio.Semaphore(0), asyncio.Event()

    async def socket(i):
        # What a visitor's socket does at connect and at each re-check (chat/leaving.py),
        # each in its own context, as Daphne runs every socket.
        await in_db_thread(cache.set)(f"socket-{i}", i, 30)
        done.release()
        await release.wait()

    sockets = [asyncio.create_task(socket(i)) for i in range(200)]
    for _ in sockets:
        await done.acquire()
    try:
        # At most one per database thread and one for this test's own loop, however many
        # sockets: before, each socket's context opened a pool of its own.
        assert connections_named(server, name) <= 9
    finally:
        release.set()
        await asyncio.gather(*sockets)
