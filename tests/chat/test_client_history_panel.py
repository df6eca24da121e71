"""The workspace's side panel for a returning client: earlier chats, their notes and the
client's appointments, only to the chat's counsellor, bounded, and audited where it shows
what was written (chat/client_history.py)."""

import datetime
import uuid

from django.test import Client
from django.utils import timezone

from audit.models import AuditEntry
from chat import availability, client_history, closing, conversations, notes, queue
from chat.models import Appointment, Conversation, Message
from tests.conftest import log_in

Action = AuditEntry.Action


def chat_of(client, counsellor, *, said="", note="", outcome="listened", days_ago=0):
    conversation = conversations.open_conversation(
        for_whom="self", minor="no", in_danger=False, client=client
    )
    availability.note_seen(counsellor)
    queue.claim(conversation, counsellor)
    if said:
        conversations.post_message(conversation, Message.Sender.VISITOR, said, uuid.uuid4(), client)
    if note:
        notes.add_note(conversation, counsellor, note)
    if outcome:
        closing.close(conversation, counsellor, themes=[], group_context="unknown", outcome=outcome)
    if days_ago:
        Conversation.objects.filter(pk=conversation.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=days_ago)
        )
    conversation.refresh_from_db()
    return conversation


def test_the_counsellor_sees_earlier_chats_and_appointments_as_facts(robin, hana, otto):
    earlier = chat_of(robin, otto, said="Iets van toen", note="Let op de broer", days_ago=4)
    Appointment.objects.create(
        client=robin,
        counsellor=otto,
        proposed_in=earlier,
        starts_at=timezone.now() - datetime.timedelta(days=1),
        state=Appointment.State.MISSED,
    )
    current = chat_of(robin, hana, outcome="")
    page = log_in(Client(), hana).get(f"/medewerkers/gesprek/{current.pk}/").content.decode()
    assert "Eerdere gesprekken" in page and f"#{earlier.code}" in page
    assert "otto" in page and "gehoord en gesteund" in page and "1 notitie" in page
    assert "Afspraken" in page and "gemist" in page
    # Facts only: neither the note nor what was said, and nothing in the log for it.
    assert "Let op de broer" not in page and "Iets van toen" not in page
    assert not AuditEntry.objects.filter(action=Action.CLIENT_HISTORY_VIEWED).exists()


def test_reading_the_notes_and_an_earlier_chat_is_audited(robin, hana, otto):
    earlier = chat_of(robin, otto, said="Iets van toen", note="Let op de broer", days_ago=4)
    current = chat_of(robin, hana, outcome="")
    browser = log_in(Client(), hana)
    side = browser.get(f"/medewerkers/gesprek/{current.pk}/eerder/?part=form").content.decode()
    assert "Let op de broer" in side and "<html" not in side and "data-side-close" in side
    entry = AuditEntry.objects.get(action=Action.CLIENT_HISTORY_VIEWED)
    assert entry.conversation_id == current.pk and entry.detail == "shown=1"

    read = browser.get(f"/medewerkers/gesprek/{current.pk}/eerder/{earlier.pk}/").content.decode()
    assert "Iets van toen" in read and "Let op de broer" in read
    entry = AuditEntry.objects.filter(action=Action.CLIENT_HISTORY_VIEWED).first()
    assert entry.conversation_id == earlier.pk and entry.detail == f"from={current.pk.hex[:4]}"
    # The audit log reads it in words.
    sam_log = AuditEntry.objects.filter(action=Action.CLIENT_HISTORY_VIEWED).count()
    assert sam_log == 2


def test_only_the_chats_counsellor_reads_it_and_only_the_same_clients(robin, hana, otto):
    from accounts.models import User

    ruth = User.objects.create_user(username="ruth-client", role=User.Role.CLIENT)
    others = chat_of(ruth, otto, said="Van iemand anders", days_ago=2)
    earlier = chat_of(robin, otto, said="Iets van toen", days_ago=4)
    current = chat_of(robin, hana, outcome="")
    assert (
        log_in(Client(), otto).get(f"/medewerkers/gesprek/{current.pk}/eerder/").status_code == 403
    )
    hana_browser = log_in(Client(), hana)
    refused = hana_browser.get(f"/medewerkers/gesprek/{current.pk}/eerder/{others.pk}/")
    assert refused.status_code == 403 and "Van iemand anders" not in refused.content.decode()
    assert (
        hana_browser.get(f"/medewerkers/gesprek/{current.pk}/eerder/{earlier.pk}/").status_code
        == 200
    )
    assert not AuditEntry.objects.filter(
        action=Action.CLIENT_HISTORY_VIEWED, conversation_id=others.pk
    ).exists()


def test_an_anonymous_chat_has_no_history(hana):
    current = conversations.open_conversation(for_whom="self", minor="no", in_danger=False)
    availability.note_seen(hana)
    queue.claim(current, hana)
    browser = log_in(Client(), hana)
    assert (
        "Eerdere gesprekken"
        not in browser.get(f"/medewerkers/gesprek/{current.pk}/").content.decode()
    )
    assert browser.get(f"/medewerkers/gesprek/{current.pk}/eerder/").status_code == 403


def test_the_history_is_bounded(robin, hana, otto):
    for day in range(client_history.SHOWN + 3):
        chat_of(robin, otto, days_ago=day + 1)
    current = chat_of(robin, hana, outcome="")
    assert len(client_history.summary(current)["earlier"]) == client_history.SHOWN


def test_a_supervisor_reads_it_from_a_live_look(robin, hana, otto, sam):
    earlier = chat_of(robin, otto, note="Let op de broer", days_ago=4)
    current = chat_of(robin, hana, outcome="")
    browser = log_in(Client(), sam)
    assert browser.get(f"/medewerkers/gesprek/{current.pk}/eerder/").status_code == 403
    look = browser.post(
        f"/medewerkers/overzicht/gesprek/{current.pk}/",
        {"reason_code": "quality", "reason_text": "nabespreking"},
    ).content.decode()
    assert f"/medewerkers/gesprek/{current.pk}/eerder/" in look
    read = browser.get(f"/medewerkers/gesprek/{current.pk}/eerder/").content.decode()
    assert "Let op de broer" in read and f"#{earlier.code}" in read
