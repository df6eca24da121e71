"""Staff accounts: created by an admin, password plus mandatory TOTP (security brief B10).

An authenticator is linked only through a one-time link an admin issues (the admin page's
action, or the commands createstaff and enrolment_link): knowing a new colleague's
password is not enough to see their TOTP secret. The link is spent by the session that
uses it, after the password, and the secret it starts is shown to that session only.
"""

import base64
import hashlib
import secrets
from datetime import timedelta
from urllib.parse import quote

import segno
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts import sessions
from accounts.models import StaffTOTPDevice, User
from common.refusals import NotAllowed, SessionGone

ISSUER = "HOC chat"
ENROLMENT_LINK_HOURS = 72
# The one authenticator this session may confirm (its id); no other session sees it.
PENDING_DEVICE_KEY = "pending_totp_device"


class LinkNotValid(Exception):
    """The enrolment link is unknown, spent, expired or someone else's."""


def create_staff(username, role, password):
    if role not in User.STAFF_ROLES:
        raise ValueError(f"{role!r} is not a staff role")
    user = User(username=username, role=role, is_staff=role == User.Role.ADMIN)
    user.is_superuser = role == User.Role.ADMIN
    validate_password(password, user)
    user.set_password(password)
    user.save()
    return user


def confirmed_device(user):
    return StaffTOTPDevice.objects.filter(user=user, confirmed=True).first()


def _token_digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def issue_enrolment_link(user):
    """A one-time link for `user` to link an authenticator; the path to hand over.

    Only the token's SHA-256 is kept, with its expiry; a new link replaces an unused one.
    Issuing one for someone who has an authenticator lets them replace it (a lost phone):
    the old one works until the new one is confirmed.
    """
    if not user.is_staff_member:
        raise ValueError("only staff link an authenticator")
    token = secrets.token_urlsafe(32)
    User.objects.filter(pk=user.pk).update(
        enrolment_token_hash=_token_digest(token),
        enrolment_expires_at=timezone.now() + timedelta(hours=ENROLMENT_LINK_HOURS),
    )
    return reverse("staff-enrol-link", args=[token])


def enrolment_link_is_valid(token):
    return User.objects.filter(
        enrolment_token_hash=_token_digest(token), enrolment_expires_at__gt=timezone.now()
    ).exists()


@transaction.atomic
def redeem_enrolment_link(user, token, session):
    """Spend the link (once, before it expires, only by the user it was issued for) and
    start an authenticator that only this session can see and confirm."""
    spent = User.objects.filter(
        pk=user.pk,
        enrolment_token_hash=_token_digest(token),
        enrolment_expires_at__gt=timezone.now(),
    ).update(enrolment_token_hash=None, enrolment_expires_at=None)
    if not spent:
        raise LinkNotValid
    device = start_enrolment(user)
    session[PENDING_DEVICE_KEY] = device.pk
    return device


def pending_device(user, session):
    """The authenticator this session started with a link, if it is still unconfirmed."""
    pk = session.get(PENDING_DEVICE_KEY)
    if pk is None:
        return None
    return StaffTOTPDevice.objects.filter(pk=pk, user=user, confirmed=False).first()


@transaction.atomic
def start_enrolment(user):
    """A new, unconfirmed authenticator with a 160-bit secret. Any other unfinished one
    goes, so an older link's session can confirm nothing."""
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
def confirm_enrolment(device, token, session):
    """True when the first code from the app is right; older authenticators then go."""
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaffTOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    session.pop(PENDING_DEVICE_KEY, None)
    return True


def is_verified_session(user, session, devices=None):
    """Has this staff member's session passed TOTP? (django-otp's middleware is HTTP-only,
    so WebSocket consumers ask here.) `devices`: what devices_of() read for many sessions
    at once; without it the device is read here."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.models import Device

    persistent_id = session.get(DEVICE_ID_SESSION_KEY) or ""
    if devices is None:
        device = Device.from_persistent_id(persistent_id)
    else:
        device = devices.get(persistent_id)
    # The same binding django-otp's middleware checks on HTTP requests.
    return device is not None and device.user_id == user.pk and device.confirmed


def require_second_factor(user, session, devices=None):
    """A staff member's socket acts only for a session that passed TOTP (NotAllowed);
    anyone else is not asked."""
    staff_member = user.is_authenticated and user.is_staff_member
    if staff_member and not is_verified_session(user, session, devices):
        raise NotAllowed


def authorise_socket(user, session, devices=None):
    """The counsellors' queue socket is for staff whose session is live and passed TOTP:
    SessionGone (logging in again may help) or NotAllowed otherwise."""
    if not user.is_authenticated or sessions.is_expired(session, user):
        raise SessionGone
    if not user.is_staff_member or not is_verified_session(user, session, devices):
        raise NotAllowed


def devices_of(stores):
    """The devices these sessions passed TOTP with, by persistent id, in one query. Staff
    sessions only ever pass with a StaffTOTPDevice (accounts/views.py staff_otp and
    staff_enrol), so an id naming any other kind finds nothing here, as it finds no
    confirmed device of this user in is_verified_session."""
    from django_otp import DEVICE_ID_SESSION_KEY

    label = StaffTOTPDevice.model_label()
    ids = set()
    for store in stores:
        named, _, pk = (store.get(DEVICE_ID_SESSION_KEY) or "").rpartition("/")
        if named == label and pk.isdigit():
            ids.add(int(pk))
    if not ids:
        return {}
    return {d.persistent_id: d for d in StaffTOTPDevice.objects.filter(pk__in=ids)}
