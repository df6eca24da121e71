"""The one change the audit log allows: key rotation moving a reason to another key.

Everything else stays refused by the database (audit/migrations/0003), and by the model
for ordinary code (tests/audit/test_append_only.py).
"""

import datetime
import secrets
import uuid

import pytest
from django.db import DatabaseError, connection, transaction

from audit import entries
from audit.models import AuditEntry
from common import encryption, key_ring
from tests.conftest import skip_or_fail

REASON = AuditEntry._meta.get_field("reason")
OTHER_COLUMNS = [f.attname for f in AuditEntry._meta.concrete_fields if f.name != "reason"]


@pytest.fixture
def entry(sam):
    return entries.record(
        sam,
        entries.Action.CONVERSATION_VIEWED,
        conversation=uuid.uuid4(),
        referral=uuid.uuid4(),
        detail="reason=help",
        reason="hulpvraag van hana",
    )


@pytest.fixture
def new_key(settings):
    settings.FIELD_ENCRYPTION_KEYS = {"k2": secrets.token_bytes(32)} | (
        settings.FIELD_ENCRYPTION_KEYS
    )


def resealed(entry):
    """The entry's reason sealed again with the current key, as rotate_keys writes it."""
    return encryption.encrypt("hulpvraag van hana", REASON.context(entry))


def write(entry, **columns):
    AuditEntry._base_manager.filter(pk=entry.pk).update(**columns)


def another_value(entry, column):
    return {
        "id": uuid.uuid4(),
        "at": entry.at - datetime.timedelta(days=1),
        "actor_id": entry.actor_id + 1,
        "actor_name": "iemand anders",
        "actor_role": "admin",
        "action": entries.Action.HELP_ANSWERED,
        "conversation_id": uuid.uuid4(),
        "referral_id": None,
        "detail": "reason=other",
    }[column]  # a KeyError here: a new column needs a value and a place in the trigger


def test_a_rotation_moves_a_reason_to_another_key(entry, new_key):
    with key_ring.rekeying():
        write(entry, reason=resealed(entry))
    stored = AuditEntry.objects.get()
    assert encryption.key_id_of(stored.__dict__["reason"]) == "k2"
    assert stored.reason == "hulpvraag van hana"


@pytest.mark.parametrize("column", OTHER_COLUMNS)
def test_a_rotation_cannot_change_any_other_column(entry, new_key, column):
    before = AuditEntry.objects.values(*OTHER_COLUMNS).get()
    value = another_value(entry, column)
    with pytest.raises(DatabaseError), key_ring.rekeying():
        write(entry, reason=resealed(entry), **{column: value})
    assert AuditEntry.objects.values(*OTHER_COLUMNS).get() == before


def test_a_rotation_cannot_rewrite_a_reason_under_the_same_key(entry):
    with pytest.raises(DatabaseError), key_ring.rekeying():
        write(entry, reason=resealed(entry))
    with pytest.raises(DatabaseError), key_ring.rekeying():
        write(entry, reason="written around the field")


def test_outside_a_rotation_the_database_refuses_even_a_reseal(entry, new_key):
    if connection.vendor != "postgresql":
        skip_or_fail("only PostgreSQL has the transaction-local hoc.rekey setting")
    with pytest.raises(DatabaseError), transaction.atomic():
        write(entry, reason=resealed(entry))
    # The setting ends with its transaction.
    with key_ring.rekeying():
        pass
    with pytest.raises(DatabaseError), transaction.atomic():
        write(entry, reason=resealed(entry))
    assert encryption.key_id_of(AuditEntry.objects.get().__dict__["reason"]) != "k2"
