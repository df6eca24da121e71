from django.core.management.base import BaseCommand

from chat.conversations import purge_expired


class Command(BaseCommand):
    help = "Delete anonymous conversations past their retention period."

    def handle(self, *args, **options):
        self.stdout.write(f"Deleted {purge_expired()} rows of expired conversations.")
