"""The "help" signal: a counsellor asks the supervisor on duty to join them.

The supervisors' overview names the chat it comes from (its label, never what was said:
templates/chat/includes/conversation_label.html) and opens it through the audited look
(oversight/looks.py). The counsellor is told only what happened: asked, and who answered
when, the moment a supervisor takes it up (a `help.answered` event on the counsellor's
and observers' conversation sockets), never a promise that someone is coming before anyone did.
"""

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
    """A supervisor takes the request up (and then usually looks into the chat). The
    counsellor in the chat hears who, at once; the overviews refresh."""
    if not supervisor.is_supervisor:
        raise NotAllowed
    with transaction.atomic():
        now = timezone.now()
        answered = HelpRequest.objects.filter(pk=help_request.pk, answered_at__isnull=True).update(
            answered_by=supervisor, answered_at=now
        )
        if answered:
            conversation = help_request.conversation
            entries.record(
                supervisor,
                entries.Action.HELP_ANSWERED,
                conversation=help_request.conversation_id,
            )
            # The counsellor, and supervisors looking on live (their look shows it too).
            events.send_on_commit(
                events.Audience.staff(conversation),
                events.state_event(
                    conversation,
                    "help.answered",
                    by=supervisor.username,
                    at=now.isoformat(timespec="seconds"),
                ),
            )
            events.queue_changed_on_commit()
    return bool(answered)


def answer_all(conversation_id, supervisor):
    """A supervisor looks into a chat that asked for help: that answers it."""
    for help_request in open_requests().filter(conversation_id=conversation_id):
        answer(help_request, supervisor)


def open_requests():
    return HelpRequest.objects.filter(answered_at__isnull=True).select_related(
        "conversation", "conversation__client", "requested_by"
    )


def latest_for(conversation):
    """The conversation's last call for help, open or answered, or None: what its
    counsellor is shown (asked, or answered by whom and when)."""
    return (
        HelpRequest.objects.filter(conversation=conversation)
        .select_related("answered_by")
        .order_by("-created_at")
        .first()
    )
