"""Sign-ups of professionals for information sessions, and their short retention."""

import datetime

from django.conf import settings
from django.utils import timezone

from common import throttling
from public.models import InfoSessionSignup

# One address (a keyed pseudonym, accounts/pseudonyms.py) signs up a few teams an hour at
# most, so one sender cannot fill the hourly total and shut out everyone else, as 99 fakes
# from one address once did under a single cap of 100. The total stays as a last bound on
# how much a crowd of addresses can store.
SIGNUPS_PER_ADDRESS_PER_HOUR = 5
SIGNUPS_PER_HOUR = 500


class TooManySignups(Exception):
    pass


def register_signup(organisation, role, email, preferred_date, pseudonym="unknown"):
    if not throttling.allow(
        f"info-session-signups:{pseudonym}", SIGNUPS_PER_ADDRESS_PER_HOUR, 3600
    ):
        raise TooManySignups
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
