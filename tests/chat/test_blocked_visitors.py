"""A blocked visitor stays out (issue 13, item 19): no left messages while the chat is closed,
and, for a short while, not by logging out or clearing cookies either (best effort: a block
on the keyed address pseudonym)."""

import time

from django.test import Client, TestCase

from accounts import session_keys
from chat import blocks, queue
from chat.models import Conversation, OpeningHours
from tests.chat.test_views import INTAKE, chat_open  # noqa: F401 (fixture)
from tests.conftest import log_in

ADDRESS = "203.0.113.9"
ELSEWHERE = "198.51.100.23"
BLOCKED = "Je kunt op dit moment geen nieuw gesprek"
INTAKE_PAGE = "Voor wie wil je chatten?"
LEAVE = {"body": "Nog een bericht", "consent": "on"}


def started_and_blocked(client, counsellor, duration="1d"):
    """`client` starts a chat through the page; the counsellor takes it and blocks them."""
    assert client.post("/chat/", INTAKE).status_code == 302
    conversation = Conversation.objects.get(pk=client.session[session_keys.CONVERSATION])
    queue.claim(conversation, counsellor)
    with TestCase.captureOnCommitCallbacks(execute=True):
        block = blocks.block_visitor(conversation, counsellor, duration=duration, reason="dreigt")
    client.get("/chat/")  # the end is shown once
    return block


def close_the_chat():
    OpeningHours.objects.all().delete()


def test_a_blocked_client_cannot_leave_messages_while_the_chat_is_closed(chat_open, robin, hana):  # noqa: F811
    client = log_in(Client(REMOTE_ADDR=ADDRESS), robin)
    started_and_blocked(client, hana)
    close_the_chat()
    page = client.get("/chat/").content.decode()
    assert BLOCKED in page and "Laat een bericht achter" not in page
    for _ in range(3):
        assert BLOCKED in client.post("/chat/", LEAVE).content.decode()
    assert not Conversation.objects.filter(left_message=True).exists()


def test_a_blocked_client_who_logs_out_is_still_kept_out_for_a_while(chat_open, robin, hana):  # noqa: F811
    client = log_in(Client(REMOTE_ADDR=ADDRESS), robin)
    started_and_blocked(client, hana)
    client.post("/account/uitloggen/")
    assert BLOCKED in client.get("/chat/").content.decode()
    client.post("/chat/", INTAKE)
    assert Conversation.objects.count() == 1


def test_a_blocked_visitor_who_clears_cookies_is_still_kept_out_for_a_while(chat_open, hana):  # noqa: F811
    started_and_blocked(Client(REMOTE_ADDR=ADDRESS), hana)
    cleared = Client(REMOTE_ADDR=ADDRESS)
    assert BLOCKED in cleared.get("/chat/").content.decode()
    assert BLOCKED in cleared.post("/chat/", INTAKE).content.decode()
    assert Conversation.objects.count() == 1
    # Someone on another connection is not touched by it.
    assert INTAKE_PAGE in Client(REMOTE_ADDR=ELSEWHERE).get("/chat/").content.decode()


def test_the_address_block_is_short(chat_open, hana, settings, monkeypatch):  # noqa: F811
    settings.ADDRESS_BLOCK_MINUTES = 60
    started_and_blocked(Client(REMOTE_ADDR=ADDRESS), hana, duration="30d")
    assert BLOCKED in Client(REMOTE_ADDR=ADDRESS).get("/chat/").content.decode()
    later = time.time() + 61 * 60
    monkeypatch.setattr(time, "time", lambda: later)
    assert INTAKE_PAGE in Client(REMOTE_ADDR=ADDRESS).get("/chat/").content.decode()


def test_lifting_a_block_lifts_the_address_block_too(chat_open, hana, sam):  # noqa: F811
    block = started_and_blocked(Client(REMOTE_ADDR=ADDRESS), hana)
    with TestCase.captureOnCommitCallbacks(execute=True):
        blocks.review(block, sam, lift=True)
    assert INTAKE_PAGE in Client(REMOTE_ADDR=ADDRESS).get("/chat/").content.decode()


def test_a_client_cannot_leave_unlimited_messages(db, robin, settings):
    settings.CHAT_STARTS_PER_SESSION = 3
    client = log_in(Client(REMOTE_ADDR=ADDRESS), robin)
    statuses = [client.post("/chat/", LEAVE).status_code for _ in range(6)]
    assert statuses == [200] * 3 + [429] * 3
    assert Conversation.objects.filter(left_message=True).count() == 3
