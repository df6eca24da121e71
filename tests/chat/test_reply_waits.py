"""How long a chat waits for its counsellor's reply (chat/reply_waits.py)."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chat import availability, conversations, queue, reply_waits
from chat.models import Message, ReplyWaitThresholds
from tests.chat.test_views import waiting

VISITOR = Message.Sender.VISITOR
COUNSELLOR = Message.Sender.COUNSELLOR


def say(conversation, sender, body="…"):
    author = conversation.counsellor if sender == COUNSELLOR else None
    message, _ = conversations.post_message(conversation, sender, body, uuid.uuid4(), author=author)
    return message


@pytest.fixture
def chat(hana):
    conversation = waiting()
    queue.claim(conversation, hana)
    conversation.refresh_from_db()
    return conversation


def wait_of(conversation, now=None):
    conversation.refresh_from_db()
    return reply_waits.waits_for([conversation], now).get(conversation.pk)


def test_it_waits_from_the_first_visitor_message_after_the_last_answer(chat):
    say(chat, VISITOR)
    say(chat, COUNSELLOR)
    second = say(chat, VISITOR)
    say(chat, VISITOR)
    assert wait_of(chat).since == second.created_at


def test_an_answer_ends_the_wait(chat):
    say(chat, VISITOR)
    say(chat, COUNSELLOR)
    assert wait_of(chat) is None


def test_a_chat_nobody_wrote_in_yet_waits_for_nobody(chat):
    assert wait_of(chat) is None


def test_system_and_guest_messages_neither_start_nor_end_a_wait(chat):
    say(chat, Message.Sender.SYSTEM)
    say(chat, Message.Sender.GUEST)
    assert wait_of(chat) is None
    first = say(chat, VISITOR)
    say(chat, Message.Sender.SYSTEM)
    say(chat, Message.Sender.GUEST)
    assert wait_of(chat).since == first.created_at


def test_an_ended_chat_and_one_in_the_queue_wait_for_no_reply(chat, hana):
    in_queue = waiting()
    say(in_queue, VISITOR)
    assert wait_of(in_queue) is None
    say(chat, VISITOR)
    conversations.end_conversation(chat, by="counsellor", actor=hana)
    assert wait_of(chat) is None


def test_it_turns_amber_and_red_at_the_supervisors_thresholds(chat):
    ReplyWaitThresholds.objects.create(pk=1, amber_seconds=60, red_seconds=180)
    since = say(chat, VISITOR).created_at
    seconds = datetime.timedelta(seconds=1)
    assert wait_of(chat, since + 59 * seconds).level == ""
    assert wait_of(chat, since + 60 * seconds).level == reply_waits.AMBER
    assert wait_of(chat, since + 179 * seconds).level == reply_waits.AMBER
    red = wait_of(chat, since + 185 * seconds)
    assert red.level == reply_waits.RED
    assert red.elapsed == "3:05"
    assert red.amber_at == since + 60 * seconds
    assert red.red_at == since + 180 * seconds


def test_the_defaults_are_two_and_five_minutes(db):
    limits = reply_waits.thresholds()
    assert (limits.amber_seconds, limits.red_seconds) == (120, 300)


def test_many_chats_cost_one_query_for_their_waits(hana, settings):
    settings.COUNSELLOR_CAPACITY = 3
    availability.set_capacity(hana, 3)
    chats = [waiting() for _ in range(4)]
    for conversation in chats[:3]:
        queue.claim(conversation, hana)
    for conversation in chats:
        conversation.refresh_from_db()
        say(conversation, VISITOR)
    ReplyWaitThresholds.objects.create(pk=1)
    with CaptureQueriesContext(connection) as queries:
        waits = reply_waits.waits_for(chats, timezone.now())
    assert set(waits) == {c.pk for c in chats[:3]}  # the fourth is still in the queue
    assert len(queries) == 2  # the waits, and the thresholds
