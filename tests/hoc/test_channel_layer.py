"""hoc/channel_layer.py: broadcasts to different groups do not wait for each other's Redis
round trip, and one group's broadcasts keep their order."""

import asyncio
import os
import secrets

import pytest

from hoc.channel_layer import LANES, PubSubChannelLayer
from tests.conftest import skip_or_fail

ROUND_TRIP = 0.05  # a Redis reply that an event loop busy with many sockets reads late


@pytest.fixture
async def slow_layer():
    """A layer on the real Redis whose PUBLISH replies come ROUND_TRIP late; it counts how
    many are in flight at once."""
    if not os.environ.get("REDIS_URL"):
        skip_or_fail("the channel layer's tests need Redis (REDIS_URL)")
    layer = PubSubChannelLayer(
        hosts=[os.environ["REDIS_URL"]],
        prefix=f"t{secrets.token_hex(4)}",
        symmetric_encryption_keys=[secrets.token_urlsafe(32)],
    )
    channel = await layer.new_channel()  # opens the shard's Redis client
    shard = layer._get_layer()._shards[0]
    shard._ensure_redis()
    publish, flight = shard._redis.publish, {"now": 0, "most": 0}

    async def late_publish(*args):
        flight["now"] += 1
        flight["most"] = max(flight["most"], flight["now"])
        try:
            await asyncio.sleep(ROUND_TRIP)
            return await publish(*args)
        finally:
            flight["now"] -= 1

    shard._redis.publish = late_publish
    yield layer, channel, flight
    await layer.flush()


async def test_broadcasts_to_different_conversations_are_in_flight_together(slow_layer):
    layer, _, flight = slow_layer
    began = asyncio.get_running_loop().time()
    await asyncio.gather(
        *(layer.group_send(f"conversation-{i}", {"type": "broadcast"}) for i in range(32))
    )
    took = asyncio.get_running_loop().time() - began
    assert flight["most"] > 1
    # One at a time they would take 32 round trips; side by side on LANES lanes, a few.
    assert took < 32 * ROUND_TRIP / 2
    assert flight["most"] <= LANES


async def test_one_conversations_broadcasts_arrive_in_the_order_they_were_sent(slow_layer):
    layer, channel, flight = slow_layer
    await layer.group_add("conversation-1", channel)
    await asyncio.gather(
        *(layer.group_send("conversation-1", {"type": "broadcast", "n": n}) for n in range(10))
    )
    received = [(await asyncio.wait_for(layer.receive(channel), 5))["n"] for _ in range(10)]
    assert received == list(range(10))
    assert flight["most"] == 1  # one group: one lane, one after another
