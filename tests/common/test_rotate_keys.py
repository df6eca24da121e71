"""rotate_keys: every encrypted value moves to the newest key, so the old key can go.

The procedure is the one in docs/operations.md: add a key first, run rotate_keys, check
with check_field_keys --key-id OLD, remove the old key, and everything still reads.
"""

import datetime
import io
import secrets
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from accounts import clients
from accounts.models import StaffTOTPDevice
from audit.models import AppendOnly, AuditEntry
from chat import availability, blocks, conversations, feedback, notes, queue, transfers
from chat.models import Availability, Message
from common import encryption, key_ring
from handover.models import Referral
from oversight import looks
from partners.models import Partner
from public import signups
from tests.handover.conftest import in_state, meldcode_draft


def rotate(*args):
    out = io.StringIO()
    call_command("rotate_keys", *args, stdout=out)
    return out.getvalue()


def check(*args):
    out = io.StringIO()
    call_command("check_field_keys", *args, stdout=out)
    return out.getvalue()


def add_first(settings, key_id):
    """Step 2 of the procedure: a new key first in the ring, the old ones behind it."""
    settings.FIELD_ENCRYPTION_KEYS = {key_id: secrets.token_bytes(32)} | (
        settings.FIELD_ENCRYPTION_KEYS
    )


def every_sealed_value():
    """{(column, row): plaintext} for every encrypted column, read as the application reads."""
    return {
        (f"{model._meta.label}.{field.name}", row.pk): getattr(row, field.attname)
        for model, field in key_ring.sealed_fields()
        for row in model._base_manager.order_by()
    }


def audit_rows():
    """Everything the audit log holds but the sealed reason, as stored."""
    return list(AuditEntry.objects.order_by("pk").values(*AUDIT_COLUMNS))


AUDIT_COLUMNS = [f.attname for f in AuditEntry._meta.concrete_fields if f.name != "reason"]


@pytest.fixture
def everything(robin, hana, otto, sam):
    """A shift's worth of data with text in every encrypted column of every model."""
    clients.set_display_name(robin, "Ster")
    for person in (hana, otto):
        availability.set_status(person, Availability.Status.AVAILABLE)
    conversation = conversations.open_conversation(
        for_whom="self", minor="no", in_danger=False, topic="mijn zus", client=robin
    )
    queue.claim(conversation, hana)
    conversations.post_message(conversation, "visitor", "Hallo?", uuid.uuid4())
    conversations.post_message(conversation, "counsellor", "Ik ben Hana.", uuid.uuid4(), hana)
    notes.add_note(conversation, hana, "zus onder druk")
    referral = meldcode_draft(conversation, hana, Partner.objects.get(slug="veilig-thuis"))
    in_state(
        referral,
        Referral.State.RETURNED,
        contact_details='{"contact": "06-12345678"}',
        consent_snapshot='{"partner": "x", "shares": []}',
        review_comments="graag de stappen aanvullen",
    )
    looks.look(sam, conversation.pk, reason_code=looks.Reason.HELP, reason_text="hulpvraag")
    transfers.transfer(conversation, hana, otto, note="neem jij het over?")
    blocks.block_visitor(conversation, otto, duration="1d", reason="scheldt steeds")
    StaffTOTPDevice.objects.create(user=hana, name="telefoon", key=secrets.token_hex(20))
    signups.register_signup("Wijkteam", "jeugdhulp", "a@example.org", datetime.date(2030, 1, 1))
    answer = feedback.store(got_what_came_for="partly", better="sneller antwoorden graag")
    answer.quote = "sneller antwoorden"
    answer.save(update_fields=["quote"])


def test_after_rotation_the_old_key_can_go_and_everything_still_reads(everything, settings):
    before = every_sealed_value()
    audit_before = audit_rows()
    with_text = {column for (column, _row), text in before.items() if text}
    every_column = {f"{model._meta.label}.{f.name}" for model, f in key_ring.sealed_fields()}
    assert with_text == every_column  # a new encrypted field needs data here too
    old = encryption.current_key_id()
    add_first(settings, "k2")

    out = rotate()
    assert f"Re-sealed {len(before)} values with key 'k2'" in out
    assert "audit.AuditEntry.reason" in out
    assert not any(text in out for text in ("mijn zus", "Hallo?", "hulpvraag", "Ster"))
    assert f"None is sealed with key {old!r}" in check("--key-id", old)

    settings.FIELD_ENCRYPTION_KEYS = {"k2": settings.FIELD_ENCRYPTION_KEYS["k2"]}
    assert every_sealed_value() == before
    assert audit_rows() == audit_before  # only the reason's sealing changed


def test_a_second_run_finds_nothing_to_do(everything, settings):
    add_first(settings, "k2")
    rotate()
    out = rotate()
    assert "Re-sealed 0 values with key 'k2'" in out
    assert "sealed with key 'k2' and readable" in out


def test_it_carries_on_past_values_it_cannot_open_and_fails_with_counts(everything, settings):
    first, *others, last = Message.objects.order_by("seq")
    ring = settings.FIELD_ENCRYPTION_KEYS
    # A value sealed with a key the ring has since lost, and text written around the field.
    add_first(settings, "lost")
    first.save()
    Message.objects.filter(pk=last.pk).update(body="plain text")
    settings.FIELD_ENCRYPTION_KEYS = ring
    add_first(settings, "k2")

    out = io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("rotate_keys", stdout=out)
    assert "not yet on key 'k2': 2 values (chat.Message.body 2)" in str(failed.value)
    assert "Could not re-seal 2 values" in out.getvalue()
    # Everything else moved on, the rest of the messages and the audit log included.
    surveys = {s.label: s for s in key_ring.survey()}
    assert surveys["chat.Message.body"].by_key == {"k2": len(others), "lost": 1, None: 1}
    assert surveys["chat.Conversation.topic"].by_key == {"k2": 1}
    assert set(surveys["audit.AuditEntry.reason"].by_key) == {"k2"}
    assert "plain text" not in out.getvalue() + str(failed.value)


def refuse_updates_of(message):
    """A trigger standing in for anything that makes the database refuse one row."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION refuse_one() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'refused'; END; $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER refuse_one BEFORE UPDATE ON chat_message FOR EACH ROW "
                f"WHEN (OLD.id = '{message.pk}') EXECUTE FUNCTION refuse_one()"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER refuse_one BEFORE UPDATE ON chat_message "
                f"WHEN OLD.id = '{message.pk.hex}' BEGIN SELECT RAISE(ABORT, 'refused'); END"
            )


def test_a_row_the_database_refuses_is_counted_and_the_rest_move_on(everything, settings):
    first, *others = Message.objects.order_by("seq")
    refuse_updates_of(first)
    old = encryption.current_key_id()
    add_first(settings, "k2")

    out = io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("rotate_keys", stdout=out)
    assert "not yet on key 'k2': 1 value (chat.Message.body 1)" in str(failed.value)
    assert "the database refused 1 value" in out.getvalue()
    surveys = {s.label: s for s in key_ring.survey()}
    assert surveys["chat.Message.body"].by_key == {"k2": len(others), old: 1}
    assert surveys["audit.AuditEntry.reason"].by_key.keys() == {"k2"}


def test_ordinary_code_still_cannot_change_an_audit_entry(everything, settings):
    add_first(settings, "k2")
    rotate()
    entry = AuditEntry.objects.first()
    entry.reason = "anders"
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        AuditEntry.objects.update(reason="anders")
