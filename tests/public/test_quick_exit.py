"""The quick-exit endpoint ends the session on the server (docs/security.md)."""

import re

from django.contrib.sessions.models import Session
from django.test import Client


def visitor_with_session(client):
    session = client.session
    session["conversation"] = "something private"
    session.save()
    return session.session_key


def test_it_deletes_the_server_side_session(db, settings):
    client = Client()
    key = visitor_with_session(client)
    response = client.post("/snel-weg/")
    assert response.status_code == 200
    assert not Session.objects.filter(session_key=key).exists()
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie.value == "" and cookie["max-age"] == 0


def test_the_old_cookie_is_worthless_afterwards(db, settings):
    client = Client()
    key = visitor_with_session(client)
    client.post("/snel-weg/")
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = key
    replay.get("/")
    assert "conversation" not in replay.session


def test_it_logs_out_a_logged_in_user(robin):
    client = Client()
    client.force_login(robin)
    client.post("/snel-weg/")
    assert "_auth_user_id" not in client.session


def test_it_tells_the_browser_to_forget_the_site(db):
    response = Client().post("/snel-weg/")
    assert response.headers["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert "no-store" in response.headers["Cache-Control"]


def test_it_works_without_a_csrf_token(db):
    # Every page carries the exit; none of them should need a session just for a token.
    response = Client(enforce_csrf_checks=True).post("/snel-weg/")
    assert response.status_code == 200


def test_without_script_it_moves_on_to_the_neutral_site(db, settings):
    settings.EXIT_URL = "https://weer.example/"
    html = Client().post("/snel-weg/").content.decode()
    assert re.search(r'http-equiv="refresh" content="0;url=https://weer.example/"', html)
    assert 'rel="nofollow noreferrer"' in html


def test_it_answers_only_post(db):
    assert Client().get("/snel-weg/").status_code == 405


def test_every_page_offers_the_exit_and_the_emergency_number(db):
    for path in ("/", "/en/", "/bestaat-niet/"):
        html = Client().get(path).content.decode()
        assert 'action="/snel-weg/"' in html, path
        assert 'href="tel:112"' in html, path


def test_it_still_works_when_the_channel_layer_is_down(db, monkeypatch):
    from common import broadcast

    def broken_layer():
        raise ConnectionError("redis is down")

    monkeypatch.setattr(broadcast, "get_channel_layer", broken_layer)
    client = Client()
    key = visitor_with_session(client)
    assert client.post("/snel-weg/").status_code == 200
    assert not Session.objects.filter(session_key=key).exists()
