"""A request for a host that is not ours gets a 400 page, not a 500 (a scanner's request)."""

import pytest


@pytest.mark.django_db
def test_a_foreign_host_behind_the_https_redirect_gets_400_not_500(client, settings):
    # Production's order: SecurityMiddleware checks the host (for the HTTPS redirect)
    # before the session exists, and the CSRF token of the 400 page lives in the session.
    settings.ALLOWED_HOSTS = ["chat.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/", HTTP_HOST="203.0.113.7")
    assert response.status_code == 400
    assert "Er ging iets mis" in response.content.decode()
    assert "203.0.113.7" not in response.content.decode()
