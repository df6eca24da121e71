from django.core.management.base import BaseCommand

from chat import leaving


class Command(BaseCommand):
    help = (
        "End the chats whose visitor's page went away longer than HOC_VISITOR_GRACE_SECONDS "
        "ago: the sockets ask themselves, this catches what a restarted process forgot."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"Ended {len(leaving.end_all_gone())} chats their visitor had left.")
