"""System checks for settings that would quietly weaken privacy or security."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db import DatabaseError


@register(Tags.security, deploy=False)
def check_allowed_hosts(app_configs, **kwargs):
    # AllowedHostsOriginValidator trusts every Origin when "*" is allowed.
    if "*" in settings.ALLOWED_HOSTS:
        return [
            Error(
                "ALLOWED_HOSTS contains '*', which switches off the WebSocket origin check.",
                hint="List the exact host names in HOC_ALLOWED_HOSTS.",
                id="hoc.E001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_channel_layer(app_configs, **kwargs):
    backend = settings.CHANNEL_LAYERS["default"]["BACKEND"]
    if backend.endswith("InMemoryChannelLayer"):
        return [
            Error(
                "The in-memory channel layer cannot be shared between server processes.",
                hint="Set REDIS_URL.",
                id="hoc.E002",
            )
        ]
    return []


@register(Tags.database)
def check_demo_accounts(app_configs, databases=None, **kwargs):
    """Production refuses to migrate, and so to start (deploy/web-entrypoint.sh), while a
    demo account of `make run` can still log in: its password sits in a file in var/."""
    if not settings.PRODUCTION or not databases:
        return []
    from accounts.management.commands.create_demo_staff import DEMO_STAFF
    from accounts.models import User

    names = [name for name, _ in DEMO_STAFF]
    try:
        live = [
            user.username
            for user in User.objects.filter(username__in=names, is_active=True)
            if user.has_usable_password()
        ]
    except DatabaseError:
        return []  # not migrated yet: there can be no demo account either
    if live:
        return [
            Error(
                f"Demo accounts can log in: {', '.join(sorted(live))}.",
                hint="Delete them or deactivate them in the admin before running in production.",
                id="hoc.E003",
            )
        ]
    return []
