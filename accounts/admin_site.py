from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp.admin import OTPAdminSite


class StaffAdminSite(OTPAdminSite):
    """The Django admin behind the same log-in as every staff page: password and TOTP.

    OTPAdminSite already refuses users without a verified device; its own log-in form is
    replaced by ours, so there is one log-in, throttled and audited in one place.
    """

    site_header = "HOC chat beheer"
    site_title = "HOC chat beheer"

    def has_permission(self, request):
        user = request.user
        return super().has_permission(request) and user.is_staff_member

    def login(self, request, extra_context=None):
        next_url = request.GET.get("next") or reverse("admin:index")
        if request.user.is_authenticated and request.user.is_staff_member:
            return redirect(f"{reverse('staff-otp')}?{urlencode({'next': next_url})}")
        return redirect(f"{reverse('staff-login')}?{urlencode({'next': next_url})}")
