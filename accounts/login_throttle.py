"""A global, identity-free slowdown for passphrase log-ins (security brief R-C3).

Passphrase log-ins have no username to count per account, so besides django-axes' lock per
address pseudonym there is one counter for all of them: below 5 failures in 15 minutes
nothing changes; after that each attempt must wait a random, growing delay up to 42 s.
The wait is enforced by refusing early attempts, not by sleeping: a sleeping request would
hold up the server thread that every other visitor's page also needs.
"""

import secrets
import time

from django.core.cache import cache

from hoc import throttling

WINDOW_SECONDS = 15 * 60
FREE_FAILURES = 5
MAX_DELAY_SECONDS = 42
FAILURES = "passphrase-login-failures"
NOT_BEFORE = "passphrase-login:not-before"


def seconds_to_wait(now=None):
    now = time.time() if now is None else now
    not_before = cache.get(NOT_BEFORE)
    return max(0.0, not_before - now) if not_before else 0.0


def record_failure(now=None):
    now = time.time() if now is None else now
    failures = throttling.count(FAILURES, WINDOW_SECONDS)
    if failures >= FREE_FAILURES:
        base = min(MAX_DELAY_SECONDS, 2 ** (failures - FREE_FAILURES))
        # Random within [base/2, base], so attempts cannot be timed to the boundary.
        delay = base / 2 + secrets.randbelow(1000) / 1000 * base / 2
        cache.set(NOT_BEFORE, now + delay, WINDOW_SECONDS)
    return failures
