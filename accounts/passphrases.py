"""Passphrases for pseudonymous client accounts (security brief R-A1, R-A3).

A passphrase is the client's only credential: seven words drawn with `secrets` from a
Dutch word list shipped in accounts/data/ (see its README for provenance and filtering).
We store only a keyed Argon2id hash of it, and that hash is also how the account is found,
because there is no username. The key (the pepper) lives outside the database.
"""

import hmac
import math
import secrets
from functools import cache
from pathlib import Path

from argon2.low_level import Type, hash_secret_raw
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

WORDS = 7
MIN_LIST_SIZE = 7_300
MIN_BITS = 90
WORD_LIST = Path(__file__).resolve().parent / "data" / "passphrase-words-nl.txt"


def validate_word_list(words):
    """Raise ImproperlyConfigured unless the list can give strong, typeable passphrases."""
    if len(words) != len(set(words)):
        raise ImproperlyConfigured("The passphrase word list has duplicates.")
    if len(words) < MIN_LIST_SIZE or WORDS * math.log2(len(words)) < MIN_BITS:
        raise ImproperlyConfigured(
            f"The passphrase word list has {len(words)} words; {WORDS} of them must give "
            f"at least {MIN_BITS} bits."
        )
    if not all(word.isascii() and word.isalpha() and word.islower() for word in words):
        raise ImproperlyConfigured("The passphrase word list must be lowercase ASCII words.")
    shortest = WORDS * min(map(len, words)) + WORDS - 1
    longest = WORDS * max(map(len, words)) + WORDS - 1
    if shortest < 20 or longest > 128:
        raise ImproperlyConfigured("Passphrases from this list would not be 20–128 characters.")


@cache
def word_list():
    words = WORD_LIST.read_text(encoding="ascii").split()
    validate_word_list(words)
    return tuple(words)


@cache
def word_set():
    return frozenset(word_list())


def entropy_bits():
    return WORDS * math.log2(len(word_list()))


def generate():
    words = word_list()
    return " ".join(secrets.choice(words) for _ in range(WORDS))


def normalize(typed):
    """What people type back: any case, extra spaces, a line break, hyphens between words."""
    return " ".join(typed.replace("-", " ").lower().split())


def _salt():
    # The pepper keys the hash through the salt: without it, a stolen table of hashes
    # cannot even be attacked with a dictionary.
    return hmac.digest(settings.PASSPHRASE_PEPPER.encode(), b"hoc passphrase salt v1", "sha256")


def hash_passphrase(passphrase):
    """Hex Argon2id hash of the normalised passphrase: the account's lookup key."""
    params = settings.PASSPHRASE_ARGON2
    raw = hash_secret_raw(
        secret=normalize(passphrase).encode(),
        salt=_salt()[:16],
        time_cost=params["time_cost"],
        memory_cost=params["memory_cost"],
        parallelism=params["parallelism"],
        hash_len=32,
        type=Type.ID,
    )
    return raw.hex()


def appears_in(text, passphrase):
    """Does `text` contain the passphrase (so a client can be warned before sending it)?"""
    return bool(passphrase) and normalize(passphrase) in normalize(text)


def contains_passphrase_of(user, text):
    """Does `text` hold this client's passphrase? (Warn before it is sent, R-A5.)

    Only runs of seven list words are hashed, so ordinary messages cost nothing.
    """
    if not getattr(user, "passphrase_hash", None):
        return False
    words = normalize(text).split()
    known = word_set()
    for start in range(len(words) - WORDS + 1):
        window = words[start : start + WORDS]
        if all(word in known for word in window) and hmac.compare_digest(
            hash_passphrase(" ".join(window)), user.passphrase_hash
        ):
            return True
    return False
