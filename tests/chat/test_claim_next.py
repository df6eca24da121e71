"""'Volgende aannemen' (chat/queue.py claim_next): the first chat this counsellor may take,
in the order the workspace lists them, taken with one statement."""

import threading

import pytest
from django.db import connection
from django.test import Client

from accounts.models import User
from audit.models import AuditEntry
from chat import availability, conversations, queue
from chat.models import Availability, ContactRecord, Conversation
from tests.chat.test_views import chat_open  # noqa: F401 (fixture)
from tests.conftest import log_in, skip_or_fail


@pytest.fixture(autouse=True)
def room(settings):
    settings.COUNSELLOR_CAPACITY = 100  # the tests are about the order, not the limit


def available(*users, capacity=100):
    for user in users:
        availability.set_status(user, Availability.Status.AVAILABLE)
        availability.set_capacity(user, capacity)


def waiting_chat(in_danger=False, **kwargs):
    return conversations.open_conversation(
        for_whom="self", minor="no", in_danger=in_danger, **kwargs
    )


@pytest.fixture
def staff(db):
    make = User.objects.create_user
    hana = make(username="hana", role=User.Role.COUNSELLOR)
    otto = make(username="otto", role=User.Role.COUNSELLOR)
    sam = make(username="sam", role=User.Role.SUPERVISOR)
    available(hana, otto, sam)
    return hana, otto, sam


def test_next_takes_danger_first_then_a_client_who_asked_for_you_then_arrival(robin, staff):
    hana, otto, _ = staff
    first_come = waiting_chat()
    for_otto = waiting_chat(
        client=robin, asked_for=otto, asked_because=Conversation.AskedBecause.ASKED
    )
    for_hana = waiting_chat(
        client=robin, asked_for=hana, asked_because=Conversation.AskedBecause.ASKED
    )
    danger = waiting_chat(in_danger=True)
    taken = [queue.claim_next(hana) for _ in range(3)]
    assert [c.pk for c in taken] == [danger.pk, for_hana.pk, first_come.pk]
    assert all(c.state == Conversation.State.ACTIVE and c.counsellor == hana for c in taken)
    # What is left waits for otto: not hana's to take with "next".
    with pytest.raises(queue.NobodyWaiting):
        queue.claim_next(hana)
    assert queue.claim_next(otto).pk == for_otto.pk


def test_the_chat_taken_next_comes_back_whole_and_counts_as_answered(
    staff, django_assert_max_num_queries
):
    hana, _, _ = staff
    chat = waiting_chat(topic="mijn broer is nog binnen", language=Conversation.Language.ENGLISH)
    # Eight statements: the limits' two reads, the UPDATE that also returns the row, one
    # UPDATE of the contact record, the online span, the audit entry, begin and commit.
    with django_assert_max_num_queries(8):
        taken = queue.claim_next(hana)
    assert taken.pk == chat.pk and taken.topic == "mijn broer is nog binnen"
    assert taken.language == Conversation.Language.ENGLISH
    assert (taken.state, taken.counsellor, taken.claimed_at) == (
        Conversation.State.ACTIVE,
        hana,
        Conversation.objects.get(pk=chat.pk).claimed_at,
    )
    record = ContactRecord.objects.get(conversation=chat)
    assert record.result == ContactRecord.Result.ANSWERED and record.wait_seconds is not None
    assert AuditEntry.objects.filter(
        conversation_id=chat.pk, action=AuditEntry.Action.CONVERSATION_CLAIMED, actor_id=hana.pk
    ).exists()


def test_next_leaves_a_colleagues_reservation_also_to_a_supervisor(robin, staff):
    hana, _, sam = staff
    waiting_chat(client=robin, asked_for=hana, asked_because=Conversation.AskedBecause.ASKED)
    with pytest.raises(queue.NobodyWaiting):
        queue.claim_next(sam)


def test_next_keeps_the_counsellors_own_limits(staff, settings):
    hana, _, _ = staff
    waiting_chat()
    availability.set_status(hana, Availability.Status.BUSY)
    with pytest.raises(queue.NotAvailable):
        queue.claim_next(hana)
    available(hana, capacity=1)
    queue.claim_next(hana)
    waiting_chat()
    with pytest.raises(queue.AtCapacity):
        queue.claim_next(hana)


def test_the_workspace_button_opens_the_next_chat_or_says_nobody_waits(staff):
    hana, _, _ = staff
    browser = log_in(Client(), hana)
    page = browser.get("/medewerkers/wachtrij/").content.decode()
    assert "Volgende aannemen" not in page  # nobody waits
    chat = waiting_chat()
    page = browser.get("/medewerkers/wachtrij/").content.decode()
    assert "Volgende aannemen" in page
    answer = browser.post("/medewerkers/wachtrij/volgende/")
    assert answer.status_code == 302 and str(chat.pk) in answer["Location"]
    answer = browser.post("/medewerkers/wachtrij/volgende/", follow=True)
    assert "Er wacht nu niemand die jij kunt aannemen." in answer.content.decode()


def test_the_next_button_is_staff_only(robin, chat_open):  # noqa: F811
    answer = log_in(Client(), robin).post("/medewerkers/wachtrij/volgende/")
    assert answer.status_code in (302, 403)
    assert not Conversation.objects.filter(state=Conversation.State.ACTIVE).exists()


@pytest.mark.django_db(transaction=True)
def test_fifty_counsellors_pressing_next_each_get_their_own_chats():
    if connection.vendor != "postgresql":
        skip_or_fail("SKIP LOCKED needs PostgreSQL (DATABASE_URL)")
    counsellors = [User.objects.create_user(f"n{i}", role=User.Role.COUNSELLOR) for i in range(50)]
    available(*counsellors)
    chats = {waiting_chat().pk for _ in range(150)}
    barrier = threading.Barrier(len(counsellors))
    taken, refused = [], []

    def press(counsellor):
        barrier.wait()
        try:
            while True:
                try:
                    taken.append((queue.claim_next(counsellor).pk, counsellor.pk))
                except queue.NobodyWaiting:
                    return
                except Exception as e:  # noqa: BLE001 - any other answer fails the test
                    refused.append(e)
                    return
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=(c,)) for c in counsellors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert refused == []
    assert sorted(pk for pk, _ in taken) == sorted(chats)  # each chat once, none left
    stored = dict(Conversation.objects.filter(pk__in=chats).values_list("pk", "counsellor_id"))
    assert stored == dict(taken)
