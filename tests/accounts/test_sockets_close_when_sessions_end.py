"""Every way a session or a user ends closes that user's sockets at once.

The attack: after the admin's log-out, or after an admin unticked a counsellor's "active",
the old chat socket kept sending, receiving and resuming the whole transcript for up to
HOC_WEBSOCKET_TIMEOUT (2 h). Now log-out, deactivation, a password or role change and the
session's idle expiry each close the sockets, and every socket checks its session and user
again about once a minute, for whatever the channel layer did not deliver.
"""

import json
import time
import uuid

import pytest
from channels.db import database_sync_to_async
from django.contrib.sessions.models import Session
from django.test import Client

from accounts import session_keys, sessions, staff
from accounts.models import User
from chat import conversations, queue, rechecks
from tests.accounts.test_staff_login import PASSWORD, enrol, log_in_with_password
from tests.conftest import log_in
from tests.helpers.sockets import connect, queue_socket, refusal, visitor_cookie

pytestmark = pytest.mark.django_db(transaction=True)

SESSION_ENDED = {"type": "websocket.close", "code": 4401}


@pytest.fixture
def admin():
    return User.objects.create_superuser("ada", password="x" * 20, role=User.Role.ADMIN)


@pytest.fixture
def admin_browser(admin):
    return log_in(Client(), admin)


@pytest.fixture
def chat(hana):
    conversation = conversations.open_conversation(for_whom="self", minor="no", in_danger=False)
    queue.claim(conversation, hana)
    conversations.post_message(conversation, "visitor", "wat niemand mag lezen", uuid.uuid4())
    hana_browser = log_in(Client(), hana)
    return conversation, hana_browser


def key_of(browser):
    return browser.session.session_key


async def closed(communicator):
    """The next thing the server does on this socket (a close, we expect)."""
    return await communicator.receive_output(timeout=5)


async def still_works(conversation, key):
    """Whether this cookie still opens the conversation and reads its history back."""
    communicator, ok, _ = await connect(conversation, key)
    if not ok:
        return False
    await communicator.send_json_to({"type": "resume", "after": 0})
    output = await communicator.receive_output(timeout=5)
    if output["type"] == "websocket.close":  # refused: accepted, then closed at once
        return False
    await communicator.disconnect()
    return json.loads(output["text"]).get("body") == "wat niemand mag lezen"


