"""The referral draft in the workspace's side panel (?part=form): a form without the page
around it, errors in place, then the referral with the steps allowed_steps offers."""

from django.test import Client

from handover import referrals
from handover.models import Referral
from tests.conftest import log_in

BASE = "/medewerkers/verwijzingen/"


def test_the_form_comes_alone_and_its_errors_come_back_in_place(chat, hana, veilig_thuis):
    staff = log_in(Client(), hana)
    html = staff.get(f"{BASE}nieuw/{chat.pk}/?part=form").content.decode()
    assert "<html" not in html and "data-side-form" in html and "Naar wie?" in html
    response = staff.post(f"{BASE}nieuw/{chat.pk}/?part=form", {"partner": veilig_thuis.pk})
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "field__error" in html and not Referral.objects.exists()


def test_a_saved_draft_shows_its_next_steps_and_they_stay_in_the_panel(chat, hana, veilig_thuis):
    staff = log_in(Client(), hana)
    form = {
        "partner": veilig_thuis.pk,
        "purpose": "advice",
        "summary": "Zorgen om thuis.",
        "contact_route": "client_contacts",
    }
    html = staff.post(f"{BASE}nieuw/{chat.pk}/?part=form", form).content.decode()
    referral = Referral.objects.get()
    assert "<html" not in html and f'data-side-result="{referral.pk}"' in html
    ask = f"{BASE}{referral.pk}/stap/toestemming-vragen/?part=side"
    assert f'action="{ask}"' in html
    response = staff.post(ask)
    assert response.status_code == 302 and response.url == f"{BASE}{referral.pk}/?part=side"
    referral.refresh_from_db()
    assert referral.state == Referral.State.CONSENT_ASKED
    html = staff.get(response.url).content.decode()
    assert "De cliënt ziet de vraag om toestemming in de chat." in html
    assert "toestemming-vragen" not in html  # no longer offered


def test_a_referral_drafted_earlier_waits_beside_its_chat_with_its_steps(chat, hana, veilig_thuis):
    # Drafted in another tab, or before the workspace was reloaded: the side panel still
    # lists it, with the step that asks consent, posting in place (chat/panel_parts.py).
    from tests.handover.conftest import consented_draft

    referral = consented_draft(chat, hana, veilig_thuis)
    staff = log_in(Client(), hana)
    html = staff.get("/medewerkers/wachtrij/").content.decode()
    assert f'data-side-slot="{referral.pk}"' in html
    ask = f"{BASE}{referral.pk}/stap/toestemming-vragen/?part=side"
    assert f'action="{ask}"' in html
    staff.post(ask)
    referral.refresh_from_db()
    assert referral.state == Referral.State.CONSENT_ASKED
    # Still listed, now without the step it took.
    html = staff.get("/medewerkers/wachtrij/").content.decode()
    assert f'data-side-slot="{referral.pk}"' in html and ask not in html
    # Once it is stopped, the panel lets it go.
    referrals.cancel(referral, hana)
    html = staff.get("/medewerkers/wachtrij/").content.decode()
    assert f'data-side-slot="{referral.pk}"' not in html
