"""A supervisor's live look on the conversation socket: the role "observer" comes only from
an audited look (chat/observers.py), is checked again on every frame, and the visitor never
hears of it; the whisper reaches staff only; joining openly is told to the visitor."""

import time
import uuid

import pytest
from channels.db import database_sync_to_async
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client

from accounts import session_keys
from audit.models import AuditEntry
from chat import closing, conversations, events, guests, observers, queue
from chat.models import Message, Note, SecondCounsellor
from tests.conftest import log_in
from tests.helpers.sockets import connect, refusal, staff_cookie, visitor_cookie

pytestmark = pytest.mark.django_db(transaction=True)

NOT_ALLOWED = {"type": "websocket.close", "code": 4403}
SESSION_ENDED = {"type": "websocket.close", "code": 4401}


@pytest.fixture
def chat(hana):
    conversation = conversations.open_conversation(for_whom="self", minor="no", in_danger=False)
    queue.claim(conversation, hana)
    conversations.post_message(conversation, "visitor", "Mijn oom bedreigt me", uuid.uuid4())
    return conversation


def looked(user, conversation, reason="help"):
    """A browser of `user` that stated a reason and looked: (client, session key)."""
    browser = log_in(Client(), user)
    response = browser.post(
        f"/medewerkers/overzicht/gesprek/{conversation.pk}/", {"reason_code": reason}
    )
    assert response.status_code in (200, 403)
    return browser, browser.session.session_key


async def frames_until(socket, kind):
    """Frames up to and including the first of `kind` (a type, or an event's name)."""
    seen = []
    while True:
        frame = await socket.receive_json_from(timeout=5)
        seen.append(frame)
        if kind in (frame.get("type"), frame.get("event")):
            return seen


async def say(socket, body):
    client_id = str(uuid.uuid4())
    await socket.send_json_to({"type": "message.send", "id": client_id, "body": body})
    return client_id


def end_grant(session_key, conversation):
    store = SessionStore(session_key)
    held = store[session_keys.OBSERVING]
    held[str(conversation.pk)]["until"] = time.time() - 1
    store[session_keys.OBSERVING] = held
    store.save()


async def test_without_an_audited_look_a_supervisor_is_refused_with_4403(chat, sam):
    key = await database_sync_to_async(staff_cookie)(sam)
    assert await refusal(chat, key) == 4403
    # Asking for the reason is not enough: only the POST with a reason grants the look.
    browser = await database_sync_to_async(log_in)(Client(), sam)
    await database_sync_to_async(browser.get)(f"/medewerkers/overzicht/gesprek/{chat.pk}/")
    session_key = await database_sync_to_async(lambda: browser.session.session_key)()
    assert await refusal(chat, session_key) == 4403


async def test_after_the_look_the_supervisor_reads_live_and_the_visitor_hears_nothing(
    chat, sam, hana
):
    _, key = await database_sync_to_async(looked)(sam, chat)
    assert (
        await database_sync_to_async(
            AuditEntry.objects.filter(action="conversation.viewed", actor_name="sam").count
        )()
        == 1
    )
    visitor, _, _ = await connect(chat, await database_sync_to_async(visitor_cookie)(chat))
    counsellor, _, _ = await connect(chat, await database_sync_to_async(staff_cookie)(hana))
    observer, connected, _ = await connect(chat, key)
    assert connected
    await observer.send_json_to({"type": "resume", "after": 0})
    replay = await frames_until(observer, "resumed")
    assert replay[0]["body"] == "Mijn oom bedreigt me"
    assert replay[-1]["joined"] is False

    # Typing and reading from the observer tell nobody anything: no such frames.
    await observer.send_json_to({"type": "typing"})
    assert (await observer.receive_json_from(timeout=5))["code"] == "unknown_type"
    await observer.send_json_to({"type": "read", "seq": 1})
    assert (await observer.receive_json_from(timeout=5))["code"] == "unknown_type"
    await observer.send_json_to({"type": "end"})
    assert (await observer.receive_json_from(timeout=5))["code"] == "unknown_type"
    # Before joining, the observer cannot write to the visitor.
    await say(observer, "hallo")
    assert (await observer.receive_json_from(timeout=5))["code"] == "observing"

    # A new message from the visitor reaches the observer live.
    await say(visitor, "Hij staat voor de deur")
    await frames_until(visitor, "message")
    assert (await frames_until(observer, "message"))[-1]["body"] == "Hij staat voor de deur"
    # The visitor heard nothing of the observer: only its own ack and message came.
    assert await visitor.receive_nothing(timeout=0.3)
    await frames_until(counsellor, "message")
    assert await counsellor.receive_nothing(timeout=0.3)
    for socket in (visitor, counsellor, observer):
        await socket.disconnect()