def change_in_admin(admin_browser, user, **changes):
    """Save the user's change form in /beheer/ as an admin would, with `changes` applied."""
    data = {
        "username": user.username,
        "first_name": "",
        "last_name": "",
        "email": "",
        "is_active": "on",
        "role": user.role,
        "date_joined_0": "2025-01-01",
        "date_joined_1": "00:00:00",
        "last_login_0": "",
        "last_login_1": "",
    }
    for name, value in changes.items():
        if value is None:
            data.pop(name)
        else:
            data[name] = value
    response = admin_browser.post(f"/beheer/accounts/user/{user.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]


@pytest.fixture
def admins_chat(admin):
    conversation = conversations.open_conversation(for_whom="self", minor="no", in_danger=False)
    return queue.claim(conversation, admin)


async def test_the_admins_log_out_closes_the_admins_sockets(admins_chat, admin_browser):
    own = admins_chat
    key = await database_sync_to_async(key_of)(admin_browser)
    chat_socket, ok, _ = await connect(own, key)
    listener, ok2, _ = await queue_socket(key)
    assert ok and ok2
    response = await database_sync_to_async(admin_browser.post)("/beheer/logout/")
    assert response.status_code == 200
    assert await closed(chat_socket) == SESSION_ENDED
    assert await closed(listener) == SESSION_ENDED
    assert await refusal(own, key) == 4401  # the session is gone


async def test_deactivating_a_counsellor_in_the_admin_closes_their_sockets(
    chat, hana, admin_browser
):
    conversation, hana_browser = chat
    key = await database_sync_to_async(key_of)(hana_browser)
    chat_socket, ok, _ = await connect(conversation, key)
    listener, ok2, _ = await queue_socket(key)
    assert ok and ok2
    await database_sync_to_async(change_in_admin)(admin_browser, hana, is_active=None)
    assert await closed(chat_socket) == SESSION_ENDED
    assert await closed(listener) == SESSION_ENDED
    assert not await still_works(conversation, key)


@pytest.fixture
def bo():
    """A counsellor who logged in for real: password, then TOTP (which gives a new key)."""
    user = staff.create_staff("bo", User.Role.COUNSELLOR, PASSWORD)
    browser = Client()
    log_in_with_password(browser, "bo")
    enrol(browser, user)
    conversation = conversations.open_conversation(for_whom="self", minor="no", in_danger=False)
    queue.claim(conversation, user)
    conversations.post_message(conversation, "visitor", "wat niemand mag lezen", uuid.uuid4())
    return user, browser, conversation


async def test_a_deactivated_counsellors_sessions_end_for_good(bo, admin_browser):
    user, browser, conversation = bo
    key = await database_sync_to_async(key_of)(browser)
    assert await still_works(conversation, key)
    await database_sync_to_async(change_in_admin)(admin_browser, user, is_active=None)
    await database_sync_to_async(change_in_admin)(admin_browser, user)  # active again
    assert not await still_works(conversation, key)  # the old cookie stays worthless
    page = await database_sync_to_async(browser.get)("/medewerkers/")
    assert page.status_code == 302


async def test_changing_a_counsellors_role_closes_their_sockets(chat, hana, admin_browser):
    conversation, hana_browser = chat
    key = await database_sync_to_async(key_of)(hana_browser)
    chat_socket, ok, _ = await connect(conversation, key)
    assert ok
    await database_sync_to_async(change_in_admin)(admin_browser, hana, role="client")
    assert await closed(chat_socket) == SESSION_ENDED
    assert not await still_works(conversation, key)


async def test_a_new_password_set_in_the_admin_closes_the_old_sessions_sockets(
    chat, hana, admin_browser
):
    conversation, hana_browser = chat
    key = await database_sync_to_async(key_of)(hana_browser)
    chat_socket, ok, _ = await connect(conversation, key)
    assert ok
    new_password = "another long enough password"
    response = await database_sync_to_async(admin_browser.post)(
        f"/beheer/accounts/user/{hana.pk}/password/",
        {"password1": new_password, "password2": new_password},
    )
    assert response.status_code == 302
    assert await closed(chat_socket) == SESSION_ENDED
    assert not await still_works(conversation, key)


async def test_a_client_logging_out_closes_their_sockets(robin):
    conversation = await database_sync_to_async(conversations.open_conversation)(
        for_whom="self", minor="no", in_danger=False, client=robin
    )
    browser = await database_sync_to_async(log_in)(Client(), robin)
    key = await database_sync_to_async(key_of)(browser)
    socket, ok, _ = await connect(conversation, key)
    assert ok
    await database_sync_to_async(browser.post)("/account/uitloggen/")
    assert await closed(socket) == SESSION_ENDED


# --- The periodic re-check: for what no event announces, or an event the layer lost ----


@pytest.fixture
def quick_rechecks(monkeypatch):
    monkeypatch.setattr(rechecks, "RECHECK_SECONDS", 0.2)


@pytest.fixture
def clock(monkeypatch):
    now = [time.time()]
    monkeypatch.setattr(sessions.time, "time", lambda: now[0])
    return now


async def test_an_idle_counsellors_socket_closes_when_the_session_expires(
    chat, quick_rechecks, clock
):
    conversation, hana_browser = chat
    key = await database_sync_to_async(key_of)(hana_browser)
    chat_socket, ok, _ = await connect(conversation, key)
    listener, ok2, _ = await queue_socket(key)
    assert ok and ok2
    assert await chat_socket.receive_nothing(timeout=0.5)  # re-checked, still fine
    clock[0] += 31 * 60  # nothing sent, no page loaded: idle
    assert await closed(chat_socket) == SESSION_ENDED
    assert await closed(listener) == SESSION_ENDED


async def test_a_session_deleted_without_a_word_closes_its_socket(chat, quick_rechecks):
    # As if the channel layer lost the log-out's message (the PubSub layer delivers at
    # most once): the re-check finds the session gone.
    conversation, hana_browser = chat
    key = await database_sync_to_async(key_of)(hana_browser)
    chat_socket, ok, _ = await connect(conversation, key)
    assert ok
    await database_sync_to_async(Session.objects.filter(session_key=key).delete)()
    assert await closed(chat_socket) == SESSION_ENDED


async def test_a_user_deactivated_without_a_signal_loses_the_socket(chat, hana, quick_rechecks):
    conversation, hana_browser = chat
    key = await database_sync_to_async(key_of)(hana_browser)
    chat_socket, ok, _ = await connect(conversation, key)
    assert ok
    await database_sync_to_async(User.objects.filter(pk=hana.pk).update)(is_active=False)
    assert await closed(chat_socket) == SESSION_ENDED


async def test_a_visitor_whose_session_let_go_of_the_chat_loses_the_socket(chat, quick_rechecks):
    conversation, _ = chat
    key = await database_sync_to_async(visitor_cookie)(conversation)
    visitor, ok, _ = await connect(conversation, key)
    assert ok

    def forget():
        store = Session.objects.get(session_key=key)
        data = store.get_decoded()
        data.pop(session_keys.CONVERSATION)
        Session.objects.save(key, data, store.expire_date)

    await database_sync_to_async(forget)()
    assert await closed(visitor) == SESSION_ENDED


async def test_deleting_a_counsellor_in_the_admin_closes_their_sockets(chat, hana, admin_browser):
    conversation, hana_browser = chat
    key = await database_sync_to_async(key_of)(hana_browser)
    listener, ok, _ = await queue_socket(key)
    assert ok
    response = await database_sync_to_async(admin_browser.post)(
        f"/beheer/accounts/user/{hana.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert await closed(listener) == SESSION_ENDED
