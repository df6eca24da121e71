"""Follow-up appointments (chat/appointments.py): a counsellor proposes a time in a chat with
a client who has an account, the client answers in the chat or in their account, a missed
one shows to both, and the counsellor moves it to a new time."""

import datetime
import io
import json
import re
import threading

import pytest
from django.db import close_old_connections, connection
from django.test import Client
from django.utils import timezone

from accounts import session_keys
from accounts.models import User
from audit.models import AuditEntry
from chat import appointments, availability, events, queue
from chat.models import Appointment, Conversation
from tests.conftest import log_in, skip_or_fail

State = Appointment.State
Action = AuditEntry.Action


def active_chat(counsellor, client=None):
    return Conversation.objects.create(
        state=Conversation.State.ACTIVE,
        counsellor=counsellor,
        client=client,
        claimed_at=timezone.now(),
        for_whom=Conversation.ForWhom.SELF,
        minor=Conversation.Minor.NO,
        consent_version="test",
    )


def in_days(days, hour=14):
    then = timezone.localtime() + datetime.timedelta(days=days)
    return then.replace(hour=hour, minute=0, second=0, microsecond=0)


@pytest.fixture
def chat(hana, robin):
    return active_chat(hana, robin)


def visitor(robin, conversation):
    client = log_in(Client(), robin)
    session = client.session
    session[session_keys.CONVERSATION] = str(conversation.pk)
    session.save()
    return client


def actions():
    return list(AuditEntry.objects.order_by("at").values_list("action", flat=True))


# --- The rules ---------------------------------------------------------------------------


def test_the_chats_counsellor_proposes_and_the_client_accepts(chat, hana, robin):
    appointment = appointments.propose(chat, hana, in_days(5))
    assert appointment.state == State.PROPOSED
    assert (appointment.client, appointment.counsellor, appointment.proposed_in) == (
        robin,
        hana,
        chat,
    )
    accepted = appointments.accept(appointment, robin)
    assert accepted.state == State.ACCEPTED and accepted.answered_at is not None
    assert actions() == [Action.APPOINTMENT_PROPOSED, Action.APPOINTMENT_ACCEPTED]
    entry = AuditEntry.objects.get(action=Action.APPOINTMENT_ACCEPTED)
    assert entry.conversation_id == chat.pk and entry.actor_role == User.Role.CLIENT
    # Once answered it stays answered.
    with pytest.raises(appointments.WrongState):
        appointments.decline(accepted, robin)


def test_the_client_may_decline(chat, hana, robin):
    appointment = appointments.decline(appointments.propose(chat, hana, in_days(2)), robin)
    assert appointment.state == State.DECLINED
    assert actions()[-1] == Action.APPOINTMENT_DECLINED


def test_the_words_name_only_the_time(chat, hana):
    starts = timezone.make_aware(datetime.datetime(2027, 12, 7, 14, 0))
    appointment = Appointment(starts_at=starts)
    assert appointments.when(appointment) == "Vervolggesprek: dinsdag 7 december, 14:00"


def test_only_the_chats_own_counsellor_proposes(chat, otto, robin, sam):
    for someone in (otto, sam, robin):
        with pytest.raises(appointments.NotYours):
            appointments.propose(chat, someone, in_days(3))
    assert not Appointment.objects.exists()


def test_a_counsellor_who_handed_the_chat_on_may_no_longer_propose(chat, hana, otto):
    Conversation.objects.filter(pk=chat.pk).update(counsellor=otto)
    with pytest.raises(appointments.NotYours):
        appointments.propose(chat, hana, in_days(3))


def test_an_anonymous_chat_gets_no_appointment(hana):
    with pytest.raises(appointments.NoAccount):
        appointments.propose(active_chat(hana), hana, in_days(3))


def test_only_in_the_future_and_within_ninety_days(chat, hana):
    now = timezone.now()
    for wrong in (
        now - datetime.timedelta(hours=1),
        now + datetime.timedelta(minutes=5),
        now + datetime.timedelta(days=91),
    ):
        with pytest.raises(appointments.OutOfRange):
            appointments.propose(chat, hana, wrong)
    appointments.propose(chat, hana, now + datetime.timedelta(days=89))


