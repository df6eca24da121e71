"""AES-256-GCM for data at rest (docs/security.md).

A leaf module: it imports nothing from the apps, so every app may use it. Ciphertext
carries the format version and key id; the associated data binds it to one table, column
and row, so a value copied to another row or column does not decrypt. No timestamps are
embedded (unlike Fernet tokens).

Stored form: ``v1:<key id>:<base64url(nonce || ciphertext+tag)>``.
"""

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

VERSION = "v1"


class DecryptionError(Exception):
    """The ciphertext is damaged, moved, or sealed with a key we no longer hold."""


def _aad(context, key_id):
    return f"hoc-chat|{VERSION}|{context}|{key_id}".encode()


def current_key_id():
    return next(iter(settings.FIELD_ENCRYPTION_KEYS))


def key_id_of(token):
    return token.split(":", 2)[1]


def encrypt(plaintext, context):
    """Seal text for one place, e.g. context "hoc_signup.email.<row id>"."""
    key_id = current_key_id()
    nonce = os.urandom(12)
    sealed = AESGCM(settings.FIELD_ENCRYPTION_KEYS[key_id]).encrypt(
        nonce, plaintext.encode(), _aad(context, key_id)
    )
    return f"{VERSION}:{key_id}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def decrypt(token, context):
    try:
        version, key_id, payload = token.split(":", 2)
        raw = base64.urlsafe_b64decode(payload)
    except ValueError:
        raise DecryptionError("not a ciphertext") from None
    key = settings.FIELD_ENCRYPTION_KEYS.get(key_id)
    if version != VERSION or key is None or len(raw) < 12 + 16:
        raise DecryptionError(f"cannot open a {version} value sealed with key {key_id!r}")
    try:
        return AESGCM(key).decrypt(raw[:12], raw[12:], _aad(context, key_id)).decode()
    except InvalidTag:
        raise DecryptionError("ciphertext does not belong here or was altered") from None
