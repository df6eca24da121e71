"""The "help" signal: a counsellor asks the supervisor on duty to join them."""

from django.db import transaction
from django.utils import timezone

from audit import entries
from chat import events
from chat.models import HelpRequest
from common.refusals import NotAllowed


def request_help(conversation, counsellor):
    """One open request per conversation; asking again changes nothing."""
    if conversation.counsellor_id != counsellor.pk or not conversation.is_open:
        raise NotAllowed
    with transaction.atomic():
        existing = open_requests().filter(conversation=conversation).first()
        if existing is not None:
            return existing
        help_request = HelpRequest.objects.create(
            conversation=conversation, requested_by=counsellor
        )
        entries.record(counsellor, entries.Action.HELP_REQUESTED, conversation=conversation)
        events.help_requested_on_commit()
    return help_request


def answer(help_request, supervisor):
    """A supervisor takes the request up (and then usually looks into the chat)."""
    if not supervisor.is_supervisor:
        raise NotAllowed
    with transaction.atomic():
        answered = HelpRequest.objects.filter(pk=help_request.pk, answered_at__isnull=True).update(
            answered_by=supervisor, answered_at=timezone.now()
        )
        if answered:
            entries.record(
                supervisor,
                entries.Action.HELP_ANSWERED,
                conversation=help_request.conversation_id,
            )
            events.queue_changed_on_commit()
    return bool(answered)


def open_requests():
    return HelpRequest.objects.filter(answered_at__isnull=True).select_related(
        "conversation", "requested_by"
    )
