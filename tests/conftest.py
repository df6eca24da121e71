"""Shared fixtures: the named people of our tests, and the services switch.

With HOC_REQUIRE_SERVICES=1 (CI), a test that needs PostgreSQL, Redis or Chromium fails
when it is missing instead of skipping.
"""

import contextlib
import os
import threading

import pytest

from accounts.models import User

REQUIRE_SERVICES = os.environ.get("HOC_REQUIRE_SERVICES") == "1"


def skip_or_fail(reason):
    """Skip for a missing service, or fail when CI demands every service."""
    if REQUIRE_SERVICES:
        pytest.fail(f"HOC_REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def pytest_collection_modifyitems(items):
    """Run the serialized_rollback tests (the browser tests) first among the transactional.

    pytest-django has already put the tests in Django's order, and this hook runs after it.
    A transactional test without serialized_rollback ends with a flush that recreates the
    content types under new ids; a serialized_rollback test after it then fails to load its
    saved rows (UNIQUE constraint on django_content_type).

    Among them, the tests that drive the browser come first, one after the other: they share
    one Chromium, started for the first and stopped after the last (tests/e2e/conftest.py).
    """

    def marker_says(item, key):
        marker = item.get_closest_marker("django_db")
        return marker is not None and marker.kwargs.get(key, False)

    first = next(
        (
            index
            for index, item in enumerate(items)
            if marker_says(item, "transaction")
            or "transactional_db" in getattr(item, "fixturenames", ())
        ),
        None,
    )
    if first is not None:
        tail = items[first:]
        serialized = [item for item in tail if marker_says(item, "serialized_rollback")]
        serialized.sort(key=lambda item: "browser_context" not in getattr(item, "fixturenames", ()))
        moved = set(serialized)
        items[first:] = serialized + [item for item in tail if item not in moved]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Argon2 is the production hasher (tested in tests/hoc/test_settings.py); tests that
    # create users do not need its cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache():
    # Cached pages and counters must not carry over from one test to the next.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def default_language():
    # A request or a test that activated English must not leave it active for the next
    # test, which would then read English where Dutch is the rule.
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def close_socket_thread_connections():
    """Hand the socket threads' database connections back to the pool after every test.

    The sockets' database work runs on a pool of threads that outlive the test
    (common/db_threads.py); a connection one of them still holds at the end of a test counts
    against the test process's connection pool, and after enough socket tests a later one
    waited 30 s for a connection and failed. One job per thread, held at a barrier so that
    each thread runs exactly one, closes them all.
    """
    yield
    from common import db_threads

    pool = db_threads._executor
    if pool is None:
        return
    from django.db import connections

    count = pool._max_workers
    barrier = threading.Barrier(count, timeout=5)

    def close_here():
        connections.close_all()
        # A thread still busy (a test that hung the database) breaks the barrier: leave it.
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait()

    for job in [pool.submit(close_here) for _ in range(count)]:
        job.result(timeout=10)


@pytest.fixture
def capture_broadcasts(django_capture_on_commit_callbacks):
    """`with capture_broadcasts() as sent:` runs the block's on-commit callbacks at its end
    and lists what they handed the channel layer, as (group, message)
    (tests/helpers/broadcasts.py)."""
    from tests.helpers.broadcasts import layer_sends

    @contextlib.contextmanager
    def capture(deliver=False):
        with layer_sends(deliver) as sent, django_capture_on_commit_callbacks(execute=True):
            yield sent

    return capture


@pytest.fixture(scope="session", autouse=True)
def flush_by_delete_on_postgresql():
    """Empty the tables after a transactional test with DELETE, not TRUNCATE.

    Django's flush truncates every table, which on PostgreSQL creates new files for each
    table and index: about half a second on our CI machine, after each of the many socket
    and browser tests, against a hundredth for deleting their few rows. One transaction,
    with the (deferrable) foreign keys checked at its end, empties them all the same. No
    table has a trigger on DELETE (the audit trail's refuses UPDATE only), and nothing here
    asks the flush to reset sequences; if a test does, it gets Django's own.
    """
    try:
        from django.db.backends.postgresql.operations import DatabaseOperations
    except ImportError:  # no psycopg: no PostgreSQL run
        yield
        return
    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade or not tables:
            return truncate(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        return ["SET CONSTRAINTS ALL DEFERRED"] + [
            f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))}"
            for table in tables
        ]

    DatabaseOperations.sql_flush = sql_flush
    yield
    DatabaseOperations.sql_flush = truncate


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """Give SQLite a test database on disk, so a Daphne subprocess can share it; give
    PostgreSQL's pool room for everything this one process plays at once (the sockets'
    threads, the health checks' threads, a thread per in-process ASGI request, the test
    itself), which in production are spread over several server processes."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        db.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.getbasetemp() / "test-hoc.sqlite3")
    elif "pool" in db.get("OPTIONS", {}):
        db["OPTIONS"]["pool"]["max_size"] = max(db["OPTIONS"]["pool"]["max_size"], 30)


@pytest.fixture
def robin(db):
    """A pseudonymous client."""
    return User.objects.create_user(username="robin-client", role=User.Role.CLIENT)


@pytest.fixture
def hana(db):
    """A counsellor."""
    return User.objects.create_user(
        username="hana", password="a long enough password", role=User.Role.COUNSELLOR
    )


@pytest.fixture
def sam(db):
    """A supervisor."""
    return User.objects.create_user(
        username="sam", password="a long enough password", role=User.Role.SUPERVISOR
    )


@pytest.fixture
def otto(db):
    """A counsellor who has no access to other people's conversations."""
    return User.objects.create_user(
        username="otto", password="a long enough password", role=User.Role.COUNSELLOR
    )


def log_in(client, user, verified=True):
    """Log `user` in on a test client the way our log-in views do, TOTP included for staff."""
    import secrets
    import time

    from django_otp import DEVICE_ID_SESSION_KEY

    from accounts import sessions
    from accounts.models import StaffTOTPDevice

    client.force_login(user)
    session = client.session
    session[sessions.STARTED] = session[sessions.SEEN] = time.time()
    if verified and user.is_staff_member:
        device = StaffTOTPDevice.objects.create(
            user=user, name="test", key=secrets.token_hex(20), confirmed=True
        )
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def admin_client(db, client):
    """An admin who passed the password and the second factor."""
    admin = User.objects.create_superuser("admin", password="x" * 20, role=User.Role.ADMIN)
    return log_in(client, admin)
