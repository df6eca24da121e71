"""A burst of visitors joining the queue (issue 13, item 4): an open workspace catches up
with a few small fetches of its queue section, not one whole page per change."""

import http.cookiejar
import re
import urllib.parse
import urllib.request

import pytest

from tests.e2e.conftest import free_port, start_daphne, stop_daphne
from tests.e2e.test_chat import log_in_as_counsellor, make_counsellor, open_all_week
from tests.helpers.browser import orm

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BURST = 25
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
INTAKE = {"for_whom": "self", "minor": "no", "in_danger": "no", "topic": "", "consent": "on"}


@pytest.fixture
def burst_server(tmp_path):
    """A Daphne of its own: every visitor here comes from 127.0.0.1, so the per-address
    limit is raised for this burst (tests/chat/test_queue_flood.py tests the limit)."""
    port = free_port()
    process = start_daphne(port, tmp_path / "daphne.log", HOC_CHAT_STARTS_PER_ADDRESS="1000")
    yield f"http://127.0.0.1:{port}"
    stop_daphne(process)


def start_chat_over_http(server_url):
    """A fresh browser (cookie jar) fills in the intake."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    html = opener.open(server_url + "/chat/", timeout=30).read().decode()
    data = {**INTAKE, "csrfmiddlewaretoken": CSRF.search(html).group(1)}
    request = urllib.request.Request(
        server_url + "/chat/",
        urllib.parse.urlencode(data).encode(),
        headers={"Origin": server_url, "Referer": server_url + "/chat/"},
    )
    assert opener.open(request, timeout=30).status == 200  # followed to the chat page


def test_a_burst_of_visitors_costs_the_workspace_a_few_small_fetches(browser_context, burst_server):
    from playwright.sync_api import expect

    orm(open_all_week)
    orm(make_counsellor)
    counsellor = browser_context.new_page()
    # The page refreshes once when its queue socket opens; the burst starts after that.
    with counsellor.expect_response(
        lambda response: (
            response.request.resource_type == "fetch" and "/medewerkers/wachtrij/" in response.url
        )
    ):
        log_in_as_counsellor(counsellor, burst_server)
    heading = counsellor.locator("[data-queue-count]")
    expect(heading).to_have_text("Wachtende bezoekers: 0")

    fetched = []
    counsellor.on(
        "request",
        lambda request: request.resource_type == "fetch" and fetched.append(request.url),
    )
    for _ in range(BURST):
        start_chat_over_http(burst_server)
    expect(heading).to_have_text(f"Wachtende bezoekers: {BURST}", timeout=10_000)

    # Every change reached the page, as a handful of fetches of the queue section and of the
    # top bar's count alone, in the same rounds.
    section = [url for url in fetched if url.endswith("/medewerkers/wachtrij/?part=queue")]
    count = [url for url in fetched if url.endswith("/medewerkers/status/wachtrij/")]
    assert section, "the page did not fetch at all"
    assert len(section) + len(count) == len(fetched), fetched
    assert len(section) <= 6 and len(count) <= 6, fetched
    expect(counsellor.locator(".top-bar [data-bar-waiting]")).to_have_text(
        f"{BURST} in de wachtrij"
    )
    expect(counsellor.locator("[data-queue-item]")).to_have_count(15)
    expect(counsellor.get_by_text(f"en nog {BURST - 15} wachtende bezoekers")).to_be_visible()
    # The rest of the workspace stayed as it was: the page was never reloaded.
    assert counsellor.url == burst_server + "/medewerkers/wachtrij/"
