"""Give a development set-up opening hours, so the chat's open and closed states show.

The real hours are not known yet; staff set them in the admin. Never in production.
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from chat.models import OpeningHours


class Command(BaseCommand):
    help = "Create demo opening hours (development only) when there are none."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Demo opening hours are never created in production.")
        if OpeningHours.objects.exists():
            return
        OpeningHours.objects.bulk_create(
            OpeningHours(weekday=day, opens=datetime.time(9), closes=datetime.time(0))
            for day in range(7)
        )
        self.stdout.write("Demo opening hours: every day 09:00–24:00 (change them in /beheer/).")
