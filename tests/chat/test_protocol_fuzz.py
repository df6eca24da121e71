"""Random frames against the conversation socket (docs/protocol.md): no crash, no leak.

Hypothesis sends random frames (text, bytes, JSON of every shape, any type, huge and
negative numbers, NaN and Infinity, lone surrogates, over-long bodies, other
conversations' ids) from both sides of conversation A through `hoc.asgi.application`,
while conversation B has its own visitor and counsellor listening. Every frame must be
answered by the protocol (an error frame at worst), never by an unhandled exception or a
close the protocol does not name, and nothing from A may reach B's sockets, nor anything of
B reach A's.
"""

import json
import uuid

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from chat import consumers, conversations, queue, socket_limits
from chat.models import Message
from tests.helpers.sockets import connect as consumer_connect
from tests.helpers.sockets import queue_socket, staff_cookie, visitor_cookie

pytestmark = pytest.mark.django_db(transaction=True)

SECRET_OF_B = "geheim-van-gesprek-B-7f3a"
SERVER_TYPES = {"message", "ack", "resumed", "event", "typing", "read", "error"}
ERROR_CODES = {
    "bad_json",
    "unknown_type",
    "invalid",
    "too_long",
    "rate_limited",
    "ended",
    "passphrase",
    "not_allowed",
    "unavailable",
}
FUZZ = hypothesis_settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def new_chat(counsellor):
    conversation = conversations.open_conversation(for_whom="self", minor="no", in_danger=False)
    queue.claim(conversation, counsellor)
    return conversation, visitor_cookie(conversation)


async def connect(conversation, cookie):
    communicator, connected, code = await consumer_connect(conversation, cookie)
    assert connected, code
    return communicator


async def drain(communicator, timeout=0.15):
    """Everything the socket sent until it falls silent; re-raises a consumer's crash."""
    out = []
    # receive_nothing, unlike a timed-out receive_output, leaves the application running.
    while not await communicator.receive_nothing(timeout=timeout, interval=0.01):
        out.append(await communicator.receive_output())
    return out


@pytest.fixture
def world(hana, otto):
    """Conversation B with a secret in it, and a counsellor for a fresh A per example."""
    b, b_visitor = new_chat(otto)
    conversations.post_message(b, Message.Sender.VISITOR, SECRET_OF_B, uuid.uuid4())
    hana_key = staff_cookie(hana)
    otto_key = staff_cookie(otto)
    b_message = b.messages.get()
    return {
        "hana": hana,
        "hana_key": hana_key,
        "b": b,
        "b_keys": (b_visitor, otto_key),
        "b_ids": [str(b.pk), str(b_message.client_id)],
    }


@pytest.fixture
def no_rate_limit(monkeypatch):
    # Let every fuzzed frame reach its handler (the limits themselves are tested in
    # test_consumer and test_socket_limits).
    monkeypatch.setattr(consumers, "RATE_PER_SECOND", 10_000)
    monkeypatch.setattr(socket_limits, "FRAMES_PER_SECOND", 10_000)
    monkeypatch.setattr(socket_limits, "FRAME_BURST", 10_000)
    monkeypatch.setattr(socket_limits, "_budgets", {})


# Numbers at and beyond every boundary a seq or a count can meet.
numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -1, 1, 2**31 - 1, 2**31, 2**63 - 1, 2**63, 2**64, 10**400]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
)
bodies = st.one_of(
    st.text(max_size=40),
    st.text(st.characters(codec="utf-8"), max_size=40),  # any code point but surrogates
    st.sampled_from(["\ud800", "a\udfffb", "\x00", " \n\t ", ""]),
    st.integers(3990, 4010).map(lambda n: "x" * n),
)


def values(ids):
    leaves = st.one_of(
        st.none(),
        numbers,
        bodies,
        st.uuids().map(str),
        st.sampled_from(ids),
    )
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)
        ),
        max_leaves=6,
    )


@st.composite
def frames(draw, ids):
    kind = draw(st.sampled_from(["json", "json", "json", "text", "bytes"]))
    if kind == "text":
        return {"text": draw(st.text(max_size=60))}
    if kind == "bytes":
        return {"bytes": draw(st.binary(max_size=60))}
    frame_type = draw(
        st.one_of(
            st.sampled_from(["resume", "message.send", "typing", "read", "end"]),
            st.text(max_size=12),
            values(ids),
        )
    )
    frame = {"type": frame_type}
    for field in ("after", "seq", "id", "body", "conversation", "type"):
        if draw(st.booleans()):
            frame[field] = draw(values(ids))
    if draw(st.booleans()):
        frame["type"] = frame_type  # keep a valid type more often than not
    if draw(st.booleans()) and frame["type"] == "message.send":
        frame["id"] = str(draw(st.uuids()))
    # json.dumps writes NaN/Infinity and escapes lone surrogates, as a hostile client could.
    return {"text": json.dumps(frame, ensure_ascii=draw(st.booleans()))}


async def settle(communicator):
    """Send a resume and collect everything up to its answer. A consumer handles one frame
    at a time, so by then every earlier frame has been answered. (output, still serving)"""
    await communicator.send_json_to({"type": "resume", "after": 0})
    out = []
    while True:
        output = await communicator.receive_output(timeout=5)
        out.append(output)
        if output["type"] == "websocket.close":
            return out, False
        if output["type"] == "websocket.send" and '"type": "resumed"' in output["text"]:
            return out, True


