"""Passphrases for pseudonymous client accounts (docs/security.md).

A passphrase is the client's only credential: seven words drawn with `secrets` from a
Dutch word list shipped in accounts/data/ (see its README for provenance and filtering).
We store only a keyed Argon2id hash of it, and that hash is also how the account is found,
because there is no username. The key (the pepper) lives outside the database.

Beside it the account keeps a fast keyed HMAC of the passphrase, under a key of its own
derived from the pepper, used for one thing only: spotting the passphrase in the client's
own chat messages. Argon2id there would let any client stall the server: every run
of seven list words in a message costs a 64 MiB hash of about 0.2 s.
"""

import hmac
import math
import re
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


def _key(label):
    return hmac.digest(settings.PASSPHRASE_PEPPER.encode(), label, "sha256")


def _keyed(key, normalised):
    return hmac.digest(key, normalised.encode(), "sha256").hex()


# Each use has its own label, so its digests are useless for any other.
_IN_MESSAGE = b"hoc passphrase in-message check v1"
_OFFER = b"hoc passphrase offer v1"


def message_check(passphrase):
    """The account's in-message check (User.passphrase_check): HMAC, microseconds."""
    return _keyed(_key(_IN_MESSAGE), normalize(passphrase))


def offer_digest(passphrase):
    """What waits in the session while a new passphrase is confirmed (accounts/clients.py)."""
    return _keyed(_key(_OFFER), normalize(passphrase))


def contains_passphrase_of(user, text):
    """Does `text` hold this client's passphrase? (Warn before it is sent.)

    Every run of seven list words, however the words are separated, is compared with the
    account's HMAC check: at most one HMAC per word, and a message holds at most 4,000
    characters, so the cost is bounded (about a millisecond at worst). An account made
    before the check existed has none until its next log-in, the first moment we know
    its passphrase again; until then nothing is found.
    """
    check = getattr(user, "passphrase_check", None)
    if not check:
        return False
    words = re.findall(r"[a-z]+", text.lower())
    known = word_set()
    key = _key(_IN_MESSAGE)
    run = 0
    for end, word in enumerate(words, start=1):
        run = run + 1 if word in known else 0
        if run >= WORDS:
            window = " ".join(words[end - WORDS : end])
            if hmac.compare_digest(_keyed(key, window), check):
                return True
    return False
