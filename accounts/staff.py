"""Staff accounts: created by an admin, password plus mandatory TOTP (security brief B10)."""

import base64
import secrets
from urllib.parse import quote

import segno
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from accounts.models import StaffTOTPDevice, User

STAFF_ROLES = (User.Role.COUNSELLOR, User.Role.SUPERVISOR, User.Role.ADMIN)
ISSUER = "HOC chat"


def create_staff(username, role, password):
    if role not in STAFF_ROLES:
        raise ValueError(f"{role!r} is not a staff role")
    user = User(username=username, role=role, is_staff=role == User.Role.ADMIN)
    user.is_superuser = role == User.Role.ADMIN
    validate_password(password, user)
    user.set_password(password)
    user.save()
    return user


def confirmed_device(user):
    return StaffTOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user):
    return StaffTOTPDevice.objects.filter(user=user, confirmed=False).first()


@transaction.atomic
def start_enrolment(user):
    """A new, unconfirmed authenticator with a 160-bit secret (replaces an unfinished one)."""
    StaffTOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return StaffTOTPDevice.objects.create(
        user=user, name="authenticator", key=secrets.token_hex(20), confirmed=False
    )


def provisioning_uri(device):
    secret = base64.b32encode(bytes.fromhex(device.key)).decode().rstrip("=")
    label = quote(f"{ISSUER}:{device.user.username}")
    return (
        f"otpauth://totp/{label}?secret={secret}&issuer={quote(ISSUER)}"
        f"&algorithm=SHA1&digits={device.DIGITS}&period={device.STEP}"
    )


def qr_svg(device):
    """The enrolment QR code as inline SVG, drawn here: no image service sees the secret."""
    return segno.make(provisioning_uri(device), error="m").svg_inline(
        scale=5, dark="#1c2426", light="#ffffff", title="QR-code"
    )


def secret_for_typing(device):
    """The secret in groups of four, for apps that cannot scan."""
    secret = base64.b32encode(bytes.fromhex(device.key)).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@transaction.atomic
def confirm_enrolment(device, token):
    """True when the first code from the app is right; older authenticators then go."""
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaffTOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    return True


def is_verified_session(user, session):
    """Has this staff member's session passed TOTP? (django-otp's middleware is HTTP-only,
    so WebSocket consumers ask here, R-E2.)"""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.models import Device

    device = Device.from_persistent_id(session.get(DEVICE_ID_SESSION_KEY) or "")
    # The same binding django-otp's middleware checks on HTTP requests.
    return device is not None and device.user_id == user.pk and device.confirmed
