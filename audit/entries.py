"""The audit log: one append-only row per staff action on a conversation or referral."""

import datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from audit.models import AuditEntry

Action = AuditEntry.Action


def record(actor, action, *, conversation=None, referral=None, detail="", reason=""):
    """Write one entry. Call it inside the transaction of the action it records, so the
    action and its entry commit or roll back together."""
    return AuditEntry.objects.create(
        actor_id=getattr(actor, "pk", None),
        actor_name=getattr(actor, "username", "") or "",
        actor_role=getattr(actor, "role", "") or "",
        action=action,
        conversation_id=getattr(conversation, "pk", conversation),
        referral_id=getattr(referral, "pk", referral),
        detail=detail[:200],
        reason=reason,
    )


def purge_expired(now=None):
    """Delete entries older than AUDIT_RETENTION_DAYS: the only way rows ever leave."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.AUDIT_RETENTION_DAYS)
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cutoff = connection.ops.adapt_datetimefield_value(cutoff)
        cursor.execute(f"DELETE FROM {table} WHERE at < %s", [cutoff])  # noqa: S608
        return cursor.rowcount
