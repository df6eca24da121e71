"""The visitor's own voice after a chat (chat/feedback.py): asked on the ended page, kept
apart from everything of the chat, its free text gone after the conversations' retention."""

import datetime
import re
import time

import pytest
from django.core.management import call_command
from django.db import connection, models

from accounts import session_keys, sessions
from chat import conversations, feedback, queue
from chat.models import ContactRecord, Conversation, Feedback
from tests.chat import test_views
from tests.chat.test_views import INTAKE
from tests.conftest import log_in, skip_or_fail

chat_open = test_views.chat_open

ANSWERS = {"got_what_came_for": "partly", "would_chat_again": "yes", "better": "Sneller."}


def end_a_chat(client, hana, prefix=""):
    """A chat from this browser, ended by the counsellor; the ended page's HTML."""
    client.post(f"{prefix}/chat/", INTAKE)
    conversation = Conversation.objects.order_by("-created_at").first()
    queue.claim(conversation, hana)
    conversations.end_conversation(conversation, by="counsellor")
    return client.get(f"{prefix}/chat/").content.decode()


def token_in(html):
    return re.search(r'name="token" value="([^"]+)"', html).group(1)


def post(client, html, prefix="", **fields):
    return client.post(f"{prefix}/chat/vragen/", {"token": token_in(html), **fields})


def test_the_ended_page_asks_without_pushing_and_without_script(client, chat_open, hana):
    html = end_a_chat(client, hana)
    form = html[html.index('action="/chat/vragen/"') :]
    form = form[: form.index("</form>")]
    assert 'method="post"' in html and "csrfmiddlewaretoken" in form
    assert "Heb je gekregen waarvoor je kwam?" in form
    assert "Zou je nog eens met ons chatten?" in form
    assert "Wat kunnen we beter doen? (hoeft niet)" in form
    assert 'name="skip"' in form and "Overslaan" in form
    assert "required" not in form  # nothing must be answered
    assert 'maxlength="500"' in form
    assert "Dat hoeft niet." in html
    # The help lines stay, before the questions.
    assert html.index("0800-2000") < html.index('action="/chat/vragen/"')
    assert html.index("Heb je nu hulp nodig?") < html.index("Wil je ons nog iets laten weten?")
    # The token is random and holds nothing of the chat.
    conversation = Conversation.objects.get()
    token = client.session[session_keys.FEEDBACK]
    assert token == token_in(html) and str(conversation.pk) not in token
    assert len(token) >= 32


def test_answering_stores_exactly_one_row_and_thanks(client, chat_open, hana):
    html = end_a_chat(client, hana)
    response = post(client, html, **ANSWERS)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Dank je wel" in page and "0800-2000" in page
    assert "Bewaar dit gesprek in een nieuw account" in page  # the save offer still stands
    row = Feedback.objects.get()
    answered = (row.got_what_came_for, row.would_chat_again, row.better)
    assert answered == ("partly", "yes", "Sneller.")
    assert session_keys.FEEDBACK not in client.session


def test_the_token_is_spent_by_the_first_post(client, chat_open, hana):
    html = end_a_chat(client, hana)
    post(client, html, **ANSWERS)
    again = post(client, html, **ANSWERS)
    assert again.status_code == 200
    assert "al beantwoord of niet meer open" in again.content.decode()
    assert Feedback.objects.count() == 1


def test_a_wrong_or_missing_token_stores_nothing(client, chat_open, hana):
    end_a_chat(client, hana)
    client.post("/chat/vragen/", {"token": "geraden", **ANSWERS})
    client.post("/chat/vragen/", ANSWERS)
    assert not Feedback.objects.exists()
    assert session_keys.FEEDBACK in client.session  # the real offer still stands


def test_a_browser_that_never_ended_a_chat_cannot_answer(client, db):
    response = client.post("/chat/vragen/", {"token": "x", **ANSWERS})
    assert response.status_code == 200 and not Feedback.objects.exists()
    assert client.get("/chat/vragen/").status_code == 405


def test_skipping_stores_nothing_and_spends_the_token(client, chat_open, hana):
    html = end_a_chat(client, hana)
    response = post(client, html, skip="1", **ANSWERS)
    assert "We hebben niets van je antwoorden bewaard." in response.content.decode()
    assert not Feedback.objects.exists()
    assert session_keys.FEEDBACK not in client.session
    post(client, html, **ANSWERS)
    assert not Feedback.objects.exists()


