"""Login throttling sees a keyed, daily-rotating pseudonym, never an address."""

import datetime
import hashlib
import re

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.utils import timezone

from accounts.pseudonyms import client_pseudonym

ADDRESS = "198.51.100.23"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def request_from(address, **headers):
    return RequestFactory().get("/", REMOTE_ADDR=address, **headers)


def test_the_same_address_gets_the_same_pseudonym_within_a_day():
    assert client_pseudonym(request_from(ADDRESS)) == client_pseudonym(request_from(ADDRESS))
    assert client_pseudonym(request_from(ADDRESS)) != client_pseudonym(request_from("10.0.0.1"))


def test_the_pseudonym_changes_the_next_day(monkeypatch):
    today = client_pseudonym(request_from(ADDRESS))
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: tomorrow)
    assert client_pseudonym(request_from(ADDRESS)) != today


def test_a_forwarded_for_header_from_the_client_changes_nothing():
    spoofed = request_from(ADDRESS, HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert client_pseudonym(spoofed) == client_pseudonym(request_from(ADDRESS))


def test_the_pseudonym_cannot_be_reversed_with_a_plain_hash():
    pseudonym = client_pseudonym(request_from(ADDRESS))
    assert ADDRESS not in pseudonym
    assert pseudonym not in hashlib.sha256(ADDRESS.encode()).hexdigest()
    # All the cache holds is the day's random key, nothing derived from the address.
    stored = cache.get(f"pseudonym-key:{timezone.now().date().isoformat()}")
    assert re.fullmatch("[0-9a-f]{64}", stored)
