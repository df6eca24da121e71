"""What the workspace's actions do to live sockets: transfer and the help signal."""

import pytest
from channels.db import database_sync_to_async
from django.test import Client

from chat import availability, conversations, help_requests, queue, transfers
from tests.conftest import log_in
from tests.helpers.sockets import connect, queue_socket, refusal, staff_cookie, visitor_cookie

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def live_chat(hana):
    conversation = conversations.open_conversation(for_whom="self", minor="no", in_danger=False)
    queue.claim(conversation, hana)
    return conversation, visitor_cookie(conversation), staff_cookie(hana)


async def test_a_transfer_closes_the_old_counsellors_socket_and_tells_the_visitor(live_chat, sam):
    conversation, visitor_key, hana_key = live_chat
    visitor, _, _ = await connect(conversation, visitor_key)
    old, _, _ = await connect(conversation, hana_key)
    hana = await database_sync_to_async(lambda: conversation.counsellor)()

    def hand_over():
        availability.note_seen(hana)
        availability.note_seen(sam)
        transfers.transfer(conversation, hana, sam, "let op")

    await database_sync_to_async(hand_over)()
    seen_by_visitor = await visitor.receive_json_from(timeout=5)
    assert seen_by_visitor["type"] == "message" and seen_by_visitor["from"] == "system"
    assert await visitor.receive_nothing(timeout=0.3)  # no word of who or why
    frames = [await old.receive_output(timeout=5) for _ in range(3)]
    kinds = [f["type"] for f in frames]
    assert kinds[-1] == "websocket.close" and frames[-1]["code"] == 4403
    assert '"transferred"' in "".join(f.get("text", "") for f in frames)
    # The colleague can now connect; the old counsellor cannot.
    new, ok, _ = await connect(conversation, await database_sync_to_async(staff_cookie)(sam))
    assert ok and await refusal(conversation, hana_key) == 4403
    await visitor.disconnect()
    await new.disconnect()


async def test_only_supervisors_hear_a_call_for_help(live_chat, sam):
    conversation, _, hana_key = live_chat
    sam_key = await database_sync_to_async(lambda: log_in(Client(), sam).session.session_key)()
    supervisor, ok, _ = await queue_socket(sam_key)
    counsellor, ok2, _ = await queue_socket(hana_key)
    assert ok and ok2
    hana = await database_sync_to_async(lambda: conversation.counsellor)()
    await database_sync_to_async(help_requests.request_help)(conversation, hana)
    assert await supervisor.receive_json_from(timeout=5) == {"type": "help.requested"}
    assert await counsellor.receive_json_from(timeout=5) == {"type": "queue.changed"}
    await supervisor.disconnect()
    await counsellor.disconnect()
