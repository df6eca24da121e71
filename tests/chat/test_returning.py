"""Clients who come back (issue #18): asking for the counsellor of an earlier chat, the
choice when that counsellor cannot take it, the reservation in the queue, and a due
appointment going to its counsellor (chat/returning.py)."""

import datetime
import re
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEntry
from chat import availability, conversations, queue, returning
from chat.models import Appointment, Availability, Conversation, Message
from tests.chat.test_views import INTAKE, chat_open  # noqa: F401 (fixture)
from tests.conftest import log_in, skip_or_fail


def online(*users, status=Availability.Status.AVAILABLE):
    for user in users:
        availability.set_status(user, status)
        availability.note_seen(user)


def earlier_with(client, counsellor, days_ago=3):
    """An ended chat of `client` with `counsellor`, some days ago."""
    conversation = conversations.open_conversation(
        for_whom="self", minor="no", in_danger=False, client=client
    )
    online(counsellor)
    queue.claim(conversation, counsellor)
    conversations.end_conversation(conversation, by=Message.Sender.COUNSELLOR, actor=counsellor)
    Conversation.objects.filter(pk=conversation.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days_ago)
    )
    conversation.refresh_from_db()
    return conversation


def asked_value(page, day):
    """The radio's value for the counsellor of the chat of `day`, from the intake page."""
    match = re.search(
        r'<input type="radio" name="asked_for" value="([0-9a-f-]+)"[^>]*>\s*'
        r"Weer met de hulpverlener van mijn gesprek van " + re.escape(day),
        page,
    )
    assert match, page
    return match.group(1)


def day_of(conversation):
    months = (
        "januari februari maart april mei juni juli augustus september oktober november december"
    )
    local = timezone.localtime(conversation.created_at)
    return f"{local.day} {months.split()[local.month - 1]} {local.year}"


@pytest.fixture
def people(db):
    make = User.objects.create_user
    return {
        "hana": make(username="hana", role=User.Role.COUNSELLOR),
        "otto": make(username="otto", role=User.Role.COUNSELLOR),
        "ida": make(username="ida", role=User.Role.COUNSELLOR),
        "sam": make(username="sam", role=User.Role.SUPERVISOR),
    }


def test_the_choices_name_earlier_chats_by_day_never_a_counsellor(robin, people, chat_open):  # noqa: F811
    hana, otto = people["hana"], people["otto"]
    first = earlier_with(robin, hana, days_ago=9)
    earlier_with(robin, otto, days_ago=5)
    newest = earlier_with(robin, hana, days_ago=2)
    gone = User.objects.create_user(username="gone", role=User.Role.COUNSELLOR)
    earlier_with(robin, gone, days_ago=1)
    gone.is_active = False
    gone.save()

    choices = returning.choices_for(robin)
    # One per counsellor still here, newest chat first, valued by that chat's id.
    assert [c.counsellor for c in choices] == [hana, otto]
    assert choices[0].value == str(newest.pk) and str(first.pk) not in [c.value for c in choices]

    page = log_in(Client(), robin).get("/chat/").content.decode()
    assert "Met wie er nu vrij is" in page
    assert asked_value(page, day_of(newest)) == str(newest.pk)
    assert "hana" not in page and "otto" not in page
    # Anonymous visitors and a client's tampered value get whoever is free.
    assert "asked_for" not in Client().get("/chat/").content.decode()
    assert returning.counsellor_for(robin, str(uuid.uuid4())) is None


