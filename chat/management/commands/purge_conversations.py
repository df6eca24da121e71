from django.core.management.base import BaseCommand

from chat import availability, blocks, feedback
from chat.conversations import purge_expired


class Command(BaseCommand):
    help = (
        "Delete anonymous conversations and run-out blocks past their retention period; "
        "unlink ended online spans from their person; remove visitors' free-text feedback "
        "past its date, and shuffle recent feedback out of its order of arrival."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"Deleted {purge_expired()} rows of expired conversations.")
        self.stdout.write(f"Deleted {blocks.purge_expired()} run-out blocks.")
        self.stdout.write(f"Unlinked {availability.forget_span_owners()} ended online spans.")
        removed = feedback.purge_expired_text()
        self.stdout.write(f"Removed {removed} feedback texts past their date.")
        self.stdout.write(f"Shuffled {feedback.shuffle_recent()} recent feedback rows.")
