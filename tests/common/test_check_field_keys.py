"""check_field_keys: does the key ring open every encrypted value, and which key seals it."""

import io
import secrets
import uuid

import pytest
from django.core.management import CommandError, call_command

from chat import conversations
from chat.models import Message
from common import encryption, key_ring


def new_key():
    return secrets.token_bytes(32)


def check(*args):
    out = io.StringIO()
    call_command("check_field_keys", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def conversation(db):
    conversation = conversations.open_conversation(
        for_whom="self", minor="no", in_danger=False, topic="geheim onderwerp"
    )
    conversations.post_message(conversation, "visitor", "geheim bericht", uuid.uuid4())
    return conversation


def test_it_counts_every_encrypted_field_per_key(conversation):
    out = check()
    current = encryption.current_key_id()
    assert f"chat.Message.body: 1 value ({current}: 1)" in out
    assert f"chat.Conversation.topic: 1 value ({current}: 1)" in out
    assert "hoc.InfoSessionSignup.email: no values" in out
    assert "accounts.StaffTOTPDevice.key" in out
    assert "audit.AuditEntry.reason" in out
    assert "all readable with HOC_FIELD_KEYS" in out
    assert "geheim" not in out


def test_every_encrypted_column_is_surveyed_once():
    labels = [f"{model._meta.label}.{f.name}" for model, f in key_ring.sealed_fields()]
    assert len(labels) == len(set(labels))
    assert {"chat.Message.body", "handover.Referral.summary", "chat.Block.reason"} <= set(labels)


def test_key_id_fails_while_values_are_sealed_with_that_key(conversation, settings):
    old = encryption.current_key_id()
    settings.FIELD_ENCRYPTION_KEYS = {"next": new_key(), **settings.FIELD_ENCRYPTION_KEYS}
    conversations.post_message(conversation, "visitor", "na de nieuwe sleutel", uuid.uuid4())

    out = check()  # both keys are in the ring: everything is readable
    assert f"chat.Message.body: 2 values (next: 1, {old}: 1)" in out
    with pytest.raises(CommandError, match=f"still sealed with key '{old}': 2 values"):
        check("--key-id", old)
    assert "None is sealed with key 'gone'" in check("--key-id", "gone")

    call_command("rotate_keys", stdout=io.StringIO())
    assert "None is sealed with key" in check("--key-id", old)


def test_a_wrong_key_ring_fails_with_counts_and_no_content(conversation, settings):
    settings.FIELD_ENCRYPTION_KEYS = {encryption.current_key_id(): new_key()}  # same id
    with pytest.raises(CommandError) as failed:
        check()
    assert "not readable with HOC_FIELD_KEYS" in str(failed.value)
    assert "chat.Message.body 1" in str(failed.value)
    assert "chat.Conversation.topic 1" in str(failed.value)

    settings.FIELD_ENCRYPTION_KEYS = {"other": new_key()}
    out = io.StringIO()
    with pytest.raises(CommandError, match="chat.Message.body 1"):
        call_command("check_field_keys", stdout=out)
    assert "chat.Message.body: 1 value" in out.getvalue()
    assert "1 unreadable" in out.getvalue()
    assert "geheim" not in out.getvalue() + str(failed.value)


def test_text_written_around_the_field_counts_as_unreadable(conversation):
    # QuerySet.update() skips the field's pre_save, so this stores the text unsealed.
    Message.objects.filter(conversation=conversation).update(body="plain text")
    with pytest.raises(CommandError, match="chat.Message.body 1"):
        check()


def test_reads_in_chunks(conversation):
    for n in range(4):
        conversations.post_message(conversation, "visitor", f"bericht {n}", uuid.uuid4())
    assert key_ring.survey_field(Message, Message._meta.get_field("body"), 2).values == 5
