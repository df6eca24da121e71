from django.core.management.base import BaseCommand

from chat import appointments


class Command(BaseCommand):
    help = (
        "Mark accepted follow-up appointments nobody came for as missed, and let proposals "
        "nobody answered before their time lapse. Every list does this itself as well."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"Marked {appointments.mark_missed()} appointments missed.")
