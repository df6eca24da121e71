"""The pilot evaluation's figures ([5/8] item 7): reply times, waiting before leaving,
occupancy from online spans, chats per shift and referral lead times. Exact on the team's
page, suppressed in the CSV; every value below is planted and worked out by hand."""

import csv
import io
import uuid
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from chat import availability, conversations, queue, records, transfers
from chat.models import Availability, ContactRecord, Message, OnlineSpan, ReplyTime
from handover.models import Referral
from oversight import statistics
from partners.models import Partner
from tests.chat.test_views import waiting
from tests.conftest import log_in
from tests.oversight.seed import contact, local

DAY = date(2026, 6, 1)
PERIOD = {"start": "2026-06-01", "end": "2026-06-01"}
PAGE = reverse("oversight-statistics")
CSV = reverse("oversight-statistics-csv")


def exact():
    return statistics.compute(DAY, DAY)


def csv_values(client):
    rows = csv.reader(io.StringIO(client.get(CSV, PERIOD).content.decode()))
    return {(table, key): value for table, key, _label, value in rows}


# --- Reply times, from the chat's own messages ----------------------------------------------


def say(conversation, sender, at, author=None):
    message, _created = conversations.post_message(
        conversation, sender, "…", uuid.uuid4(), author=author
    )
    Message.objects.filter(pk=message.pk).update(created_at=at)


def test_the_reply_times_of_a_chat_are_kept_in_its_anonymous_record(hana):
    conversation = queue.claim(waiting(), hana)
    taken = timezone.now() - timedelta(hours=1)
    type(conversation).objects.filter(pk=conversation.pk).update(claimed_at=taken)
    conversation.refresh_from_db()
    visitor, counsellor = Message.Sender.VISITOR, Message.Sender.COUNSELLOR
    for sender, seconds in [
        (visitor, 10),  # before the first reply: part of the time to it, not a reply time
        (counsellor, 45),  # first reply after 45 s
        (visitor, 100),  # waits from 100 s …
        (visitor, 130),  # … (a second message of the same wait)
        (Message.Sender.SYSTEM, 150),  # system messages are no answer
        (counsellor, 160),  # … 60 s
        (counsellor, 170),  # nothing to answer: no wait
        (visitor, 200),
        (counsellor, 290),  # 90 s
        (visitor, 400),  # never answered: no wait
    ]:
        author = hana if sender == counsellor else None
        say(conversation, sender, taken + timedelta(seconds=seconds), author=author)
    conversations.end_conversation(conversation, by="counsellor", actor=hana)
    record = ContactRecord.objects.get(conversation=conversation)
    assert record.first_reply_seconds == 45
    assert sorted(ReplyTime.objects.filter(record=record).values_list("seconds", flat=True)) == [
        60,
        90,
    ]
    # The conversation's deletion leaves the reply times with the record.
    conversation.delete()
    assert ReplyTime.objects.filter(record=record).count() == 2


def test_a_chat_without_a_counsellor_message_has_no_first_reply(hana):
    conversation = queue.claim(waiting(), hana)
    say(conversation, Message.Sender.VISITOR, timezone.now())
    conversations.end_conversation(conversation, by="visitor")
    record = ContactRecord.objects.get(conversation=conversation)
    assert record.first_reply_seconds is None
    assert not ReplyTime.objects.filter(record=record).exists()


def plant_replies(first_replies, waits):
    """Contacts of 1 June 10h with these first replies, and one of them with these waits."""
    made = [contact(local("2026-06-01", 10), first_reply_seconds=s) for s in first_replies]
    ReplyTime.objects.bulk_create(ReplyTime(record=made[0], seconds=s) for s in waits)


@pytest.mark.django_db
def test_time_to_first_reply_and_reply_time_by_nearest_rank():
    # First replies 10 … 70 s (7): median rank 4 → 40 s, p90 rank ceil(6.3) = 7 → 70 s.
    # Waits 5, 15, 25, 35, 300 (5): median rank 3 → 25 s, p90 rank 5 → 300 s.
    plant_replies([10, 20, 30, 40, 50, 60, 70], [300, 5, 35, 15, 25])
    contact(local("2026-06-02", 10), first_reply_seconds=999)  # the next day
    figures = exact()
    assert (figures.first_reply.median.seconds, figures.first_reply.p90.seconds) == (40, 70)
    assert figures.first_reply.count == 7
    assert (figures.reply.median.seconds, figures.reply.p90.seconds) == (25, 300)
    assert str(figures.reply.p90) == "5:00"


