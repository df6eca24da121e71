"""Fixed-window counters in the cache, keyed by purpose and never by identity.

A leaf module any app may use. Counters live only in the cache, with a TTL.
"""

from contextlib import suppress

from django.core.cache import cache


def count(bucket, window_seconds):
    """Count one event in `bucket`; the number of events in the current window."""
    key = f"throttle:{bucket}"
    if cache.add(key, 1, window_seconds):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, window_seconds)
        return 1


def allow(bucket, limit, window_seconds):
    """Count one event in `bucket`; False once more than `limit` fell in this window."""
    return count(bucket, window_seconds) <= limit


def give_back(bucket):
    """Take back one event counted in `bucket`, for an attempt refused for a reason that
    was not the caller's doing (a full queue must not use up a visitor's own starts)."""
    with suppress(ValueError):  # the window ran out meanwhile: nothing left to give back
        cache.decr(f"throttle:{bucket}")
