"""System checks for settings that would quietly weaken privacy or security."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=False)
def check_allowed_hosts(app_configs, **kwargs):
    # AllowedHostsOriginValidator trusts every Origin when "*" is allowed (R-E1).
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
