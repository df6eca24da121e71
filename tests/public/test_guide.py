"""The help guide reaches every end, and each end shows how to get help."""

import pytest
from django.test import Client

from public.guide import load_guide, paths_to_ends
from public.models import GuideNode

ENDS = [
    "e-112",
    "e-113",
    "e-pro",
    "e-minor-unsafe",
    "e-minor-talk",
    "e-children",
    "e-chat",
    "e-info",
    "e-police",
    "e-shn",
    "e-csg",
    "e-mma",
]


def test_every_end_of_the_brief_is_reachable(db):
    assert sorted(paths_to_ends(load_guide())) == sorted(ENDS)


def test_danger_comes_first(db):
    nodes = load_guide()
    first = next(n for n in nodes.values() if n.is_start)
    yes = first.choices.all()[0]
    assert nodes[yes.target_id].key == "e-112"


@pytest.mark.parametrize("key", ENDS)
def test_each_end_shows_channel_hours_cost_anonymity_and_next_step(db, key):
    node = GuideNode.objects.get(key=key)
    html = Client().get(f"/hulpwijzer/{node.pk}/").content.decode()
    for channel in node.channels.select_related("partner"):
        assert channel.partner.phone in html
    if node.offers_chat:
        assert "Chat met Hulppunt Onder Controle" in html
    assert "Wanneer" in html and ("Kosten" in html or not node.offers_chat)
    assert node.body.split(".")[0] in html


def test_without_script_each_answer_is_a_link_to_the_next_page(db):
    nodes = load_guide()
    client = Client()
    for key, path in paths_to_ends(nodes).items():
        for choice in path:
            html = client.get(f"/hulpwijzer/{choice.question_id}/").content.decode()
            assert f'href="/hulpwijzer/{choice.target_id}/"' in html, key


def test_an_unknown_step_is_not_found(db):
    assert Client().get("/hulpwijzer/999999/").status_code == 404


def test_112_and_113_stay_visible_on_every_step(db):
    for node in GuideNode.objects.all():
        html = Client().get(f"/hulpwijzer/{node.pk}/").content.decode()
        assert 'href="tel:112"' in html and 'href="tel:113"' in html