def test_a_client_has_at_most_a_few_live_appointments(chat, hana, robin):
    for day in range(appointments.LIVE_PER_CLIENT):
        appointments.propose(chat, hana, in_days(day + 1))
    with pytest.raises(appointments.TooMany):
        appointments.propose(chat, hana, in_days(10))
    # A declined one makes room again.
    appointments.decline(Appointment.objects.first(), robin)
    appointments.propose(chat, hana, in_days(10))


def test_only_the_client_answers(chat, hana, otto, robin):
    appointment = appointments.propose(chat, hana, in_days(3))
    other = User.objects.create_user(username="kim-client", role=User.Role.CLIENT)
    for someone in (hana, otto, other):
        with pytest.raises(appointments.NotYours):
            appointments.accept(appointment, someone)
    appointment.refresh_from_db()
    assert appointment.state == State.PROPOSED


def test_a_proposal_whose_time_passed_cannot_be_accepted(chat, hana, robin):
    appointment = appointments.propose(chat, hana, in_days(1))
    later = appointment.starts_at + datetime.timedelta(minutes=1)
    with pytest.raises(appointments.WrongState):
        appointments.accept(appointment, robin, now=later)
    appointments.mark_missed(later)
    appointment.refresh_from_db()
    assert appointment.state == State.CANCELLED  # lapsed, never missed: nobody agreed


def test_reschedule_makes_a_new_proposal_and_cancels_the_old(chat, hana, robin, otto):
    old = appointments.accept(appointments.propose(chat, hana, in_days(3)), robin)
    with pytest.raises(appointments.NotYours):
        appointments.reschedule(old, otto, in_days(4))
    new = appointments.reschedule(old, hana, in_days(4))
    old.refresh_from_db()
    assert old.state == State.CANCELLED and old.replaced_by == new
    assert new.state == State.PROPOSED and new.proposed_in == chat
    assert actions()[-1] == Action.APPOINTMENT_RESCHEDULED
    with pytest.raises(appointments.WrongState):
        appointments.reschedule(old, hana, in_days(5))


def test_cancel_by_the_counsellor_or_the_client(chat, hana, robin, otto):
    first = appointments.propose(chat, hana, in_days(3))
    with pytest.raises(appointments.NotYours):
        appointments.cancel(first, otto)
    assert appointments.cancel(first, hana).state == State.CANCELLED
    second = appointments.accept(appointments.propose(chat, hana, in_days(4)), robin)
    assert appointments.cancel(second, robin).state == State.CANCELLED
    assert actions().count(Action.APPOINTMENT_CANCELLED) == 2


def test_an_accepted_appointment_nobody_came_for_becomes_missed(chat, hana, robin):
    appointment = appointments.accept(appointments.propose(chat, hana, in_days(1)), robin)
    during = appointment.starts_at + appointments.LATE - datetime.timedelta(minutes=1)
    assert appointments.mark_missed(during) == 0
    after = appointment.starts_at + appointments.LATE + datetime.timedelta(minutes=1)
    assert appointments.mark_missed(after) == 1
    appointment.refresh_from_db()
    assert appointment.state == State.MISSED
    # The routing's functions keep their behaviour: nothing is due any more.
    assert appointments.due_for(robin, after) is None


def test_a_chat_started_for_it_in_time_is_not_missed(chat, hana, robin):
    appointment = appointments.accept(appointments.propose(chat, hana, in_days(1)), robin)
    came = active_chat(hana, robin)
    Conversation.objects.filter(pk=came.pk).update(
        created_at=appointment.starts_at + datetime.timedelta(minutes=5),
        asked_for=hana,
        asked_because=Conversation.AskedBecause.APPOINTMENT,
    )
    after = appointment.starts_at + datetime.timedelta(hours=2)
    assert appointments.mark_missed(after) == 0
    assert appointments.due_for(robin, appointment.starts_at) == appointment
    appointments.note_kept(appointment, came)
    appointment.refresh_from_db()
    assert appointment.state == State.KEPT


def test_lists_apply_missed_without_the_job(chat, hana, robin, monkeypatch):
    appointment = appointments.accept(appointments.propose(chat, hana, in_days(1)), robin)
    after = appointment.starts_at + datetime.timedelta(hours=1)
    assert [a.state for a in appointments.for_client(robin, after)] == [State.MISSED]
    assert [a.state for a in appointments.for_counsellor(hana, after)] == [State.MISSED]
    # A new time replaces the missed one in the lists.
    appointments.reschedule(appointment, hana, after + datetime.timedelta(days=2), now=after)
    assert [a.state for a in appointments.for_client(robin, after)] == [State.PROPOSED]


