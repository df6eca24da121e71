"""Create demo staff accounts for a development set-up, once.

`make run` calls this on every start: it creates the accounts only when no staff account
exists yet, and otherwise just says where the log-in details are.
"""

import os
import secrets

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts import staff
from accounts.models import User

DEMO_STAFF = [
    ("demo-admin", User.Role.ADMIN),
    ("demo-supervisor", User.Role.SUPERVISOR),
    ("demo-counsellor", User.Role.COUNSELLOR),
]


class Command(BaseCommand):
    help = "Create demo staff accounts (development only) when no staff account exists."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Demo accounts are never created in production.")
        credentials = settings.VAR_DIR / "demo-staff.txt"
        if User.objects.filter(role__in=User.STAFF_ROLES).exists():
            if credentials.exists():
                self.stdout.write(f"Demo staff log-in details: {credentials}")
            return

        lines = []
        for username, role in DEMO_STAFF:
            password = secrets.token_urlsafe(18)  # 24 characters, above the 15 minimum
            user = User.objects.create_user(
                username=username,
                password=password,
                role=role,
                is_staff=role == User.Role.ADMIN,
                is_superuser=role == User.Role.ADMIN,
            )
            link = staff.issue_enrolment_link(user)
            lines.append(f"{username:<16} {role.label:<13} {password} http://127.0.0.1:8000{link}")

        fd = os.open(credentials, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write("\n".join(lines) + "\n")
        self.stdout.write("Demo staff accounts created (development only):")
        for line in lines:
            self.stdout.write(f"  {line}")
        self.stdout.write(
            "Open each one-time link (valid "
            f"{staff.ENROLMENT_LINK_HOURS} hours) to link an authenticator app (any TOTP app); "
            "after that log in at http://127.0.0.1:8000/medewerkers/inloggen/. demo-admin also "
            "reaches /beheer/ and can issue new links there (or: manage.py enrolment_link). "
            f"These details are also in {credentials} (mode 0600)."
        )