def test_a_chat_for_an_online_counsellor_with_room_goes_to_them_first(robin, people, chat_open):  # noqa: F811
    hana, otto = people["hana"], people["otto"]
    earlier = earlier_with(robin, hana)
    online(hana, otto)
    browser = log_in(Client(), robin)
    response = browser.post("/chat/", {**INTAKE, "asked_for": str(earlier.pk)})
    assert response.status_code == 302
    chat = Conversation.objects.get(state=Conversation.State.WAITING)
    assert chat.asked_for == hana and chat.asked_because == Conversation.AskedBecause.ASKED

    # The waiting view says so, with the way to whoever is free; never a name.
    waiting = browser.get("/chat/").content.decode()
    assert "Je gesprek gaat eerst naar de hulpverlener naar wie je vroeg." in waiting
    assert "Nu praten met wie er vrij is" in waiting and "hana" not in waiting

    # hana sees it flagged, before everyone else but someone in danger; otto sees it waits
    # for a colleague and cannot take it.
    ordinary = conversations.open_conversation(for_whom="self", minor="no", in_danger=False)
    ordinary.created_at = chat.created_at - datetime.timedelta(minutes=5)  # waited longer
    ordinary.save(update_fields=["created_at"])
    danger = conversations.open_conversation(for_whom="self", minor="no", in_danger=True)
    hana_queue = log_in(Client(), hana).get("/medewerkers/wachtrij/").content.decode()
    assert "Vraagt naar jou" in hana_queue
    order = sorted((hana_queue.index(f"claim-{c.pk}"), c) for c in (chat, ordinary, danger))
    assert [c for _at, c in order] == [danger, chat, ordinary]
    otto_queue = log_in(Client(), otto).get("/medewerkers/wachtrij/").content.decode()
    assert "Wacht op een collega" in otto_queue and f"claim-{chat.pk}" not in otto_queue
    with pytest.raises(queue.ReservedForColleague) as refused:
        queue.claim(chat, otto)
    assert refused.value.code == "reserved_for_colleague"
    taken = log_in(Client(), otto).post(f"/medewerkers/gesprek/{chat.pk}/aannemen/", follow=True)
    assert "Deze bezoeker wacht op een collega" in taken.content.decode()

    queue.claim(chat, hana)
    assert Conversation.objects.get(pk=chat.pk).counsellor == hana


def test_positions_stay_honest_beside_a_reserved_chat(robin, people):
    hana = people["hana"]
    online(hana)
    ordinary = conversations.open_conversation(for_whom="self", minor="no", in_danger=False)
    reserved = conversations.open_conversation(
        for_whom="self",
        minor="no",
        in_danger=False,
        client=robin,
        asked_for=hana,
        asked_because=Conversation.AskedBecause.ASKED,
    )
    later = conversations.open_conversation(for_whom="self", minor="no", in_danger=False)
    # The reserved chat is first in hana's own line, and stands ahead of nobody else.
    assert queue.position_of(reserved) == 1
    assert queue.position_of(ordinary) == 1 and queue.position_of(later) == 2


def test_a_supervisor_may_take_a_reserved_chat_and_the_log_says_so(robin, people):
    hana, sam = people["hana"], people["sam"]
    online(hana, sam)
    chat = conversations.open_conversation(
        for_whom="self",
        minor="no",
        in_danger=True,
        client=robin,
        asked_for=hana,
        asked_because=Conversation.AskedBecause.ASKED,
    )
    page = log_in(Client(), sam).get("/medewerkers/wachtrij/").content.decode()
    assert "Toch aannemen (supervisor)" in page
    queue.claim(chat, sam)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CONVERSATION_CLAIMED)
    assert entry.detail == "reserved"


def test_the_reservation_runs_out_after_its_hold(robin, people):
    hana, otto = people["hana"], people["otto"]
    online(otto)
    chat = conversations.open_conversation(
        for_whom="self",
        minor="no",
        in_danger=False,
        client=robin,
        asked_for=hana,
        asked_because=Conversation.AskedBecause.ASKED,
    )
    assert returning.is_reserved(chat)
    Conversation.objects.filter(pk=chat.pk).update(
        created_at=timezone.now() - returning.HOLD - datetime.timedelta(seconds=1)
    )
    chat.refresh_from_db()
    assert not returning.is_reserved(chat)
    queue.claim(chat, otto)  # an ordinary chat now


