"""Two Daphne processes, one conversation: Redis carries the message across (scale-out)."""

import asyncio
import json
import os
import uuid

import pytest
import websockets
from django.conf import settings
from django.db import connection
from django.test import Client

from accounts import session_keys, staff
from accounts.models import User
from chat import conversations, queue
from tests.conftest import log_in, skip_or_fail
from tests.e2e.conftest import free_port, start_daphne, stop_daphne

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def two_servers(django_db_setup, tmp_path):
    if connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"):
        skip_or_fail("scale-out needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL)")
    ports = [free_port(), free_port()]
    processes = [start_daphne(port, tmp_path / f"daphne-{port}.log") for port in ports]
    yield ports
    for process in processes:
        stop_daphne(process)


async def socket_on(port, conversation, cookie):
    return await websockets.connect(
        f"ws://127.0.0.1:{port}/ws/chat/{conversation.pk}/",
        additional_headers={
            "Origin": f"http://127.0.0.1:{port}",
            "Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}",
        },
    )


async def next_frame(ws, kind):
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), timeout=10))
        if frame["type"] == kind:
            return frame


def test_a_message_sent_to_one_process_reaches_a_socket_on_the_other(two_servers):
    port_a, port_b = two_servers
    counsellor = staff.create_staff("hana", User.Role.COUNSELLOR, "een lang genoeg wachtwoord")
    conversation = conversations.open_conversation(for_whom="self", minor="no", in_danger=False)
    queue.claim(conversation, counsellor)
    visitor = Client()
    session = visitor.session
    session[session_keys.CONVERSATION] = str(conversation.pk)
    session.save()
    visitor_cookie = session.session_key
    counsellor_cookie = log_in(Client(), counsellor).session.session_key

    async def exchange():
        on_a = await socket_on(port_a, conversation, visitor_cookie)
        on_b = await socket_on(port_b, conversation, counsellor_cookie)
        try:
            await on_b.send(json.dumps({"type": "resume", "after": 0}))
            await next_frame(on_b, "resumed")  # subscribed on B before A sends
            message_id = str(uuid.uuid4())
            await on_a.send(json.dumps({"type": "message.send", "id": message_id, "body": "via A"}))
            ack = await next_frame(on_a, "ack")
            arrived = await next_frame(on_b, "message")
            reply_id = str(uuid.uuid4())
            await on_b.send(json.dumps({"type": "message.send", "id": reply_id, "body": "via B"}))
            back = await next_frame(on_a, "message")
            while back["id"] != reply_id:
                back = await next_frame(on_a, "message")
            return ack, arrived, back
        finally:
            await on_a.close()
            await on_b.close()

    ack, arrived, back = asyncio.run(exchange())
    assert ack["seq"] == 1
    assert (arrived["body"], arrived["seq"], arrived["from"]) == ("via A", 1, "visitor")
    assert (back["body"], back["from"]) == ("via B", "counsellor")
