"""post_message's own SQL (chat/conversations.py) writes every field of Message.

Production runs the PostgreSQL statement (one UPDATE … INSERT); development on SQLite runs
two. Without PostgreSQL the first is not run at all, and these tests say so in the skip.
"""

import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chat import conversations, queue
from chat.models import Message
from tests.conftest import skip_or_fail

POSTGRESQL_NOT_TESTED = (
    "post_message's PostgreSQL statement, the one production runs, was NOT tested: "
    "set DATABASE_URL to a PostgreSQL database (CI does, with HOC_REQUIRE_SERVICES=1)"
)


def post(counsellor):
    conversation = conversations.open_conversation(for_whom="self", minor="no", in_danger=False)
    queue.claim(conversation, counsellor)
    with CaptureQueriesContext(connection) as queries:
        message, created = conversations.post_message(
            conversation, Message.Sender.COUNSELLOR, "hallo", uuid.uuid4(), counsellor
        )
    assert created
    [insert] = [q["sql"] for q in queries if "INSERT INTO" in q["sql"]]
    return message, insert


def inserted_columns(sql):
    columns = re.search(r"INSERT INTO\s+\S+\s*\(([^)]*)\)", sql).group(1)
    return {column.strip().strip('"') for column in columns.split(",")}


def check_every_field_is_written(counsellor):
    message, insert = post(counsellor)
    assert inserted_columns(insert) == {f.column for f in Message._meta.concrete_fields}
    stored = Message.objects.get(pk=message.pk)
    for field in Message._meta.concrete_fields:
        assert getattr(stored, field.attname) == getattr(message, field.attname), field.name


def test_the_statement_writes_every_field(db, hana):
    check_every_field_is_written(hana)


def test_the_postgresql_statement_writes_every_field(db, hana):
    if connection.vendor != "postgresql":
        skip_or_fail(POSTGRESQL_NOT_TESTED)
    check_every_field_is_written(hana)
    assert connection.vendor == "postgresql"


def test_a_field_left_out_would_fail_here(db, hana, monkeypatch):
    """The check above can fail: the statement without `author` is caught."""
    left_out = [f for f in conversations._VALUE_FIELDS if f.name != "author"]
    monkeypatch.setattr(conversations, "_VALUE_FIELDS", left_out)
    columns = conversations._COLUMNS.replace("author_id, ", "")
    placeholders = ", ".join(["%s"] * len(left_out))
    for name in ("_POST", "_INSERT"):
        sql = getattr(conversations, name).replace(conversations._COLUMNS, columns)
        sql = sql.replace(conversations._PLACEHOLDERS + ",", placeholders + ",")
        monkeypatch.setattr(conversations, name, sql)
    with pytest.raises(AssertionError):
        check_every_field_is_written(hana)
