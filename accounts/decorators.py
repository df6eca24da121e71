from functools import wraps
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse


def client_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated or not request.user.is_client:
            return redirect("client-login")
        return view(request, *args, **kwargs)

    return wrapper


def _staff_view(view, allowed):
    """A staff member with a verified second factor, checked on every request; then `allowed`
    (a predicate on the user) or 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated or not user.is_staff_member:
            login = reverse("staff-login")
            return redirect(f"{login}?{urlencode({'next': request.get_full_path()})}")
        if not user.is_verified():
            return redirect("staff-otp")
        if not allowed(user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def staff_required(view):
    """Any staff role: counsellors, supervisors and admins."""
    return _staff_view(view, lambda user: True)


def supervisor_required(view):
    """Supervisors and admins (User.is_supervisor)."""
    return _staff_view(view, lambda user: user.is_supervisor)
