import datetime
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin

from common.fields import EncryptedTextField


def to_the_hour(moment):
    if moment is None:
        return None
    return moment.astimezone(datetime.UTC).replace(minute=0, second=0, microsecond=0)


class User(AbstractUser):
    """Everyone who logs in: pseudonymous clients and staff.

    Clients have no name, e-mail or password: their only credential is a passphrase, of
    which we keep a keyed Argon2id hash that is also how we find them (accounts/passphrases.py).
    """

    class Role(models.TextChoices):
        CLIENT = "client", _("cliënt")
        COUNSELLOR = "counsellor", _("hulpverlener")
        SUPERVISOR = "supervisor", _("supervisor")
        ADMIN = "admin", _("beheerder")

    # The role sets, named once: everywhere else asks the predicates below.
    STAFF_ROLES = (Role.COUNSELLOR, Role.SUPERVISOR, Role.ADMIN)
    SUPERVISING_ROLES = (Role.SUPERVISOR, Role.ADMIN)

    role = models.CharField(_("rol"), max_length=16, choices=Role.choices, default=Role.CLIENT)
    passphrase_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    # A fast keyed HMAC of the passphrase, only for spotting it in the client's own messages
    # (accounts/passphrases.py). Set at creation and replacement; an older account gets it
    # at its next log-in, the first moment the passphrase is known again.
    passphrase_check = models.CharField(max_length=64, blank=True, default="", editable=False)
    # What counsellors see: drawn at random, never derived from the passphrase.
    display_label = models.CharField(_("label"), max_length=60, unique=True, null=True, blank=True)
    # The integer id stays Django's; the sealed fields bind to this instead (common/fields.py).
    seal_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Free text the client typed, so sealed like all free text. At most 40
    # characters, enforced where it is set (accounts.clients.set_display_name).
    display_name = EncryptedTextField(
        _("zelfgekozen naam"), row_id_field="seal_id", blank=True, default=""
    )
    # Set once the client has shown they wrote the passphrase down; until then the
    # account cannot be used and is removed with the unused accounts.
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # Set by the chat when the client starts a first conversation.
    first_conversation_at = models.DateTimeField(null=True, blank=True)
    # Coarse (to the hour): enough for the inactivity retention, no usage trail.
    last_seen_at = models.DateTimeField(null=True, blank=True)
    # Staff link an authenticator only through a one-time link an admin issued
    # (accounts/staff.py): the SHA-256 of its token, never the token, and until when.
    enrolment_token_hash = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )
    enrolment_expires_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=["client", "counsellor", "supervisor", "admin"]),
                name="user_role_valid",
            ),
        ]

    # A client's account keeps these to the hour, like last_seen_at: enough for the
    # retention periods, no trail of when someone joined or logged in. Rounding down
    # means an unused account goes up to an hour sooner, still within its 24 hours.
    # Staff times stay exact.
    CLIENT_TIMES_TO_THE_HOUR = ("date_joined", "last_login", "confirmed_at")

    def save(self, *args, **kwargs):
        if self.is_client:
            for name in self.CLIENT_TIMES_TO_THE_HOUR:
                setattr(self, name, to_the_hour(getattr(self, name)))
        super().save(*args, **kwargs)

    @property
    def is_client(self):
        return self.role == self.Role.CLIENT

    @property
    def is_staff_member(self):
        """Counsellors, supervisors and admins: everyone who works the chat."""
        return self.role in self.STAFF_ROLES

    @property
    def is_supervisor(self):
        """Supervisors and admins: who oversees the chat (the overview, looks, reviews)."""
        return self.role in self.SUPERVISING_ROLES

    @property
    def is_admin_role(self):
        """The admin role, which also gets Django's admin (accounts/staff.py)."""
        return self.role == self.Role.ADMIN

    @property
    def shown_name(self):
        """How counsellors address a client."""
        return self.display_name or self.display_label or ""


class LoginSession(models.Model):
    """Links a server-side session to its user, so deleting or blocking a user ends them all."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    session_key = models.CharField(max_length=40, unique=True)

    def __str__(self):
        return f"{self.user_id}"


class StaffTOTPDevice(ThrottlingMixin, Device):
    """A staff member's authenticator app, with its secret encrypted at rest.

    django-otp's own TOTPDevice keeps the key as plain hex; this one seals it with
    common.encryption and otherwise follows RFC 6238 exactly as django-otp does.
    """

    # django-otp addresses devices by an integer id; the encryption binds to this instead.
    seal_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    key = EncryptedTextField(row_id_field="seal_id")
    last_t = models.BigIntegerField(default=-1)

    STEP = 30
    DIGITS = 6
    # One step either side: a code typed just as it rolls over still works. The
    # code stays single-use through last_t.
    TOLERANCE = 1

    class Meta:
        verbose_name = _("authenticator-app")
        verbose_name_plural = _("authenticator-apps")

    def get_throttle_factor(self):
        return settings.OTP_TOTP_THROTTLE_FACTOR

    def verify_token(self, token):
        import time

        from django_otp.oath import TOTP

        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        try:
            token = int(token)
        except (TypeError, ValueError):
            verified = False
        else:
            totp = TOTP(bytes.fromhex(self.key), self.STEP, 0, self.DIGITS, 0)
            totp.time = time.time()
            verified = totp.verify(token, self.TOLERANCE, self.last_t + 1)
            if verified:
                self.last_t = totp.t()
        if verified:
            self.throttle_reset(commit=False)
            self.save()
        else:
            self.throttle_increment(commit=True)
        return verified
