"""Nobody can keep others from logging in, and guessing has a bounded cost (issue 13 items 5, 9).

The attacks: about two wrong passphrases a second from one address drove the one global
counter, so clients with the right passphrase from other addresses got in 0 of 22 times,
and were told their input was wrong; attempts still counted after axes had locked the
attacker. Five wrong passwords for a username, from anywhere, locked that counsellor out
for 15 minutes.
"""

import time

import pytest
from django.test import Client

from accounts import login_throttle, passphrases, staff
from accounts.models import User
from tests.accounts.conftest import create_account

ATTACKER = "203.0.113.99"
PASSWORD = "een lang genoeg wachtwoord"
WAIT_TEXT = "Probeer het over"
WRONG_TEXT = "Controleer wat je hebt ingevuld"


def address(n):
    return f"198.51.100.{n}"


def wrong_passphrase():
    return passphrases.generate()  # seven list words, almost surely nobody's


def try_passphrase(remote, passphrase):
    return Client(REMOTE_ADDR=remote).post("/account/inloggen/", {"passphrase": passphrase})


def try_password(remote, username, password):
    return Client(REMOTE_ADDR=remote).post(
        "/medewerkers/inloggen/", {"username": username, "password": password}
    )


@pytest.fixture
def passphrase(db):
    owner = Client()
    phrase, _ = create_account(owner)
    owner.post("/account/uitloggen/")
    return phrase


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """time.time(), standing still unless a test moves it: the counters' windows are
    fixed, and a test must not straddle two of them."""
    now = [time.time() // login_throttle.WINDOW_SECONDS * login_throttle.WINDOW_SECONDS + 10]
    monkeypatch.setattr(time, "time", lambda: now[0])
    return now


def allow_free_failures(monkeypatch, n):
    # raising=False: the names are new, so that the tests also ran against the old code.
    monkeypatch.setattr(login_throttle, "GLOBAL_FREE_FAILURES", n, raising=False)
    monkeypatch.setattr(login_throttle, "FREE_FAILURES", n, raising=False)


# --- Passphrases (item 5) ----------------------------------------------------------------


def test_an_attacker_at_one_address_keeps_no_client_out(passphrase):
    answers = [try_passphrase(ATTACKER, wrong_passphrase()).status_code for _ in range(40)]
    assert answers[:4] == [400] * 4 and set(answers[4:]) == {429}
    logged_in = [try_passphrase(address(n), passphrase).status_code for n in range(1, 23)]
    assert logged_in == [302] * 22


def test_a_locked_address_feeds_the_shared_counter_no_more(passphrase, monkeypatch):
    allow_free_failures(monkeypatch, 10)
    for _ in range(25):
        try_passphrase(ATTACKER, wrong_passphrase())  # locked from the fifth on
    # Four of the 25 counted, fewer than 10: no slowdown for anyone else.
    assert try_passphrase(address(1), passphrase).status_code == 302


def test_the_free_failures_grow_with_successful_log_ins(passphrase, monkeypatch):
    allow_free_failures(monkeypatch, 8)
    for n in range(10):
        assert try_passphrase(address(200 + n), passphrase).status_code == 302
    for n in range(4):  # 16 failures: over 8, not over 8 + 10 successes
        for _ in range(4):
            try_passphrase(address(100 + n), wrong_passphrase())
    assert try_passphrase(address(1), passphrase).status_code == 302


def test_a_client_held_up_by_the_slowdown_is_told_to_wait(passphrase, monkeypatch, clock):
    allow_free_failures(monkeypatch, 8)
    for n in range(3):
        for _ in range(4):
            try_passphrase(address(100 + n), wrong_passphrase())
    held = try_passphrase(address(1), passphrase)
    assert held.status_code == 429
    text = held.content.decode()
    assert WAIT_TEXT in text and WRONG_TEXT not in text
    wait = int(held.headers["Retry-After"])
    assert 1 <= wait <= login_throttle.MAX_DELAY_SECONDS
    clock[0] += wait
    assert try_passphrase(address(1), passphrase).status_code == 302


def test_a_wrong_passphrase_still_gets_the_one_message(passphrase):
    response = try_passphrase(address(1), wrong_passphrase())
    assert response.status_code == 400
    assert WRONG_TEXT in response.content.decode()


def test_an_address_locked_by_axes_is_told_to_wait_a_quarter_of_an_hour(passphrase):
    for _ in range(5):
        try_passphrase(ATTACKER, wrong_passphrase())
    locked = try_passphrase(ATTACKER, passphrase)
    assert locked.status_code == 429
    assert "kwartier" in locked.content.decode()
    assert WRONG_TEXT not in locked.content.decode()
    assert int(locked.headers["Retry-After"]) == 15 * 60


def test_one_address_cannot_keep_the_server_hashing(passphrase, monkeypatch):
    # Accounts are free, and logging in to one's own never counts as a failure.
    hashes = []
    real = passphrases.hash_passphrase
    monkeypatch.setattr(passphrases, "hash_passphrase", lambda p: hashes.append(1) or real(p))
    answers = [try_passphrase(ATTACKER, passphrase).status_code for _ in range(40)]
    limit = login_throttle.ADDRESS_ATTEMPTS
    assert len(hashes) == limit
    assert answers == [302] * limit + [429] * (40 - limit)
    assert try_passphrase(address(1), passphrase).status_code == 302


# --- Staff passwords (item 9) ------------------------------------------------------------


@pytest.fixture
def counsellor(db):
    return staff.create_staff("hana", User.Role.COUNSELLOR, PASSWORD)


def test_wrong_passwords_from_one_address_lock_the_counsellor_out_nowhere_else(counsellor):
    for _ in range(20):
        try_password(ATTACKER, "hana", "fout")
    assert try_password(ATTACKER, "hana", PASSWORD).status_code == 429
    elsewhere = try_password(address(1), "hana", PASSWORD)
    assert elsewhere.status_code == 302
    assert elsewhere.headers["Location"].startswith("/medewerkers/app-koppelen/")


def test_spraying_usernames_from_one_address_is_bounded(counsellor):
    answers = [try_password(ATTACKER, f"naam{n}", "fout").status_code for n in range(40)]
    limit = login_throttle.ADDRESS_ATTEMPTS
    assert set(answers[:limit]) == {400}
    assert set(answers[limit:]) == {429}
    refused = try_password(ATTACKER, "hana", PASSWORD)
    assert refused.status_code == 429 and WAIT_TEXT in refused.content.decode()
    assert try_password(address(1), "hana", PASSWORD).status_code == 302


def test_many_addresses_guessing_one_username_slow_it_down_softly(counsellor, clock):
    for n in range(3):  # four counted failures each, the fifth locks that address
        for _ in range(5):
            try_password(address(100 + n), "hana", "fout")
    held = try_password(address(1), "hana", PASSWORD)
    assert held.status_code == 429
    assert WAIT_TEXT in held.content.decode()
    wait = int(held.headers["Retry-After"])
    assert wait <= login_throttle.USERNAME_MAX_DELAY  # seconds, not a quarter of an hour
    staff.create_staff("sam", User.Role.SUPERVISOR, PASSWORD)
    assert try_password(address(1), "sam", PASSWORD).status_code == 302
    clock[0] += wait
    assert try_password(address(1), "hana", PASSWORD).status_code == 302
