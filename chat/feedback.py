"""The visitor's own voice after a chat, for the pilot's evaluation (issue #18).

When the ended page is shown (views.start), this browser session gets a one-time random
token and nothing else: not the conversation, not when it ended. Posting the questions with
that token stores one `Feedback` row and spends the token, so a second post stores nothing.
Answering nothing, or skipping, stores nothing at all.

A row has no key to the conversation, its contact record or an account, a random id, and
no time but the first day of the month. Its free text is kept no longer than the
conversations themselves (`text_kept_until`, rounded to a month's end so it tells no day);
`purge_expired_text` removes it after that, unless a supervisor kept an anonymised quote of
it (oversight/feedback_quotes.py): the quote stays, the visitor's own words still go.
Every scheduler round, `shuffle_recent` writes the recent rows again in a random order, so
not even the database's storage keeps the order in which they came.
"""

import calendar
import datetime
import random
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from accounts import pseudonyms
from accounts.session_keys import FEEDBACK
from chat.models import Feedback
from common import throttling

# "Wat kunnen we beter doen?": a few sentences, counted in code points (Django's
# max_length counts len(), which is code points).
BETTER_MAX_CHARS = 500
# Posts per address pseudonym and hour. A token comes only with an ended chat, and chats
# are counted per session and address already; this bounds the cost of refused posts too.
POSTS_PER_HOUR = 20
POST_WINDOW = 60 * 60
TOKEN_BYTES = 24
# Rows written again per round of `shuffle_recent`.
SHUFFLE_MAX = 5000


def offer(session):
    """Give this session a fresh one-time token for the questions, and return it."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    session[FEEDBACK] = token
    return token


def offered(session):
    return session.get(FEEDBACK)


def withdraw(session):
    session.pop(FEEDBACK, None)


def holds(session, token):
    """Whether `token` is the one this session was offered and has not spent."""
    held = session.get(FEEDBACK)
    return bool(held and token and constant_time_compare(held, str(token)))


def take(session, token):
    """True once, for the token this session holds; the token is spent then. A token that
    does not match (an old page's) leaves the offer as it is."""
    if not holds(session, token):
        return False
    withdraw(session)
    return True


def allow_post(request):
    """Count one post of the questions from this address (by its daily pseudonym)."""
    bucket = f"chat-feedback:{pseudonyms.client_pseudonym(request)}"
    return throttling.allow(bucket, POSTS_PER_HOUR, POST_WINDOW)


def month_of(day):
    return day.replace(day=1)


def _month_end(day):
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def text_kept_until(month):
    """The last day of the month in which the conversations' retention has run out for
    anything given in `month`: from the month's last day, so it depends on the month alone
    and tells no day of it."""
    retention = datetime.timedelta(days=settings.CONVERSATION_RETENTION_DAYS)
    return _month_end(_month_end(month) + retention)


def store(*, got_what_came_for="", would_chat_again="", better="", today=None):
    """One row of the answers, or None when nothing was answered."""
    better = (better or "").strip()[:BETTER_MAX_CHARS]
    if not (got_what_came_for or would_chat_again or better):
        return None
    month = month_of(today or timezone.localdate())
    return Feedback.objects.create(
        month=month,
        got_what_came_for=got_what_came_for or "",
        would_chat_again=would_chat_again or "",
        better=better,
        # No text, nothing to remove: null means "no free text held".
        text_kept_until=text_kept_until(month) if better else None,
    )


def forget_text(feedback):
    """Remove the visitor's own words from one row; a kept quote stays."""
    feedback.better = ""
    feedback.text_kept_until = None
    feedback.save(update_fields=["better", "text_kept_until"])


def purge_expired_text(today=None):
    """Remove the free text of every row past its `text_kept_until`; the number removed.
    Row by row: the text is sealed with its row's id, so no bulk update can write it."""
    today = today or timezone.localdate()
    removed = 0
    for feedback in Feedback.objects.filter(text_kept_until__lt=today).iterator():
        forget_text(feedback)
        removed += 1
    return removed


def shuffle_recent(today=None):
    """Write this month's and last month's rows again, in a random order, in one
    transaction; the number written. A row's place in the table's storage and its
    transaction id (PostgreSQL's xmin) follow the order rows came in, and could be laid
    beside the contact records' to guess which answer was whose; afterwards they are one
    transaction's, in no order. The ids stay (they are random already), so a supervisor's
    open form still finds its row. Every scheduler round runs it (purge_conversations);
    at most SHUFFLE_MAX rows a round, so a flood of answers cannot make it costly."""
    today = today or timezone.localdate()
    since = month_of(month_of(today) - datetime.timedelta(days=1))
    with transaction.atomic():
        recent = Feedback.objects.filter(month__gte=since).order_by("?")[:SHUFFLE_MAX]
        chosen = list(recent.values_list("pk", flat=True))
        rows = list(Feedback.objects.select_for_update().filter(pk__in=chosen))
        if not rows:
            return 0
        for row in rows:
            row.better, row.quote = row.better, row.quote  # opened, to be sealed again
        random.SystemRandom().shuffle(rows)
        Feedback.objects.filter(pk__in=[row.pk for row in rows]).delete()
        for row in rows:
            row._state.adding = True
            row.save(force_insert=True)  # one by one: each text is sealed with its row's id
    return len(rows)
