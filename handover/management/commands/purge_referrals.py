from django.core.management.base import BaseCommand

from handover import referrals


class Command(BaseCommand):
    help = "Delete referrals HOC_REFERRAL_RETENTION_DAYS after they finished (safe to run twice)."

    def handle(self, *args, **options):
        deleted = referrals.purge_expired()
        self.stdout.write(f"{deleted} referrals deleted")
