"""Idle and absolute session limits per role (docs/security.md)."""

import time

import pytest
from django.test import Client

from accounts import sessions
from tests.accounts.conftest import create_account


@pytest.fixture
def clock(monkeypatch):
    now = [time.time()]
    monkeypatch.setattr(sessions.time, "time", lambda: now[0])
    return now


def test_a_client_idle_for_31_minutes_is_logged_out(db, clock):
    client = Client()
    create_account(client)
    clock[0] += 29 * 60
    assert client.get("/account/").status_code == 200
    clock[0] += 31 * 60
    assert client.get("/account/").status_code == 302


def test_a_busy_client_session_ends_after_two_hours(db, clock):
    client = Client()
    create_account(client)
    for _ in range(9):  # every 15 minutes, past two hours
        clock[0] += 15 * 60
        last = client.get("/account/").status_code
    assert last == 302


def test_staff_sessions_last_a_shift(hana, clock):
    client = Client()
    client.force_login(hana)
    request_session = client.session
    request_session[sessions.STARTED] = clock[0]
    request_session[sessions.SEEN] = clock[0]
    request_session.save()
    for _ in range(11 * 4):
        clock[0] += 15 * 60
        client.get("/")
    assert "_auth_user_id" in client.session
    for _ in range(5):
        clock[0] += 15 * 60
        client.get("/")
    assert "_auth_user_id" not in client.session
