"""The anonymous contact registration behind the pilot's statistics.

One ContactRecord per conversation, filled in as the conversation moves along and
completed by the closing form (chat/closing.py). It keeps no link to a person and survives
the conversation's deletion (the link to it is then emptied).
"""

from django.utils import timezone

from chat.models import ContactRecord, Conversation, Message, ReplyTime

# The messages read to find the reply times of one chat: a bounded cost per chat.
MAX_MESSAGES_READ = 2000


def open_record(conversation):
    started = conversation.created_at or timezone.now()
    return ContactRecord.objects.create(
        conversation=conversation,
        started_hour=started.replace(minute=0, second=0, microsecond=0),
        for_whom=conversation.for_whom,
        minor=conversation.minor,
        in_danger=conversation.in_danger,
        with_account=conversation.client_id is not None,
        result=(
            ContactRecord.Result.MESSAGE
            if conversation.left_message
            else ContactRecord.Result.WAITING
        ),
    )


def record_of(conversation):
    """The conversation's record; made now for conversations older than the registration."""
    try:
        return conversation.record
    except ContactRecord.DoesNotExist:
        return open_record(conversation)


def note_claimed(conversation):
    """The record of a chat taken from the queue, answered with one UPDATE. queue._taken
    calls it with the conversation just read from the database, which holds no record yet."""
    answered = {
        "result": ContactRecord.Result.ANSWERED,
        "wait_seconds": _seconds(conversation.created_at, conversation.claimed_at),
    }
    if ContactRecord.objects.filter(
        conversation=conversation, result=ContactRecord.Result.WAITING
    ).update(**answered):
        return
    record = record_of(conversation)  # a chat older than the registration gets one now
    if record.result == ContactRecord.Result.WAITING:
        for name, value in answered.items():
            setattr(record, name, value)
        record.save(update_fields=list(answered))


def note_ended(conversation, left=False):
    """`left`: the visitor went away without ending it (chat/leaving.py). Out of the queue
    that is abandoned, as ending it there is; after being taken it is counted apart from
    the answered contacts, so the figures do not call a flight an answered chat."""
    record = record_of(conversation)
    if conversation.state == Conversation.State.ABANDONED:
        record.result = ContactRecord.Result.ABANDONED
        record.wait_seconds = _seconds(conversation.created_at, conversation.ended_at)
    elif conversation.claimed_at is not None:
        record.duration_seconds = _seconds(conversation.claimed_at, conversation.ended_at)
        if left:
            record.result = ContactRecord.Result.LEFT
        record.first_reply_seconds, replies = reply_times(conversation)
        record.replies.all().delete()
        ReplyTime.objects.bulk_create(ReplyTime(record=record, seconds=s) for s in replies)
    record.save(update_fields=["result", "wait_seconds", "duration_seconds", "first_reply_seconds"])


def reply_times(conversation):
    """The seconds from being taken to the counsellor's first message (None without one),
    and within the chat each wait for an answer: from the visitor's first message that has
    no answer yet to the counsellor's next message. System and guest messages do not count;
    a visitor's last words that got no answer are no wait."""
    messages = (
        conversation.messages.filter(sender__in=[Message.Sender.VISITOR, Message.Sender.COUNSELLOR])
        .order_by("seq")
        .values_list("sender", "created_at")[:MAX_MESSAGES_READ]
    )
    first_reply, waiting_since, replies = None, None, []
    for sender, at in messages:
        if sender == Message.Sender.COUNSELLOR:
            if first_reply is None:
                first_reply = _seconds(conversation.claimed_at, at)
            elif waiting_since is not None:
                replies.append(_seconds(waiting_since, at))
            waiting_since = None
        elif first_reply is not None and waiting_since is None:
            waiting_since = at
    return first_reply, replies


def visitor_left(conversation):
    """Whether the visitor of this taken chat went away without ending it."""
    return ContactRecord.objects.filter(
        conversation=conversation, result=ContactRecord.Result.LEFT
    ).exists()


def note_transferred(conversation):
    ContactRecord.objects.filter(conversation=conversation).update(transferred=True)


def to_close(counsellor):
    """Ended chats of this counsellor whose closing form is still open."""
    return (
        Conversation.objects.filter(
            counsellor=counsellor, state=Conversation.State.ENDED, left_message=False
        )
        .exclude(record__closed_at__isnull=False)
        .order_by("ended_at")
    )


def _seconds(start, end):
    if start is None or end is None:
        return None
    return max(0, int((end - start).total_seconds()))