@pytest.mark.django_db
def test_too_few_reply_times_are_too_little_data_on_the_page_and_not_in_the_csv(client, sam):
    plant_replies([10, 20, 30, 40], [5, 6])
    log_in(client, sam)
    html = client.get(PAGE, PERIOD).content.decode()
    section = html[
        html.index("Tijd tot de eerste reactie") : html.index("Weggegaan in de wachtrij</dt>")
    ]
    assert section.count("te weinig gegevens") == 2
    assert "(n = 4)" in section and "(n = 2)" in section
    values = csv_values(client)
    assert values[("samenvatting", "eerste_reactie_mediaan")] == "–"
    assert values[("samenvatting", "reactietijd_p90")] == "–"


@pytest.mark.django_db
def test_reply_times_are_exact_on_the_page_and_in_the_csv(client, sam):
    plant_replies([10, 20, 30, 40, 50, 60, 70], [300, 5, 35, 15, 25])
    log_in(client, sam)
    html = client.get(PAGE, PERIOD).content.decode()
    assert "mediaan <strong>0:40</strong> · 90e percentiel <strong>1:10</strong>" in html
    assert "mediaan <strong>0:25</strong> · 90e percentiel <strong>5:00</strong>" in html
    values = csv_values(client)
    assert values[("samenvatting", "eerste_reactie_mediaan")] == "40"
    assert values[("samenvatting", "reactietijd_p90")] == "300"


# --- Leaving the queue -----------------------------------------------------------------------


@pytest.mark.django_db
def test_who_left_while_waiting_and_after_how_long(client, sam):
    # 12 answered, 2 left during the chat, 6 abandoned after 30 … 180 s: 6 of 20 = 30%.
    for _ in range(12):
        contact(local("2026-06-01", 10), wait_seconds=20)
    for _ in range(2):
        contact(local("2026-06-01", 10), result=ContactRecord.Result.LEFT, wait_seconds=20)
    for seconds in (30, 60, 90, 120, 150, 180):
        contact(
            local("2026-06-01", 11), result=ContactRecord.Result.ABANDONED, wait_seconds=seconds
        )
    contact(local("2026-06-01", 11), result=ContactRecord.Result.MESSAGE)  # no queue at all
    figures = exact()
    assert str(figures.abandonment) == "30%"
    # Median rank 3 → 90 s; p90 rank ceil(5.4) = 6 → 180 s.
    assert (figures.left_wait.median.seconds, figures.left_wait.p90.seconds) == (90, 180)
    log_in(client, sam)
    html = client.get(PAGE, PERIOD).content.decode()
    assert "<strong>30%</strong>" in html
    assert "mediaan <strong>1:30</strong> · 90e percentiel <strong>3:00</strong>" in html
    values = csv_values(client)
    # Left during the chat: 2, shown "<5", so the share would give it away; not published.
    assert values[("results", "left")] == "<5"
    assert values[("samenvatting", "wegloop")] == "–"
    assert values[("samenvatting", "wachttijd_weggegaan_mediaan")] == "90"


# --- Online spans, occupancy and shifts -----------------------------------------------------


def heartbeat(user, at):
    availability.note_seen(user, now=at)


def span_writes(user, at):
    """The statements on the online spans that one heartbeat makes."""
    with CaptureQueriesContext(connection) as queries:
        heartbeat(user, at)
    return [
        q["sql"]
        for q in queries.captured_queries
        if "chat_onlinespan" in q["sql"] and not q["sql"].lstrip().upper().startswith("SELECT")
    ]


def test_a_heartbeat_writes_the_span_at_most_once_a_minute(hana):
    start = timezone.now() - timedelta(hours=1)
    assert len(span_writes(hana, start)) == 2  # unlink older spans, start this one
    assert span_writes(hana, start + timedelta(seconds=20)) == []
    assert span_writes(hana, start + timedelta(seconds=40)) == []
    assert len(span_writes(hana, start + timedelta(seconds=60))) == 1
    assert span_writes(hana, start + timedelta(seconds=80)) == []
    assert len(span_writes(hana, start + timedelta(seconds=120))) == 1
    span = OnlineSpan.objects.get()
    assert (span.started_at, span.ended_at) == (start, start + timedelta(seconds=120))


