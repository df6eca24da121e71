from django.utils.functional import SimpleLazyObject

from chat import appointments, conversations

# The account page names the latest few; the history lists them all.
SHOWN = 5


def answered_messages(request):
    """A client's left messages that a counsellor answered, for their account page
    (templates/accounts/home.html), so a returning client sees at once that an answer
    waits; accounts imports nothing from chat. Lazy: only a page that shows them asks."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_client:
        return {}
    return {
        "answered_messages": SimpleLazyObject(
            lambda: list(conversations.answered_messages(user)[:SHOWN])
        )
    }


def client_appointments(request):
    """A client's follow-up appointments for their account page (upcoming, and a missed one),
    each with its neutral words (`when`); accounts imports nothing from chat. Lazy."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_client:
        return {}
    return {"client_appointments": SimpleLazyObject(lambda: _appointments_of(user))}


def _appointments_of(user):
    shown = appointments.for_client(user)
    for appointment in shown:
        appointment.when = appointments.when(appointment)
    return shown
