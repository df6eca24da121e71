"""The backup and restore drill (docs/operations.md): a pg_dump of real conversations,
restored into a fresh database, opens with the key ring it was written under and with no
other, and a wrong ring fails cleanly: counts and an error, never a traceback."""

import base64
import datetime
import json
import os
import secrets
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from accounts.models import StaffTOTPDevice
from chat import availability, conversations, notes, queue
from chat.models import Availability
from common import encryption
from public import signups
from tests.conftest import skip_or_fail
from tests.e2e.conftest import database_url

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
BODIES = ["Hallo, is daar iemand?", "Ja, ik ben Hana. Vertel maar.", "Het gaat over één zus."]
TOPIC = "mijn zus"
NOTE = "Zus mogelijk onder druk van de groep"

# Reads the restored conversation back through the ORM, as the application would. A wrong
# key must surface as common.encryption.DecryptionError and nothing else: exit code 3.
READ = """
import json
from chat.models import Conversation
from common.encryption import DecryptionError
conversation = Conversation.objects.get(pk="{pk}")
try:
    print(json.dumps({{
        "topic": conversation.topic,
        "bodies": [m.body for m in conversation.messages.order_by("seq")],
        "notes": [n.body for n in conversation.notes.all()],
    }}))
except DecryptionError:
    print("DecryptionError")
    raise SystemExit(3)
"""


def ring_text(ring):
    """settings.FIELD_ENCRYPTION_KEYS written back as HOC_FIELD_KEYS."""
    return ",".join(f"{i}:{base64.urlsafe_b64encode(key).decode()}" for i, key in ring.items())


def postgres_tool(*args):
    db = connection.settings_dict
    env = {
        **os.environ,
        "PGHOST": db["HOST"] or "127.0.0.1",
        "PGPORT": str(db["PORT"] or 5432),
        "PGUSER": db["USER"] or "",
        "PGPASSWORD": db["PASSWORD"] or "",
    }
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"{' '.join(args)}:\n{done.stderr}"


@pytest.fixture
def restore_copy(django_db_setup, tmp_path):
    """restore_copy() dumps the test database, restores it into a new database and returns
    that database's URL; every database it made is dropped afterwards."""
    if connection.vendor != "postgresql":
        skip_or_fail("the backup drill needs PostgreSQL (DATABASE_URL)")
    for tool in ("pg_dump", "pg_restore", "createdb", "dropdb"):
        if shutil.which(tool) is None:
            skip_or_fail(f"{tool} is not installed (PostgreSQL client tools)")
    made = []

    def restore():
        name = f"hoc_restore_{uuid.uuid4().hex[:12]}"
        dump = tmp_path / f"{name}.dump"
        postgres_tool(
            "pg_dump", "--format=custom", "--file", str(dump), connection.settings_dict["NAME"]
        )
        postgres_tool("createdb", name)
        made.append(name)
        postgres_tool("pg_restore", "--no-owner", "--exit-on-error", "--dbname", name, str(dump))
        return database_url().rsplit("/", 1)[0] + "/" + name

    yield restore
    for name in made:
        postgres_tool("dropdb", "--force", "--if-exists", name)


def manage(url, field_keys, *args):
    """`python manage.py ...` on the restored database with the given key ring."""
    # Any HOC_*_FILE in our environment would win over the values given here.
    env = {
        k: v for k, v in os.environ.items() if not (k.startswith("HOC_") and k.endswith("_FILE"))
    }
    env |= {
        "DATABASE_URL": url,
        "HOC_FIELD_KEYS": field_keys,
        "HOC_SECRET_KEY": settings.SECRET_KEY,
        "HOC_CHANNEL_LAYER_KEY": settings.CHANNEL_LAYER_KEY,
        "HOC_PASSPHRASE_PEPPER": settings.PASSPHRASE_PEPPER,
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def a_shift(hana):
    """A conversation as a real shift leaves it: claimed, talked, noted, audited."""
    availability.set_status(hana, Availability.Status.AVAILABLE)
    conversation = conversations.open_conversation(
        for_whom="relative", minor="no", in_danger=False, topic=TOPIC
    )
    queue.claim(conversation, hana)
    for n, body in enumerate(BODIES):
        sender, author = ("counsellor", hana) if n == 1 else ("visitor", None)
        conversations.post_message(conversation, sender, body, uuid.uuid4(), author=author)
    notes.add_note(conversation, hana, NOTE)
    StaffTOTPDevice.objects.create(user=hana, name="telefoon", key=secrets.token_hex(20))
    signups.register_signup(
        "Wijkteam Noord", "jeugdhulp", "a@example.org", datetime.date(2030, 1, 1)
    )
    return conversation


def test_a_restored_backup_opens_with_the_key_ring_and_with_no_other(hana, restore_copy):
    conversation = a_shift(hana)
    url = restore_copy()
    right = ring_text(settings.FIELD_ENCRYPTION_KEYS)

    checked = manage(url, right, "check_field_keys")
    assert checked.returncode == 0, checked.stderr
    assert "chat.Message.body: 3 values" in checked.stdout
    assert "chat.Note.body: 1 value" in checked.stdout
    assert "accounts.StaffTOTPDevice.key: 1 value" in checked.stdout
    assert "audit.AuditEntry.reason: 2 values" in checked.stdout  # the claim and the note
    assert "hoc.InfoSessionSignup.email: 1 value" in checked.stdout
    assert "all readable with HOC_FIELD_KEYS" in checked.stdout
    assert not any(text in checked.stdout for text in [*BODIES, TOPIC, NOTE])

    read = manage(url, right, "shell", "--no-imports", "-c", READ.format(pk=conversation.pk))
    assert read.returncode == 0, read.stderr
    assert json.loads(read.stdout) == {
        "topic": TOPIC,
        "bodies": BODIES,
        "notes": [NOTE],
    }

    same_id = {encryption.current_key_id(): secrets.token_bytes(32)}
    other_id = {"other": secrets.token_bytes(32)}
    for wrong in (ring_text(same_id), ring_text(other_id)):
        checked = manage(url, wrong, "check_field_keys")
        output = checked.stdout + checked.stderr
        assert checked.returncode != 0
        assert "not readable with HOC_FIELD_KEYS" in checked.stderr
        assert "chat.Message.body 3" in checked.stderr
        assert "chat.Message.body: 3 values" in checked.stdout
        assert "Traceback" not in output
        assert not any(text in output for text in [*BODIES, TOPIC, NOTE])

        read = manage(url, wrong, "shell", "--no-imports", "-c", READ.format(pk=conversation.pk))
        assert (read.returncode, read.stdout.strip()) == (3, "DecryptionError"), read.stderr
        assert "Traceback" not in read.stderr