def test_a_gap_starts_a_new_span_and_the_old_one_forgets_whose_it_was(hana):
    start = timezone.now() - timedelta(hours=2)
    for seconds in (0, 60, 120):
        heartbeat(hana, start + timedelta(seconds=seconds))
    # Silent for 4 minutes (more than availability.SPAN_GAP, 3): a new span.
    later = start + timedelta(seconds=120 + 240)
    heartbeat(hana, later)
    first, second = OnlineSpan.objects.order_by("started_at")
    assert (first.started_at, first.ended_at, first.user_id) == (
        start,
        start + timedelta(seconds=120),
        None,
    )
    assert (second.started_at, second.user_id) == (later, hana.pk)
    # The purge job unlinks a span that can no longer be extended.
    assert availability.forget_span_owners(now=later + timedelta(minutes=10)) == 1
    assert not OnlineSpan.objects.filter(user__isnull=False).exists()


def test_away_is_not_online_time(hana):
    start = timezone.now() - timedelta(hours=1)
    heartbeat(hana, start)
    Availability.objects.filter(user=hana).update(status=Availability.Status.AWAY)
    heartbeat(hana, start + timedelta(minutes=1))
    assert OnlineSpan.objects.get().ended_at == start


def test_chats_taken_or_handed_over_count_on_the_open_span(hana, sam):
    availability.note_seen(hana)
    availability.note_seen(sam)
    conversation = queue.claim(waiting(), hana)
    queue.claim(waiting(), sam)
    transfers.transfer(conversation, hana, sam)
    assert OnlineSpan.objects.get(user=hana).chats == 1
    assert OnlineSpan.objects.get(user=sam).chats == 2


def span(started, minutes, chats=0):
    return OnlineSpan.objects.create(
        started_at=started, ended_at=started + timedelta(minutes=minutes), chats=chats
    )


@pytest.mark.django_db
def test_occupancy_and_chats_per_shift(client, sam):
    # Online on 1 June: 22:30 31 May – 01:30 (1.5 h inside the day), 10:00–14:00 (4 h),
    # 10:00–12:00 (2 h), 14:00–18:30 (4.5 h), 19:00–19:10 (10 min: online, but no shift),
    # 23:00–02:00 on 2 June (1 h inside): 13 h 10 min = 13.2 h. In chat: 10 chats of 30 min
    # and 2 of 90 min = 8 h, 8 / 13.17 = 61%.
    span(local("2026-05-31", 22).replace(minute=30), 180, chats=9)  # started the day before
    span(local("2026-06-01", 10), 240, chats=5)
    span(local("2026-06-01", 10), 120, chats=1)
    span(local("2026-06-01", 14), 270, chats=6)
    span(local("2026-06-01", 19), 10, chats=1)
    span(local("2026-06-01", 23), 180, chats=3)
    span(local("2026-06-02", 10), 60, chats=7)  # the next day
    for minutes in [30] * 10 + [90] * 2:
        contact(local("2026-06-01", 10), duration_seconds=60 * minutes)
    figures = exact()
    assert str(figures.occupancy.online) == "13,2"  # Dutch: a decimal comma
    assert str(figures.occupancy.in_chat) == "8,0"
    assert str(figures.occupancy.share) == "61%"
    # Shifts started on 1 June, 15 minutes or longer: 5, 1, 6, 3 chats; four is too few.
    assert figures.per_shift.count == 4 and not figures.per_shift.enough
    span(local("2026-06-01", 20), 60, chats=2)  # a fifth: 1, 2, 3, 5, 6
    figures = exact()
    assert (figures.per_shift.median.value, figures.per_shift.p90.value) == (3, 6)
    log_in(client, sam)
    html = client.get(PAGE, PERIOD).content.decode()
    assert "<dt>Uren online</dt><dd><strong>14,2</strong>" in html
    assert "<dt>Uren in gesprek</dt><dd><strong>8,0</strong>" in html
    assert "mediaan <strong>3</strong> · 90e percentiel <strong>6</strong>" in html
    values = csv_values(client)
    assert values[("samenvatting", "uren_online")] == "14.2"  # a point for spreadsheets
    assert values[("samenvatting", "chats_per_dienst_mediaan")] == "3"


