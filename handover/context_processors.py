from django.utils.functional import SimpleLazyObject

from handover import referrals
from handover.models import Referral


def client_referrals(request):
    """A client's referrals for their account page (templates/accounts/home.html), so
    accounts never imports handover. Lazy: only a page that shows them runs the query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_client:
        return {}
    return {"client_referrals": SimpleLazyObject(lambda: _with_steps(user))}


def _with_steps(user):
    shown = list(Referral.objects.of_client(user).select_related("partner", "conversation"))
    for referral in shown:
        referral.steps = referrals.allowed_steps(referral, user)
    return shown
