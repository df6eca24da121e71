"""Staff: password plus mandatory TOTP, on every staff page and the admin (B10)."""

import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.oath import totp

from accounts import staff
from accounts.models import StaffTOTPDevice, User

PASSWORD = "een lang genoeg wachtwoord"


def current_code(device, steps_ahead=0):
    value = totp(bytes.fromhex(device.key), step=30, t0=-steps_ahead * 30, digits=6)
    return f"{value:06d}"


@pytest.fixture
def admin_user(db):
    return staff.create_staff("ada", User.Role.ADMIN, PASSWORD)


def log_in_with_password(client, username="ada", password=PASSWORD):
    return client.post("/medewerkers/inloggen/", {"username": username, "password": password})


def enrol(client, user, password=PASSWORD):
    """Link an authenticator the way a new colleague does: the admin's one-time link, the
    password on it, then the QR code."""
    link = staff.issue_enrolment_link(user)
    client.post(link, {"username": user.username, "password": password})
    page = client.get("/medewerkers/app-koppelen/")
    device = StaffTOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post("/medewerkers/app-koppelen/", {"token": current_code(device)})
    device.refresh_from_db()
    return page, response, device


def test_createstaff_makes_an_account_with_a_strong_password(db, tmp_path):
    secret = tmp_path / "pw"
    secret.write_text(PASSWORD)
    call_command("createstaff", "bo", "--role", "counsellor", "--password-file", str(secret))
    bo = User.objects.get(username="bo")
    assert bo.role == User.Role.COUNSELLOR and bo.check_password(PASSWORD)
    secret.write_text("kort")
    with pytest.raises(CommandError, match="15"):
        call_command("createstaff", "cy", "--role", "counsellor", "--password-file", str(secret))


def test_first_log_in_links_an_authenticator_with_a_local_qr_code(admin_user):
    client = Client()
    response = log_in_with_password(client)
    assert response.headers["Location"].startswith("/medewerkers/app-koppelen/")
    page, confirmed, device = enrol(client, admin_user)
    html = page.content.decode()
    assert "<svg" in html and "otpauth" not in html  # drawn here, not linked
    assert confirmed.status_code == 302
    assert device.confirmed
    assert client.get("/medewerkers/").status_code == 200


def test_the_totp_secret_is_stored_encrypted(admin_user):
    client = Client()
    log_in_with_password(client)
    _, _, device = enrol(client, admin_user)
    stored = StaffTOTPDevice.objects.filter(pk=device.pk).values_list("key", flat=True).get()
    assert not re.fullmatch(r"[0-9a-f]{40}", stored)
    assert stored.startswith("v1:")
    assert len(device.key) == 40  # 160 bits once opened


def test_staff_without_a_verified_device_reach_no_staff_page_nor_the_admin(admin_user):
    client = Client()
    log_in_with_password(client)
    assert client.get("/medewerkers/").status_code == 302
    admin = client.get("/beheer/", follow=True)
    assert admin.redirect_chain[-1][0].startswith("/medewerkers/app-koppelen/")
    users = client.get("/beheer/accounts/user/", follow=True)
    assert users.redirect_chain[-1][0].startswith("/medewerkers/app-koppelen/")


def test_a_verified_admin_reaches_the_admin(admin_user):
    client = Client()
    log_in_with_password(client)
    enrol(client, admin_user)
    assert client.get("/beheer/").status_code == 200


def test_later_log_ins_ask_for_a_code_and_refuse_a_reused_one(admin_user):
    first = Client()
    log_in_with_password(first)
    _, _, device = enrol(first, admin_user)
    used = current_code(device)
    second = Client()
    assert log_in_with_password(second).headers["Location"].startswith("/medewerkers/code/")
    device.throttling_failure_count = 0
    device.save()
    assert second.post("/medewerkers/code/", {"token": used}).status_code == 400
    assert second.get("/medewerkers/").status_code == 302


def test_wrong_codes_slow_down_further_tries(admin_user):
    client = Client()
    log_in_with_password(client)
    _, _, device = enrol(client, admin_user)
    device.verify_token("000000")
    device.verify_token("000001")
    allowed, _ = StaffTOTPDevice.objects.get(pk=device.pk).verify_is_allowed()
    assert not allowed


def test_clients_cannot_log_in_as_staff(db):
    user = User.objects.create_user("klant", password=PASSWORD, role=User.Role.CLIENT)
    assert user.is_client
    response = log_in_with_password(Client(), "klant")
    assert response.status_code == 400


def test_a_counsellor_does_not_reach_the_admin(db):
    hana = staff.create_staff("hana2", User.Role.COUNSELLOR, PASSWORD)
    client = Client()
    log_in_with_password(client, "hana2")
    enrol(client, hana)
    assert client.get("/medewerkers/").status_code == 200
    assert client.get("/beheer/").status_code == 302
