"""Create a staff account: `python manage.py createstaff NAME --role counsellor`.

Staff never register themselves. The password is asked twice (or read from
--password-file for automation); the authenticator app is linked with the one-time link
this prints (accounts/staff.py).
"""

import getpass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.management.commands.enrolment_link import describe_link
from accounts.models import User
from accounts.staff import create_staff, issue_enrolment_link


class Command(BaseCommand):
    help = "Create a counsellor, supervisor or admin account."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=[r.value for r in User.STAFF_ROLES])
        parser.add_argument("--password-file", type=Path)

    def handle(self, username, role, password_file=None, **options):
        if User.objects.filter(username=username).exists():
            raise CommandError(f"{username!r} already exists.")
        if password_file:
            password = password_file.read_text().strip()
        else:
            password = getpass.getpass("Wachtwoord (minstens 15 tekens): ")
            if getpass.getpass("Nog een keer: ") != password:
                raise CommandError("The passwords differ.")
        try:
            user = create_staff(username, role, password)
        except ValidationError as e:
            raise CommandError(" ".join(e.messages)) from None
        self.stdout.write(f"Created {username} ({role}).")
        self.stdout.write(describe_link(issue_enrolment_link(user)))
