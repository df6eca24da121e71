"""Issue a one-time link to link an authenticator: `python manage.py enrolment_link NAME`.

For the first admin (who has nobody to ask) and for a lost phone; other admins use the
action in the admin. A new link replaces an unused one.
"""

from django.core.management.base import BaseCommand, CommandError

from accounts import staff
from accounts.models import User


class Command(BaseCommand):
    help = "Issue a one-time link for a staff member to link an authenticator app."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, username, **options):
        user = User.objects.filter(username=username).first()
        if user is None or not user.is_staff_member:
            raise CommandError(f"{username!r} is not a staff account.")
        self.stdout.write(describe_link(staff.issue_enrolment_link(user)))


def describe_link(path):
    return (
        f"One-time link to link an authenticator app, valid {staff.ENROLMENT_LINK_HOURS} "
        f"hours, on this site's address: {path}\n"
        "Hand it over yourself; it works only together with the password."
    )
