"""What a staff page fetches when the queue socket says "changed" (issue 13, item 4): a small
piece with a capped list, whose cost does not grow with the queue."""

import uuid

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from chat import conversations, queue
from chat.models import Conversation
from tests.chat.test_views import waiting
from tests.conftest import log_in

REFRESH = "/medewerkers/wachtrij/?part=queue"
SHOWN = 15  # a counsellor sees the first 15 of each list


def fill(count, **intake):
    return [waiting(**intake) for _ in range(count)]


def left_messages(client, count):
    for _ in range(count):
        conversation = conversations.open_conversation(
            for_whom="self", minor="unsaid", in_danger=False, client=client, left_message=True
        )
        conversations.post_message(conversation, "visitor", "Bel me terug", uuid.uuid4(), client)


def test_the_refresh_is_the_queue_alone_with_a_capped_list(hana, robin):
    fill(60, in_danger=True)
    left_messages(robin, 30)
    response = log_in(Client(), hana).get(REFRESH)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "workspace__chats" not in html
    assert html.count("data-queue-item=") == 2 * SHOWN
    assert "Wachtende bezoekers: 60" in html
    assert "en nog 45 wachtende bezoekers" in html
    assert "en nog 15 berichten" in html
    assert len(response.content) < 25 * 1024  # bounded whatever the queue holds


def test_the_first_ones_shown_are_the_first_in_line(hana):
    calm = fill(20)
    urgent = waiting(in_danger=True)
    html = log_in(Client(), hana).get(REFRESH).content.decode()
    assert str(urgent.pk) in html
    assert str(calm[0].pk) in html and str(calm[-1].pk) not in html


def test_the_whole_workspace_lists_no_more_than_the_refresh(hana):
    fill(40)
    html = log_in(Client(), hana).get("/medewerkers/wachtrij/").content.decode()
    assert html.count("data-queue-item=") == SHOWN
    assert "Wachtende bezoekers: 40" in html


def test_the_refresh_costs_the_same_for_a_short_and_a_long_queue(hana):
    client = log_in(Client(), hana)
    fill(3)
    client.get(REFRESH)  # the first request also settles the session
    with CaptureQueriesContext(connection) as short:
        short_size = len(client.get(REFRESH).content)
    fill(57)
    with CaptureQueriesContext(connection) as long:
        long_size = len(client.get(REFRESH).content)
    assert len(long) == len(short)
    assert long_size < short_size + SHOWN * 1500


def test_the_refresh_keeps_the_workspace_online_and_names_chats_handed_over(hana, otto):
    conversation = waiting()
    queue.claim(conversation, otto)
    Conversation.objects.filter(pk=conversation.pk).update(counsellor=hana)
    html = log_in(Client(), hana).get(REFRESH).content.decode()
    assert f'data-held="{conversation.pk} "' in html
    assert hana.availability.seen_at is not None


def test_the_refresh_is_for_staff_only(db):
    assert Client().get(REFRESH).status_code == 302
