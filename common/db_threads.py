"""Database work from sockets runs on a small pool of threads, not on Django's single one.

`database_sync_to_async` uses asgiref's thread-sensitive executor: one thread per process,
so every socket's database work queues behind every other's (measured with bench/chat_load.py:
p99 500 ms at 250 persisted messages/s, 22 ms with a pool). A socket handler's
database call holds no thread-local state from one call to the next, so any thread may
run it. Each call hands its connection back to psycopg's pool before and after
(`close_old_connections`), so HOC_DB_THREADS should stay below HOC_DB_POOL_SIZE: HTTP views
and management work need connections too.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

from channels.db import DatabaseSyncToAsync
from django.conf import settings
from django.db import DatabaseError
from redis.exceptions import RedisError

# PostgreSQL or Redis failing under a socket's call: the client keeps its message and
# retries, a re-check asks again next round. Django wraps psycopg's errors in
# DatabaseError and redis-py its socket errors in RedisError; ConnectionError and
# TimeoutError are what a socket raises unwrapped. Not every OSError: PermissionError is
# one, and a refusal or a bug is not "try again".
UNAVAILABLE = (DatabaseError, RedisError, ConnectionError, TimeoutError)

_executor = None
_lock = threading.Lock()


def executor():
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(settings.DB_THREADS, thread_name_prefix="hoc-db")
    return _executor


def in_db_thread(func):
    """`await in_db_thread(func)(...)`: run `func` on the pool, connections tidied."""
    return DatabaseSyncToAsync(func, thread_sensitive=False, executor=executor())
