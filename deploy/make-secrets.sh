#!/bin/sh
# Create the production secrets for docker-compose.yml as files in ./secrets/, each once:
# a file that exists is left alone, so running this again never changes a key.
# Compose mounts them at /run/secrets/<name>; no secret is ever an environment variable or
# on a command line. Keep a copy of hoc_field_keys and hoc_passphrase_pepper somewhere safe
# outside this machine: without them the data is unreadable and every passphrase is lost.
set -eu
dir="${1:-secrets}"
# The directory is the owner's alone (0700); the files in it are world-readable (0644)
# because compose bind-mounts each one as it is, and the web image runs as uid 10001, not
# as the owner of these files. Outside the containers the directory keeps them private.
umask 077
mkdir -p "$dir"
chmod 700 "$dir"
umask 022

create() {
    name=$1
    shift
    if [ -s "$dir/$name" ]; then
        echo "$dir/$name exists; left as it is"
        return
    fi
    "$@" > "$dir/$name"
    echo "$dir/$name created"
}

token() { python3 -c "import secrets; print(secrets.token_urlsafe($1))"; }
field_key() {
    python3 -c "import base64,secrets; print('k1:'+base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip('='))"
}

create postgres_password token 32
create redis_password token 32
create hoc_secret_key token 50
create hoc_field_keys field_key
create hoc_channel_layer_key token 32
create hoc_passphrase_pepper token 32
