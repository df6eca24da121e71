"""The staff console's top bar: what every staff page shows of the person's own work (status,
how many chats at once, sound) and of the queue (how many wait). One function builds it, for
the template tag that renders the bar (chat/templatetags/staff_console.py) and for the bar's
small refresh (views.counsel_bar)."""

from django.conf import settings

from chat import availability, queue
from chat.forms import AvailabilityForm

# Sound on or off lives in the staff member's session on the server: nothing stays on the
# device.
MUTED_KEY = "workspace_muted"


def is_muted(session):
    return session.get(MUTED_KEY, False)


def set_muted(session, muted):
    session[MUTED_KEY] = bool(muted)


def waiting_count():
    """How many visitors wait in the queue now (left messages are not waiting)."""
    return queue.waiting().count()


def bar_for(request):
    """Everything the bar shows, or None when nobody is fully logged in as staff (the
    log-in, code and enrolment pages show no bar)."""
    user = request.user
    # django-otp's middleware gives request.user is_verified; a user logged in during this
    # very request (the enrolment) has not passed it yet.
    verified = getattr(user, "is_verified", lambda: False)
    if not (user.is_authenticated and user.is_staff_member and verified()):
        return None
    own = availability.availability_of(user)
    return {
        "availability": own,
        "form": AvailabilityForm(
            initial={"status": own.status, "capacity": availability.limit_of(own)},
            cap=settings.COUNSELLOR_CAPACITY,
            auto_id="bar-%s",
        ),
        "waiting": waiting_count(),
        "muted": is_muted(request.session),
    }
