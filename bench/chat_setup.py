"""The Django side of the chat benchmark, run as a subprocess with bench.settings:

    python -m bench.chat_setup chats N [--counsellors K]   -> JSON on stdout
    python -m bench.chat_setup claims                       -> S5 results as JSON
    python -m bench.chat_setup claimers                     -> S5 over HTTP: chats, sessions

`chats` creates N active conversations shared by K counsellors (by default as few as hold
at most HOC_COUNSELLOR_CAPACITY chats each) and one browser session per
participant, as the log-in views would leave them (staff past TOTP, visitors holding their
conversation id), and prints the session keys. `claims` runs S5 against queue.claim on
PostgreSQL: 50 counsellors claiming 500 waiting chats, and 20 racing for one.
"""

import asyncio
import functools
import json
import os
import random
import secrets
import statistics
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()


def staff_session(user, device, csrf=None):
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY

    from accounts import sessions

    store = SessionStore()
    now = time.time()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[sessions.STARTED] = store[sessions.SEEN] = now
    store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    if csrf is not None:
        # CSRF_USE_SESSIONS: the token a form posts back lives in the session.
        from django.middleware.csrf import CSRF_SESSION_KEY

        store[CSRF_SESSION_KEY] = csrf
    store.create()
    return store.session_key


def visitor_session(conversation):
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store["conversation_id"] = str(conversation.pk)
    store.create()
    return store.session_key


def make_counsellors(count, prefix):
    from accounts.models import StaffTOTPDevice, User

    users = []
    for i in range(count):
        user = User.objects.create_user(
            f"{prefix}{i}-{secrets.token_hex(3)}", role=User.Role.COUNSELLOR
        )
        device = StaffTOTPDevice.objects.create(
            user=user, name="bench", key=secrets.token_hex(20), confirmed=True
        )
        users.append((user, device))
    return users


def chats(count, counsellor_count):
    from django.utils import timezone

    from chat import consent
    from chat.models import Conversation

    counsellors = make_counsellors(counsellor_count, "bench-c")
    keys = {i: staff_session(u, d) for i, (u, d) in enumerate(counsellors)}
    now = timezone.now()
    conversations = Conversation.objects.bulk_create(
        Conversation(
            for_whom="self",
            minor="no",
            consent_version=consent.VERSION,
            state=Conversation.State.ACTIVE,
            counsellor=counsellors[i % counsellor_count][0],
            claimed_at=now,
        )
        for i in range(count)
    )
    return [
        {
            "id": str(c.pk),
            "visitor": visitor_session(c),
            "counsellor": keys[i % counsellor_count],
        }
        for i, c in enumerate(conversations)
    ]


def make_available(user):
    """Available in the workspace and able to hold many chats (S5 is about the claim)."""
    from chat import availability

    availability.set_status(user, availability.Status.AVAILABLE)
    availability.set_capacity(user, 100)


def percentile(values, p):
    values = sorted(values)
    return values[max(0, int(len(values) * p / 100 + 0.999999) - 1)] if values else None


def waiting_chats(count):
    from chat import conversations

    return [
        conversations.open_conversation(for_whom="self", minor="no", in_danger=False)
        for _ in range(count)
    ]


def as_in_the_server(calls):
    """Run each call in a thread of its own, the way Daphne runs the views of requests at
    once: the threads belong to a running event loop, so the broadcast after a claim is
    handed to that loop (common/broadcast.py). Bare threads would each start an event loop
    and open new Redis connections for every broadcast, which no request in the server
    does."""
    from asgiref.sync import sync_to_async

    from common import broadcast

    async def run():
        with ThreadPoolExecutor(max_workers=len(calls)) as pool:
            await asyncio.gather(
                *(sync_to_async(call, thread_sensitive=False, executor=pool)() for call in calls)
            )
        while broadcast._sending:  # the last claims' broadcasts, before the loop closes
            await asyncio.sleep(0.01)

    asyncio.run(run())


def claimers(chat_count=500, counsellor_count=50):
    """S5 over HTTP: waiting chats, and available counsellors with a session each that has
    passed TOTP and holds a CSRF secret, as the workspace page would leave it."""
    from django.conf import settings
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
    from django.utils.crypto import get_random_string

    waiting = waiting_chats(chat_count)
    sessions = []
    for user, device in make_counsellors(counsellor_count, "bench-s5h-"):
        make_available(user)
        csrf = get_random_string(CSRF_SECRET_LENGTH, CSRF_ALLOWED_CHARS)
        sessions.append({"key": staff_session(user, device, csrf), "csrf": csrf})
    return {
        "cookie": settings.SESSION_COOKIE_NAME,
        "sessions": sessions,
        "chats": [str(c.pk) for c in waiting],
    }


