"""Refusals keep their code on the way to the socket; bugs are logged, not called refusals."""

import logging
import uuid

import pytest
from django.core.exceptions import PermissionDenied

from chat import consumers, conversations, queue, transfers
from common.refusals import NotAllowed, Refused
from tests.helpers.sockets import connect, staff_cookie, visitor_cookie

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def chat(hana):
    conversation = conversations.open_conversation(for_whom="self", minor="no", in_danger=False)
    queue.claim(conversation, hana)
    return conversation, visitor_cookie(conversation), staff_cookie(hana)


def test_claiming_as_a_client_is_not_allowed_not_an_os_error(robin):
    conversation = conversations.open_conversation(for_whom="self", minor="no", in_danger=False)
    with pytest.raises(NotAllowed) as refused:
        queue.claim(conversation, robin)
    assert refused.value.code == "not_allowed"
    assert not isinstance(refused.value, OSError)  # OSError used to mean "try again"
    assert isinstance(refused.value, PermissionDenied)  # views answer 403


def test_the_domains_refusals_have_their_codes():
    assert conversations.ConversationClosed().code == "ended"
    assert conversations.MessageTooLong().code == "too_long"
    assert conversations.PassphraseInMessage().code == "passphrase"
    assert conversations.EmptyMessage().code == "invalid"
    assert isinstance(transfers.NotYours(), NotAllowed)
    for refusal in (queue.AlreadyClaimed, queue.AtCapacity, queue.NotAvailable, queue.QueueFull):
        assert issubclass(refusal, Refused)


async def send(socket):
    message_id = str(uuid.uuid4())
    await socket.send_json_to({"type": "message.send", "id": message_id, "body": "hallo"})
    return await socket.receive_json_from(timeout=5)


async def test_a_claim_refused_in_a_handler_answers_not_allowed(chat, robin, monkeypatch):
    conversation, visitor_key, _ = chat

    def claim_as_client(conversation, *args):
        queue.claim(conversation, robin)

    monkeypatch.setattr(consumers, "_send", claim_as_client)
    visitor, _, _ = await connect(conversation, visitor_key)
    reply = await send(visitor)
    assert reply["code"] == "not_allowed"  # not "unavailable, try again"
    assert (await visitor.receive_output(timeout=5))["code"] == consumers.CLOSE_NOT_ALLOWED


async def test_a_refusal_keeps_its_own_code(chat, monkeypatch):
    conversation, visitor_key, _ = chat

    def refuse(*args):
        raise transfers.NotReachable

    monkeypatch.setattr(consumers, "_send", refuse)
    visitor, _, _ = await connect(conversation, visitor_key)
    assert (await send(visitor))["code"] == "not_reachable"
    await visitor.disconnect()


@pytest.mark.parametrize("bug", [KeyError("guest"), TypeError("bad call"), ValueError("oops")])
async def test_a_bug_in_a_handler_is_logged_and_answered_internal(chat, monkeypatch, caplog, bug):
    conversation, visitor_key, _ = chat

    def broken(*args):
        raise bug

    monkeypatch.setattr(consumers, "_send", broken)
    visitor, _, _ = await connect(conversation, visitor_key)
    with caplog.at_level(logging.ERROR, logger="chat.consumers"):
        reply = await send(visitor)
    assert reply["code"] == "internal"  # a TypeError or ValueError used to be "invalid"
    [record] = [r for r in caplog.records if r.name == "chat.consumers"]
    assert record.levelno == logging.ERROR and record.exc_info[1] is bug
    await visitor.send_json_to({"type": "resume", "after": 0})
    assert (await visitor.receive_json_from(timeout=5))["type"] == "resumed"  # still open
    await visitor.disconnect()


async def test_a_database_failure_is_still_unavailable(chat, monkeypatch):
    from django.db import OperationalError

    conversation, visitor_key, _ = chat

    def away(*args):
        raise OperationalError("server closed the connection")

    monkeypatch.setattr(consumers, "_send", away)
    visitor, _, _ = await connect(conversation, visitor_key)
    assert (await send(visitor))["code"] == "unavailable"
    await visitor.disconnect()
