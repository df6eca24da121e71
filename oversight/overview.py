"""What a supervisor sees at a glance: the queue, the team and where help is needed."""

import datetime
from collections import defaultdict

from django.utils import timezone

from chat import availability, help_requests, queue, reply_waits, returning
from chat.forms import ReplyWaitThresholdsForm
from chat.models import Block, Conversation
from handover.models import Referral

RECENT = datetime.timedelta(hours=24)


def thresholds_form(data=None):
    """The supervisors' form for when a reply wait turns amber and red, in minutes."""
    limits = reply_waits.thresholds()
    initial = {
        "amber_minutes": max(1, limits.amber_seconds // 60),
        "red_minutes": max(2, limits.red_seconds // 60),
    }
    return ReplyWaitThresholdsForm(data, initial=initial, auto_id="waits-%s")


def snapshot(now=None):
    """queue.js fetches the overview again after every change in the queue, so nothing here
    grows with the queue: counts, and at most queue.SHOWN of those waiting in danger."""
    now = now or timezone.now()
    in_danger = queue.waiting().filter(in_danger=True)
    waiting_count = queue.waiting().count()
    waiting_in_danger_count = in_danger.count()
    oldest_waiting = queue.oldest_waiting()
    active = list(
        Conversation.objects.filter(state=Conversation.State.ACTIVE)
        .select_related("counsellor")
        .order_by("claimed_at")
    )
    by_counsellor = defaultdict(list)
    for conversation in active:
        by_counsellor[conversation.counsellor_id].append(conversation)
    # How long each chat waits for its counsellor's reply: one query for all of them.
    waits = reply_waits.waits_for(active, now)
    by_counsellor = {
        counsellor: [{"conversation": c, "wait": waits.get(c.pk)} for c in chats]
        for counsellor, chats in by_counsellor.items()
    }
    team = [
        {
            "user": entry.user,
            "status": entry.get_status_display(),
            "status_code": entry.status,
            "chats": by_counsellor.get(entry.user_id, []),
            "limit": availability.limit_of(entry),
        }
        for entry in availability.online_staff(now)
    ]
    online_ids = {member["user"].pk for member in team}
    # Chats of staff whose workspace is closed still need someone: list them too.
    offline = [c for c in active if c.counsellor_id not in online_ids]
    active_in_danger = [c for c in active if c.in_danger]
    waiting_in_danger = list(in_danger[: queue.SHOWN])
    # Chats that wait for one counsellor (asked for, or an appointment): for whom, how long.
    reserved = returning.reserved_waiting(now)
    reserved_shown = list(reserved[: queue.SHOWN])
    # Referrals waiting for a second person, oldest first. Facts only, never the summary:
    # reading it is the referral's own page, which the audit log records.
    awaiting_review = Referral.objects.awaiting_review()
    reviews = list(awaiting_review.select_related("partner", "drafted_by")[: queue.SHOWN])
    help_asked = list(help_requests.open_requests().order_by("created_at"))
    return {
        "now": now,
        "thresholds": reply_waits.thresholds(),
        "thresholds_form": thresholds_form(),
        "waiting_count": waiting_count,
        "longest_wait": now - oldest_waiting if oldest_waiting else None,
        "oldest_waiting": oldest_waiting,
        "waiting_in_danger": waiting_in_danger,
        "waiting_in_danger_more": waiting_in_danger_count - len(waiting_in_danger),
        "reserved": reserved_shown,
        "reserved_more": reserved.count() - len(reserved_shown) if reserved_shown else 0,
        "in_danger_count": waiting_in_danger_count + len(active_in_danger),
        "active_count": len(active),
        "active_in_danger": active_in_danger,
        "team": team,
        "offline_chats": offline,
        "help": help_asked,
        # So the team table marks the chat that asked, beside its "Meekijken".
        "help_ids": {request.conversation_id for request in help_asked},
        "reviews": reviews,
        "reviews_more": awaiting_review.count() - len(reviews) if reviews else 0,
        "blocks_to_review": list(Block.objects.awaiting_review().select_related("created_by")),
        "recent": list(
            Conversation.objects.filter(
                state__in=Conversation.FINISHED_STATES,
                ended_at__gte=now - RECENT,
            )
            .select_related("counsellor")
            .order_by("-ended_at")[:30]
        ),
    }
