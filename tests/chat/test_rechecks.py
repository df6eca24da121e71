"""A process re-checks its open sockets together (chat/rechecks.py).

One socket at a time, a re-check cost about three statements and a Redis SET each: at
10,000 idle sockets half a server core. Together, a round costs the same few statements
for two sockets or forty, and still gives every socket its own answer: the one whose
session ended closes, the others stay open and keep working.
"""

import time
import uuid

import pytest
from channels.db import database_sync_to_async
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import OperationalError
from django.test import Client

from accounts import session_keys, sessions
from accounts.models import User
from chat import conversations, leaving, observers, queue, rechecks
from common.refusals import Refused
from tests.conftest import log_in
from tests.helpers.sockets import connect, queue_socket, staff_cookie, visitor_cookie

SESSION_ENDED = {"type": "websocket.close", "code": 4401}


def counsellor(name):
    return User.objects.create_user(username=name, role=User.Role.COUNSELLOR)


def claimed_chat(by):
    conversation = conversations.open_conversation(for_whom="self", minor="no", in_danger=False)
    queue.claim(conversation, by)
    return conversation


def stored(key):
    """A session as a socket holds it: read at its connect."""
    session = SessionStore(key)
    session.load()
    return session


def visitor_key(conversation):
    """A visitor's session whose clocks started, as the socket's connect leaves it."""
    key = visitor_cookie(conversation)
    sessions.ensure_clocks(stored(key), _anonymous(), save=True)
    return key


def checks_for(count, prefix):
    """The Checks of `count` chats' two sockets, the visitor's and the counsellor's, and of
    one queue socket per counsellor."""
    checks = []
    for i in range(count):
        staff_member = counsellor(f"{prefix}{i}")
        conversation = claimed_chat(staff_member)
        staff_key = staff_cookie(staff_member)
        checks += [
            rechecks.Check(_anonymous(), stored(visitor_key(conversation)), conversation.pk, True),
            rechecks.Check(staff_member, stored(staff_key), conversation.pk),
            rechecks.Check(staff_member, stored(staff_key)),
        ]
    return checks


def _anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


@pytest.mark.django_db
def test_a_round_costs_the_same_statements_for_two_chats_or_twenty(
    django_assert_num_queries,
):
    # Sessions, users, staff devices, conversations: one statement each.
    few, many = checks_for(2, "few"), checks_for(20, "many")
    with django_assert_num_queries(4):
        outcomes = rechecks.check_all(few)
    assert not any(isinstance(o, Refused) for o in outcomes)
    with django_assert_num_queries(4):
        outcomes = rechecks.check_all(many)
    assert not any(isinstance(o, Refused) for o in outcomes)
    assert len(outcomes) == 60


@pytest.mark.django_db
def test_every_socket_in_a_round_gets_its_own_answer(hana, otto, robin):
    mine, others = claimed_chat(hana), claimed_chat(otto)
    fine_key, deleted_key, let_go_key = (visitor_key(mine) for _ in range(3))
    Session.objects.filter(session_key=deleted_key).delete()
    let_go = Session.objects.get(session_key=let_go_key)
    data = let_go.get_decoded()
    data.pop(session_keys.CONVERSATION)
    asked_for = stored(let_go_key)  # the socket's copy still holds the chat
    Session.objects.save(let_go_key, data, let_go.expire_date)
    hana_key = staff_cookie(hana)
    unverified_key = staff_cookie(hana, verified=False)
    deactivated = counsellor("weg")
    deactivated_key = staff_cookie(deactivated)
    User.objects.filter(pk=deactivated.pk).update(is_active=False)
    client_key = log_in(Client(), robin).session.session_key
    anonymous = _anonymous()
    cases = {
        "visitor": rechecks.Check(anonymous, stored(fine_key), mine.pk, True),
        "visitor, session deleted": rechecks.Check(anonymous, SessionStore(deleted_key), mine.pk),
        "visitor, let go of the chat": rechecks.Check(anonymous, asked_for, mine.pk, True),
        "visitor, another chat": rechecks.Check(anonymous, stored(fine_key), others.pk, True),
        "counsellor": rechecks.Check(hana, stored(hana_key), mine.pk),
        "counsellor, not past TOTP": rechecks.Check(hana, stored(unverified_key), mine.pk),
        "counsellor, someone else's chat": rechecks.Check(hana, stored(hana_key), others.pk),
        "counsellor, deactivated": rechecks.Check(deactivated, stored(deactivated_key)),
        "queue, counsellor": rechecks.Check(hana, stored(hana_key)),
        "queue, a client": rechecks.Check(robin, stored(client_key)),
    }
    outcomes = dict(zip(cases, rechecks.check_all(list(cases.values())), strict=True))
    passed = {name for name, outcome in outcomes.items() if not isinstance(outcome, Refused)}
    assert passed == {"visitor", "counsellor", "queue, counsellor"}
    # A socket that passes works with its session as stored now.
    assert outcomes["visitor"].get(session_keys.CONVERSATION) == str(mine.pk)
    # Only a visitor's page that passed counts as present (chat/leaving.py).
    later = time.time() + 10**6
    assert leaving.is_gone(mine.pk, now=later)
    assert not leaving.is_gone(others.pk, now=later)  # never noted


