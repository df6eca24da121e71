"""How long client accounts are kept (docs/security.md; privacy statement)."""

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from accounts.clients import delete_client
from accounts.models import User


def purge_unused(now=None):
    """Accounts that never started a conversation, UNUSED_ACCOUNT_RETENTION_HOURS old."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(hours=settings.UNUSED_ACCOUNT_RETENTION_HOURS)
    stale = User.objects.filter(
        role=User.Role.CLIENT, first_conversation_at__isnull=True, date_joined__lt=cutoff
    )
    return _delete_each(stale)


def purge_inactive(now=None):
    """Accounts not seen for INACTIVE_ACCOUNT_RETENTION_DAYS."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.INACTIVE_ACCOUNT_RETENTION_DAYS)
    stale = User.objects.filter(role=User.Role.CLIENT).filter(
        Q(last_seen_at__lt=cutoff) | Q(last_seen_at__isnull=True, date_joined__lt=cutoff)
    )
    return _delete_each(stale)


def _delete_each(queryset):
    count = 0
    for user in queryset.iterator():
        delete_client(user)  # one at a time: each takes its sessions with it
        count += 1
    return count
