import datetime

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from public import signups
from public.models import InfoSessionSignup


def form(**overrides):
    data = {
        "organisation": "Wijkteam Oost",
        "role": "ambulant hulpverlener",
        "email": "team@example.org",
        "preferred_date": (timezone.localdate() + datetime.timedelta(days=20)).isoformat(),
    }
    return {**data, **overrides}


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()
    yield
    cache.clear()


ORIGIN = "http://testserver"


def browser(address="192.0.2.10"):
    """A client that posts as a browser does: with this site's Origin, from one address."""
    return Client(HTTP_ORIGIN=ORIGIN, REMOTE_ADDR=address)


def test_a_sign_up_is_stored_and_thanked(db):
    client = browser()
    response = client.post("/professionals/", form())
    assert response.status_code == 302
    signup = InfoSessionSignup.objects.get()
    assert signup.email == "team@example.org"
    thanks = client.get(response.headers["Location"]).content.decode()
    assert 'role="status"' in thanks
    assert not response.cookies


def test_a_date_in_the_past_is_refused(db):
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = browser().post("/professionals/", form(preferred_date=yesterday))
    assert response.status_code == 400
    assert "Kies een datum in de toekomst." in response.content.decode()
    assert not InfoSessionSignup.objects.exists()


def test_floods_are_capped(db, monkeypatch):
    monkeypatch.setattr(signups, "SIGNUPS_PER_HOUR", 2)
    codes = [browser(f"192.0.2.{n}").post("/professionals/", form()).status_code for n in range(3)]
    assert codes == [302, 302, 429]
    assert InfoSessionSignup.objects.count() == 2


def test_one_address_cannot_use_up_the_hour_for_everyone(db):
    # [2/8] item 20: 99 fakes from one address used to lock the real sign-ups out.
    attacker = browser("198.51.100.66")
    codes = [attacker.post("/professionals/", form()).status_code for _ in range(99)]
    assert codes.count(302) == signups.SIGNUPS_PER_ADDRESS_PER_HOUR
    assert set(codes[signups.SIGNUPS_PER_ADDRESS_PER_HOUR :]) == {429}
    real = browser("203.0.113.5").post("/professionals/", form(organisation="Politie"))
    assert real.status_code == 302
    assert InfoSessionSignup.objects.count() == signups.SIGNUPS_PER_ADDRESS_PER_HOUR + 1


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_REFERER": "https://evil.example/form"},
        {},  # neither: not a browser's post from our page
    ],
)
def test_a_post_from_another_site_is_refused(db, headers):
    response = Client(REMOTE_ADDR="192.0.2.10", **headers).post("/professionals/", form())
    assert response.status_code == 403
    assert not InfoSessionSignup.objects.exists()


def test_a_post_from_our_own_page_without_origin_but_with_referer_is_accepted(db):
    client = Client(HTTP_REFERER="http://testserver/professionals/", REMOTE_ADDR="192.0.2.10")
    assert client.post("/professionals/", form()).status_code == 302


def test_sign_ups_are_deleted_after_their_retention(db, settings):
    settings.SIGNUP_RETENTION_DAYS = 30
    today = timezone.localdate()
    keep = signups.register_signup("A", "b", "c@example.org", today - datetime.timedelta(days=30))
    signups.register_signup("A", "b", "d@example.org", today - datetime.timedelta(days=31))
    call_command("purge_signups")
    assert list(InfoSessionSignup.objects.values_list("pk", flat=True)) == [keep.pk]


def test_staff_read_sign_ups_in_the_admin(admin_client, db):
    signup = signups.register_signup("Wijkteam", "coach", "coach@example.org", timezone.localdate())
    html = admin_client.get("/beheer/hoc/infosessionsignup/").content.decode()
    assert "coach@example.org" in html
    assert admin_client.get(f"/beheer/hoc/infosessionsignup/{signup.pk}/change/").status_code == 200
