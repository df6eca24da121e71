"""The language switch links only to pages of this site ([2/8] item 16)."""

import re

import pytest

pytestmark = pytest.mark.django_db


def hrefs(response):
    return re.findall(r'href="([^"]*)"', response.content.decode())


def test_the_404_page_for_a_protocol_relative_path_links_to_no_other_site(client):
    response = client.get("/", PATH_INFO="//evil.example/")
    assert response.status_code == 404
    assert not [h for h in hrefs(response) if "evil.example" in h]
    assert "/en/" in hrefs(response)  # the switch falls back to the English home page


def test_a_page_of_this_site_switches_to_the_same_page(client):
    response = client.get("/hulpwijzer/")
    assert "/en/hulpwijzer/" in hrefs(response)
