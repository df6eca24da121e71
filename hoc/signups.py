"""Sign-ups of professionals for information sessions, and their short retention."""

import datetime

from django.conf import settings
from django.utils import timezone

from hoc import throttling
from hoc.models import InfoSessionSignup

# Nobody signs up a hundred teams an hour; a flood is abuse, whoever sends it.
SIGNUPS_PER_HOUR = 100


class TooManySignups(Exception):
    pass


def register_signup(organisation, role, email, preferred_date):
    if not throttling.allow("info-session-signups", SIGNUPS_PER_HOUR, 3600):
        raise TooManySignups
    return InfoSessionSignup.objects.create(
        organisation=organisation, role=role, email=email, preferred_date=preferred_date
    )


def purge_expired(now=None):
    """Delete sign-ups whose preferred date lies SIGNUP_RETENTION_DAYS behind us."""
    today = timezone.localdate(now)
    cutoff = today - datetime.timedelta(days=settings.SIGNUP_RETENTION_DAYS)
    deleted, _ = InfoSessionSignup.objects.filter(preferred_date__lt=cutoff).delete()
    return deleted