async def test_when_the_grant_runs_out_the_next_frame_is_refused(chat, sam):
    _, key = await database_sync_to_async(looked)(sam, chat)
    observer, connected, _ = await connect(chat, key)
    assert connected
    await database_sync_to_async(end_grant)(key, chat)
    await observer.send_json_to({"type": "resume", "after": 0})
    assert (await observer.receive_json_from(timeout=5))["code"] == "not_allowed"
    assert await observer.receive_output(timeout=5) == NOT_ALLOWED
    assert await refusal(chat, key) == 4403


async def test_a_grant_that_ran_out_lets_no_event_through(chat, sam, monkeypatch):
    _, key = await database_sync_to_async(looked)(sam, chat)
    observer, connected, _ = await connect(chat, key)
    assert connected
    # No frame, no re-check yet: the event itself finds the look's time up (in memory).
    later = time.time() + observers.GRANT_MINUTES * 60 + 1
    monkeypatch.setattr(time, "time", lambda: later)
    await database_sync_to_async(conversations.post_message)(
        chat, "visitor", "na de tijd", uuid.uuid4()
    )
    assert await observer.receive_output(timeout=5) == NOT_ALLOWED


async def test_at_log_out_the_observer_socket_closes_and_the_next_connect_is_refused(chat, sam):
    browser, key = await database_sync_to_async(looked)(sam, chat)
    observer, connected, _ = await connect(chat, key)
    assert connected
    await database_sync_to_async(browser.post)("/medewerkers/uitloggen/")
    assert await observer.receive_output(timeout=5) == SESSION_ENDED
    assert await refusal(chat, key) == 4401  # the session is gone: log in again


async def test_counsellors_cannot_observe_anyone_elses_chat(chat, otto):
    # The look itself refuses a counsellor an open chat, and grants nothing.
    _, key = await database_sync_to_async(looked)(otto, chat)
    assert await refusal(chat, key) == 4403

    # Nor does a grant written into a counsellor's session by hand count.
    def forge():
        store = SessionStore(key)
        store[session_keys.OBSERVING] = {str(chat.pk): {"until": time.time() + 600, "entry": "x"}}
        store.save()

    await database_sync_to_async(forge)()
    assert await refusal(chat, key) == 4403


def guest_cookie(conversation, hana):
    _, token = guests.invite(conversation, "Veilig Thuis", hana)
    session = Client().session
    guests.redeem(token, session)
    session.save()
    return session.session_key


async def test_whisper_frames_from_a_visitor_guest_or_counsellor_are_refused(chat, hana):
    visitor, _, _ = await connect(chat, await database_sync_to_async(visitor_cookie)(chat))
    counsellor, _, _ = await connect(chat, await database_sync_to_async(staff_cookie)(hana))
    guest, connected, _ = await connect(
        chat, await database_sync_to_async(guest_cookie)(chat, hana)
    )
    assert connected
    # The guest's join notice reached those already there; nothing after it may.
    for socket in (visitor, counsellor):
        assert (await socket.receive_json_from(timeout=5))["from"] == "system"
    for socket in (visitor, counsellor, guest):
        for kind in ("whisper", "join", "leave"):
            await socket.send_json_to({"type": kind, "body": "psst"})
            assert (await next_error(socket))["code"] == "unknown_type"
    assert not await database_sync_to_async(Note.objects.exists)()
    for socket in (visitor, counsellor, guest):
        assert await socket.receive_nothing(timeout=0.3)
        await socket.disconnect()


def test_a_counsellors_look_after_the_closing_form_is_read_only_and_not_live(hana, chat):
    conversations.end_conversation(chat, by="counsellor", actor=hana)
    closing.close(chat, hana, themes=[], group_context="unknown", outcome="listened")
    browser, key = looked(hana, chat, reason="quality")
    html = browser.post(
        f"/medewerkers/overzicht/gesprek/{chat.pk}/", {"reason_code": "quality"}
    ).content.decode()
    assert "Meekijken (alleen lezen)" in html and "Mijn oom bedreigt me" in html
    assert "data-chat" not in html and "look.js" not in html
    assert session_keys.OBSERVING not in SessionStore(key).load()


