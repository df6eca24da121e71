"""Linking an authenticator takes an admin's one-time link, and its secret reaches one
session only (issue 13 item 12).

The attack: the unconfirmed TOTP secret was shown to every session that knew a new staff
member's password, and it stayed the confirmed device's secret afterwards: whoever knew
the password could enrol their own app first, or read the secret next to the real person
and log in with codes from it later.
"""

import base64
import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp

from accounts import staff
from accounts.models import StaffTOTPDevice, User

PASSWORD = "een lang genoeg wachtwoord"
SECRET = re.compile(r'class="totp-secret">([A-Z2-7 ]+)<')


@pytest.fixture
def newcomer(db):
    """A counsellor just created by an admin, who has not linked an app yet."""
    return staff.create_staff("nina", User.Role.COUNSELLOR, PASSWORD)


def code_for(secret):
    secret = secret.replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key, step=30, digits=6):06d}"


def log_in_with_password(client, username="nina"):
    return client.post("/medewerkers/inloggen/", {"username": username, "password": PASSWORD})


def secrets_shown(client):
    return SECRET.findall(client.get("/medewerkers/app-koppelen/").content.decode())


def try_to_enrol_with_the_password_alone(client):
    """What someone who knows only the password can do: log in, take any secret shown,
    answer with its code. True if that got them a staff page."""
    log_in_with_password(client)
    for secret in secrets_shown(client):
        client.post("/medewerkers/app-koppelen/", {"token": code_for(secret)})
    return client.get("/medewerkers/").status_code == 200


def use_link(client, link, username="nina"):
    return client.post(link, {"username": username, "password": PASSWORD})


def test_the_password_alone_shows_no_secret_and_enrols_nothing(newcomer):
    attacker = Client()
    assert not try_to_enrol_with_the_password_alone(attacker)
    page = attacker.get("/medewerkers/app-koppelen/")
    assert page.status_code == 403
    assert "koppellink" in page.content.decode() and "<svg" not in page.content.decode()
    assert not StaffTOTPDevice.objects.filter(user=newcomer).exists()


def test_the_secret_reaches_only_the_session_that_used_the_link(newcomer):
    nina, attacker = Client(), Client()
    log_in_with_password(attacker)  # knows the password, in a session of their own
    used = use_link(nina, staff.issue_enrolment_link(newcomer) + "?next=/medewerkers/wachtrij/")
    assert used.headers["Location"] == "/medewerkers/app-koppelen/?next=/medewerkers/wachtrij/"
    (secret,) = secrets_shown(nina)
    assert secrets_shown(attacker) == []
    confirmed = nina.post(used.headers["Location"], {"token": code_for(secret)})
    assert confirmed.headers["Location"] == "/medewerkers/wachtrij/"
    assert nina.get("/medewerkers/").status_code == 200
    # Afterwards the password still opens nothing: no secret was ever shown elsewhere.
    assert not try_to_enrol_with_the_password_alone(Client())
    assert StaffTOTPDevice.objects.filter(user=newcomer, confirmed=True).count() == 1


def test_a_link_works_once(newcomer):
    link = staff.issue_enrolment_link(newcomer)
    assert use_link(Client(), link).status_code == 302
    again = Client()
    assert again.get(link).status_code == 410
    assert use_link(again, link).status_code == 410
    assert secrets_shown(again) == []


def test_a_link_works_only_for_whom_it_was_issued(newcomer):
    staff.create_staff("otto", User.Role.COUNSELLOR, PASSWORD)
    link = staff.issue_enrolment_link(newcomer)
    otto = Client()
    assert use_link(otto, link, username="otto").status_code == 410
    assert secrets_shown(otto) == []
    assert use_link(Client(), link).status_code == 302  # still unspent for nina


def test_a_link_expires(newcomer):
    link = staff.issue_enrolment_link(newcomer)
    User.objects.filter(pk=newcomer.pk).update(enrolment_expires_at=timezone.now())
    assert use_link(Client(), link).status_code == 410


def test_a_newer_link_leaves_an_older_session_nothing_to_confirm(newcomer):
    first = Client()
    use_link(first, staff.issue_enrolment_link(newcomer))
    (old_secret,) = secrets_shown(first)
    second = Client()
    use_link(second, staff.issue_enrolment_link(newcomer))
    first.post("/medewerkers/app-koppelen/", {"token": code_for(old_secret)})
    assert first.get("/medewerkers/").status_code == 302
    assert StaffTOTPDevice.objects.filter(user=newcomer).count() == 1


def test_only_the_token_s_hash_is_kept(newcomer):
    link = staff.issue_enrolment_link(newcomer)
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert len(token) >= 43  # 256 bits
    newcomer.refresh_from_db()
    assert newcomer.enrolment_token_hash and token not in newcomer.enrolment_token_hash
    assert newcomer.enrolment_expires_at - timezone.now() <= timedelta(hours=72)


def test_a_link_replaces_a_lost_authenticator(newcomer):
    nina = Client()
    use_link(nina, staff.issue_enrolment_link(newcomer))
    (lost,) = secrets_shown(nina)
    nina.post("/medewerkers/app-koppelen/", {"token": code_for(lost)})
    replacing = Client()
    use_link(replacing, staff.issue_enrolment_link(newcomer))
    (new,) = secrets_shown(replacing)
    assert new != lost
    assert replacing.post("/medewerkers/app-koppelen/", {"token": code_for(new)}).status_code == 302
    (device,) = StaffTOTPDevice.objects.filter(user=newcomer)
    assert device.confirmed


def test_an_admin_issues_links_in_the_admin(newcomer, admin_client):
    response = admin_client.post(
        "/beheer/accounts/user/",
        {"action": "issue_enrolment_links", "_selected_action": [newcomer.pk]},
    )
    assert response.status_code == 200
    (link,) = re.findall(r'class="enrolment-link">([^<]+)<', response.content.decode())
    path = link.removeprefix("http://testserver")
    assert use_link(Client(), path).status_code == 302


def test_createstaff_prints_a_link_that_works(db, tmp_path):
    secret = tmp_path / "pw"
    secret.write_text(PASSWORD)
    out = io.StringIO()
    call_command(
        "createstaff", "bo", "--role", "counsellor", "--password-file", str(secret), stdout=out
    )
    (path,) = re.findall(r"/medewerkers/app-koppelen/[\w-]+/", out.getvalue())
    assert use_link(Client(), path, username="bo").status_code == 302
    out = io.StringIO()
    call_command("enrolment_link", "bo", stdout=out)
    (newer,) = re.findall(r"/medewerkers/app-koppelen/[\w-]+/", out.getvalue())
    assert newer != path
