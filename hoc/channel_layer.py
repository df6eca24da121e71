"""channels_redis's PubSub layer, made safe against frames it cannot open.

A leaf module: it imports nothing from the apps.

Whatever arrives on a Redis channel that a socket listens to is deserialised inside that
socket's receive loop, so in channels_redis a frame that does not decrypt (another
deployment with another key on the same prefix, a key half rotated) or does not parse
raises there and closes the socket. Here such a frame is dropped: the socket keeps
listening, and the log says how many were dropped, at most once a minute and without a
byte of their content. Nothing is lost that matters: every chat message is in the
database first, and clients resume by sequence number (docs/protocol.md).
"""

import logging
import time

from channels_redis.pubsub import RedisPubSubChannelLayer, _async_proxy

logger = logging.getLogger(__name__)

LOG_INTERVAL_SECONDS = 60
_UNREADABLE = object()


class PubSubChannelLayer(RedisPubSubChannelLayer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.dropped = 0  # since the process started; common/metrics.py may read it
        self._unlogged = 0
        self._logged_at = float("-inf")

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
