"""Concurrent claims on PostgreSQL: never two winners."""

import threading

import pytest
from django.db import connection

from accounts.models import User
from chat import conversations, queue
from chat.models import Conversation
from tests.conftest import skip_or_fail


@pytest.mark.django_db(transaction=True)
def test_twenty_counsellors_racing_for_one_chat_give_one_winner():
    if connection.vendor != "postgresql":
        skip_or_fail("concurrent claims need PostgreSQL (DATABASE_URL)")
    counsellors = [User.objects.create_user(f"c{i}", role=User.Role.COUNSELLOR) for i in range(20)]
    conversation = conversations.open_conversation(for_whom="self", minor="no", in_danger=False)
    barrier = threading.Barrier(len(counsellors))
    outcomes = []

    def race(counsellor):
        barrier.wait()
        try:
            queue.claim(Conversation.objects.get(pk=conversation.pk), counsellor)
            outcomes.append("won")
        except queue.AlreadyClaimed:
            outcomes.append("lost")
        finally:
            connection.close()

    threads = [threading.Thread(target=race, args=(c,)) for c in counsellors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["lost"] * 19 + ["won"]
    assert Conversation.objects.get(pk=conversation.pk).counsellor in counsellors