def test_the_scheduler_runs_the_missed_marking():
    from pathlib import Path

    script = Path("deploy/scheduler.sh").read_text()
    assert "mark_missed_appointments" in script


def test_the_management_command_marks_missed(chat, hana, robin):
    from django.core.management import call_command

    appointment = appointments.accept(appointments.propose(chat, hana, in_days(1)), robin)
    Appointment.objects.filter(pk=appointment.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=1)
    )
    out = io.StringIO()
    call_command("mark_missed_appointments", stdout=out)
    assert out.getvalue() == "Marked 1 appointments missed.\n"
    appointment.refresh_from_db()
    assert appointment.state == State.MISSED


def test_the_workspace_list_shows_todays_first_then_later_then_missed(hana, robin):
    now = timezone.localtime().replace(hour=8, minute=0, second=0, microsecond=0)
    chat = active_chat(hana, robin)
    later = appointments.propose(chat, hana, now + datetime.timedelta(days=3), now=now)
    today = appointments.propose(chat, hana, now + datetime.timedelta(hours=6), now=now)
    missed = Appointment.objects.create(
        client=robin,
        counsellor=hana,
        proposed_in=chat,
        starts_at=now - datetime.timedelta(days=1),
        state=State.ACCEPTED,
    )
    assert appointments.for_counsellor(hana, now) == [today, later, missed]
    assert Appointment.objects.get(pk=missed.pk).state == State.MISSED


def test_each_step_is_told_to_the_chat_but_never_to_a_guest(chat, hana, robin, capture_broadcasts):
    with capture_broadcasts() as sent:
        appointment = appointments.propose(chat, hana, in_days(2))
    [(group, message)] = sent
    assert group == chat.group_name
    assert message["event"] == {
        "type": "appointment",
        "appointment": str(appointment.pk),
        "state": "proposed",
    }
    assert set(message["to"]) == {events.VISITOR, events.COUNSELLOR, events.OBSERVER}
    with capture_broadcasts() as sent:
        appointments.accept(appointment, robin)
    assert [m["event"]["state"] for _g, m in sent] == ["accepted"]


# --- The counsellor's side panel and list -----------------------------------------------------


def test_the_side_panel_has_the_form_for_a_client_chat(client, chat, hana):
    log_in(client, hana)
    html = client.get(f"/medewerkers/gesprek/{chat.pk}/").content.decode()
    assert "Vervolgafspraak voorstellen" in html
    assert 'type="date"' in html and 'type="time"' in html
    assert f'action="/medewerkers/gesprek/{chat.pk}/vervolgafspraak/"' in html


def test_no_form_for_an_anonymous_chat(client, hana):
    anonymous = active_chat(hana)
    log_in(client, hana)
    html = client.get(f"/medewerkers/gesprek/{anonymous.pk}/").content.decode()
    assert "Vervolgafspraak voorstellen" not in html


def form_of(starts_at):
    local = timezone.localtime(starts_at)
    return {"day": local.date().isoformat(), "time": local.strftime("%H:%M")}


def test_the_plain_form_proposes_and_comes_back_to_the_chat(client, chat, hana):
    log_in(client, hana)
    url = f"/medewerkers/gesprek/{chat.pk}/vervolgafspraak/"
    response = client.post(url, form_of(in_days(6)))
    assert response.status_code == 302 and response.url == f"/medewerkers/gesprek/{chat.pk}/"
    appointment = Appointment.objects.get()
    html = client.get(response.url).content.decode()
    assert appointments.when(appointment).split(": ")[1] in html  # the message and the list


def test_a_refused_time_says_why_on_a_page_of_its_own(client, chat, hana):
    log_in(client, hana)
    url = f"/medewerkers/gesprek/{chat.pk}/vervolgafspraak/"
    response = client.post(url, form_of(in_days(120)))
    assert response.status_code == 400
    assert "hoogstens 90 dagen vooruit" in response.content.decode()
    assert not Appointment.objects.exists()


