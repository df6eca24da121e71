"""Anonymous sessions that hold a chat live by the clients' limits: 30 minutes idle, 2 hours
at most, and the offer to keep an ended chat lasts minutes.

The attack: on a shared device the next person at the browser read an open chat back
through /chat/, or, after it ended, attached the whole transcript to a new account of their
own, because an anonymous session had no limit but the cookie's 12 hours.
"""

import datetime
import time
import uuid

import pytest
from channels.db import database_sync_to_async
from django.conf import settings
from django.test import Client

from accounts import sessions
from accounts.models import User
from chat import conversations, guests, queue, rechecks, saving
from chat.models import Conversation, OpeningHours
from tests.accounts.conftest import (
    cheap_argon2,  # noqa: F401  (fixture)
    create_account,
)
from tests.chat.test_views import INTAKE
from tests.helpers.sockets import connect, refusal


@pytest.fixture
def chat_open(db):
    for weekday in range(7):
        OpeningHours.objects.create(
            weekday=weekday, opens=datetime.time(0), closes=datetime.time(0)
        )


@pytest.fixture
def clock(monkeypatch):
    now = [time.time()]
    monkeypatch.setattr(sessions.time, "time", lambda: now[0])
    return now


def start_chat(browser):
    assert browser.post("/chat/", INTAKE).status_code == 302
    return Conversation.objects.get()


def shows(browser, conversation):
    return f'data-conversation="{conversation.pk}"' in browser.get("/chat/").content.decode()


def test_an_open_chat_left_idle_for_30_minutes_cannot_be_read_back(chat_open, clock):
    browser = Client()
    conversation = start_chat(browser)
    clock[0] += 29 * 60
    assert shows(browser, conversation)
    clock[0] += 31 * 60
    assert not shows(browser, conversation)  # the next person gets a fresh intake
    clock[0] -= 60 * 60
    assert not shows(browser, conversation)  # and it does not come back: the session is gone


def test_a_visitors_session_ends_after_two_hours_however_busy(chat_open, clock):
    browser = Client()
    conversation = start_chat(browser)
    for _ in range(7):  # every 15 minutes up to 1 h 45
        clock[0] += 15 * 60
        assert shows(browser, conversation)
    clock[0] += 16 * 60
    assert not shows(browser, conversation)


def end_and_offer(browser, hana):
    conversation = start_chat(browser)
    queue.claim(conversation, hana)
    conversations.end_conversation(conversation, by="counsellor")
    assert "Bewaar dit gesprek" in browser.get("/chat/").content.decode()
    return conversation


def test_the_offer_to_keep_an_ended_chat_expires_within_minutes(chat_open, hana, clock):
    browser = Client()
    end_and_offer(browser, hana)
    clock[0] += saving.OFFER_SECONDS + 1
    assert browser.post("/chat/bewaren/").headers["Location"] == "/chat/"


def test_a_late_new_account_does_not_get_the_transcript(chat_open, hana, clock):
    # The visitor clicked "keep" and walked away; the next person makes an account.
    browser = Client()
    conversation = end_and_offer(browser, hana)
    assert browser.post("/chat/bewaren/").headers["Location"] == "/account/nieuw/"
    clock[0] += saving.OFFER_SECONDS + 1
    create_account(browser)
    browser.get("/chat/bewaard/")
    assert User.objects.filter(role="client").exists()
    assert Conversation.objects.get(pk=conversation.pk).client is None


def test_a_new_account_made_in_time_keeps_the_chat(chat_open, hana, clock):
    browser = Client()
    conversation = end_and_offer(browser, hana)
    browser.post("/chat/bewaren/")
    clock[0] += 5 * 60
    create_account(browser)
    assert "Je gesprek staat in je account" in browser.get("/chat/bewaard/").content.decode()
    assert Conversation.objects.get(pk=conversation.pk).client == User.objects.get(role="client")


def test_a_guests_session_has_the_same_idle_limit(hana, clock):
    conversation = conversations.open_conversation(for_whom="self", minor="no", in_danger=False)
    queue.claim(conversation, hana)
    _, token = guests.invite(conversation, "Veilig Thuis", hana)
    browser = Client()
    assert browser.post(f"/chat/gast/{token}/").status_code == 302
    clock[0] += 29 * 60
    assert browser.get("/chat/gast/").status_code == 200
    clock[0] += 31 * 60
    assert browser.get("/chat/gast/").status_code == 410


# --- Over the socket ---------------------------------------------------------------------


def cookie(browser):
    return browser.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.fixture
def live_visitor(transactional_db, chat_open, hana):
    browser = Client()
    conversation = start_chat(browser)
    queue.claim(conversation, hana)
    return browser, conversation


async def say(socket, text):
    await socket.send_json_to({"type": "message.send", "id": str(uuid.uuid4()), "body": text})
    return await socket.receive_json_from(timeout=5)


async def test_chatting_over_the_socket_keeps_a_visitor_in_session(live_visitor, clock):
    browser, conversation = live_visitor
    visitor, ok, _ = await connect(conversation, cookie(browser))
    assert ok
    for minutes in (25, 25, 25):  # 75 minutes of chatting, no page loads
        clock[0] += minutes * 60
        assert (await say(visitor, f"na {minutes}"))["type"] == "ack"
        await visitor.receive_json_from(timeout=5)  # own message back
    await visitor.disconnect()
    assert await database_sync_to_async(shows)(browser, conversation)


async def test_a_visitors_socket_is_refused_after_two_hours(live_visitor, clock):
    browser, conversation = live_visitor
    visitor, ok, _ = await connect(conversation, cookie(browser))
    assert ok
    for _ in range(5):  # 2 h 5 min of chatting
        clock[0] += 25 * 60
        reply = await say(visitor, "nog steeds")
        if reply["type"] == "ack":
            await visitor.receive_json_from(timeout=5)
    assert reply == {**reply, "type": "error", "code": "not_allowed"}
    # The session is past its limits: 4401, so the page says to start again (docs/protocol.md).
    assert (await visitor.receive_output(timeout=5))["code"] == 4401
    assert await refusal(conversation, cookie(browser)) == 4401


async def test_an_idle_visitors_socket_closes_when_the_session_expires(
    live_visitor, clock, monkeypatch
):
    monkeypatch.setattr(rechecks, "RECHECK_SECONDS", 0.2)
    browser, conversation = live_visitor
    visitor, ok, _ = await connect(conversation, cookie(browser))
    assert ok
    assert await visitor.receive_nothing(timeout=0.5)  # re-checked, still fine
    clock[0] += 31 * 60
    assert await visitor.receive_output(timeout=5) == {"type": "websocket.close", "code": 4401}
