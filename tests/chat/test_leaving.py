"""A visitor who goes away without ending the chat has left it (chat/leaving.py).

A quick exit or a log-out ends the visitor's part at once; a page that goes away and does
not come back within VISITOR_GRACE_SECONDS ends it then. Either way: a waiting chat leaves
the queue, an active one ends for the counsellor with "left", the counsellor can still
fill in the closing form, and the contact record counts it as left, not as answered.
"""

import asyncio
import time
import uuid

import pytest
from channels.db import database_sync_to_async
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from accounts import session_keys
from audit.models import AuditEntry
from chat import conversations, leaving, queue, rechecks, records
from chat.models import ContactRecord, Conversation, Message
from tests.helpers.sockets import connect, visitor_cookie


def waiting():
    return conversations.open_conversation(
        for_whom="self", minor="yes", in_danger=True, visitor_pseudonym="p" * 16
    )


def claimed(counsellor):
    conversation = waiting()
    queue.claim(conversation, counsellor)
    conversations.post_message(conversation, Message.Sender.VISITOR, "hallo", uuid.uuid4())
    return conversation


def quick_exit(conversation):
    browser = Client()
    browser.cookies[settings.SESSION_COOKIE_NAME] = visitor_cookie(conversation)
    assert browser.post("/snel-weg/").status_code == 200


def ending(conversation):
    return AuditEntry.objects.get(
        action=AuditEntry.Action.CONVERSATION_ENDED, conversation_id=conversation.pk
    ).detail


def test_a_quick_exit_while_waiting_leaves_the_queue(db, capture_broadcasts):
    conversation = waiting()
    with capture_broadcasts() as sent:
        quick_exit(conversation)
    conversation.refresh_from_db()
    assert conversation.state == Conversation.State.ABANDONED
    assert not queue.waiting().filter(pk=conversation.pk).exists()
    assert conversation.record.result == ContactRecord.Result.ABANDONED
    assert ending(conversation) == "by=visitor state=abandoned left"
    assert ("queue", {"type": "broadcast", "event": {"type": "queue.changed"}}) in sent


def test_a_quick_exit_mid_chat_tells_the_counsellor_and_counts_as_left(
    db, hana, capture_broadcasts
):
    conversation = claimed(hana)
    with capture_broadcasts() as sent:
        quick_exit(conversation)
    conversation.refresh_from_db()
    assert conversation.state == Conversation.State.ENDED
    record = ContactRecord.objects.get(conversation=conversation)
    assert record.result == ContactRecord.Result.LEFT
    assert record.wait_seconds is not None and record.duration_seconds is not None
    assert ending(conversation) == "by=visitor state=ended left"
    told = [m["event"] for g, m in sent if g == conversation.group_name]
    assert told == [
        {
            "type": "event",
            "event": "ended",
            "conversation": str(conversation.pk),
            "by": "visitor",
            "left": True,
        }
    ]
    # The counsellor still fills in the closing form.
    assert list(records.to_close(hana)) == [conversation]


def test_a_visitor_ending_the_chat_is_not_counted_as_left(db, hana):
    conversation = claimed(hana)
    conversations.end_conversation(conversation, by=Message.Sender.VISITOR)
    assert ContactRecord.objects.get(conversation=conversation).result == "answered"


def test_a_client_logging_out_leaves_their_chat(db, robin, hana):
    from tests.conftest import log_in

    browser = log_in(Client(), robin)
    conversation = conversations.open_conversation(
        for_whom="self", minor="no", in_danger=False, client=robin
    )
    session = browser.session
    session[session_keys.CONVERSATION] = str(conversation.pk)  # as chat/views.py start does
    session.save()
    queue.claim(conversation, hana)
    browser.post("/account/uitloggen/")
    conversation.refresh_from_db()
    assert conversation.state == Conversation.State.ENDED
    assert conversation.record.result == ContactRecord.Result.LEFT


def test_a_page_that_went_away_ends_the_chat_after_the_grace_time(db, hana):
    conversation = claimed(hana)
    gone_at = time.time()
    leaving.note_present(conversation.pk, now=gone_at)
    grace = settings.VISITOR_GRACE_SECONDS
    assert leaving.end_if_gone(conversation.pk, now=gone_at + grace - 1) is None
    assert Conversation.objects.get(pk=conversation.pk).is_open
    assert leaving.end_if_gone(conversation.pk, now=gone_at + grace) is not None
    assert ContactRecord.objects.get(conversation=conversation).result == "left"


def test_a_chat_whose_page_never_connected_is_not_ended(db, hana):
    # Without a page ever seen (no JavaScript, or a message left while closed), only the
    # session's own lifetime ends it.
    conversation = claimed(hana)
    assert leaving.end_all_gone(now=time.time() + 10**6) == []
    assert Conversation.objects.get(pk=conversation.pk).is_open


def test_the_scheduler_command_ends_what_a_restarted_process_forgot(db, hana):
    gone, here = claimed(hana), waiting()
    long_ago = time.time() - settings.VISITOR_GRACE_SECONDS - 5
    leaving.note_present(gone.pk, now=long_ago)
    leaving.note_present(here.pk)
    call_command("end_left_chats", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Conversation.objects.get(pk=gone.pk).state == Conversation.State.ENDED
    assert Conversation.objects.get(pk=here.pk).state == Conversation.State.WAITING


@pytest.mark.django_db(transaction=True)
async def test_a_closed_tab_that_does_not_come_back_leaves_the_queue(settings):
    settings.VISITOR_GRACE_SECONDS = 1
    conversation = await database_sync_to_async(waiting)()
    key = await database_sync_to_async(visitor_cookie)(conversation)
    visitor, ok, _ = await connect(conversation, key)
    assert ok
    await visitor.disconnect()
    for _ in range(100):
        await asyncio.sleep(0.1)
        state = await database_sync_to_async(
            lambda: Conversation.objects.get(pk=conversation.pk).state
        )()
        if state != Conversation.State.WAITING:
            break
    assert state == Conversation.State.ABANDONED


@pytest.mark.django_db(transaction=True)
async def test_a_page_that_comes_back_within_the_grace_time_keeps_the_chat(settings, monkeypatch):
    settings.VISITOR_GRACE_SECONDS = 1
    # A connected page notes itself at every re-check (about once a minute, well inside
    # the real grace time); here a few times a second, inside this test's.
    monkeypatch.setattr(rechecks, "RECHECK_SECONDS", 0.2)
    conversation = await database_sync_to_async(waiting)()
    key = await database_sync_to_async(visitor_cookie)(conversation)
    visitor, ok, _ = await connect(conversation, key)
    await visitor.disconnect()
    again, ok, _ = await connect(conversation, key)  # a reload, a network change
    assert ok
    # The closed socket asks after the grace time and a second more.
    await asyncio.sleep(settings.VISITOR_GRACE_SECONDS + 1.5)
    assert await database_sync_to_async(
        lambda: Conversation.objects.get(pk=conversation.pk).is_open
    )()
    await again.disconnect()