def test_the_fetch_form_gets_its_part_back(client, chat, hana):
    log_in(client, hana)
    url = f"/medewerkers/gesprek/{chat.pk}/vervolgafspraak/"
    response = client.post(url, form_of(in_days(6)), headers={"X-Requested-With": "fetch"})
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert f'data-appointment-side="{chat.pk}"' in html and "Voorgesteld:" in html
    wrong = client.post(url, {"day": "", "time": ""}, headers={"X-Requested-With": "fetch"})
    assert wrong.status_code == 200 and "field__error" in wrong.content.decode()


def test_another_counsellor_cannot_post_the_form(client, chat, otto):
    log_in(client, otto)
    response = client.post(f"/medewerkers/gesprek/{chat.pk}/vervolgafspraak/", form_of(in_days(6)))
    assert response.status_code == 403
    assert not Appointment.objects.exists()


def test_the_workspace_lists_mine_with_reschedule(client, chat, hana, robin):
    appointment = appointments.accept(appointments.propose(chat, hana, in_days(2)), robin)
    log_in(client, hana)
    html = client.get("/medewerkers/wachtrij/").content.decode()
    box = html.split('id="my-appointments-title"')[1].split("</section>")[0]
    assert "Mijn vervolgafspraken" in html and "afgesproken" in box
    assert f"/medewerkers/afspraak/{appointment.pk}/" in box and "Verzetten" in box
    response = client.post(
        f"/medewerkers/afspraak/{appointment.pk}/", {"do": "reschedule", **form_of(in_days(4))}
    )
    assert response.status_code == 302 and response.url == "/medewerkers/wachtrij/"
    appointment.refresh_from_db()
    assert appointment.state == State.CANCELLED and appointment.replaced_by.state == State.PROPOSED


def test_the_workspace_shows_a_missed_one(client, chat, hana, robin):
    Appointment.objects.create(
        client=robin,
        counsellor=hana,
        proposed_in=chat,
        starts_at=timezone.now() - datetime.timedelta(hours=2),
        state=State.ACCEPTED,
    )
    log_in(client, hana)
    html = client.get("/medewerkers/wachtrij/").content.decode()
    box = html.split('id="my-appointments-title"')[1].split("</section>")[0]
    assert "gemist" in box and "Nieuwe tijd voorstellen" in box


def test_someone_elses_appointment_cannot_be_moved(client, chat, hana, otto):
    appointment = appointments.propose(chat, hana, in_days(2))
    log_in(client, otto)
    response = client.post(
        f"/medewerkers/afspraak/{appointment.pk}/", {"do": "cancel"}, follow=False
    )
    assert response.status_code == 403


# --- The client: the card in the chat, and the account -----------------------------------------


def card_html(html, appointment):
    start = html.rindex("<li", 0, html.index(f'id="appointment-{appointment.pk}"'))
    return html[start : html.index("</li>", start)]


def test_the_chat_page_without_script_shows_the_card_with_forms(chat, hana, robin):
    appointment = appointments.propose(chat, hana, in_days(3))
    client = visitor(robin, chat)
    html = client.get("/chat/").content.decode()
    card = card_html(html, appointment)
    assert appointments.when(appointment) in card
    assert "Ja, dat past" in card and "Nee, liever niet" in card
    assert f'action="/chat/afspraak/{appointment.pk}/"' in card
    response = client.post(
        f"/chat/afspraak/{appointment.pk}/", {"decision": "accept", "back": "chat"}
    )
    assert response.url == f"/chat/#appointment-{appointment.pk}"
    card = card_html(client.get("/chat/").content.decode(), appointment)
    assert "appointment-card--answered" in card and "Afgesproken." in card


def test_the_cards_json_is_for_the_visitor_only(chat, hana, robin, otto):
    appointment = appointments.propose(chat, hana, in_days(3))
    data = json.loads(visitor(robin, chat).get(f"/chat/afspraken/{chat.pk}/").content)
    [card] = data["cards"]
    assert card["id"] == str(appointment.pk) and card["asking"] is True
    assert card["when"] == appointments.when(appointment)
    assert log_in(Client(), otto).get(f"/chat/afspraken/{chat.pk}/").status_code == 403


def test_the_fetch_answer_comes_back_as_json(chat, hana, robin):
    appointment = appointments.propose(chat, hana, in_days(3))
    client = visitor(robin, chat)
    response = client.post(f"/chat/afspraak/{appointment.pk}/", {"decision": "decline"})
    data = json.loads(response.content)
    assert data["state"] == "declined" and data["asking"] is False
    assert data["status"] == "Je hebt nee gezegd. Dat is goed."
    again = client.post(f"/chat/afspraak/{appointment.pk}/", {"decision": "accept"})
    assert again.status_code == 409 and json.loads(again.content)["error"] == "wrong_state"