async def test_a_whisper_reaches_the_counsellor_and_observers_never_the_visitor(chat, sam, hana):
    _, key = await database_sync_to_async(looked)(sam, chat)
    visitor, _, _ = await connect(chat, await database_sync_to_async(visitor_cookie)(chat))
    counsellor, _, _ = await connect(chat, await database_sync_to_async(staff_cookie)(hana))
    observer, _, _ = await connect(chat, key)
    await observer.send_json_to(
        {"type": "whisper", "id": str(uuid.uuid4()), "body": "Vraag naar 112"}
    )
    told = await counsellor.receive_json_from(timeout=5)
    assert told["type"] == "whisper" and told["by"] == "sam" and told["body"] == "Vraag naar 112"
    assert (await observer.receive_json_from(timeout=5))["type"] == "whisper"
    # Then an ordinary message: the visitor's next frame is that, never the whisper.
    await say(counsellor, "Ben je veilig?")
    assert (await visitor.receive_json_from(timeout=5))["body"] == "Ben je veilig?"

    note = await database_sync_to_async(Note.objects.get)()
    assert note.whisper and note.body == "Vraag naar 112" and note.after_seq == 1
    entry = await database_sync_to_async(AuditEntry.objects.get)(action="conversation.whispered")
    assert entry.actor_name == "sam" and entry.detail == "" and entry.reason == ""

    # After a reload the counsellor's resume brings the whisper back; the visitor's does not.
    await counsellor.send_json_to({"type": "resume", "after": 0})
    kinds = [f["type"] for f in await frames_until(counsellor, "resumed")]
    assert "whisper" in kinds
    await visitor.send_json_to({"type": "resume", "after": 0})
    kinds = [f["type"] for f in await frames_until(visitor, "resumed")]
    assert "whisper" not in kinds
    for socket in (visitor, counsellor, observer):
        await socket.disconnect()


def test_events_never_let_a_whisper_reach_the_visitor_or_a_guest(chat):
    for audience in (
        events.Audience.conversation(chat),
        events.Audience.visitor(chat),
        events.Audience.outside_staff(chat),
    ):
        with pytest.raises(ValueError, match="staff only"):
            events.layer_message(audience, {"type": "whisper", "body": "x"})
    message = events.layer_message(events.Audience.staff(chat), {"type": "whisper", "body": "x"})
    reached = [
        role
        for role in (*Message.Sender.values, events.OBSERVER)
        if events.reaches(message, role, None)
    ]
    assert reached == [Message.Sender.COUNSELLOR, events.OBSERVER]


async def test_joining_openly_the_visitor_is_told_and_reads_a_counsellor(chat, sam, hana):
    _, key = await database_sync_to_async(looked)(sam, chat)
    visitor, _, _ = await connect(chat, await database_sync_to_async(visitor_cookie)(chat))
    counsellor, _, _ = await connect(chat, await database_sync_to_async(staff_cookie)(hana))
    observer, _, _ = await connect(chat, key)

    await observer.send_json_to({"type": "join"})
    notice = await visitor.receive_json_from(timeout=5)
    assert notice["from"] == "system"
    assert notice["body"] == "Er komt een tweede hulpverlener bij het gesprek."
    staff_told = await frames_until(counsellor, "second.joined")
    assert staff_told[-1]["by"] == "sam"

    await say(observer, "Ik lees mee en help je verder.")
    seen = await visitor.receive_json_from(timeout=5)
    assert seen["from"] == "counsellor" and "by" not in seen
    assert seen["body"] == "Ik lees mee en help je verder."
    assert "sam" not in str(seen)
    staff_seen = await counsellor.receive_json_from(timeout=5)
    assert staff_seen["from"] == "counsellor" and staff_seen["by"] == "sam"

    await observer.send_json_to({"type": "leave"})
    left = await visitor.receive_json_from(timeout=5)
    assert left["body"] == "De tweede hulpverlener doet niet meer mee aan het gesprek."
    await frames_until(observer, "second.left")
    await say(observer, "nog iets")
    assert (await frames_until(observer, "error"))[-1]["code"] == "observing"

    actions = await database_sync_to_async(
        lambda: list(AuditEntry.objects.order_by("at").values_list("action", flat=True))
    )()
    assert "conversation.joined" in actions and "conversation.second_left" in actions
    row = await database_sync_to_async(SecondCounsellor.objects.get)()
    assert row.left_at is not None
    for socket in (visitor, counsellor, observer):
        await socket.disconnect()


def test_joining_english_chats_tells_the_visitor_in_english(hana, sam):
    conversation = conversations.open_conversation(
        for_whom="self", minor="no", in_danger=False, language="en"
    )
    queue.claim(conversation, hana)
    browser, _ = looked(sam, conversation)
    observers.join(conversation, sam, browser.session)
    notice = conversation.messages.get(sender="system")
    assert notice.body == "A second counsellor is joining the conversation."


async def next_error(socket):
    """The next error frame. What may come first (the guest may hear its own join notice,
    which races its connect) is passed over, but never a whisper."""
    while True:
        frame = await socket.receive_json_from(timeout=5)
        assert frame.get("type") != "whisper", frame
        if frame.get("type") == "error":
            return frame
