"""Pseudonymous client accounts: create, confirm, log in, replace the passphrase, delete.

A new passphrase is shown once. Until the client types it back we keep only a keyed HMAC
of it in the server-side session, never the passphrase itself, and no account
exists yet. The Argon2id hash, the expensive part, is computed once, at confirmation: an
offer costs microseconds, and offers are limited per address pseudonym.
"""

import hmac
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import labels, passphrases, sessions
from accounts.models import User
from common import throttling

PENDING_KEY = "pending_passphrase_offer"
# Someone making an account asks once or a few times; more is a script.
OFFERS_PER_WINDOW = 10
OFFER_WINDOW_SECONDS = 15 * 60
# Where to go once a new account exists (another app sets it, e.g. to save a conversation).
AFTER_CREATION_KEY = "after_account_created"


class PassphraseMismatch(Exception):
    """What the client typed back is not the passphrase we showed."""


class NothingPending(Exception):
    """There is no passphrase waiting for confirmation in this session."""


class TooManyOffers(Exception):
    """This address pseudonym asked for many new passphrases in a short time."""

    retry_after = OFFER_WINDOW_SECONDS


def offer_passphrase(session, requester=None):
    """A fresh passphrase to show once; its HMAC waits in the session for confirmation.

    `requester` is the address pseudonym (accounts.pseudonyms) the offer counts under;
    None only where code, not a visitor, makes the account (tests, demo set-ups).
    """
    if requester is not None and not throttling.allow(
        f"passphrase-offers:{requester}", OFFERS_PER_WINDOW, OFFER_WINDOW_SECONDS
    ):
        raise TooManyOffers
    passphrase = passphrases.generate()
    session[PENDING_KEY] = passphrases.offer_digest(passphrase)
    return passphrase


def _confirmed_hash(session, typed):
    """The Argon2id hash of the offered passphrase, once `typed` is shown to be it."""
    pending = session.get(PENDING_KEY)
    if pending is None:
        raise NothingPending
    if not hmac.compare_digest(passphrases.offer_digest(typed), pending):
        raise PassphraseMismatch
    del session[PENDING_KEY]
    return passphrases.hash_passphrase(typed)


def create_client(session, typed):
    """Create the account once the client has typed the offered passphrase back."""
    digest = _confirmed_hash(session, typed)
    for _ in range(5):
        try:
            with transaction.atomic():
                user = User(
                    username=f"client-{secrets.token_hex(12)}",
                    role=User.Role.CLIENT,
                    passphrase_hash=digest,
                    passphrase_check=passphrases.message_check(typed),
                    display_label=labels.random_label(),
                    confirmed_at=timezone.now(),
                )
                user.set_unusable_password()  # clients never have a password
                user.save()
                return user
        except IntegrityError:
            continue  # the random label was taken; draw another
    raise RuntimeError("could not draw a free display label")


def replace_passphrase(user, session, typed):
    """Switch to the offered passphrase once the client has typed it back."""
    user.passphrase_hash = _confirmed_hash(session, typed)
    user.passphrase_check = passphrases.message_check(typed)
    user.save(update_fields=["passphrase_hash", "passphrase_check"])


def find_client(passphrase):
    """The client whose passphrase this is, or None. An account made before the in-message
    check existed gets it now: only at a log-in is its passphrase known again."""
    digest = passphrases.hash_passphrase(passphrase)
    user = User.objects.filter(role=User.Role.CLIENT, passphrase_hash=digest).first()
    if user is not None and not user.passphrase_check:
        user.passphrase_check = passphrases.message_check(passphrase)
        User.objects.filter(pk=user.pk).update(passphrase_check=user.passphrase_check)
    return user


def set_display_name(user, name):
    user.display_name = " ".join(name.split())[:40]
    user.save(update_fields=["display_name"])


def delete_client(user):
    """Hard-delete the account and everything tied to it, sessions included."""
    with transaction.atomic():
        sessions.end_all_sessions(user)
        user.delete()
