"""The audit log is append-only: nobody changes an entry, only the retention purge deletes."""

import datetime
import io
import uuid

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from audit import entries
from audit.models import AppendOnly, AuditEntry


def test_an_entry_records_who_what_and_which_conversation_without_content(hana):
    conversation_id = uuid.uuid4()
    entries.record(hana, entries.Action.NOTE_ADDED, conversation=conversation_id, detail="x" * 300)
    entry = AuditEntry.objects.get()
    assert (entry.actor_id, entry.actor_name, entry.actor_role) == (hana.pk, "hana", "counsellor")
    assert entry.conversation_id == conversation_id and len(entry.detail) == 200
    assert entry.at <= timezone.now()


def test_the_application_cannot_change_or_delete_an_entry(hana):
    entry = entries.record(hana, entries.Action.HELP_REQUESTED)
    entry.detail = "changed"
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(AppendOnly):
        AuditEntry.objects.update(detail="changed")
    with pytest.raises(AppendOnly):
        AuditEntry.objects.all().delete()


def test_the_database_refuses_an_update_from_anyone(hana):
    entries.record(hana, entries.Action.HELP_REQUESTED)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET detail = 'changed'")
    assert AuditEntry.objects.get().detail == ""


def test_only_entries_past_the_retention_period_are_purged(hana, settings):
    settings.AUDIT_RETENTION_DAYS = 30
    entries.record(hana, entries.Action.HELP_REQUESTED)
    # Entries cannot be made older afterwards, so this one is written old.
    AuditEntry(
        actor_name="hana",
        action=entries.Action.HELP_ANSWERED,
        at=timezone.now() - datetime.timedelta(days=31),
    ).save()
    out = io.StringIO()
    call_command("purge_audit_log", stdout=out)
    assert out.getvalue() == "1 audit entries deleted\n"
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["help.requested"]
