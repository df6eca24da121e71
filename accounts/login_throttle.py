"""Slowdowns for log-ins that bound what guessing costs and lock nobody else out.

django-axes locks a username at one address pseudonym after 5 failures (a passphrase
log-in counts under the pseudonym alone, accounts/pseudonyms.py). Around that, three
limits, each answered with "wait so long", never with "wrong":

- Per address pseudonym: at most ADDRESS_ATTEMPTS log-ins of either kind in a window.
  Every attempt costs an Argon2 hash on the server, and passphrase accounts are free, so
  without this one address could keep a process hashing (a success resets axes' count).
- Per staff username, from any address: after USERNAME_FREE_FAILURES failures in a window,
  each attempt waits a random, growing delay of at most USERNAME_MAX_DELAY seconds. Soft
  on purpose: a counsellor waits seconds, where a lock by username alone let anyone keep
  a shift out for 15 minutes.
- Passphrase log-ins have no username to count on, so all of them share one counter: free
  up to GLOBAL_FREE_FAILURES failures in a window plus one per successful log-in in it
  (typos grow with use); beyond that a random, growing delay up to 42 s. A 91-bit
  passphrase needs no small limit against guessing; this one is there for the server.

A failure from a pseudonym that axes has locked counts nowhere else, so one address
feeds the shared counters with at most 4 failures per window. Waits are enforced by
refusing early attempts, not by sleeping: a sleeping request would hold the thread every
other visitor's page needs. A refused attempt costs no hash and counts nowhere.
"""

import secrets
import time

from django.core.cache import cache
from django.utils.crypto import salted_hmac

from accounts import pseudonyms

WINDOW_SECONDS = 15 * 60
ADDRESS_ATTEMPTS = 30
USERNAME_FREE_FAILURES = 10
USERNAME_MAX_DELAY = 30
GLOBAL_FREE_FAILURES = 100
FAILURES_PER_SUCCESS = 1
MAX_DELAY_SECONDS = 42


def _window(now):
    """The current fixed window: its number and the seconds left in it."""
    return int(now // WINDOW_SECONDS), WINDOW_SECONDS - now % WINDOW_SECONDS


def _count(name, now):
    """Count one event under `name` in the current window; the count so far."""
    number, _ = _window(now)
    key = f"login-throttle:{name}:{number}"
    if cache.add(key, 1, WINDOW_SECONDS + 60):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, WINDOW_SECONDS + 60)
        return 1


def _peek(name, now):
    number, _ = _window(now)
    return cache.get(f"login-throttle:{name}:{number}", 0)


def _username(username):
    # Keyed, so the cache holds no staff names.
    digest = salted_hmac("accounts.login_throttle", username, algorithm="sha256")
    return "user:" + digest.hexdigest()[:32]


def _address(request):
    return "address:" + pseudonyms.client_pseudonym(request)


def _delay(excess, cap):
    """Random within [base/2, base], base doubling per failure over the free ones, so
    attempts cannot be timed to the boundary."""
    base = min(cap, 2 ** min(excess - 1, 10))
    return base / 2 + secrets.randbelow(1000) / 1000 * base / 2


def _not_before(name):
    return f"login-throttle:{name}:not-before"


def seconds_to_wait(request, username=None, now=None):
    """How long this attempt must wait before it may be checked; 0 to go ahead.

    `username` for a staff log-in, None for a passphrase log-in."""
    now = time.time() if now is None else now
    waits = [0.0]
    if _peek(_address(request), now) >= ADDRESS_ATTEMPTS:
        waits.append(_window(now)[1])
    not_before = cache.get(_not_before(_username(username) if username else "passphrases"))
    if not_before:
        waits.append(not_before - now)
    return max(waits)


def record_attempt(request, now=None):
    """An attempt is about to be checked (and to cost a hash)."""
    _count(_address(request), time.time() if now is None else now)


def record_failure(request, username=None, now=None):
    """A failed attempt: unless axes has locked its pseudonym, it counts for the username
    (staff) or for all passphrase log-ins."""
    if getattr(request, "axes_locked_out", False):
        return
    now = time.time() if now is None else now
    if username:
        name, free, cap = _username(username), USERNAME_FREE_FAILURES, USERNAME_MAX_DELAY
    else:
        successes = _peek("passphrase-successes", now)
        name, cap = "passphrases", MAX_DELAY_SECONDS
        free = GLOBAL_FREE_FAILURES + FAILURES_PER_SUCCESS * successes
    failures = _count(f"{name}:failures", now)
    if failures > free:
        cache.set(_not_before(name), now + _delay(failures - free, cap), WINDOW_SECONDS)


def record_success(request, username=None, now=None):
    """A successful passphrase log-in raises the number of failures let through for free."""
    if username is None:
        _count("passphrase-successes", time.time() if now is None else now)
