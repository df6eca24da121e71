"""The supervisors' overview refetches itself whenever the queue changes (queue.js), so its
size and cost must not grow with a flooded queue (issue 13, item 4)."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.conftest import log_in
from tests.oversight.test_overview_and_looks import waiting

SHOWN = 15


def test_a_flood_in_danger_is_counted_in_full_but_listed_only_at_the_top(sam):
    for _ in range(60):
        waiting(in_danger=True)
    html = log_in(Client(), sam).get("/medewerkers/overzicht/").content.decode()
    assert "data-waiting-count>60<" in html
    assert '<span class="stats__number">60</span> in direct gevaar' in html
    assert html.count("wacht al") == SHOWN
    assert "en nog 45 in direct gevaar" in html


def test_the_overview_costs_the_same_for_a_short_and_a_long_queue(sam):
    client = log_in(Client(), sam)
    for _ in range(3):
        waiting(in_danger=True)
    client.get("/medewerkers/overzicht/")  # the first request also settles the session
    with CaptureQueriesContext(connection) as short:
        short_size = len(client.get("/medewerkers/overzicht/").content)
    for _ in range(57):
        waiting(in_danger=True)
    with CaptureQueriesContext(connection) as long:
        long_size = len(client.get("/medewerkers/overzicht/").content)
    assert len(long) == len(short)
    assert long_size < short_size + SHOWN * 300
