"""common/broadcast.py: after commit, and never raising."""

import logging

import pytest
from channels.layers import get_channel_layer
from django.db import transaction

from accounts import sessions
from common import broadcast


@pytest.fixture
def sent(monkeypatch):
    sent = []

    async def group_send(group, message):
        sent.append((group, message))

    monkeypatch.setattr(get_channel_layer(), "group_send", group_send)
    return sent


def test_it_waits_for_the_commit(db, sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        broadcast.send_on_commit("g", {"type": "x"})
        assert sent == []
    assert sent == [("g", {"type": "x"})]


def test_nothing_is_sent_when_the_transaction_rolls_back(transactional_db, sent):
    with pytest.raises(RuntimeError), transaction.atomic():
        broadcast.send_on_commit("g", {"type": "x"})
        raise RuntimeError
    assert sent == []


def test_a_sessions_sockets_are_told_after_commit_too(db, sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        sessions.close_sockets("abc")
        assert sent == []
    assert sent == [(sessions.socket_group("abc"), {"type": "session.ended"})]


def test_a_layer_that_fails_is_logged_not_raised(monkeypatch, caplog):
    async def broken(group, message):
        raise ConnectionError("redis is away")

    monkeypatch.setattr(get_channel_layer(), "group_send", broken)
    with caplog.at_level(logging.WARNING, logger="common.broadcast"):
        broadcast.send("g", {"type": "x"})
    assert "did not reach the channel layer" in caplog.text