def test_answering_nothing_stores_nothing(client, chat_open, hana):
    html = end_a_chat(client, hana)
    response = post(client, html, better="   ")
    assert "We hebben niets van je antwoorden bewaard." in response.content.decode()
    assert not Feedback.objects.exists()


def test_one_answer_alone_is_kept_without_text(client, chat_open, hana):
    post(client, end_a_chat(client, hana), would_chat_again="maybe")
    row = Feedback.objects.get()
    assert row.would_chat_again == "maybe" and row.got_what_came_for == ""
    assert row.better == "" and row.text_kept_until is None


def test_the_text_is_bounded_in_code_points(client, chat_open, hana):
    html = end_a_chat(client, hana)
    too_long = post(client, html, better="é" * 501)
    assert too_long.status_code == 400
    page = too_long.content.decode()
    assert "Wat kunnen we beter doen?" in page and "0800-2000" in page
    assert not Feedback.objects.exists()
    # The same token still answers, within the bound; an emoji counts once.
    post(client, html, better="🙂" * 500)
    assert Feedback.objects.get().better == "🙂" * 500


def test_an_unknown_choice_is_refused(client, chat_open, hana):
    html = end_a_chat(client, hana)
    assert post(client, html, got_what_came_for="heel-veel").status_code == 400
    assert not Feedback.objects.exists()


def test_in_english(client, chat_open, hana):
    html = end_a_chat(client, hana, prefix="/en")
    assert 'action="/en/chat/vragen/"' in html
    assert "Did you get what you came for?" in html and "Skip" in html
    page = post(client, html, prefix="/en", **ANSWERS).content.decode()
    assert "Thank you" in page
    assert Feedback.objects.count() == 1


def test_a_client_with_an_account_is_asked_too(client, chat_open, hana, robin):
    log_in(client, robin)
    html = end_a_chat(client, hana)
    assert "Bewaar dit gesprek" not in html
    page = post(client, html, **ANSWERS).content.decode()
    assert "Dank je wel" in page and "Bewaar dit gesprek" not in page
    assert Feedback.objects.count() == 1


def test_the_token_goes_with_an_idle_session(client, db, monkeypatch):
    # On a shared device the next person must not learn that a chat ended here, nor answer:
    # a session holding only the token lives by the clients' limits (accounts/sessions.py).
    now = [time.time()]
    monkeypatch.setattr(sessions.time, "time", lambda: now[0])
    session = client.session
    session[session_keys.FEEDBACK] = "een-token"
    session.save()
    client.get("/chat/")  # the clocks start
    now[0] += sessions.IDLE_SECONDS + 60
    client.post("/chat/vragen/", {"token": "een-token", **ANSWERS})
    assert not Feedback.objects.exists()


def test_posts_are_bounded_per_address(client, chat_open, hana, settings):
    end_a_chat(client, hana)
    for _ in range(feedback.POSTS_PER_HOUR):
        client.post("/chat/vragen/", {"token": "x"})
    assert client.post("/chat/vragen/", {"token": "x"}).status_code == 429


# --- Nothing joins a row to the chat -----------------------------------------------------


def test_feedback_has_no_key_and_no_time_but_the_month():
    fields = Feedback._meta.get_fields()
    assert not [f for f in fields if f.is_relation], "a relation could join it to a chat"
    assert not [f for f in fields if isinstance(f, models.DateTimeField | models.TimeField)]
    dates = {f.name for f in fields if isinstance(f, models.DateField)}
    assert dates == {"month", "text_kept_until"}
    assert {f.name for f in fields} == {
        "id",
        "month",
        "got_what_came_for",
        "would_chat_again",
        "better",
        "text_kept_until",
        "quote",
    }
    assert isinstance(Feedback._meta.pk, models.UUIDField)
    # Nothing else points at it either.
    assert not [f for f in Feedback._meta.related_objects]


def test_a_row_shares_no_value_with_the_chat_its_record_or_the_account(
    client, chat_open, hana, robin
):
    log_in(client, robin)
    html = end_a_chat(client, hana)
    conversation = Conversation.objects.get()
    post(client, html, **ANSWERS)
    row = Feedback.objects.get()
    assert row.month.day == 1
    if row.better:
        assert row.text_kept_until.month != (row.text_kept_until + datetime.timedelta(1)).month
    values = {str(getattr(row, f.attname)) for f in Feedback._meta.concrete_fields}
    others = {str(conversation.pk), str(robin.pk), str(hana.pk), str(conversation.ended_at)}
    others |= {str(pk) for pk in ContactRecord.objects.values_list("pk", flat=True)}
    assert not values & others
    assert str(row.pk) not in str(client.session.items())


