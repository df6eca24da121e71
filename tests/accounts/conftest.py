import pytest


@pytest.fixture(autouse=True)
def cheap_argon2(settings):
    # The production cost (64 MiB) is tested in test_passphrases.py; flows need no such cost.
    settings.PASSPHRASE_ARGON2 = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}


def create_account(client):
    """Go through account creation like a visitor; returns (passphrase, response)."""
    import re

    page = client.post("/account/nieuw/").content.decode()
    passphrase = re.search(r"data-passphrase>([a-z ]+)<", page).group(1)
    response = client.post("/account/bevestigen/", {"passphrase": passphrase.upper()})
    return passphrase, response