def test_an_unavailable_counsellor_gives_the_client_the_choice(robin, people, chat_open):  # noqa: F811
    hana = people["hana"]
    earlier = earlier_with(robin, hana)
    availability.set_status(hana, Availability.Status.AWAY)
    browser = log_in(Client(), robin)
    intake = {**INTAKE, "asked_for": str(earlier.pk)}
    told = browser.post("/chat/", intake).content.decode()
    assert "De hulpverlener naar wie je vroeg, kan je gesprek op dit moment niet aannemen." in told
    assert "hana" not in told and not Conversation.objects.filter(state="waiting").exists()
    for words in ("Wachten", "Bericht achterlaten", "Met wie er vrij is"):
        assert words in told
    # The intake travels along in each form.
    assert 'name="topic" value="mijn broer"' in told
    in_danger = browser.post("/chat/", {**intake, "in_danger": "yes"}).content.decode()
    assert "Bel dan nu" in in_danger and "Of praat nu met wie er vrij is" in in_danger

    # Leaving a message for them: a left message, for hana, flagged in her workspace.
    empty = browser.post("/chat/", {**intake, "then": "message", "body": " "}).content.decode()
    assert "Schrijf eerst je bericht." in empty
    left = browser.post("/chat/", {**intake, "then": "message", "body": "Voor jou, later."})
    assert "De hulpverlener naar wie je vroeg, leest je bericht" in left.content.decode()
    message = Conversation.objects.get(left_message=True, state="waiting")
    assert message.asked_for == hana and message.messages.get().body == "Voor jou, later."
    online(hana)
    assert "Voor jou" in log_in(Client(), hana).get("/medewerkers/wachtrij/").content.decode()


def test_a_counsellor_going_away_never_traps_the_client(robin, people, chat_open):  # noqa: F811
    hana, otto = people["hana"], people["otto"]
    earlier = earlier_with(robin, hana)
    online(hana, otto)
    browser = log_in(Client(), robin)
    browser.post("/chat/", {**INTAKE, "asked_for": str(earlier.pk)})
    chat = Conversation.objects.get(state="waiting")
    availability.set_status(hana, Availability.Status.AWAY)

    note = browser.get("/chat/?part=asked").content.decode()
    assert "Die hulpverlener is nu niet aan het werk." in note and "Nu praten met" in note
    # "Wie er vrij is", without script (a plain form) or with it (fetch: 204).
    answer = browser.post("/chat/", {"do": "anyone"}, headers={"X-Requested-With": "fetch"})
    assert answer.status_code == 204
    chat.refresh_from_db()
    assert chat.asked_for is None and chat.asked_because == ""
    assert browser.get("/chat/?part=asked").content.decode().strip() == ""
    queue.claim(chat, otto)


def test_a_due_appointment_goes_to_its_counsellor_and_is_kept(robin, people, chat_open):  # noqa: F811
    hana = people["hana"]
    online(hana)
    appointment = Appointment.objects.create(
        client=robin, counsellor=hana, starts_at=timezone.now(), state=Appointment.State.ACCEPTED
    )
    browser = log_in(Client(), robin)
    assert "Je hebt om" in browser.get("/chat/").content.decode()
    browser.post("/chat/", INTAKE)
    chat = Conversation.objects.get(state="waiting")
    assert chat.asked_for == hana and chat.asked_because == Conversation.AskedBecause.APPOINTMENT
    appointment.refresh_from_db()
    assert appointment.state == Appointment.State.KEPT and appointment.kept_in == chat
    assert "Afspraak" in log_in(Client(), hana).get("/medewerkers/wachtrij/").content.decode()


def test_the_overview_shows_reserved_chats_as_such(robin, people):
    hana, sam = people["hana"], people["sam"]
    conversations.open_conversation(
        for_whom="self",
        minor="no",
        in_danger=False,
        client=robin,
        asked_for=hana,
        asked_because=Conversation.AskedBecause.APPOINTMENT,
    )
    page = log_in(Client(), sam).get("/medewerkers/overzicht/").content.decode()
    assert "Wacht op een bepaalde hulpverlener" in page and "voor hana" in page