def check_frames(outputs):
    frames_out = []
    for output in outputs:
        if output["type"] == "websocket.close":
            # Only the protocol's own refusal may close a participant's socket.
            assert output.get("code") == consumers.CLOSE_NOT_ALLOWED, output
            continue
        assert output["type"] == "websocket.send", output
        frame = json.loads(output["text"])
        assert frame["type"] in SERVER_TYPES, frame
        if frame["type"] == "error":
            assert frame["code"] in ERROR_CODES, frame
            assert frame["code"] != "unavailable", frame  # the services are up here
        frames_out.append(frame)
    return frames_out


def test_random_frames_get_protocol_answers_and_never_cross_conversations(world, no_rate_limit):
    b_ids = world["b_ids"]

    @FUZZ
    @given(
        st.lists(
            st.tuples(st.sampled_from(["visitor", "counsellor"]), frames(b_ids)),
            min_size=1,
            max_size=8,
        )
    )
    def run(script):
        a, a_visitor = new_chat(world["hana"])

        async def exchange():
            sockets = {
                "visitor": await connect(a, a_visitor),
                "counsellor": await connect(a, world["hana_key"]),
            }
            b_sockets = [await connect(world["b"], key) for key in world["b_keys"]]
            for side, frame in script:
                await sockets[side].send_input({"type": "websocket.receive", **frame})
            outputs = {}
            for name, socket in sockets.items():
                outputs[name], still_serving = await settle(socket)
                # Still serving after all that: only the protocol's refusal may close it.
                assert still_serving or outputs[name][-1].get("code") == 4403, outputs[name]
            leaked = [await drain(socket, timeout=0.05) for socket in b_sockets]
            for socket in [*sockets.values(), *b_sockets]:
                await socket.disconnect()
            return outputs, leaked

        try:
            outputs, leaked = async_to_sync(exchange)()
        finally:
            a.refresh_from_db()
            if a.is_open:  # hana's capacity is 3: free her for the next example
                conversations.end_conversation(a, by=Message.Sender.COUNSELLOR)
        assert leaked == [[], []]  # nothing in A ever reaches B's sockets
        for name, got in outputs.items():
            # "id" and "ref" echo what the client itself chose, which may be one of B's ids.
            answers = [
                {k: v for k, v in f.items() if k not in ("id", "ref")} for f in check_frames(got)
            ]
            text = json.dumps(answers)
            assert SECRET_OF_B not in text, name
            assert str(world["b"].pk) not in text, name

    run()


async def test_a_surrogate_in_a_body_is_refused_not_stored(world):
    a, a_visitor = await database_sync_to_async(new_chat)(world["hana"])
    visitor = await connect(a, a_visitor)
    message_id = str(uuid.uuid4())
    await visitor.send_to(
        text_data=json.dumps({"type": "message.send", "id": message_id, "body": "a\ud800"})
    )
    reply = await visitor.receive_json_from(timeout=5)
    assert reply["type"] == "error" and reply["code"] == "invalid" and reply["ref"] == message_id
    await visitor.disconnect()
    assert await database_sync_to_async(a.messages.count)() == 0


@pytest.mark.parametrize(
    "frame",
    [
        {"type": "resume", "after": 2**63},
        {"type": "resume", "after": float("inf")},
        {"type": "resume", "after": -(2**70)},
        {"type": "read", "seq": 2**70},
        {"type": "read", "seq": float("nan")},
        {"type": "read", "seq": float("-inf")},
    ],
)
async def test_out_of_range_numbers_are_invalid_not_a_crash(world, frame):
    a, a_visitor = await database_sync_to_async(new_chat)(world["hana"])
    visitor = await connect(a, a_visitor)
    counsellor = await connect(a, world["hana_key"])
    await visitor.send_to(text_data=json.dumps(frame))
    reply = await visitor.receive_json_from(timeout=5)
    assert reply["type"] == "error" and reply["code"] == "invalid"
    assert await counsellor.receive_nothing(timeout=0.2)
    await visitor.send_json_to({"type": "resume", "after": 0})
    assert (await visitor.receive_json_from(timeout=5))["type"] == "resumed"
    await visitor.disconnect()
    await counsellor.disconnect()


@pytest.fixture
def queue_listener(hana):
    return staff_cookie(hana)


def test_random_frames_on_the_queue_socket_get_unknown_type_and_nothing_else(
    queue_listener, no_rate_limit
):
    @FUZZ
    @given(st.lists(frames([str(uuid.uuid4())]), min_size=1, max_size=6))
    def run(script):
        async def exchange():
            communicator, connected, _ = await queue_socket(queue_listener)
            assert connected
            for frame in script:
                await communicator.send_input({"type": "websocket.receive", **frame})
            answers = []
            for _ in script:
                answers.append(await communicator.receive_output(timeout=5))
            assert await communicator.receive_nothing(timeout=0.05)
            await communicator.disconnect()
            return answers

        for output in async_to_sync(exchange)():
            assert output["type"] == "websocket.send", output
            assert json.loads(output["text"])["code"] in ("unknown_type", "bad_json")

    run()
