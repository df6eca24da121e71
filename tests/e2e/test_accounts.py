"""A visitor makes an account, writes the phrase down, leaves and comes back (issue [3/7])."""

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_create_write_down_log_out_and_log_back_in(page, server_url):
    page.goto(server_url + "/")
    page.get_by_role("link", name="Inloggen").click()
    page.get_by_role("link", name="Maak een account").click()
    page.get_by_role("button", name="Maak mijn wachtwoordzin").click()
    written_down = page.locator("[data-passphrase]").inner_text().strip()
    assert len(written_down.split()) == 7
    page.get_by_label("Typ je wachtwoordzin over").fill(written_down)
    page.get_by_role("button", name="Klaar").click()
    page.wait_for_url(server_url + "/account/")
    label = page.locator("main strong").first.inner_text()
    assert label and label.lower() not in written_down

    page.get_by_role("button", name="Uitloggen").click()
    page.goto(server_url + "/account/inloggen/")
    assert written_down not in page.content()
    page.get_by_label("Je wachtwoordzin").fill(written_down)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(server_url + "/account/")
    assert page.locator("main strong").first.inner_text() == label
    assert written_down not in page.content()
    storage = page.evaluate("[localStorage.length, sessionStorage.length, document.cookie]")
    assert storage == [0, 0, ""]  # the session cookie is HttpOnly; nothing else is kept