@pytest.mark.django_db(transaction=True)
def test_returning_clients_on_postgresql(robin, chat_open):  # noqa: F811
    """Two counsellors online and one offline: asking for the offline one gives the choice;
    for an online one with room the chat goes to them; one at capacity gives the choice; a
    colleague's claim is refused; the client switches to whoever is free; a due
    appointment goes to its counsellor and is kept."""
    if connection.vendor != "postgresql":
        skip_or_fail("needs PostgreSQL")
    make = User.objects.create_user
    hana = make(username="hana", role=User.Role.COUNSELLOR)
    otto = make(username="otto", role=User.Role.COUNSELLOR)
    ida = make(username="ida", role=User.Role.COUNSELLOR)
    with_hana, with_otto, with_ida = (earlier_with(robin, c) for c in (hana, otto, ida))
    online(hana, otto)
    Availability.objects.filter(user=ida).update(
        seen_at=timezone.now() - datetime.timedelta(hours=1)
    )
    browser = log_in(Client(), robin)

    told = browser.post("/chat/", {**INTAKE, "asked_for": str(with_ida.pk)})
    assert "niet aannemen" in told.content.decode()
    assert not Conversation.objects.filter(state="waiting").exists()

    browser.post("/chat/", {**INTAKE, "asked_for": str(with_hana.pk)})
    chat = Conversation.objects.get(state="waiting")
    assert chat.asked_for == hana
    with pytest.raises(queue.ReservedForColleague):
        queue.claim(chat, otto)
    browser.post("/chat/", {"do": "anyone"})
    chat.refresh_from_db()
    assert chat.asked_for is None
    queue.claim(chat, otto)  # otto is at his one chat now
    conversations.end_conversation(chat, by=Message.Sender.VISITOR)
    browser.get("/chat/")  # the end shown once; the session lets go

    busy = conversations.open_conversation(for_whom="self", minor="no", in_danger=False)
    queue.claim(busy, otto)
    told = browser.post("/chat/", {**INTAKE, "asked_for": str(with_otto.pk)})
    assert "niet aannemen" in told.content.decode()
    browser.post("/chat/", {**INTAKE, "asked_for": str(with_otto.pk), "then": "wait"})
    waiting = Conversation.objects.get(state="waiting", client=robin)
    assert waiting.asked_for == otto and returning.is_reserved(waiting)
    conversations.end_conversation(waiting, by=Message.Sender.VISITOR)
    browser.get("/chat/")

    appointment = Appointment.objects.create(
        client=robin, counsellor=hana, starts_at=timezone.now(), state=Appointment.State.ACCEPTED
    )
    browser.post("/chat/", INTAKE)
    chat = Conversation.objects.get(state="waiting", client=robin)
    assert chat.asked_for == hana and chat.asked_because == "appointment"
    appointment.refresh_from_db()
    assert appointment.state == Appointment.State.KEPT and appointment.kept_in_id == chat.pk
    queue.claim(chat, hana)


def test_a_message_left_for_someone_waits_for_them_two_days(robin, people):
    hana, otto = people["hana"], people["otto"]
    online(hana, otto)
    left = conversations.leave_message(
        robin, "Voor hana", asked_for=hana, asked_because=Conversation.AskedBecause.ASKED
    )
    page = log_in(Client(), otto).get("/medewerkers/wachtrij/").content.decode()
    assert "Voor een collega" in page and f"claim-{left.pk}" not in page
    with pytest.raises(queue.ReservedForColleague):
        queue.claim(left, otto)
    Conversation.objects.filter(pk=left.pk).update(
        created_at=timezone.now() - returning.LEFT_HOLD - datetime.timedelta(seconds=1)
    )
    left.refresh_from_db()
    queue.claim(left, otto)


def test_the_waiting_line_never_uses_up_the_end_of_a_chat(robin, people, chat_open):  # noqa: F811
    hana = people["hana"]
    earlier = earlier_with(robin, hana)
    online(hana)
    browser = log_in(Client(), robin)
    browser.post("/chat/", {**INTAKE, "asked_for": str(earlier.pk)})
    chat = Conversation.objects.get(state="waiting")
    conversations.end_conversation(chat, by=Message.Sender.COUNSELLOR, actor=hana)
    # asked-for.js asks once more after the end: an empty line, and the page still shows
    # the end once.
    assert browser.get("/chat/?part=asked").content.decode().strip() == ""
    assert "Het gesprek is afgelopen" in browser.get("/chat/").content.decode()
