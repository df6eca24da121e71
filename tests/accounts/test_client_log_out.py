"""A client's log-out leaves nothing of the site in the browser (issue 13 item 21)."""

from django.test import Client

from tests.accounts.conftest import create_account


def test_logging_out_asks_the_browser_to_forget_the_site(db):
    client = Client()
    create_account(client)
    response = client.post("/account/uitloggen/")
    assert response.status_code == 302
    assert response.headers["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert client.get("/account/").status_code == 302  # the session is gone as well