def claims(pick_from=0):
    from django.db import connection

    from chat import conversations, queue
    from chat.models import Conversation

    # (a) 500 waiting chats, 50 counsellors each claiming the head of the queue until empty.
    waiting = waiting_chats(500)
    counsellors = [u for u, _ in make_counsellors(50, "bench-s5-")]
    racers = [u for u, _ in make_counsellors(20, "bench-s5b-")]
    for user in counsellors + racers:
        make_available(user)
    wins, rtts, lost_races, refused = [], [], [0], Counter()
    rng = random.Random(5)  # noqa: S311 - which row a simulated counsellor clicks
    start = threading.Barrier(len(counsellors))

    def claim_loop(counsellor):
        # Each claim takes a connection from the pool and gives it back, as a request would.
        start.wait(timeout=120)
        while True:
            began = time.perf_counter()
            try:
                if pick_from == 0:
                    # "Volgende aannemen": one statement takes the head (queue.claim_next).
                    try:
                        head = queue.claim_next(counsellor)
                    except queue.NobodyWaiting:
                        return
                    wins.append((head.pk, counsellor.pk))
                    continue
                # Each counsellor takes one of the chats at the top of the list they see,
                # as on the queue page; everyone taking the very first one is the worst
                # case (--claim-head).
                shown = list(queue.waiting().filter(left_message=False)[:pick_from])
                if not shown:
                    return
                head = shown[0] if pick_from == 1 else rng.choice(shown)
                try:
                    queue.claim(head, counsellor)
                    wins.append((head.pk, counsellor.pk))
                except queue.AlreadyClaimed:
                    lost_races[0] += 1
            except Exception as e:  # AtCapacity and the like: this counsellor stops
                refused[type(e).__name__] += 1
                return
            finally:
                connection.close()
                rtts.append(time.perf_counter() - began)

    t0 = time.perf_counter()
    as_in_the_server([functools.partial(claim_loop, c) for c in counsellors])
    elapsed = time.perf_counter() - t0
    ids = [w[0] for w in wins]
    claimed = Conversation.objects.filter(
        pk__in=[c.pk for c in waiting], state=Conversation.State.ACTIVE
    ).count()
    a = {
        "chats": len(waiting),
        "mode": "claim_next" if pick_from == 0 else f"a random one of the first {pick_from}",
        "counsellors": len(counsellors),
        "claimed": claimed,
        "seconds_until_all_claimed": elapsed,
        "double_claims": len(ids) - len(set(ids)),
        "wins_reported": len(wins),
        "lost_races": lost_races[0],
        "refused": dict(refused),
        "claim_rtt_p50_ms": percentile(rtts, 50) * 1000,
        "claim_rtt_p99_ms": percentile(rtts, 99) * 1000,
    }

    # (b) 20 counsellors claim the same chat at once; repeated.
    races = []
    for _ in range(10):
        target = conversations.open_conversation(for_whom="self", minor="no", in_danger=False)
        barrier = threading.Barrier(len(racers))
        outcomes = []

        def race(counsellor, target=target, barrier=barrier, outcomes=outcomes):
            candidate = Conversation.objects.get(pk=target.pk)
            connection.close()
            barrier.wait(timeout=120)
            began = time.perf_counter()
            try:
                queue.claim(candidate, counsellor)
                outcomes.append(("won", time.perf_counter() - began))
            except queue.AlreadyClaimed:
                outcomes.append(("lost", time.perf_counter() - began))
            except Exception as e:
                outcomes.append((type(e).__name__, time.perf_counter() - began))
            finally:
                connection.close()

        as_in_the_server([functools.partial(race, c) for c in racers])
        told = [s for kind, s in outcomes if kind == "lost"]
        races.append(
            {
                "winners": sum(1 for kind, _ in outcomes if kind == "won"),
                "losers": len(told),
                "other": sum(1 for kind, _ in outcomes if kind not in ("won", "lost")),
                "slowest_loser_told_ms": max(told) * 1000 if told else None,
            }
        )
    b = {
        "races": len(races),
        "racers": 20,
        "exactly_one_winner_every_time": all(r["winners"] == 1 for r in races),
        "slowest_loser_told_ms": max(r["slowest_loser_told_ms"] or 0 for r in races),
        "median_slowest_loser_told_ms": statistics.median(
            r["slowest_loser_told_ms"] or 0 for r in races
        ),
        "each": races,
    }
    return {"a": a, "b": b}


def main(argv):
    setup_django()
    if argv[0] == "chats":
        count = int(argv[1])
        from django.conf import settings

        # No counsellor holds more chats than the product lets them (HOC_COUNSELLOR_CAPACITY):
        # a session's sockets share one frame budget (chat/socket_limits.py), so ten chats
        # on one counsellor's session would measure that budget, not the chat.
        default = max(1, -(-count // settings.COUNSELLOR_CAPACITY))
        counsellor_count = int(argv[3]) if len(argv) > 3 else default

        made = chats(count, counsellor_count)
        json.dump({"cookie": settings.SESSION_COOKIE_NAME, "chats": made}, sys.stdout)
    elif argv[0] == "claims":
        # Default: everyone presses "Volgende aannemen"; the list-clicking variants were
        # the only way before claim_next and stay for comparison.
        pick_from = 1 if "--claim-head" in argv else 10 if "--pick-from-list" in argv else 0
        json.dump(claims(pick_from), sys.stdout)
    elif argv[0] == "claimers":
        json.dump(claimers(), sys.stdout)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
