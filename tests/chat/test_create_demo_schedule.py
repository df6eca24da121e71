import pytest
from django.core.management import CommandError, call_command

from chat.models import OpeningHours


def test_it_opens_every_day_once(db):
    call_command("create_demo_schedule")
    call_command("create_demo_schedule")
    assert sorted(OpeningHours.objects.values_list("weekday", flat=True)) == list(range(7))


def test_it_keeps_hours_staff_entered(db):
    OpeningHours.objects.create(weekday=2, opens="10:00", closes="12:00")
    call_command("create_demo_schedule")
    assert OpeningHours.objects.count() == 1


def test_it_refuses_in_production(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("create_demo_schedule")
