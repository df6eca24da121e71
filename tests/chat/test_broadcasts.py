"""Broadcasts after commit, and what they cost the thread that stored the message."""

import asyncio
import logging

import pytest
from channels.layers import get_channel_layer
from django.db import transaction

from chat import events
from common.db_threads import in_db_thread

pytestmark = pytest.mark.django_db(transaction=True)


def store_and_broadcast():
    with transaction.atomic():
        events.send_on_commit(events.Audience("conversation.x"), {"type": "x"})
    return "stored"


async def test_a_database_thread_does_not_wait_for_the_broadcast(monkeypatch):
    layer = get_channel_layer()
    release, sent = asyncio.Event(), []

    async def slow_group_send(group, message):
        await release.wait()
        sent.append((group, message))

    monkeypatch.setattr(layer, "group_send", slow_group_send)
    # The thread returns while the broadcast is still on its way: it holds no database
    # connection for a round trip to Redis.
    assert await asyncio.wait_for(in_db_thread(store_and_broadcast)(), timeout=2) == "stored"
    assert sent == []
    release.set()
    for _ in range(50):
        if sent:
            break
        await asyncio.sleep(0.01)
    assert sent == [("conversation.x", {"type": "broadcast", "event": {"type": "x"}})]


async def test_a_failed_broadcast_is_logged_not_raised(monkeypatch, caplog):
    layer = get_channel_layer()

    async def broken_group_send(group, message):
        raise ConnectionError("redis is away")

    monkeypatch.setattr(layer, "group_send", broken_group_send)
    with caplog.at_level(logging.WARNING, logger="common.broadcast"):
        assert await in_db_thread(store_and_broadcast)() == "stored"
        for _ in range(50):
            if caplog.records:
                break
            await asyncio.sleep(0.01)
    assert "did not reach the channel layer" in caplog.text


def test_outside_a_server_the_broadcast_is_sent_before_returning(monkeypatch):
    sent = []

    async def group_send(group, message):
        sent.append(group)

    monkeypatch.setattr(get_channel_layer(), "group_send", group_send)
    store_and_broadcast()
    assert sent == ["conversation.x"]
