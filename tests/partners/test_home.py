"""Partners and the public site's models moved package without moving in the database:
same tables, migrations that change only Django's model state."""

import pytest
from django.apps import apps
from django.db.migrations import SeparateDatabaseAndState
from django.db.migrations.loader import MigrationLoader

STATE_ONLY = [
    ("partners", "0001_initial"),
    ("hoc", "0004_partners_app"),
    ("handover", "0007_partner_to_partners_app"),
]


@pytest.mark.parametrize(("app_label", "name"), STATE_ONLY)
def test_the_move_touches_no_table(app_label, name):
    migration = MigrationLoader(None, ignore_no_migrations=True).get_migration(app_label, name)
    assert migration.operations
    for operation in migration.operations:
        assert isinstance(operation, SeparateDatabaseAndState)
        assert operation.database_operations == []
        assert operation.state_operations


def test_every_table_kept_its_name():
    tables = {model._meta.label: model._meta.db_table for model in apps.get_models()}
    assert tables["partners.Partner"] == "handover_partner"
    assert {label: table for label, table in tables.items() if label.startswith("hoc.")} == {
        "hoc.SelfCheckItem": "hoc_selfcheckitem",
        "hoc.GuideNode": "hoc_guidenode",
        "hoc.GuideChoice": "hoc_guidechoice",
        "hoc.GuideChannel": "hoc_guidechannel",
        "hoc.InfoSessionSignup": "hoc_infosessionsignup",
    }


def test_the_public_site_is_the_app_labelled_hoc():
    assert apps.get_app_config("hoc").name == "public"
    assert apps.get_app_config("project").name == "hoc"


def test_a_bookmark_to_the_partners_old_admin_page_still_arrives(admin_client, client):
    response = admin_client.get("/beheer/handover/partner/?kind__exact=police")
    assert response.status_code == 302
    assert response["Location"] == "/beheer/partners/partner/?kind__exact=police"
    assert admin_client.get(response["Location"]).status_code == 200


def test_the_old_partner_address_asks_anyone_else_to_log_in(client):
    response = client.get("/beheer/handover/partner/")
    assert response.status_code == 302
    assert response["Location"].startswith("/beheer/login/")
