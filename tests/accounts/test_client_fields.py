"""What a client account stores: the chosen name sealed, its times only to the hour."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import timezone

from accounts.models import User
from common import encryption
from tests.accounts.conftest import create_account

BEFORE = ("accounts", "0002_user_confirmed_at_user_display_label_and_more")


def stored(user, column):
    """The column as the database holds it, past every field and descriptor."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM accounts_user WHERE id = %s", [user.pk])  # noqa: S608
        return cursor.fetchone()[0]


def on_the_hour(moment):
    return moment == moment.replace(minute=0, second=0, microsecond=0)


def test_the_chosen_name_is_stored_sealed(db):
    client = Client()
    create_account(client)
    client.post("/account/naam/", {"display_name": "  Ster van de zee "})
    user = User.objects.get()
    assert stored(user, "display_name").startswith("v1:")
    assert "Ster" not in stored(user, "display_name")
    assert user.shown_name == "Ster van de zee"
    assert 'value="Ster van de zee"' in client.get("/account/").content.decode()


def test_a_sealed_name_opens_only_in_its_own_row(robin, hana):
    robin.display_name = "Ster"
    robin.save()
    User.objects.filter(pk=hana.pk).update(display_name=stored(robin, "display_name"))
    with pytest.raises(encryption.DecryptionError):
        User.objects.get(pk=hana.pk).display_name  # noqa: B018


def test_a_clients_times_are_kept_to_the_hour(db):
    client = Client()
    passphrase, _ = create_account(client)
    client.post("/account/uitloggen/")
    assert client.post("/account/inloggen/", {"passphrase": passphrase}).status_code == 302
    user = User.objects.get()
    for column in ("date_joined", "last_login", "confirmed_at"):
        assert on_the_hour(getattr(user, column)), column
    assert user.date_joined > timezone.now() - datetime.timedelta(hours=1, minutes=5)


def test_staff_times_stay_exact(hana):
    Client().force_login(hana)
    hana.refresh_from_db()
    assert not on_the_hour(hana.last_login) or not on_the_hour(hana.date_joined)


def migrate_with(rows):
    """Migrate accounts back to before these fields, write `rows` as they were then, and
    migrate forward again."""
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes("accounts")
    executor.migrate([BEFORE])
    old = executor.loader.project_state([BEFORE]).apps.get_model("accounts", "User")
    for row in rows:
        old.objects.create(**row)
    MigrationExecutor(connection).migrate(latest)


@pytest.mark.django_db(transaction=True)
def test_the_migration_seals_existing_names():
    migrate_with(
        [
            {"username": "c1", "role": "client", "display_name": "Ster"},
            {"username": "c2", "role": "client", "display_label": "Blauwe Reiger"},
            {"username": "hana", "role": "counsellor"},
        ]
    )
    users = [User.objects.get(username=name) for name in ("c1", "c2", "hana")]
    assert [u.shown_name for u in users] == ["Ster", "Blauwe Reiger", ""]
    assert all(stored(u, "display_name").startswith("v1:") for u in users)
    assert len({u.seal_id for u in users}) == 3


@pytest.mark.django_db(transaction=True)
def test_the_migration_can_be_undone():
    migrate_with([{"username": "c1", "role": "client", "display_name": "Ster"}])
    user = User.objects.get()
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes("accounts")
    executor.migrate([BEFORE])
    assert stored(user, "display_name") == "Ster"
    MigrationExecutor(connection).migrate(latest)
    assert User.objects.get().shown_name == "Ster"


@pytest.mark.django_db(transaction=True)
def test_the_migration_rounds_existing_client_times_to_the_hour():
    exact = timezone.now().replace(minute=17, second=3, microsecond=123456)
    times = {"date_joined": exact, "last_login": exact, "confirmed_at": exact}
    migrate_with(
        [
            {"username": "c1", "role": "client", **times},
            {"username": "hana", "role": "counsellor", **times},
        ]
    )
    client, staff = User.objects.get(username="c1"), User.objects.get(username="hana")
    hour = exact.replace(minute=0, second=0, microsecond=0)
    assert [getattr(client, column) for column in times] == [hour] * 3
    assert [getattr(staff, column) for column in times] == [exact] * 3