def test_one_socket_checked_alone_gets_the_same_answer_as_in_a_round(db, hana):
    conversation = claimed_chat(hana)
    key = visitor_key(conversation)
    assert sessions.stored_session(stored(key), _anonymous()).get(session_keys.CONVERSATION) == str(
        conversation.pk
    )
    Session.objects.filter(session_key=key).delete()
    with pytest.raises(Refused):
        sessions.stored_session(stored(key), _anonymous())


# --- In a running process ----------------------------------------------------------------


@pytest.fixture
def quick_rechecks(monkeypatch):
    monkeypatch.setattr(rechecks, "RECHECK_SECONDS", 0.2)


async def acked(socket):
    sent = str(uuid.uuid4())
    await socket.send_json_to({"type": "message.send", "id": sent, "body": "nog hier"})
    while True:
        frame = await socket.receive_json_from(timeout=5)
        if frame["type"] == "ack":
            return frame["id"] == sent


@pytest.mark.django_db(transaction=True)
async def test_a_round_closes_only_the_socket_whose_session_ended(hana, otto, quick_rechecks):
    first = await database_sync_to_async(claimed_chat)(otto)
    second = await database_sync_to_async(claimed_chat)(hana)
    first_key = await database_sync_to_async(visitor_cookie)(first)
    second_key = await database_sync_to_async(visitor_cookie)(second)
    hana_key = await database_sync_to_async(staff_cookie)(hana)
    ending, ok1, _ = await connect(first, first_key)
    staying, ok2, _ = await connect(second, second_key)
    counsellor_socket, ok3, _ = await connect(second, hana_key)
    listener, ok4, _ = await queue_socket(hana_key)
    assert ok1 and ok2 and ok3 and ok4
    await database_sync_to_async(Session.objects.filter(session_key=first_key).delete)()
    assert await ending.receive_output(timeout=5) == SESSION_ENDED
    # Several rounds later the others are still open, and still work.
    assert await listener.receive_nothing(timeout=0.6)
    assert await acked(staying)
    assert await acked(counsellor_socket)
    for socket in (staying, counsellor_socket, listener):
        await socket.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_round_without_the_database_keeps_the_sockets_and_asks_again(
    hana, quick_rechecks, monkeypatch
):
    conversation = await database_sync_to_async(claimed_chat)(hana)
    key = await database_sync_to_async(visitor_cookie)(conversation)
    real, failed = rechecks.check_all, []

    def unreachable_at_first(checks):
        if len(failed) < 3:
            failed.append(len(checks))
            raise OperationalError("connection refused")
        return real(checks)

    monkeypatch.setattr(rechecks, "check_all", unreachable_at_first)
    visitor, ok, _ = await connect(conversation, key)
    assert ok
    await database_sync_to_async(Session.objects.filter(session_key=key).delete)()
    # Open through three failed rounds (a database that is down ended no session); the
    # round after finds the session gone.
    assert await visitor.receive_output(timeout=5) == SESSION_ENDED
    assert failed == [1, 1, 1]


@pytest.mark.django_db(transaction=True)
async def test_a_round_that_fails_for_a_bug_closes_its_sockets_and_logs_it(
    hana, quick_rechecks, monkeypatch, caplog
):
    conversation = await database_sync_to_async(claimed_chat)(hana)
    key = await database_sync_to_async(visitor_cookie)(conversation)

    def broken(checks):
        raise KeyError("a bug")

    monkeypatch.setattr(rechecks, "check_all", broken)
    visitor, ok, _ = await connect(conversation, key)
    assert ok
    # Fail closed: the page reconnects and is checked afresh.
    assert await visitor.receive_output(timeout=5) == {"type": "websocket.close", "code": 1011}
    assert "Socket re-check failed" in caplog.text


@pytest.mark.django_db(transaction=True)
async def test_a_socket_whose_answer_cannot_be_applied_is_closed_not_left_unchecked(
    hana, quick_rechecks, monkeypatch, caplog
):
    conversation = await database_sync_to_async(claimed_chat)(hana)
    key = await database_sync_to_async(visitor_cookie)(conversation)
    visitor, ok, _ = await connect(conversation, key)
    assert ok

    def broken(session, conversation_id):
        raise KeyError("a bug")

    # The socket's own part of the answer (the live-look grant it reads from the session).
    monkeypatch.setattr(observers, "grant_until", broken)
    assert await visitor.receive_output(timeout=5) == {"type": "websocket.close", "code": 1011}
    assert "Applying a socket's re-check failed" in caplog.text