@pytest.mark.parametrize(
    ("given", "kept_until"),
    [
        (datetime.date(2026, 12, 1), datetime.date(2027, 1, 31)),
        (datetime.date(2026, 12, 31), datetime.date(2027, 1, 31)),
        (datetime.date(2027, 1, 15), datetime.date(2027, 3, 31)),  # 31 Jan + 30 is 2 March
    ],
)
def test_the_text_is_kept_to_a_months_end_past_the_retention(given, kept_until, settings):
    settings.CONVERSATION_RETENTION_DAYS = 30
    month = feedback.month_of(given)
    assert month == given.replace(day=1)
    assert feedback.text_kept_until(month) == kept_until
    # Every day of the month is kept at least as long as a conversation of that day.
    assert kept_until >= given + datetime.timedelta(days=30)


def test_the_purge_removes_text_after_its_date_and_keeps_a_quote(db, settings):
    settings.CONVERSATION_RETENTION_DAYS = 30
    january = datetime.date(2026, 1, 9)
    old = feedback.store(better="Eerste tekst", got_what_came_for="yes", today=january)
    quoted = feedback.store(better="Tweede, met naam", today=datetime.date(2026, 1, 20))
    quoted.quote = "Tweede"
    quoted.save(update_fields=["quote"])
    recent = feedback.store(better="Nog bewaard", today=datetime.date(2026, 3, 3))
    assert old.text_kept_until == datetime.date(2026, 3, 31)
    assert feedback.purge_expired_text(today=datetime.date(2026, 3, 31)) == 0
    assert feedback.purge_expired_text(today=datetime.date(2026, 4, 1)) == 2
    old.refresh_from_db()
    quoted.refresh_from_db()
    recent.refresh_from_db()
    assert (old.better, old.text_kept_until, old.got_what_came_for) == ("", None, "yes")
    assert (quoted.better, quoted.quote) == ("", "Tweede")
    assert recent.better == "Nog bewaard"


def test_the_scheduled_purge_command_runs_it(db, settings):
    feedback.store(better="Lang geleden", today=datetime.date(2020, 1, 1))
    call_command("purge_conversations")
    assert Feedback.objects.get().better == ""


def test_the_shuffle_leaves_no_order_of_arrival(db):
    march = datetime.date(2026, 3, 20)
    older = feedback.store(better="januari", today=datetime.date(2026, 1, 5))
    for n in range(6):
        feedback.store(got_what_came_for="yes", better=f"t{n}", today=datetime.date(2026, 2, 28))
    feedback.store(would_chat_again="no", today=march)
    before = {(f.month, f.got_what_came_for, f.would_chat_again, f.better) for f in all_rows()}
    ids = set(Feedback.objects.values_list("pk", flat=True))
    assert feedback.shuffle_recent(today=march) == 7  # January's were shuffled in February
    after = all_rows()
    assert {(f.month, f.got_what_came_for, f.would_chat_again, f.better) for f in after} == before
    assert {f.pk for f in after} == ids  # random already: a supervisor's form still finds it
    assert Feedback.objects.get(pk=older.pk).better == "januari"
    if connection.vendor != "postgresql":
        skip_or_fail("the transaction ids of rows are PostgreSQL's")
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(Feedback._meta.db_table)
        query = f"SELECT count(DISTINCT xmin::text) FROM {table} WHERE month >= %s"  # noqa: S608
        cursor.execute(query, [march.replace(month=2, day=1)])
        assert cursor.fetchone()[0] == 1


def all_rows():
    return list(Feedback.objects.all())


def test_a_supervisor_quote_and_the_date_survive_the_shuffle(db):
    row = feedback.store(better="origineel", today=datetime.date(2026, 3, 2))
    row.quote = "citaat"
    row.save(update_fields=["quote"])
    feedback.shuffle_recent(today=datetime.date(2026, 3, 2))
    copy = Feedback.objects.get()
    assert (copy.better, copy.quote, copy.text_kept_until) == (
        "origineel",
        "citaat",
        row.text_kept_until,
    )
