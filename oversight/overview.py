"""What a supervisor sees at a glance: the queue, the team and where help is needed."""

import datetime
from collections import defaultdict

from django.utils import timezone

from chat import availability, help_requests
from chat.models import Block, Conversation

RECENT = datetime.timedelta(hours=24)


def snapshot(now=None):
    now = now or timezone.now()
    waiting = list(Conversation.objects.waiting())
    active = list(
        Conversation.objects.filter(state=Conversation.State.ACTIVE)
        .select_related("counsellor")
        .order_by("claimed_at")
    )
    by_counsellor = defaultdict(list)
    for conversation in active:
        by_counsellor[conversation.counsellor_id].append(conversation)
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
    return {
        "now": now,
        "waiting": waiting,
        "waiting_count": len(waiting),
        "longest_wait": now - waiting[0].created_at if waiting else None,
        "oldest_waiting": min((c.created_at for c in waiting), default=None),
        "waiting_in_danger": [c for c in waiting if c.in_danger],
        "active_count": len(active),
        "active_in_danger": [c for c in active if c.in_danger],
        "team": team,
        "offline_chats": offline,
        "help": list(help_requests.open_requests().order_by("created_at")),
        "blocks_to_review": list(Block.objects.awaiting_review().select_related("created_by")),
        "recent": list(
            Conversation.objects.filter(
                state__in=[Conversation.State.ENDED, Conversation.State.ABANDONED],
                ended_at__gte=now - RECENT,
            )
            .select_related("counsellor")
            .order_by("-ended_at")[:30]
        ),
    }
