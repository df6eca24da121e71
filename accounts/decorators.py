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


def role_required(*roles):
    """Staff views: the right role and a verified second factor, checked on every request."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated or not user.is_staff_member:
                login = reverse("staff-login")
                return redirect(f"{login}?{urlencode({'next': request.get_full_path()})}")
            if not user.is_verified():
                return redirect("staff-otp")
            if roles and user.role not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