@pytest.mark.django_db
def test_team_hours_over_fewer_than_five_spans_do_not_leave_the_organisation(client, sam):
    # One counsellor's four spans would be their own working hours.
    for hour in (8, 10, 12, 14):
        span(local("2026-06-01", hour), 60)
    for _ in range(6):
        contact(local("2026-06-01", 10), duration_seconds=600)
    assert str(exact().occupancy.online) == "4,0"
    log_in(client, sam)
    values = csv_values(client)
    assert values[("samenvatting", "uren_online")] == "–"
    assert values[("samenvatting", "uren_in_gesprek")] == "–"
    assert values[("samenvatting", "bezetting")] == "–"


# --- Referral lead times --------------------------------------------------------------------


@pytest.mark.django_db
def test_referral_lead_times_per_step(client, sam):
    partner = Partner.objects.create(slug="p", name="P-hulp", kind=Partner.Kind.CARE, summary="-")
    drafted = local("2026-06-01", 9)
    # Five approved after 1 … 5 h; sent 1 h after approval (four of them); one acknowledged.
    for i in range(5):
        sent = i < 4
        made = Referral.objects.create(
            partner=partner,
            purpose=Referral.Purpose.ADVICE,
            summary="-",
            state=Referral.State.ACKNOWLEDGED if i == 0 else "sent" if sent else "approved",
        )
        approved = drafted + timedelta(hours=i + 1)
        Referral.objects.filter(pk=made.pk).update(
            created_at=drafted,
            reviewed_at=approved,
            sent_at=approved + timedelta(hours=1) if sent else None,
            acknowledged_at=approved + timedelta(hours=3) if i == 0 else None,
        )
    # Returned and then cancelled: reviewed, never approved, so it does not count.
    returned = Referral.objects.create(
        partner=partner, purpose="advice", summary="-", state=Referral.State.CANCELLED
    )
    Referral.objects.filter(pk=returned.pk).update(
        created_at=drafted, reviewed_at=drafted + timedelta(minutes=5)
    )
    steps = {lead.key: lead.spread for lead in exact().referrals.lead_times}
    approved = steps["opgesteld_goedgekeurd"]
    # 1 … 5 h: median rank 3 → 3 h, p90 rank 5 → 5 h.
    assert (str(approved.median), str(approved.p90), approved.count) == ("3,0", "5,0", 5)
    assert steps["goedgekeurd_verstuurd"].count == 4
    assert not steps["goedgekeurd_verstuurd"].enough
    assert steps["verstuurd_ontvangen"].count == 1
    log_in(client, sam)
    html = client.get(PAGE, PERIOD).content.decode()
    assert "Doorlooptijd: Opgesteld → goedgekeurd" in html
    assert "mediaan <strong>3,0</strong> · 90e percentiel <strong>5,0</strong>" in html
    values = csv_values(client)
    assert values[("samenvatting", "doorlooptijd_opgesteld_goedgekeurd_mediaan")] == "3.0"
    assert values[("samenvatting", "doorlooptijd_goedgekeurd_verstuurd_mediaan")] == "–"


# --- Who may see them, and suppression of the standalone counts -----------------------------


@pytest.mark.parametrize("url", [PAGE, CSV])
def test_counsellors_see_none_of_it(client, hana, url):
    span(local("2026-06-01", 10), 60)
    log_in(client, hana)
    assert client.get(url, PERIOD).status_code == 403


@pytest.mark.django_db
def test_small_counts_are_exact_on_the_page_and_suppressed_in_the_csv(client, sam):
    for i in range(3):
        contact(local("2026-06-01", 10), transferred=True, wait_seconds=i)
    log_in(client, sam)
    html = client.get(PAGE, PERIOD).content.decode()
    assert "<dt>Contacten</dt><dd><strong>3</strong>" in html
    assert "<dt>Doorverbonden naar een collega</dt><dd><strong>3</strong>" in html
    values = csv_values(client)
    assert values[("samenvatting", "contacten")] == "<5"
    assert values[("samenvatting", "doorverbonden")] == "<5"
    assert set(values[("per_hour", f"{h:02d}")] for h in range(24)) == {"–"}
    assert not {v for v in values.values() if v in ("1", "2", "3", "4")}


def test_reply_times_read_a_bounded_number_of_messages(hana):
    conversation = queue.claim(waiting(), hana)
    with CaptureQueriesContext(connection) as queries:
        records.reply_times(conversation)
    assert len(queries) == 1
    assert f"LIMIT {records.MAX_MESSAGES_READ}" in queries[0]["sql"]
