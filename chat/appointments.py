"""Follow-up appointments between a client with an account and a counsellor.

A counsellor proposes a time in a chat; the client accepts or declines it there; the client
reads it in their account, the counsellor in the workspace. Nothing is sent anywhere (no
e-mail, no SMS). From a little before its time until a while after, the client's new chat
goes to that counsellor first (`due_for`, read by chat/returning.py when a chat starts).
"""

import datetime

from django.utils import timezone

from chat.models import Appointment

# A client who comes this much early, or this much late, still comes for the appointment.
EARLY = datetime.timedelta(minutes=15)
LATE = datetime.timedelta(minutes=30)


def due_for(client, now=None):
    """The accepted appointment of this client whose time is now (within EARLY and LATE),
    or None."""
    if client is None or not getattr(client, "is_client", False):
        return None
    now = now or timezone.now()
    return (
        Appointment.objects.filter(
            client=client,
            state=Appointment.State.ACCEPTED,
            starts_at__lte=now + EARLY,
            starts_at__gte=now - LATE,
        )
        .select_related("counsellor")
        .order_by("starts_at")
        .first()
    )


def note_kept(appointment, conversation):
    """The client came for this appointment in `conversation` (called where the chat starts)."""
    Appointment.objects.filter(pk=appointment.pk, state=Appointment.State.ACCEPTED).update(
        state=Appointment.State.KEPT, kept_in=conversation
    )
