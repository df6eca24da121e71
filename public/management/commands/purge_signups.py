from django.core.management.base import BaseCommand

from public.signups import purge_expired


class Command(BaseCommand):
    help = "Delete information-session sign-ups past their retention period."

    def handle(self, *args, **options):
        self.stdout.write(f"Deleted {purge_expired()} expired sign-ups.")
