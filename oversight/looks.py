"""A read-only look into a conversation: only with a stated reason, and every look is
written to the audit log before anything is shown. Supervisors look into any chat; a
counsellor into one that ended in their hands, once the closing form is in."""

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from audit import entries
from chat import notes, transfers
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


def look(user, conversation_id, *, reason_code, reason_text=""):
    """The conversation with its messages, notes and transfers, for reading only."""
    if not user.is_staff_member:
        raise PermissionDenied
    with transaction.atomic():
        try:
            conversation = Conversation.objects.select_related("counsellor").get(pk=conversation_id)
        except (Conversation.DoesNotExist, ValueError):
            raise PermissionDenied from None
        if not may_look(user, conversation):
            raise PermissionDenied
        entries.record(
            user,
            entries.Action.CONVERSATION_VIEWED,
            conversation=conversation,
            detail=f"reason={reason_code}",
            reason=reason_text.strip(),
        )
    return {
        "conversation": conversation,
        "messages": list(conversation.messages.order_by("seq")),
        "notes": notes.notes_of(conversation),
        "transfers": transfers.transfers_of(conversation),
    }
