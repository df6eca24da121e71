"""Count the SQL statements a benchmark server sends, in every thread (bench only).

Installed by bench/asgi.py; read over HTTP at /bench/stats/ (bench/urls.py), so the load
generator can take the difference across a measured window.
"""

import threading
from collections import Counter

from django.db import connection
from django.db.backends.signals import connection_created

_counts = Counter()
_lock = threading.Lock()


def _count(execute, sql, params, many, context):
    kind = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else "?"
    with _lock:
        _counts[kind] += 1
        _counts["total"] += 1
    return execute(sql, params, many, context)


def _wrap(sender, connection, **kwargs):
    if _count not in connection.execute_wrappers:
        connection.execute_wrappers.append(_count)


def install():
    connection_created.connect(_wrap, weak=False)
    _wrap(None, connection)


def snapshot():
    with _lock:
        return dict(_counts)
