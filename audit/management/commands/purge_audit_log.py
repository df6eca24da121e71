from django.core.management.base import BaseCommand

from audit import entries


class Command(BaseCommand):
    help = "Delete audit-log entries older than HOC_AUDIT_RETENTION_DAYS (safe to run twice)."

    def handle(self, *args, **options):
        deleted = entries.purge_expired()
        self.stdout.write(f"{deleted} audit entries deleted")
