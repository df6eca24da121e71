"""A client's own passphrase is kept out of the chat, at a bounded cost (issue 13 item 3).

The attack: every run of seven list words in a message used to be hashed with Argon2id
(64 MiB, about 0.2 s each) on the sockets' database threads, so one free account could
freeze every chat in a process with a few long messages.
"""

import re
import secrets
import time
import uuid

import pytest
from django.test import Client

from accounts import passphrases
from accounts.models import User
from chat import conversations
from tests.accounts.conftest import create_account
from tests.conftest import log_in
from tests.helpers.sockets import connect

PRODUCTION_ARGON2 = {"time_cost": 3, "memory_cost": 64 * 1024, "parallelism": 1}


def list_words_message(chars=4000):
    """As many short list words as fit: the most seven-word runs a message can hold."""
    short = [word for word in passphrases.word_list() if len(word) == 4]
    words = []
    while len(" ".join(words)) + 5 <= chars:
        words.append(secrets.choice(short))
    return " ".join(words)


def client_with_account():
    """A client made through the account pages, and their passphrase."""
    client = Client()
    passphrase, _ = create_account(client)
    return User.objects.get(pk=client.session["_auth_user_id"]), passphrase


def open_for(user):
    return conversations.open_conversation(
        for_whom="self", minor="no", in_danger=False, client=user
    )


def post(conversation, user, body):
    return conversations.post_message(conversation, "visitor", body, uuid.uuid4(), user)


def test_checking_a_message_never_hashes_with_argon2(db, monkeypatch):
    robin, _ = client_with_account()
    conversation = open_for(robin)

    def refuse(**kwargs):
        raise AssertionError("Argon2 ran while a message was checked")

    monkeypatch.setattr(passphrases, "hash_secret_raw", refuse)
    message, created = post(conversation, robin, list_words_message())
    assert created and message.seq == 1


@pytest.mark.django_db(transaction=True)
async def test_a_4000_character_message_is_acknowledged_at_once_at_production_cost(settings):
    from asgiref.sync import sync_to_async

    robin, _ = await sync_to_async(client_with_account)()
    settings.PASSPHRASE_ARGON2 = PRODUCTION_ARGON2
    conversation = await sync_to_async(open_for)(robin)
    cookie = await sync_to_async(lambda: log_in(Client(), robin).session.session_key)()
    socket, connected, _ = await connect(conversation, cookie)
    assert connected
    body = list_words_message()
    assert len(body.split()) >= 790  # about 794 seven-word runs
    started = time.perf_counter()
    await socket.send_json_to({"type": "message.send", "id": str(uuid.uuid4()), "body": body})
    ack = await socket.receive_json_from(timeout=5)
    took = time.perf_counter() - started
    await socket.disconnect()
    assert ack["type"] == "ack"
    # Before: about 794 Argon2id hashes, some 156 s. Now one HMAC per word.
    assert took < 1.0


@pytest.mark.parametrize(
    "written",
    [
        "{}",
        "mijn zin is {} toch?",
        "{upper}",
        "zin: {hyphens}.",
        "{commas}",
        "eerst\n{lines}\nen verder",
    ],
)
def test_the_passphrase_is_found_however_it_is_written(db, written):
    robin, passphrase = client_with_account()
    words = passphrase.split()
    body = written.format(
        passphrase,
        upper=passphrase.upper(),
        hyphens="-".join(words),
        commas=", ".join(words),
        lines="\n".join(words),
    )
    with pytest.raises(conversations.PassphraseInMessage):
        post(open_for(robin), robin, body)


def test_other_words_and_six_of_the_seven_pass(db):
    robin, passphrase = client_with_account()
    conversation = open_for(robin)
    six = " ".join(passphrase.split()[:6])
    post(conversation, robin, f"{six} en dan iets anders")
    post(conversation, robin, passphrases.generate())
    assert conversation.messages.count() == 2


def test_an_older_account_is_covered_from_its_next_log_in(db):
    passphrase = passphrases.generate()
    robin = User.objects.create(
        username="robin-oud",
        role=User.Role.CLIENT,
        passphrase_hash=passphrases.hash_passphrase(passphrase),
        display_label="Oude Eik",
    )
    robin.confirmed_at = robin.date_joined
    robin.save()
    response = Client().post("/account/inloggen/", {"passphrase": passphrase})
    assert response.status_code == 302
    robin.refresh_from_db()
    with pytest.raises(conversations.PassphraseInMessage):
        post(open_for(robin), robin, f"is het {passphrase}?")


def test_the_stored_check_is_no_argon2_hash_and_names_no_word(db):
    robin, passphrase = client_with_account()
    stored = User.objects.filter(pk=robin.pk).values_list("passphrase_check", flat=True).get()
    assert re.fullmatch(r"[0-9a-f]{64}", stored)
    assert stored != robin.passphrase_hash
    assert not any(word in stored for word in passphrase.split())
