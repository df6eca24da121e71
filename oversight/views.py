"""Supervisors' pages: the live overview, a stated look into a conversation, the
statistics for the pilot's evaluation and the audit log."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts.decorators import role_required
from accounts.models import User

SUPERVISORS = (User.Role.SUPERVISOR, User.Role.ADMIN)


@require_safe
@role_required(*SUPERVISORS)
def overview(request):
    return render(request, "oversight/overview.html", {})
