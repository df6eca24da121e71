#!/bin/sh
# Periodic management commands for HOC chat: the "scheduler" service in docker-compose.yml.
# `scheduler.sh --once` runs each command once and exits non-zero if any failed (the CI
# rehearsal does this; so can an operator after an upgrade).
set -eu

COMMANDS="clearsessions purge_signups prune_client_accounts purge_conversations end_left_chats
purge_audit_log purge_referrals mark_missed_appointments"

run_all() {
    failed=0
    for command in $COMMANDS; do
        # Expired sessions hold a client's pseudonymous login; the purges apply the
        # retention periods. A failure (say the database is still being migrated on a first
        # start) is reported and tried again next round rather than stopping the loop.
        python manage.py "$command" || { echo "scheduler: $command failed" >&2; failed=1; }
    done
    return "$failed"
}

if [ "${1:-}" = "--once" ]; then
    run_all
    exit $?
fi

# Leave the sleep at once on "docker compose stop" instead of waiting out the timeout.
trap 'exit 0' TERM INT

while :; do
    run_all || true
    sleep 900 &
    wait $!
done
