"""How long a chat waits for the counsellor's reply, and when that turns amber and red.

A chat waits for a reply from its oldest visitor message that no counsellor message has
answered yet: the first visitor message after the last counsellor message. System messages
(joined, transferred) and a guest professional's messages neither start nor end a wait. Only
a chat in progress waits: one in the queue has its own waiting time, and an ended chat waits
for nobody. The workspace's rows, the supervisors' overview and the workspace's timers (the
data the rows carry) all come from here.
"""

import dataclasses
import datetime

from django.db import transaction
from django.db.models import F, IntegerField, Min, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from audit import entries
from chat.models import Conversation, Message, ReplyWaitThresholds
from common.refusals import NotAllowed

AMBER = "amber"
RED = "red"


@dataclasses.dataclass(frozen=True)
class Wait:
    """A chat waiting for its counsellor's reply since `since`."""

    since: datetime.datetime
    now: datetime.datetime
    thresholds: ReplyWaitThresholds

    @property
    def seconds(self):
        return max(0, int((self.now - self.since).total_seconds()))

    @property
    def elapsed(self):
        """Minutes and seconds ("3:05"), as the workspace's timer counts on."""
        return f"{self.seconds // 60}:{self.seconds % 60:02d}"

    @property
    def amber_at(self):
        return self.since + datetime.timedelta(seconds=self.thresholds.amber_seconds)

    @property
    def red_at(self):
        return self.since + datetime.timedelta(seconds=self.thresholds.red_seconds)

    @property
    def level(self):
        """How urgent the reply is now: AMBER, RED or the empty string."""
        return level_of(self.since, self.now, self.thresholds)


def level_of(since, now, thresholds):
    """The colour of a wait that began at `since`: the one comparison with the thresholds,
    also for the queue's waiting time."""
    waited = (now - since).total_seconds()
    if waited >= thresholds.red_seconds:
        return RED
    if waited >= thresholds.amber_seconds:
        return AMBER
    return ""


def thresholds():
    """The supervisors' thresholds (the defaults until one of them saves the form)."""
    return ReplyWaitThresholds.objects.filter(pk=1).first() or ReplyWaitThresholds(pk=1)


def set_thresholds(user, *, amber_seconds, red_seconds):
    """A supervisor changes when waits turn amber and red; audited (numbers only)."""
    if not user.is_supervisor:
        raise NotAllowed
    with transaction.atomic():
        saved, _ = ReplyWaitThresholds.objects.update_or_create(
            pk=1, defaults={"amber_seconds": amber_seconds, "red_seconds": red_seconds}
        )
        entries.record(
            user,
            entries.Action.REPLY_WAITS_CHANGED,
            detail=f"amber={amber_seconds}s red={red_seconds}s",
        )
    return saved


def waits_for(conversations, now=None):
    """{conversation id: Wait} for those of `conversations` that wait for a reply now, in one
    query however many there are (the overview asks for every chat in progress)."""
    now = now or timezone.now()
    active = [c.pk for c in conversations if c.state == Conversation.State.ACTIVE]
    if not active:
        return {}
    last_answer = (
        Message.objects.filter(
            conversation=OuterRef("conversation"), sender=Message.Sender.COUNSELLOR
        )
        .order_by("-seq")
        .values("seq")[:1]
    )
    unanswered = (
        Message.objects.filter(conversation__in=active, sender=Message.Sender.VISITOR)
        .annotate(
            answered_up_to=Coalesce(Subquery(last_answer), Value(0), output_field=IntegerField())
        )
        .filter(seq__gt=F("answered_up_to"))
        .order_by()  # Message's default ordering would split the groups
        .values("conversation")
        .annotate(since=Min("created_at"))
    )
    limits = thresholds()
    return {row["conversation"]: Wait(row["since"], now, limits) for row in unanswered}
