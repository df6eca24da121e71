"""The staff pages' queue socket (static/js/queue.js, reconnecting through static/js/socket.js):
back after a drop, and never again after the server refused it (4401, 4403), where the page
reloads instead so that an ended session leads to the log-in."""

import json
import re

import pytest

from tests.e2e.test_chat import log_in_as_counsellor, make_counsellor, open_all_week
from tests.e2e.test_queue_refresh import start_chat_over_http
from tests.helpers.browser import orm

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Counts the sockets the page makes. Added after route_web_socket, so it wraps Playwright's
# stand-in for WebSocket; runs in every document the page loads.
COUNT_SOCKETS = """
(() => {
  const Routed = window.WebSocket;
  window.socketsMade = 0;
  window.WebSocket = class extends Routed {
    constructor(...args) {
      super(...args);
      window.socketsMade += 1;
    }
  };
})();
"""


@pytest.fixture
def queue_sockets(page):
    """Every queue socket the page opens, passed through to the real server."""
    sockets = []

    def between(ws):
        ws.connect_to_server()
        sockets.append(ws)

    page.route_web_socket(re.compile(r".*/ws/queue/$"), between)
    page.add_init_script(COUNT_SOCKETS)
    return sockets


def test_the_queue_page_reconnects_after_its_socket_drops(page, server_url, queue_sockets):
    from playwright.sync_api import expect

    orm(open_all_week)
    orm(make_counsellor)
    log_in_as_counsellor(page, server_url)
    page.wait_for_function("() => window.socketsMade === 1")
    page.evaluate("window.samePage = true")

    queue_sockets[0].close(code=1011)  # the server could not re-check: try again
    page.wait_for_function("() => window.socketsMade === 2", timeout=5_000)
    assert page.evaluate("window.samePage") is True  # reconnected, not reloaded

    # The new socket carries the news: the count moves long before the 30 s fallback timer.
    start_chat_over_http(server_url)
    expect(page.locator("[data-queue-count]")).to_have_text("Wachtende bezoekers: 1")


@pytest.mark.parametrize("code", [4401, 4403])
def test_the_queue_page_does_not_reconnect_after_a_refusal(page, server_url, queue_sockets, code):
    orm(make_counsellor)
    log_in_as_counsellor(page, server_url)
    page.wait_for_function("() => window.socketsMade === 1")
    page.evaluate("window.samePage = true")
    # The reload is answered "204 No Content", so the browser keeps this page and its timers.
    page.route(
        server_url + "/medewerkers/wachtrij/",
        lambda route: (
            route.fulfill(status=204)
            if route.request.resource_type == "document"
            else route.fallback()
        ),
    )
    page.clock.install()

    with page.expect_request(lambda request: request.resource_type == "document") as reload:
        queue_sockets[0].close(code=code)
    assert reload.value.url == server_url + "/medewerkers/wachtrij/"
    # A minute of timers (every retry of the backoff would have fired by then): no new socket.
    page.clock.run_for(60_000)
    assert page.evaluate("[window.samePage, window.socketsMade]") == [True, 1]
    assert len(queue_sockets) == 1


def test_a_busy_server_says_when_to_come_back_and_the_page_comes_back_then(page, server_url):
    """A process coming up among many returning pages turns some away with a `busy` frame
    and 4503 (hoc/asgi.py ConnectGate). The page waits the time it was given, not its own
    first guess of at most a second, and then connects."""
    from playwright.sync_api import expect

    told = []

    def between(ws):
        if not told:
            told.append(ws)
            ws.send(json.dumps({"type": "busy", "retry_ms": 2500}))
            ws.close(code=4503)
        else:
            ws.connect_to_server()

    page.route_web_socket(re.compile(r".*/ws/queue/$"), between)
    page.add_init_script(COUNT_SOCKETS)
    page.add_init_script(
        "window.socketTimes = []; const Made = window.WebSocket;"
        "window.WebSocket = class extends Made { constructor(...a) {"
        " super(...a); window.socketTimes.push(performance.now()); } };"
    )
    orm(open_all_week)
    orm(make_counsellor)
    log_in_as_counsellor(page, server_url)
    page.wait_for_function("() => window.socketsMade === 2", timeout=10_000)
    first, second = page.evaluate("window.socketTimes")[:2]
    assert 2_400 <= second - first < 4_000

    # The socket it came back with is the live one: the queue's news arrives over it.
    start_chat_over_http(server_url)
    expect(page.locator("[data-queue-count]")).to_have_text("Wachtende bezoekers: 1")
