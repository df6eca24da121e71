import datetime
import uuid

from django.core.management import call_command
from django.utils import timezone

from chat import conversations
from chat.models import Conversation, Message


def conversation(client=None, ended_days_ago=None, created_days_ago=0):
    c = conversations.open_conversation(for_whom="self", minor="no", in_danger=False, client=client)
    conversations.post_message(c, "visitor", "iets", uuid.uuid4())
    now = timezone.now()
    Conversation.objects.filter(pk=c.pk).update(
        created_at=now - datetime.timedelta(days=created_days_ago),
        ended_at=None if ended_days_ago is None else now - datetime.timedelta(days=ended_days_ago),
        state="ended" if ended_days_ago is not None else "waiting",
    )
    return c


def test_anonymous_conversations_go_after_their_retention(db, settings, robin):
    settings.CONVERSATION_RETENTION_DAYS = 30
    recent = conversation(ended_days_ago=29, created_days_ago=29)
    conversation(ended_days_ago=31, created_days_ago=31)
    conversation(created_days_ago=31)  # never ended, its session long gone
    kept_with_account = conversation(client=robin, ended_days_ago=400, created_days_ago=400)
    call_command("purge_conversations")
    assert set(Conversation.objects.values_list("pk", flat=True)) == {
        recent.pk,
        kept_with_account.pk,
    }
    assert (
        Message.objects.filter(conversation_id__in=[recent.pk, kept_with_account.pk]).count() == 2
    )
    assert Message.objects.count() == 2  # messages went with their conversations
