"""Creating, using and deleting a pseudonymous client account."""

import io
import logging
import re

from django.contrib.sessions.models import Session
from django.test import Client

from accounts.models import LoginSession, User
from tests.accounts.conftest import create_account


def test_creating_an_account_asks_for_nothing_personal(db):
    html = Client().get("/account/nieuw/").content.decode()
    for asked in ('type="email"', 'name="email"', 'name="username"', 'type="tel"'):
        assert asked not in html


def test_the_passphrase_is_shown_and_the_account_made_only_after_it_is_typed_back(db):
    client = Client()
    page = client.post("/account/nieuw/").content.decode()
    assert "Niemand kan deze zin terughalen" in page
    assert not User.objects.exists()
    passphrase = re.search(r"data-passphrase>([a-z ]+)<", page).group(1)
    response = client.post("/account/bevestigen/", {"passphrase": f"  {passphrase.title()} "})
    assert response.status_code == 302 and response.headers["Location"] == "/account/"
    user = User.objects.get()
    assert user.is_client and user.confirmed_at
    assert re.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z]+", user.display_label)
    assert not {w.lower() for w in user.display_label.split()} & set(passphrase.split())
    assert client.get("/account/").status_code == 200


def test_a_wrong_confirmation_makes_no_account_and_does_not_show_the_phrase_again(db):
    client = Client()
    page = client.post("/account/nieuw/").content.decode()
    passphrase = re.search(r"data-passphrase>([a-z ]+)<", page).group(1)
    response = client.post("/account/bevestigen/", {"passphrase": "verkeerd gekozen woorden"})
    assert response.status_code == 400
    assert passphrase not in response.content.decode()
    assert not User.objects.exists()


def test_the_passphrase_never_appears_after_creation(db):
    handler = logging.getLogger("django.request").handlers[0]
    log = io.StringIO()
    old = handler.setStream(log)
    try:
        client = Client()
        passphrase, response = create_account(client)
        seen = [response.content.decode(), response.headers.get("Location", "")]
        for path in ("/account/", "/", "/chat/"):
            seen.append(client.get(path).content.decode())
        client.post("/account/uitloggen/")
        login = client.post("/account/inloggen/", {"passphrase": passphrase})
        assert login.status_code == 302
        seen.append(login.headers["Location"])
        seen.append(client.get("/account/").content.decode())
        seen.append(str(client.cookies))
        seen.extend(s.session_data for s in Session.objects.all())
        seen.extend(str(v) for v in User.objects.values_list())
    finally:
        handler.setStream(old)
    seen.append(log.getvalue())
    for text in seen:
        assert passphrase not in text
        assert passphrase.upper() not in text


def test_log_in_rotates_the_session_key(db):
    client = Client()
    passphrase, _ = create_account(client)
    client.post("/account/uitloggen/")
    client.get("/account/inloggen/")
    session = client.session
    session["x"] = 1
    session.save()
    before = client.cookies["hoc_session"].value
    client.post("/account/inloggen/", {"passphrase": passphrase})
    assert client.cookies["hoc_session"].value != before


def test_a_wrong_passphrase_gets_the_one_message(db):
    client = Client()
    create_account(client)
    client.post("/account/uitloggen/")
    response = client.post(
        "/account/inloggen/", {"passphrase": "appel boom kast deur raam vloer dak"}
    )
    assert response.status_code == 400
    assert "Dat lukt niet." in response.content.decode()


def test_staff_cannot_use_the_client_log_in(hana):
    response = Client().post("/account/inloggen/", {"passphrase": "a long enough password"})
    assert response.status_code == 400


def test_a_client_chooses_a_display_name(db):
    client = Client()
    create_account(client)
    client.post("/account/naam/", {"display_name": "  Ster  "})
    assert User.objects.get().shown_name == "Ster"


def test_a_new_passphrase_replaces_the_old_one(db):
    client = Client()
    old, _ = create_account(client)
    page = client.post("/account/nieuwe-zin/").content.decode()
    new = re.search(r"data-passphrase>([a-z ]+)<", page).group(1)
    done = client.post("/account/nieuwe-zin/", {"confirm": "1", "passphrase": new})
    assert done.status_code == 200
    client.post("/account/uitloggen/")
    assert client.post("/account/inloggen/", {"passphrase": old}).status_code == 400
    assert client.post("/account/inloggen/", {"passphrase": new}).status_code == 302


def test_deleting_leaves_no_row_that_refers_to_the_account(db):
    client = Client()
    create_account(client)
    user = User.objects.get()
    other_device = Client()
    other_device.force_login(user)
    LoginSession.objects.create(user=user, session_key=other_device.session.session_key)
    response = client.post("/account/wissen/")
    assert response.headers["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert not User.objects.filter(pk=user.pk).exists()
    assert not LoginSession.objects.exists()
    for session in Session.objects.all():
        assert str(user.pk) not in str(session.get_decoded())
    assert other_device.get("/account/").status_code == 302  # that device is logged out too
