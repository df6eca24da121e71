"""Django's Redis cache with one connection pool per process, not one per context.

Django keeps a cache object per asyncio context (`caches` is an asgiref Local that is not
thread-critical), and each RedisCache object opens its own pool. Under Daphne every HTTP
request and every socket is a context of its own: the 1,000 visitor sockets of the chat
benchmark held 962 Redis connections, each opened with a TCP handshake, HELLO and a
health check in a database thread, and a group opening sockets could have used up the
Redis server's clients. redis-py's pool is thread-safe, so every cache object of the same
configuration shares one (bench/README.md, "What holds the chat back").
"""

import threading
from functools import cached_property

from django.core.cache.backends.redis import RedisCache

_clients = {}
_lock = threading.Lock()


class SharedPoolRedisCache(RedisCache):
    @cached_property
    def _cache(self):
        key = (tuple(self._servers), repr(sorted(self._options.items())))
        client = _clients.get(key)
        if client is None:
            with _lock:
                client = _clients.setdefault(key, self._class(self._servers, **self._options))
        return client
