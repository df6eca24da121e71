from django.db import migrations

# Key rotation must re-seal the supervisors' reasons, or the old key could never leave the
# ring (docs/operations.md). The trigger still refuses every change but one: the reason
# moving from one key to another with every other column as it was. On PostgreSQL only in
# a transaction that set hoc.rekey for itself (common.key_ring.rekeying, SET LOCAL), which the
# application never does outside rotate_keys. The model and its queryset keep refusing
# every change, so ordinary code cannot get here (audit/models.py).
#
# This guards against mistakes and casual edits, not against the database owner: whoever
# can run SQL as the owner can drop the trigger anyway. It does keep the content of the log
# fixed: a re-seal under the same key is refused, and AES-GCM's associated data binds a
# reason to its row, so only someone holding the field keys could write a readable one.
POSTGRES = """
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
BEGIN
    IF current_setting('hoc.rekey', true) = 'on'
        AND to_jsonb(NEW) - 'reason' = to_jsonb(OLD) - 'reason'
        AND NEW.reason LIKE 'v1:%'
        AND split_part(NEW.reason, ':', 2) <> split_part(OLD.reason, ':', 2)
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit entries are append-only';
END;
$$ LANGUAGE plpgsql
"""
POSTGRES_REVERSE = """
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are append-only';
END;
$$ LANGUAGE plpgsql
"""

# SQLite (development and tests) has no transaction-local setting, so there the column
# comparison alone narrows the change. It names every column: a column added to the audit
# log must be added here too (tests/audit/test_reseal_path.py fails until it is).
COLUMNS = [
    "id",
    "at",
    "actor_id",
    "actor_name",
    "actor_role",
    "action",
    "conversation_id",
    "referral_id",
    "detail",
]


def key_id(value):
    return f"substr({value}, 4, instr(substr({value}, 4), ':') - 1)"


SQLITE = [
    "DROP TRIGGER audit_entry_no_update",
    f"""
CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_auditentry
WHEN NOT (
    {" AND ".join(f"NEW.{c} IS OLD.{c}" for c in COLUMNS)}
    AND NEW.reason LIKE 'v1:%'
    AND {key_id("NEW.reason")} IS NOT {key_id("OLD.reason")}
)
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only');
END
""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER audit_entry_no_update",
    """
CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_auditentry
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only');
END
""",
]


def forwards(apps, schema_editor):
    for statement in {"postgresql": [POSTGRES], "sqlite": SQLITE}.get(
        schema_editor.connection.vendor, []
    ):
        schema_editor.execute(statement, params=None)


def backwards(apps, schema_editor):
    for statement in {"postgresql": [POSTGRES_REVERSE], "sqlite": SQLITE_REVERSE}.get(
        schema_editor.connection.vendor, []
    ):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_trigger")]

    operations = [migrations.RunPython(forwards, backwards)]
