#!/bin/sh
# Periodic management commands for HOC chat: the "scheduler" service in docker-compose.yml.
set -eu

# Leave the sleep at once on "docker compose stop" instead of waiting out the timeout.
trap 'exit 0' TERM INT

while :; do
    # Expired sessions hold a client's pseudonymous login; remove them from the database.
    # A failure (say the database is still being migrated on a first start) is reported
    # and tried again next round rather than stopping the loop.
    python manage.py clearsessions || echo "scheduler: clearsessions failed" >&2
    python manage.py purge_signups || echo "scheduler: purge_signups failed" >&2
    python manage.py prune_client_accounts || echo "scheduler: prune_client_accounts failed" >&2
    python manage.py purge_conversations || echo "scheduler: purge_conversations failed" >&2
    python manage.py purge_audit_log || echo "scheduler: purge_audit_log failed" >&2
    python manage.py purge_referrals || echo "scheduler: purge_referrals failed" >&2
    # Later issues add the other retention purges here.
    sleep 900 &
    wait $!
done
