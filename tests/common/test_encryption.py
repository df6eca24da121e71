"""Encryption at rest (docs/security.md)."""

import base64

import pytest
from django.core.management import call_command
from django.db.models import Q

from common import encryption
from public.models import InfoSessionSignup

KEY_1 = "k1:" + base64.urlsafe_b64encode(b"1" * 32).decode().rstrip("=")
KEY_2 = "k2:" + base64.urlsafe_b64encode(b"2" * 32).decode().rstrip("=")


def ring(*entries):
    from hoc.settings import parse_key_ring

    return parse_key_ring("test", ",".join(entries))


@pytest.fixture
def signup(db):
    return InfoSessionSignup.objects.create(
        organisation="Wijkteam Noord",
        role="jeugdhulp",
        email="a@example.org",
        preferred_date="2030-01-01",
    )


def raw_value(model, column, pk):
    # values_list() skips the decrypting attribute: this is what the database holds.
    return str(model.objects.filter(pk=pk).values_list(column, flat=True).get())


def test_the_database_holds_no_plaintext(signup):
    stored = raw_value(InfoSessionSignup, "email", signup.pk)
    assert "example.org" not in stored
    assert stored.startswith("v1:")


def test_values_read_back(signup):
    fresh = InfoSessionSignup.objects.get(pk=signup.pk)
    assert (fresh.organisation, fresh.role, fresh.email) == (
        "Wijkteam Noord",
        "jeugdhulp",
        "a@example.org",
    )


def test_ciphertext_moved_to_another_column_or_row_does_not_open(signup):
    token = raw_value(InfoSessionSignup, "email", signup.pk)
    with pytest.raises(encryption.DecryptionError):
        encryption.decrypt(token, f"hoc_infosessionsignup.role.{signup.pk}")
    with pytest.raises(encryption.DecryptionError):
        encryption.decrypt(token, "hoc_infosessionsignup.email.00000000-0000-0000-0000")


def test_a_changed_byte_does_not_open():
    token = encryption.encrypt("geheim", "ctx")
    version, key_id, payload = token.split(":")
    raw = bytearray(base64.urlsafe_b64decode(payload))
    raw[-1] ^= 1
    altered = f"{version}:{key_id}:{base64.urlsafe_b64encode(bytes(raw)).decode()}"
    with pytest.raises(encryption.DecryptionError):
        encryption.decrypt(altered, "ctx")


def test_every_encryption_uses_a_fresh_nonce():
    nonces = {
        base64.urlsafe_b64decode(encryption.encrypt("x", "ctx").split(":")[2])[:12]
        for _ in range(20_000)
    }
    assert len(nonces) == 20_000


def test_ciphertext_carries_no_timestamp():
    # Same text, same key: only the random nonce differs, so nothing time-like is inside.
    a, b = encryption.encrypt("x", "ctx"), encryption.encrypt("x", "ctx")
    assert len(a) == len(b)
    assert len(base64.urlsafe_b64decode(a.split(":")[2])) == 12 + 1 + 16


def test_encrypted_fields_cannot_be_searched(signup):
    with pytest.raises(Exception, match="Unsupported lookup"):
        list(InfoSessionSignup.objects.filter(email="a@example.org"))
    assert InfoSessionSignup.objects.filter(Q(email__isnull=False)).count() == 1


def test_rotation_reads_old_rows_and_reencrypts_them(signup, settings):
    settings.FIELD_ENCRYPTION_KEYS = ring(KEY_1)
    signup.save()
    settings.FIELD_ENCRYPTION_KEYS = ring(KEY_2, KEY_1)
    assert InfoSessionSignup.objects.get(pk=signup.pk).email == "a@example.org"
    call_command("rotate_keys")
    assert raw_value(InfoSessionSignup, "email", signup.pk).startswith("v1:k2:")
    settings.FIELD_ENCRYPTION_KEYS = ring(KEY_2)
    assert InfoSessionSignup.objects.get(pk=signup.pk).email == "a@example.org"


def test_a_lost_key_fails_closed(signup, settings):
    settings.FIELD_ENCRYPTION_KEYS = ring(KEY_1)
    signup.save()
    settings.FIELD_ENCRYPTION_KEYS = ring(KEY_2)
    with pytest.raises(encryption.DecryptionError):
        InfoSessionSignup.objects.get(pk=signup.pk).email  # noqa: B018


def test_the_secret_key_plays_no_part(signup, settings):
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    assert InfoSessionSignup.objects.get(pk=signup.pk).email == "a@example.org"
