#!/bin/sh
# Start Redis for HOC chat (the "redis" service in docker-compose.yml) with the password
# from its Docker secret: written to a config file only this process reads, never on a
# command line where `ps` would show it. Redis holds only transient data (channel-layer
# messages, cache, log-in counters), so it keeps nothing on disk. Extra arguments go to
# redis-server (the CI rehearsal gives it a port and address of its own).
set -eu
umask 077
conf="${TMPDIR:-/tmp}/hoc-redis.conf"
printf 'requirepass %s\n' "$(cat "${REDIS_PASSWORD_FILE:-/run/secrets/redis_password}")" > "$conf"
exec redis-server "$conf" --save "" --appendonly no "$@"
