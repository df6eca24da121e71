"""One attacker flooding the queue (issue 13, item 4): fresh cookie jars from one address,
one browser hopping addresses, many addresses at once. What they get, and what a genuine
visitor still gets."""

from django.test import Client

from accounts import session_keys
from chat import conversations, queue
from chat.models import Conversation
from tests.chat.test_views import INTAKE, chat_open  # noqa: F401 (fixture)
from tests.conftest import log_in

ATTACKER = "203.0.113.66"
DANGER = {**INTAKE, "minor": "yes", "in_danger": "yes", "topic": ""}


def visitor(address):
    """A fresh browser: a cookie jar of its own."""
    return Client(REMOTE_ADDR=address)


def address(n):
    return f"198.51.100.{n}"


def limits(settings, *, per_session=3, per_address=4, ceiling=40, reserve=5):
    settings.CHAT_STARTS_PER_SESSION = per_session
    settings.CHAT_STARTS_PER_ADDRESS = per_address
    settings.QUEUE_CEILING = ceiling
    settings.QUEUE_URGENT_RESERVE = reserve


def test_fresh_cookie_jars_from_one_address_are_refused_after_the_limit(chat_open, settings):  # noqa: F811
    limits(settings, per_address=4)
    statuses = [visitor(ATTACKER).post("/chat/", DANGER).status_code for _ in range(10)]
    assert statuses == [302] * 4 + [429] * 6
    assert queue.waiting().count() == 4

    refused = visitor(ATTACKER).post("/chat/", DANGER).content.decode()
    assert "Je kunt nu geen nieuw gesprek beginnen" in refused
    assert "tel:112" in refused and "0800-2000" in refused  # the emergency numbers stay
    # Someone on another connection is not held up by it.
    assert visitor(address(1)).post("/chat/", INTAKE).status_code == 302


def test_one_browser_hopping_addresses_is_refused_after_the_limit(chat_open, settings):  # noqa: F811
    limits(settings, per_session=3, per_address=100)
    browser = visitor(address(1))
    statuses = []
    for n in range(6):
        statuses.append(browser.post("/chat/", DANGER, REMOTE_ADDR=address(10 + n)).status_code)
        if statuses[-1] == 302:
            started = Conversation.objects.get(pk=browser.session[session_keys.CONVERSATION])
            conversations.end_conversation(started, by="visitor")  # leaves the queue again
            browser.get("/chat/")  # the end is shown once; the session lets go
    assert statuses == [302] * 3 + [429] * 3


def test_the_queue_has_a_ceiling_and_says_so_honestly(chat_open, settings):  # noqa: F811
    limits(settings, ceiling=5, reserve=2)
    for n in range(5):
        assert visitor(address(n)).post("/chat/", INTAKE).status_code == 302
    full = visitor(address(50)).post("/chat/", INTAKE)
    assert full.status_code == 503
    html = full.content.decode()
    assert "Het is nu erg druk in de chat" in html
    assert "tel:112" in html and "0800-2000" in html
    assert queue.waiting().count() == 5

    # Someone in danger, starting their first chat, still gets one of the few places kept
    # for them, and comes first.
    urgent = visitor(address(60))
    assert urgent.post("/chat/", DANGER).status_code == 302
    mine = Conversation.objects.get(pk=urgent.session[session_keys.CONVERSATION])
    assert queue.position_of(mine) == 1
    assert visitor(address(61)).post("/chat/", DANGER).status_code == 302
    assert visitor(address(62)).post("/chat/", DANGER).status_code == 503
    assert queue.waiting().count() == 7


def test_a_refusal_for_a_full_queue_does_not_use_up_the_visitors_own_starts(chat_open, settings):  # noqa: F811
    limits(settings, per_session=2, ceiling=1, reserve=0)
    visitor(address(1)).post("/chat/", INTAKE)
    patient = visitor(address(2))
    for _ in range(4):
        assert patient.post("/chat/", INTAKE).status_code == 503
    Conversation.objects.update(state=Conversation.State.ENDED)
    assert patient.post("/chat/", INTAKE).status_code == 302


def test_a_flood_in_danger_does_not_push_a_genuine_visitor_in_danger_down(
    chat_open,  # noqa: F811
    settings,
    hana,
):
    limits(settings, per_address=4)
    for _ in range(10):
        visitor(ATTACKER).post("/chat/", DANGER)
    genuine = visitor(address(7))
    assert genuine.post("/chat/", DANGER).status_code == 302
    theirs = Conversation.objects.get(pk=genuine.session[session_keys.CONVERSATION])

    # Only the attacker's first chat in the hour counts its "in danger" for the order; the
    # rest wait in arrival order behind the genuine visitor, still marked for the counsellor.
    assert queue.position_of(theirs) == 2
    html = log_in(Client(), hana).get("/medewerkers/wachtrij/").content.decode()
    order = [c.pk for c in queue.waiting()]
    assert order.index(theirs.pk) == 1
    assert html.index(str(theirs.pk)) < min(html.index(str(pk)) for pk in order[2:])
    assert html.count("Direct gevaar") == 5


def test_a_browser_that_started_a_chat_before_does_not_jump_from_a_new_address(
    chat_open,  # noqa: F811
    settings,
):
    limits(settings, per_session=3, per_address=100)
    calm = visitor(address(1))
    calm.post("/chat/", INTAKE)
    repeat = visitor(address(2))
    repeat.post("/chat/", INTAKE)
    first = Conversation.objects.get(pk=repeat.session[session_keys.CONVERSATION])
    conversations.end_conversation(first, by="visitor")
    repeat.get("/chat/")
    repeat.post("/chat/", DANGER, REMOTE_ADDR=address(3))
    second = Conversation.objects.get(pk=repeat.session[session_keys.CONVERSATION])
    assert second.in_danger  # the counsellor still sees what they said
    assert queue.position_of(second) == 2  # behind the calm visitor who came first


def test_what_a_waiting_visitor_is_told_is_bounded_by_the_ceiling(chat_open, settings):  # noqa: F811
    limits(settings, ceiling=6, reserve=0, per_address=100)
    for _ in range(20):
        visitor(ATTACKER).post("/chat/", INTAKE)
    last = Conversation.objects.waiting().last()
    position = queue.position_of(last)
    assert position == 6
    assert queue.estimated_wait_minutes(position) == 5 * queue.MINUTES_PER_PLACE
