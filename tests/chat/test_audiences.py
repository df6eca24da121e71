"""Who hears which event (chat/events.py): the domain names the audience, sockets deliver.

The privacy rule: the visitor never learns when the counsellor reads or types, and a
partner's guest hears no one's typing or reading.
"""

import uuid

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from chat import conversations, events, queue
from chat.events import Audience
from chat.models import Message
from tests.helpers.sockets import connect, staff_cookie, visitor_cookie

pytestmark = pytest.mark.django_db(transaction=True)

ROLES = [Message.Sender.VISITOR, Message.Sender.COUNSELLOR, Message.Sender.GUEST]


def claimed(counsellor):
    conversation = conversations.open_conversation(for_whom="self", minor="no", in_danger=False)
    return queue.claim(conversation, counsellor)


def test_typing_and_read_can_be_addressed_to_the_counsellor_only(hana):
    conversation = claimed(hana)
    for audience in (
        Audience.conversation(conversation),
        Audience.visitor(conversation),
        Audience(conversation.group_name, (Message.Sender.GUEST,)),
        Audience(conversation.group_name, (Message.Sender.COUNSELLOR, Message.Sender.VISITOR)),
    ):
        for event in ({"type": "typing"}, {"type": "read", "by": "visitor", "seq": 1}):
            with pytest.raises(ValueError, match="counsellor only"):
                events.send_on_commit(audience, event)


@pytest.mark.parametrize("role", ROLES)
def test_only_the_visitors_typing_and_reading_is_told_and_only_to_the_counsellor(hana, role):
    conversation = claimed(hana)
    for told in (events.typing(conversation, role), events.read(conversation, role, 3)):
        if role != Message.Sender.VISITOR:
            assert told is None
            continue
        group, message = told
        assert group == conversation.group_name
        reached = [r for r in ROLES if events.reaches(message, r, hana.pk)]
        assert reached == [Message.Sender.COUNSELLOR]


def test_an_audience_of_one_staff_member_reaches_no_one_else(hana, otto):
    conversation = claimed(hana)
    message = events.layer_message(
        Audience.counsellor(conversation, user=hana), events.transferred(), then_close=True
    )
    assert events.reaches(message, Message.Sender.COUNSELLOR, hana.pk)
    assert not events.reaches(message, Message.Sender.COUNSELLOR, otto.pk)
    assert not events.reaches(message, Message.Sender.VISITOR, None)
    assert message["close"] is True


def test_a_call_for_help_tells_supervisors_and_refreshes_counsellors(monkeypatch):
    sent = []

    async def group_send(group, message):
        sent.append((group, message))

    monkeypatch.setattr(get_channel_layer(), "group_send", group_send)
    events.help_requested_on_commit()
    supervisor = [m["event"] for _, m in sent if events.reaches(m, events.SUPERVISOR, 1)]
    counsellor = [m["event"] for _, m in sent if events.reaches(m, events.COUNSELLOR, 2)]
    assert supervisor == [{"type": "help.requested"}]
    assert counsellor == [{"type": "queue.changed"}]


async def test_a_visitors_socket_never_receives_typing_or_read(hana):
    """Whoever sends them: the counsellor's frames are dropped, the visitor's own reach the
    counsellor only, not the visitor's other tabs."""
    conversation = await database_sync_to_async(claimed)(hana)
    visitor_key = await database_sync_to_async(visitor_cookie)(conversation)
    hana_key = await database_sync_to_async(staff_cookie)(hana)
    visitor, _, _ = await connect(conversation, visitor_key)
    other_tab, _, _ = await connect(conversation, visitor_key)
    counsellor, _, _ = await connect(conversation, hana_key)
    await counsellor.send_json_to({"type": "typing"})
    await counsellor.send_json_to({"type": "read", "seq": 1})
    await visitor.send_json_to({"type": "typing"})
    assert await counsellor.receive_json_from(timeout=5) == {"type": "typing"}
    # A message proves the sockets are live and everything before it arrived; the visitor
    # then reads it (a read needs a message the socket was sent, docs/protocol.md).
    message_id = str(uuid.uuid4())
    await counsellor.send_json_to({"type": "message.send", "id": message_id, "body": "hoi"})
    for socket in (visitor, other_tab):
        frame = await socket.receive_json_from(timeout=5)
        assert frame["type"] == "message" and frame["body"] == "hoi"
    await visitor.send_json_to({"type": "read", "seq": frame["seq"]})
    kinds = []
    while "read" not in kinds:
        kinds.append((await counsellor.receive_json_from(timeout=5))["type"])
    assert "typing" not in kinds
    for socket in (visitor, other_tab):
        assert await socket.receive_nothing(timeout=0.2)
    for socket in (visitor, other_tab, counsellor):
        await socket.disconnect()