def test_another_client_cannot_answer(chat, hana):
    appointment = appointments.propose(chat, hana, in_days(3))
    other = User.objects.create_user(username="kim-client", role=User.Role.CLIENT)
    response = log_in(Client(), other).post(
        f"/chat/afspraak/{appointment.pk}/", {"decision": "accept"}
    )
    assert response.status_code == 403


def test_the_account_lists_and_answers_appointments(chat, hana, robin):
    appointment = appointments.propose(chat, hana, in_days(3))
    client = log_in(Client(), robin)
    html = client.get("/account/").content.decode()
    section = html.split("data-client-appointments")[1].split("</section>")[0]
    assert appointments.when(appointment) in section
    assert "Ja, dat past" in section
    # Nothing about what it is about: only the time.
    assert "Hulppunt" not in section and "dwingende" not in section
    response = client.post(
        f"/chat/afspraak/{appointment.pk}/", {"decision": "accept", "back": "account"}
    )
    assert response.url == "/account/#appointments-title"
    section = client.get("/account/").content.decode().split("data-client-appointments")[1]
    assert "Afgesproken." in section and "afzeggen" in section


def test_the_account_says_when_one_was_missed(chat, hana, robin):
    Appointment.objects.create(
        client=robin,
        counsellor=hana,
        proposed_in=chat,
        starts_at=timezone.make_aware(datetime.datetime(2026, 12, 1, 14, 0)),
        state=State.ACCEPTED,
    )
    html = log_in(Client(), robin).get("/account/").content.decode()
    assert "Je afspraak van dinsdag 1 december is gemist." in html
    assert "Je hulpverlener kan een nieuwe tijd voorstellen." in html


def test_the_account_of_a_client_without_appointments_says_nothing(robin):
    html = log_in(Client(), robin).get("/account/").content.decode()
    assert "data-client-appointments" not in html


# --- PostgreSQL: two online counsellors, one offline --------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_proposal_is_accepted_with_colleagues_online_and_offline():
    if connection.vendor != "postgresql":
        skip_or_fail("needs PostgreSQL (row locks)")
    robin = User.objects.create_user(username="robin-client", role=User.Role.CLIENT)
    hana = User.objects.create_user(username="hana", role=User.Role.COUNSELLOR)
    otto = User.objects.create_user(username="otto", role=User.Role.COUNSELLOR)
    away = User.objects.create_user(username="lou", role=User.Role.COUNSELLOR)
    availability.note_seen(hana)
    availability.note_seen(otto)
    conversation = Conversation.objects.create(
        client=robin, for_whom="self", minor="no", consent_version="test"
    )
    queue.claim(conversation, hana)
    assert set(a.user for a in availability.online_staff()) == {hana, otto}
    with pytest.raises(appointments.NotYours):
        appointments.propose(conversation, otto, in_days(2))
    with pytest.raises(appointments.NotYours):
        appointments.propose(conversation, away, in_days(2))

    # Two proposals at once (a double click): the client's bound holds under the lock.
    for day in range(appointments.LIVE_PER_CLIENT - 1):
        appointments.propose(conversation, hana, in_days(day + 1))
    results = []

    def propose(day):
        try:
            results.append(appointments.propose(conversation, hana, in_days(day)))
        except appointments.TooMany as refused:
            results.append(refused)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=propose, args=(day,)) for day in (10, 11)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(type(r).__name__ for r in results) == ["Appointment", "TooMany"]
    made = next(r for r in results if isinstance(r, Appointment))

    client = visitor(robin, conversation)
    response = client.post(f"/chat/afspraak/{made.pk}/", {"decision": "accept"})
    assert json.loads(response.content)["state"] == "accepted"
    made.refresh_from_db()
    assert made.state == State.ACCEPTED and made.counsellor == hana
    assert appointments.due_for(robin, made.starts_at) == made
    html = log_in(Client(), robin).get("/account/").content.decode()
    assert appointments.when(made) in html
    assert re.search(r"Vervolggesprek: \w+ \d+ \w+, 14:00", html)
