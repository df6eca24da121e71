"""Asking for a new passphrase is cheap and limited (issue 13 item 10).

The attack: every POST to /account/nieuw/ ran a 64 MiB Argon2id hash, without a limit, in
the thread that serves every page: 123 POSTs in 10 s took a public page from 14 ms to
2.5 s. Now an offer costs an HMAC, Argon2 runs once at confirmation, and one address gets
a handful of offers per quarter of an hour.
"""

import re

import pytest
from django.test import Client

from accounts import clients, passphrases
from accounts.models import User
from tests.accounts.conftest import create_account

ATTACKER = "203.0.113.99"


@pytest.fixture
def hashes(monkeypatch):
    """Every Argon2 hash the server runs."""
    seen = []
    real = passphrases.hash_secret_raw

    def counting(**kwargs):
        seen.append(1)
        return real(**kwargs)

    monkeypatch.setattr(passphrases, "hash_secret_raw", counting)
    return seen


def offered(response):
    return re.search(r"data-passphrase>([a-z ]+)<", response.content.decode()).group(1)


def test_an_offer_runs_no_argon2(db, hashes):
    client = Client()
    for _ in range(5):
        assert client.post("/account/nieuw/").status_code == 200
    assert hashes == []


def test_only_the_right_confirmation_runs_argon2_and_only_once(db, hashes):
    client = Client()
    passphrase = offered(client.post("/account/nieuw/"))
    wrong = client.post("/account/bevestigen/", {"passphrase": passphrases.generate()})
    assert wrong.status_code == 400 and hashes == []
    right = client.post("/account/bevestigen/", {"passphrase": passphrase.upper()})
    assert right.status_code == 302 and len(hashes) == 1
    assert User.objects.filter(role=User.Role.CLIENT).count() == 1


def test_the_session_holds_neither_the_passphrase_nor_its_argon2_hash(db):
    client = Client()
    passphrase = offered(client.post("/account/nieuw/"))
    pending = client.session[clients.PENDING_KEY]
    assert pending != passphrases.hash_passphrase(passphrase)
    assert not any(word in pending for word in passphrase.split())


def test_one_address_gets_a_handful_of_offers_then_is_told_to_wait(db):
    attacker = Client(REMOTE_ADDR=ATTACKER)
    answers = [attacker.post("/account/nieuw/") for _ in range(clients.OFFERS_PER_WINDOW + 3)]
    assert [a.status_code for a in answers] == [200] * clients.OFFERS_PER_WINDOW + [429] * 3
    refused = answers[-1]
    assert "Probeer het over een kwartier opnieuw." in refused.content.decode()
    assert int(refused.headers["Retry-After"]) == clients.OFFER_WINDOW_SECONDS
    # A new session from the same address changes nothing; another address is unaffected.
    assert Client(REMOTE_ADDR=ATTACKER).post("/account/nieuw/").status_code == 429
    assert Client(REMOTE_ADDR="198.51.100.1").post("/account/nieuw/").status_code == 200


def test_new_passphrases_for_an_account_count_the_same(db):
    client = Client(REMOTE_ADDR=ATTACKER)
    create_account(client)  # one offer
    answers = [
        client.post("/account/nieuwe-zin/").status_code for _ in range(clients.OFFERS_PER_WINDOW)
    ]
    assert answers == [200] * (clients.OFFERS_PER_WINDOW - 1) + [429]
