from django.db import migrations

# The database itself refuses to change a logged entry, whoever asks. Deleting
# stays possible for the retention purge (audit.entries.purge_expired).
POSTGRES = [
    """
CREATE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are append-only';
END;
$$ LANGUAGE plpgsql
""",
    """
CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()
""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER audit_entry_no_update ON audit_auditentry",
    "DROP FUNCTION audit_entry_append_only()",
]
SQLITE = ["""
CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_auditentry
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only');
END
"""]
SQLITE_REVERSE = ["DROP TRIGGER audit_entry_no_update"]


def forwards(apps, schema_editor):
    for statement in {"postgresql": POSTGRES, "sqlite": SQLITE}.get(
        schema_editor.connection.vendor, []
    ):
        schema_editor.execute(statement, params=None)


def backwards(apps, schema_editor):
    for statement in {"postgresql": POSTGRES_REVERSE, "sqlite": SQLITE_REVERSE}.get(
        schema_editor.connection.vendor, []
    ):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
