"""Production does not start while a demo account from `make run` can still log in."""

import pytest
from django.core.checks import run_checks

from accounts.management.commands.create_demo_staff import DEMO_STAFF
from accounts.models import User
from accounts.staff import create_staff

pytestmark = pytest.mark.django_db


def demo_errors():
    return [e for e in run_checks(databases=["default"]) if e.id == "hoc.E003"]


def test_a_demo_account_that_can_log_in_stops_production(settings):
    settings.PRODUCTION = True
    name, role = DEMO_STAFF[0]
    create_staff(name, role, "een lang genoeg demo-wachtwoord")
    (error,) = demo_errors()
    assert name in error.msg


def test_a_deactivated_or_passwordless_demo_account_does_not(settings):
    settings.PRODUCTION = True
    first, second = DEMO_STAFF[0], DEMO_STAFF[1]
    user = create_staff(first[0], first[1], "een lang genoeg demo-wachtwoord")
    user.is_active = False
    user.save()
    other = create_staff(second[0], second[1], "een lang genoeg demo-wachtwoord")
    other.set_unusable_password()
    other.save()
    assert demo_errors() == []


def test_development_keeps_its_demo_accounts(settings):
    settings.PRODUCTION = False
    name, role = DEMO_STAFF[0]
    create_staff(name, role, "een lang genoeg demo-wachtwoord")
    assert demo_errors() == []
    assert User.objects.filter(username=name).exists()
