"""Keyed, rotating pseudonyms for client IP addresses (docs/security.md).

django-axes counts failed logins per "IP address". It gets this pseudonym instead: an
HMAC of the address under a random key that lives only in the cache and is replaced every
day, so nothing stored can be turned back into an address, and yesterday's pseudonyms
cannot be linked to today's.
"""

import hashlib
import hmac
import secrets

from django.core.cache import cache
from django.utils import timezone

KEY_LIFETIME = 2 * 24 * 60 * 60  # a day's key must outlive the day by the longest lock


def _daily_key():
    name = f"pseudonym-key:{timezone.now().date().isoformat()}"
    key = cache.get(name)
    if key is None:
        # add() is atomic: when two processes race, both end up with the winner's key.
        cache.add(name, secrets.token_hex(32), KEY_LIFETIME)
        key = cache.get(name)
    return bytes.fromhex(key)


def client_pseudonym(request):
    """The pseudonym for the address the request came from.

    REMOTE_ADDR only: Daphne fills it from X-Forwarded-For when (and only when) it runs
    behind our proxy, so a header sent by the client itself changes nothing.
    """
    address = request.META.get("REMOTE_ADDR") or "unknown"
    digest = hmac.new(_daily_key(), address.encode(), hashlib.sha256).hexdigest()
    return digest[:32]


def axes_username(request, credentials):
    """The "username" django-axes counts failures for.

    Staff log in with a username. A passphrase log-in has none; counting all of those under
    one empty name would let five wrong guesses lock every client out, so they are counted
    under the address pseudonym instead.
    """
    username = (credentials or {}).get("username")
    if username:
        return username
    return f"passphrase:{client_pseudonym(request)}"
