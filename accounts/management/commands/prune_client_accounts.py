from django.core.management.base import BaseCommand

from accounts.retention import purge_inactive, purge_unused


class Command(BaseCommand):
    help = "Delete client accounts that were never used or are past their inactivity period."

    def handle(self, *args, **options):
        unused, inactive = purge_unused(), purge_inactive()
        self.stdout.write(f"Deleted {unused} unused and {inactive} inactive client accounts.")
