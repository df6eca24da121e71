"""A look into a conversation: only with a stated reason, and every look is written to the
audit log before anything is shown. Supervisors look into any chat, and their look is live:
the audit entry grants their session's socket the observer's role for a while
(chat/observers.py), to read along, whisper to the counsellor or join openly. A counsellor
looks into one that ended in their hands, once the closing form is in: read-only, not live."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from audit import entries
from chat import help_requests, notes, observers, speakers, transfers, whispers
from chat.models import Conversation


class Reason(models.TextChoices):
    """Why someone looks: asked on the look's page, its code in the audit entry's detail
    (`reason=help`), its label read back by the audit log (oversight/audit_wording.py)."""

    HELP = "help", _("Een hulpverlener vraagt om hulp")
    DANGER = "danger", _("Direct gevaar")
    HANDOVER = "handover", _("Beoordeling van een warme overdracht")
    QUALITY = "quality", _("Nabespreking of kwaliteit")
    COMPLAINT = "complaint", _("Klacht of melding")
    OTHER = "other", _("Anders")


def may_look(user, conversation):
    """Supervisors and admins into any conversation. A counsellor only into one that ended
    in their hands: their own part ends with the closing form (chat.conversations.role_in),
    and reading it again after that goes through here, with a reason, like a supervisor."""
    if user.is_supervisor:
        return True
    return (
        user.is_staff_member and conversation.counsellor_id == user.pk and not conversation.is_open
    )


def look(user, conversation_id, *, reason_code, reason_text="", session=None):
    """The conversation with its messages, notes and transfers. For a supervisor, with the
    browser `session` that looked, also the live grant (until when, a Unix time)."""
    if not user.is_staff_member:
        raise PermissionDenied
    with transaction.atomic():
        try:
            conversation = Conversation.objects.select_related("counsellor").get(pk=conversation_id)
        except (Conversation.DoesNotExist, ValueError):
            raise PermissionDenied from None
        if not may_look(user, conversation):
            raise PermissionDenied
        entry = entries.record(
            user,
            entries.Action.CONVERSATION_VIEWED,
            conversation=conversation,
            detail=f"reason={reason_code}",
            reason=reason_text.strip(),
        )
        live_until = None
        if user.is_supervisor and session is not None:
            live_until = observers.grant(session, user, conversation, entry)
    messages = list(conversation.messages.select_related("author").order_by("seq"))
    return {
        "conversation": conversation,
        "timeline": timeline(conversation, messages),
        "messages": messages,
        # Whispers show in the chat itself, in their place.
        "notes": [note for note in notes.notes_of(conversation) if not note.whisper],
        "transfers": transfers.transfers_of(conversation),
        "help": help_requests.latest_for(conversation),
        "live_until": live_until,
        "live_until_at": (
            datetime.datetime.fromtimestamp(live_until, tz=datetime.UTC) if live_until else None
        ),
        "seconds": list(
            conversation.second_counsellors.filter(left_at__isnull=True).select_related("user")
        ),
    }


def timeline(conversation, messages):
    """The messages, each with the name staff read for it (chat/speakers.py), and the
    whispers after the message they followed: what the live chat shows, rendered."""
    after = {}
    for note in whispers.whispers_from(conversation, 0):
        after.setdefault(note.after_seq or 0, []).append(note)
    items = [("whisper", note) for note in after.pop(0, [])]
    for message in messages:
        message.staff_by = speakers.staff_name(message, conversation.counsellor_id)
        items.append(("message", message))
        items += [("whisper", note) for note in after.pop(message.seq, [])]
    return items
