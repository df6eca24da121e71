"""Brute force against log-ins, without storing any address."""

import hashlib
import io
import logging
import time

import pytest
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core.cache import caches
from django.test import Client, override_settings

from accounts import login_throttle, staff
from accounts.models import User
from tests.accounts.conftest import create_account

ATTACKER = "203.0.113.99"
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def wrong_passphrases(client, n):
    return [
        client.post(
            "/account/inloggen/", {"passphrase": f"fout woord nummer {i} een twee drie"}
        ).status_code
        for i in range(n)
    ]


@pytest.fixture(autouse=True)
def no_global_slowdown(monkeypatch):
    # The global slowdown is tested on its own below; here it would mask axes' lock.
    monkeypatch.setattr(login_throttle, "GLOBAL_FREE_FAILURES", 10_000)


def test_five_wrong_passphrases_lock_that_address_out(db):
    owner = Client()
    passphrase, _ = create_account(owner)
    owner.post("/account/uitloggen/")
    attacker = Client(REMOTE_ADDR=ATTACKER)
    assert wrong_passphrases(attacker, 6) == [400] * 4 + [429, 429]
    right = attacker.post("/account/inloggen/", {"passphrase": passphrase})
    assert right.status_code == 429
    assert "Probeer het over een kwartier opnieuw." in right.content.decode()
    # Another address is not locked out by this one.
    assert (
        Client(REMOTE_ADDR="198.51.100.1")
        .post("/account/inloggen/", {"passphrase": passphrase})
        .status_code
        == 302
    )


def test_five_wrong_staff_passwords_give_429_even_for_the_right_one(db):
    staff.create_staff("ada", User.Role.ADMIN, "een lang genoeg wachtwoord")
    client = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(5):
        client.post("/medewerkers/inloggen/", {"username": "ada", "password": "fout"})
    right = client.post(
        "/medewerkers/inloggen/", {"username": "ada", "password": "een lang genoeg wachtwoord"}
    )
    assert right.status_code == 429


@override_settings(CACHES=LOCMEM)
def test_the_lock_lifts_after_the_cool_off(db, monkeypatch):
    # A local-memory cache whose clock we can move; axes keeps its handler (and so its
    # cache) between requests, so it must pick the new one up.
    monkeypatch.setattr(AxesProxyHandler, "implementation", None)
    owner = Client()
    passphrase, _ = create_account(owner)
    owner.post("/account/uitloggen/")
    attacker = Client(REMOTE_ADDR=ATTACKER)
    wrong_passphrases(attacker, 5)
    assert attacker.post("/account/inloggen/", {"passphrase": passphrase}).status_code == 429
    later = time.time() + 15 * 60 + 1
    monkeypatch.setattr(time, "time", lambda: later)
    assert attacker.post("/account/inloggen/", {"passphrase": passphrase}).status_code == 302


def all_cached_text():
    cache = caches["default"]
    if hasattr(cache, "_cache") and isinstance(cache._cache, dict):  # local memory
        return [repr(k) + repr(v) for k, v in cache._cache.items()]
    client = cache._cache.get_client()
    return [repr(key) + repr(client.get(key)) for key in client.scan_iter("*")]


def test_a_brute_force_run_stores_no_address_anywhere(db):
    handler = logging.getLogger("django.request").handlers[0]
    log = io.StringIO()
    old = handler.setStream(log)
    try:
        wrong_passphrases(Client(REMOTE_ADDR=ATTACKER), 7)
        staff_client = Client(REMOTE_ADDR=ATTACKER)
        for _ in range(6):
            staff_client.post("/medewerkers/inloggen/", {"username": "x", "password": "y"})
    finally:
        handler.setStream(old)
    assert not AccessAttempt.objects.exists()
    assert not AccessLog.objects.exists()
    assert not AccessFailureLog.objects.exists()
    plain_hash = hashlib.sha256(ATTACKER.encode()).hexdigest()
    for text in [*all_cached_text(), log.getvalue()]:
        assert ATTACKER not in text and plain_hash not in text


def test_axes_keys_expire_with_the_cool_off(db):
    cache = caches["default"]
    wrong_passphrases(Client(REMOTE_ADDR=ATTACKER), 3)
    if hasattr(cache, "_expire_info"):
        now = time.time()
        ttls = [exp - now for key, exp in cache._expire_info.items() if "axes" in key]
    else:
        client = cache._cache.get_client()
        ttls = [client.ttl(key) for key in client.scan_iter("*axes*")]
    assert ttls
    assert all(0 < ttl <= 15 * 60 for ttl in ttls)


def test_beyond_the_free_failures_each_try_waits_longer(monkeypatch):
    from django.test import RequestFactory

    monkeypatch.setattr(login_throttle, "GLOBAL_FREE_FAILURES", 5)
    now = 1_000_000.0
    requests = [RequestFactory().post("/", REMOTE_ADDR=f"198.51.100.{n}") for n in range(40)]
    for request in requests[:5]:
        login_throttle.record_failure(request, now=now)
    assert login_throttle.seconds_to_wait(requests[0], now=now) == 0
    waits = []
    for request in requests[5:13]:
        login_throttle.record_failure(request, now=now)
        waits.append(login_throttle.seconds_to_wait(requests[39], now=now))
    assert waits[0] > 0
    assert waits[-1] > waits[0]
    assert max(waits) <= login_throttle.MAX_DELAY_SECONDS


def test_while_the_slowdown_holds_log_ins_are_told_to_wait(db, monkeypatch):
    monkeypatch.setattr(login_throttle, "seconds_to_wait", lambda request, username=None: 3.0)
    response = Client().post("/account/inloggen/", {"passphrase": "wat dan ook"})
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "3"
    text = response.content.decode()
    assert "Probeer het over 3 seconden opnieuw" in text and "Dat lukt niet." not in text
