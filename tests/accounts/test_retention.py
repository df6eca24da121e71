import datetime

from django.core.management import call_command
from django.utils import timezone

from accounts.models import User


def client_account(name, joined, first_conversation=None, last_seen=None):
    user = User.objects.create(username=name, role=User.Role.CLIENT)
    User.objects.filter(pk=user.pk).update(
        date_joined=joined, first_conversation_at=first_conversation, last_seen_at=last_seen
    )
    return user


def test_unused_accounts_go_after_a_day_and_used_ones_stay(db, hana):
    now = timezone.now()
    client_account("fresh", now - datetime.timedelta(hours=23))
    client_account("stale", now - datetime.timedelta(hours=25))
    client_account(
        "used", now - datetime.timedelta(hours=25), first_conversation=now, last_seen=now
    )
    call_command("prune_client_accounts")
    assert set(User.objects.values_list("username", flat=True)) == {"fresh", "used", "hana"}


def test_inactive_accounts_go_after_the_configured_period(db, settings):
    settings.INACTIVE_ACCOUNT_RETENTION_DAYS = 30
    now = timezone.now()
    long_ago = now - datetime.timedelta(days=60)
    client_account("gone", long_ago, first_conversation=long_ago, last_seen=long_ago)
    client_account("active", long_ago, first_conversation=long_ago, last_seen=now)
    call_command("prune_client_accounts")
    assert list(User.objects.values_list("username", flat=True)) == ["active"]
