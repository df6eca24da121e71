#!/bin/sh
# Start one web replica: static files, migrations, then Daphne (the image's default CMD).
set -eu

# Several replicas start together (docker compose up --scale web=N), and Django does not
# lock migrations on PostgreSQL: two replicas migrating at once can fail half-way or apply
# an operation twice. So every replica takes the same PostgreSQL advisory lock and runs
# collectstatic and migrate while holding it; the others wait and then find nothing to do.
# collectstatic runs here as well as at build time because the "static" volume keeps the
# files of the image that first filled it: this refreshes it after an upgrade.
python - <<'PY'
import os

import django
import psycopg
from django.core.management import call_command

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoc.settings")
django.setup()

LOCK_ID = 0x484F43  # "HOC": any constant, as long as every replica uses the same one.


def prepare():
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("migrate", interactive=False)


url = os.environ.get("DATABASE_URL", "")
if url.startswith(("postgres://", "postgresql://")):
    # A session-level lock on a connection of its own; closing it would release it too.
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (LOCK_ID,))
        try:
            prepare()
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (LOCK_ID,))
else:
    prepare()  # development on SQLite: a single process, nothing to race with
PY

# The container listens on 0.0.0.0:8000; HOC_BIND and HOC_PORT let several replicas share
# one host, as the CI rehearsal runs them (tests/deploy/test_rehearsal.py).
exec python -m hoc.serve --bind "${HOC_BIND:-0.0.0.0}" --port "${HOC_PORT:-8000}"
