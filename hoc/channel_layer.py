"""channels_redis's PubSub layer, made safe against frames it cannot open.

A leaf module: it imports nothing from the apps.

Whatever arrives on a Redis channel that a socket listens to is deserialised inside that
socket's receive loop, so in channels_redis a frame that does not decrypt (another
deployment with another key on the same prefix, a key half rotated) or does not parse
raises there and closes the socket. Here such a frame is dropped: the socket keeps
listening, and the log says how many were dropped, at most once a minute and without a
byte of their content. Nothing is lost that matters: every chat message is in the
database first, and clients resume by sequence number (docs/protocol.md).

And publishing does not wait in one line. channels_redis holds one lock per Redis server
over each PUBLISH's whole round trip, the same lock that subscribing takes, so a process
had one broadcast in flight at a time: at about 200 broadcasts a second the line grew
faster than an event loop busy with 2,000 sockets came round to read the replies, and
messages waited seconds while the loop was half idle (bench/README.md, "What holds the
chat back"). Here each group keeps its own order on one of LANES lanes, and the lanes publish
side by side.
"""

import asyncio
import logging
import time
import zlib

from channels_redis.pubsub import (
    RedisPubSubChannelLayer,
    RedisPubSubLoopLayer,
    RedisSingleShardConnection,
    _async_proxy,
    _wrap_close,
)
from channels_redis.utils import decode_hosts

logger = logging.getLogger(__name__)

LOG_INTERVAL_SECONDS = 60
_UNREADABLE = object()
# Broadcasts in flight at once per Redis server; one group's always go one after another.
LANES = 8


class _ShardConnection(RedisSingleShardConnection):
    def __init__(self, host, channel_layer):
        super().__init__(host, channel_layer)
        self._lanes = [asyncio.Lock() for _ in range(LANES)]

    async def publish(self, channel, message):
        if self._redis is None:
            async with self._lock:
                self._ensure_redis()
        lane = self._lanes[zlib.crc32(channel.encode()) % LANES]
        async with lane:
            await self._redis.publish(channel, message)


class _LoopLayer(RedisPubSubLoopLayer):
    def __init__(self, hosts=None, *args, **kwargs):
        super().__init__(hosts, *args, **kwargs)
        self._shards = [_ShardConnection(host, self) for host in decode_hosts(hosts)]


class PubSubChannelLayer(RedisPubSubChannelLayer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.dropped = 0  # since the process started; common/metrics.py may read it
        self._unlogged = 0
        self._logged_at = float("-inf")

    def _get_layer(self):
        # As channels_redis's, with the publishing shards above.
        loop = asyncio.get_running_loop()
        layer = self._layers.get(loop)
        if layer is None:
            layer = _LoopLayer(*self._args, **self._kwargs, channel_layer=self)
            self._layers[loop] = layer
            _wrap_close(self, loop)
        return layer

    async def receive(self, channel):
        while True:
            message = await _async_proxy(self, "receive", channel)
            if message is not _UNREADABLE:
                return message

    def deserialize(self, message):
        try:
            decoded = super().deserialize(message)
        except Exception as error:  # noqa: BLE001 - any undecodable frame is dropped alike
            return self._drop(type(error).__name__)
        if not isinstance(decoded, dict) or not isinstance(decoded.get("type"), str):
            return self._drop("no message type")
        return decoded

    def _drop(self, reason):
        self.dropped += 1
        self._unlogged += 1
        now = time.monotonic()
        if now - self._logged_at >= LOG_INTERVAL_SECONDS:
            logger.warning(
                "Dropped %d channel-layer frame(s) that could not be read (last: %s). Another "
                "deployment on this Redis with the same HOC_REDIS_PREFIX and another key?",
                self._unlogged,
                reason,
            )
            self._unlogged = 0
            self._logged_at = now
        return _UNREADABLE
