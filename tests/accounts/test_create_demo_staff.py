import stat

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.models import User


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


def test_it_creates_one_account_per_staff_role(db, var_dir, capsys):
    call_command("create_demo_staff")
    roles = set(User.objects.values_list("role", flat=True))
    assert roles == {User.Role.COUNSELLOR, User.Role.SUPERVISOR, User.Role.ADMIN}
    output = capsys.readouterr().out
    assert "demo-admin" in output and "/medewerkers/inloggen/" in output


def test_the_printed_passwords_work_and_are_kept_privately(db, var_dir, rf):
    call_command("create_demo_staff")
    credentials = var_dir / "demo-staff.txt"
    assert stat.S_IMODE(credentials.stat().st_mode) == 0o600
    username, _role, password, link = credentials.read_text().splitlines()[0].split()
    assert len(password) >= 15
    assert authenticate(rf.post("/"), username=username, password=password) is not None
    path = link.removeprefix("http://127.0.0.1:8000")
    page = Client().post(path, {"username": username, "password": password})
    assert page.status_code == 302 and page.headers["Location"].startswith(
        "/medewerkers/app-koppelen/"
    )


def test_it_does_nothing_when_staff_exist(db, var_dir, hana, capsys):
    call_command("create_demo_staff")
    assert User.objects.count() == 1
    assert not (var_dir / "demo-staff.txt").exists()


def test_running_it_twice_keeps_the_first_accounts(db, var_dir):
    call_command("create_demo_staff")
    first = (var_dir / "demo-staff.txt").read_text()
    call_command("create_demo_staff")
    assert (var_dir / "demo-staff.txt").read_text() == first
    assert User.objects.count() == 3


def test_it_refuses_in_production(db, var_dir, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("create_demo_staff")
    assert not User.objects.exists()
