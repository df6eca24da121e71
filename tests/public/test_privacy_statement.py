"""The privacy statement states the retention periods the settings enforce."""

import re

import pytest
from django.test import Client

NAMES = {
    "conversation_days": "CONVERSATION_RETENTION_DAYS",
    "unused_account_hours": "UNUSED_ACCOUNT_RETENTION_HOURS",
    "inactive_account_days": "INACTIVE_ACCOUNT_RETENTION_DAYS",
    "signup_days": "SIGNUP_RETENTION_DAYS",
    "referral_days": "REFERRAL_RETENTION_DAYS",
}


def stated(html):
    return {
        name: int(value)
        for name, value in re.findall(r'data-retention="(\w+)"[^>]*>\s*(\d+)\s*<', html)
    }


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_every_period_matches_its_setting(db, settings, prefix):
    html = Client().get(prefix + "/privacy/").content.decode()
    assert stated(html) == {name: getattr(settings, key) for name, key in NAMES.items()}


def test_changing_a_setting_changes_the_statement(db, settings):
    settings.CONVERSATION_RETENTION_DAYS = 45
    settings.SIGNUP_RETENTION_DAYS = 7
    html = Client().get("/privacy/").content.decode()
    assert stated(html)["conversation_days"] == 45
    assert stated(html)["signup_days"] == 7


def test_the_professionals_page_states_its_own_retention(db, settings):
    settings.SIGNUP_RETENTION_DAYS = 12
    html = Client().get("/professionals/").content.decode()
    assert stated(html)["signup_days"] == 12
