from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """Everyone who logs in: pseudonymous clients and staff.

    Clients leave the name and e-mail fields empty; they are never asked for them.
    """

    class Role(models.TextChoices):
        CLIENT = "client", _("cliënt")
        COUNSELLOR = "counsellor", _("hulpverlener")
        SUPERVISOR = "supervisor", _("supervisor")
        ADMIN = "admin", _("beheerder")

    role = models.CharField(_("rol"), max_length=16, choices=Role.choices, default=Role.CLIENT)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=["client", "counsellor", "supervisor", "admin"]),
                name="user_role_valid",
            ),
        ]

    @property
    def is_client(self):
        return self.role == self.Role.CLIENT

    @property
    def is_staff_member(self):
        """Counsellors, supervisors and admins: everyone who works the chat."""
        return self.role in (self.Role.COUNSELLOR, self.Role.SUPERVISOR, self.Role.ADMIN)
