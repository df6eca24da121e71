"""The chat's domain functions: numbering, idempotency, ending, the queue and claims."""

import uuid

import pytest
from django.core.exceptions import PermissionDenied

from chat import conversations, queue
from chat.models import Conversation, Message


def open_one(**overrides):
    fields = {"for_whom": "self", "minor": "no", "in_danger": False, "topic": "mijn broer"}
    return conversations.open_conversation(**{**fields, **overrides})


def test_messages_are_numbered_in_order(db, capture_broadcasts):
    conversation = open_one()
    with capture_broadcasts() as sent:
        first, _ = conversations.post_message(conversation, "visitor", "hallo", uuid.uuid4())
        second, _ = conversations.post_message(conversation, "visitor", "ben je er?", uuid.uuid4())
        assert sent == []  # nothing before the commit
    assert (first.seq, second.seq) == (1, 2)
    # One broadcast per stored message, to the conversation's sockets, in order.
    assert [(group, message["event"]["seq"]) for group, message in sent] == [
        (conversation.group_name, 1),
        (conversation.group_name, 2),
    ]


def test_a_resend_is_stored_once(db):
    conversation = open_one()
    client_id = uuid.uuid4()
    first, created = conversations.post_message(conversation, "visitor", "hallo", client_id)
    again, created_again = conversations.post_message(conversation, "visitor", "hallo", client_id)
    assert created and not created_again and again.pk == first.pk
    assert conversation.messages.count() == 1


def test_bodies_and_topics_are_encrypted_at_rest(db):
    conversation = open_one(topic="geheim onderwerp")
    conversations.post_message(conversation, "visitor", "dit is geheim", uuid.uuid4())
    raw_body = Message.objects.values_list("body", flat=True).get()
    raw_topic = Conversation.objects.values_list("topic", flat=True).get()
    assert "geheim" not in raw_body and "geheim" not in raw_topic
    assert Message.objects.get().body == "dit is geheim"


def test_limits_on_messages(db, settings):
    conversation = open_one()
    with pytest.raises(conversations.MessageTooLong):
        conversations.post_message(conversation, "visitor", "x" * 4001, uuid.uuid4())
    with pytest.raises(conversations.EmptyMessage):
        conversations.post_message(conversation, "visitor", "   ", uuid.uuid4())


def test_nothing_more_is_said_after_the_end(db):
    conversation = open_one()
    conversations.end_conversation(conversation, by="visitor")
    assert conversation.state == Conversation.State.ABANDONED  # left while waiting
    with pytest.raises(conversations.ConversationClosed):
        conversations.post_message(conversation, "visitor", "nog iets", uuid.uuid4())


def test_the_queue_puts_danger_first_then_minors_then_waiting_time(db):
    calm = open_one()
    minor = open_one(minor="yes")
    danger = open_one(in_danger=True)
    assert list(queue.waiting()) == [danger, minor, calm]
    assert queue.position_of(calm) == 3
    assert queue.estimated_wait_minutes(1) == 0


def test_a_claim_is_won_once(db, hana, otto):
    conversation = open_one()
    queue.claim(conversation, hana)
    with pytest.raises(queue.AlreadyClaimed):
        queue.claim(Conversation.objects.get(pk=conversation.pk), otto)
    assert Conversation.objects.get(pk=conversation.pk).counsellor == hana


def test_capacity_limits_claims(db, hana, settings):
    settings.COUNSELLOR_CAPACITY = 1
    queue.claim(open_one(), hana)
    with pytest.raises(queue.AtCapacity):
        queue.claim(open_one(), hana)


def test_only_participants_get_the_conversation(db, hana, otto, robin):
    conversation = open_one(client=robin)
    assert conversations.get_conversation_for(robin, conversation.pk) == conversation
    with pytest.raises(PermissionDenied):
        conversations.get_conversation_for(hana, conversation.pk)  # not claimed by her
    queue.claim(conversation, hana)
    assert conversations.get_conversation_for(hana, conversation.pk) == conversation
    with pytest.raises(PermissionDenied):
        conversations.get_conversation_for(otto, conversation.pk)


def test_a_first_conversation_marks_the_account_as_used(db, robin):
    open_one(client=robin)
    robin.refresh_from_db()
    assert robin.first_conversation_at is not None


def test_a_client_typing_their_passphrase_is_stopped(db, settings):
    from accounts import passphrases

    settings.PASSPHRASE_ARGON2 = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}
    from accounts.models import User

    phrase = passphrases.generate()
    client = User.objects.create(
        username="c",
        role="client",
        passphrase_hash=passphrases.hash_passphrase(phrase),
        passphrase_check=passphrases.message_check(phrase),
    )
    conversation = open_one(client=client)
    with pytest.raises(conversations.PassphraseInMessage):
        conversations.post_message(
            conversation, "visitor", f"mijn zin is {phrase.upper()} toch?", uuid.uuid4(), client
        )
    other = passphrases.generate()
    conversations.post_message(conversation, "visitor", f"niet: {other}", uuid.uuid4(), client)
    assert conversation.messages.count() == 1
